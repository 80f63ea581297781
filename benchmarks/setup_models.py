"""Prepare the models a run needs: the embedded SmolLM2 (its HF folder, GGUF, prompts) and the random
Llama-3.2-1B-shape model (built once into the cache) with its GGUF for llama.cpp.

The heavy steps run in child processes; this module only reads headers and config files.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from benchmarks import model1b, plan, proc, roofline

BUILD_TIMEOUT_S = 2400


def llama_cpp_available() -> tuple[bool, str]:
    if importlib.util.find_spec("llama_cpp") is None:
        return False, ("llama-cpp-python is not installed (it is the `bench` extra: "
                       "pip install llama-cpp-python, which compiles llama.cpp)")
    return True, ""


def gguf_tensor_bytes(path: Path) -> list[tuple[str, int]]:
    from gguf import GGUFReader

    return [(t.name, int(t.n_bytes)) for t in GGUFReader(str(path)).tensors]


def _child_json(args: list[str], out: Path, work: Path, name: str, timeout: float) -> tuple[dict | None, str]:
    res = proc.run_child(args, env={}, log=work / f"{name}.log", timeout_s=timeout)
    if res.returncode != 0 or not out.exists():
        why = "timed out" if res.timed_out else f"exited {res.returncode}"
        return None, f"{name} {why}: {res.log_tail.strip().splitlines()[-1] if res.log_tail.strip() else ''}"
    return json.loads(out.read_text()), ""


def embedded(p: plan.Plan, work: Path, say) -> dict:
    from core.models import registry

    rec = registry.embedded()
    say("preparing the embedded model (Hugging Face folder in ChartBrief's cache, prompts)…")
    targets = sorted({t for mp in p.per_model.values() for t in (*mp.prefill_targets, mp.e2e_target)})
    out = work / "prep.json"
    info, err = _child_json(["-m", "benchmarks.prep", str(out), *map(str, targets)], out, work, "prep", 900)
    if info is None:
        raise RuntimeError(f"the embedded model or the prompts could not be prepared: {err}")
    folder, prompts = Path(info["folder"]), info["prompts"]
    cfg = json.loads((folder / "config.json").read_text())
    split = roofline.llama_split(cfg)
    gguf = Path(rec.path)
    return {"record": rec.as_dict(), "hf_folder": str(folder), "config": cfg, "split": split, "prompts": prompts,
            "gguf": str(gguf), "gguf_bytes": roofline.gguf_bytes_per_token(gguf_tensor_bytes(gguf)),
            "label": "SmolLM2-135M-Instruct, the embedded GGUF (Q4_1), trained weights",
            "weights": "Trained weights.", "gguf_note": f"the embedded {gguf.name} itself."}


def one_b(embedded_info: dict, work: Path, say) -> dict:
    from core import paths
    from core.models import inspect as inspect_model
    from core.models.registry import ModelRecord

    root = paths.cache_dir() / "bench"
    folder = root / model1b.NAME
    if not model1b.is_built(folder):
        say(f"building the random {model1b.LABEL} model once into {folder} (~2.5 GB, a few minutes)…")
        res = proc.run_child(["-m", "benchmarks.model1b", str(folder), embedded_info["hf_folder"]], env={},
                             log=work / "model1b.log", timeout_s=BUILD_TIMEOUT_S)
        if res.returncode != 0 or not model1b.is_built(folder):
            raise RuntimeError(f"building the 1B-shape model failed: {res.log_tail[-300:]}")
    facts = inspect_model.inspect(folder)
    rec = ModelRecord(f"bench:{model1b.NAME}", model1b.LABEL, "hf", str(folder), facts.architecture,
                      facts.parameters, 8192)
    cfg = json.loads((folder / "config.json").read_text())
    info = {"record": rec.as_dict(), "hf_folder": str(folder), "config": cfg, "split": roofline.llama_split(cfg),
            "prompts": embedded_info["prompts"], "label": model1b.LABEL, "gguf": None, "gguf_bytes": None,
            "weights": "Random weights: speed does not depend on weight values, only on shapes and formats; "
                       "its text output is meaningless and no quality is measured on it. Tokenizer: SmolLM2's."}
    ok, why = llama_cpp_available()
    gguf = root / f"{model1b.NAME}.Q4_1.gguf"
    if not ok:
        info["gguf_note"] = f"not made: {why}."
        return info
    if not gguf.exists():
        say("writing its GGUF (Q4_1 + Q8_0 embedding, the embedded model's layout) with the gguf package…")
        run = proc.run_child(["-m", "benchmarks.gguf_export", str(folder), embedded_info["gguf"], str(gguf)],
                             env={}, log=work / "gguf-export.log", timeout_s=BUILD_TIMEOUT_S)
        if run.returncode != 0 or not gguf.exists():
            info["gguf_note"] = f"not made: the gguf export failed ({run.log_tail.strip()[-200:]})."
            return info
    info["gguf"] = str(gguf)
    info["gguf_bytes"] = roofline.gguf_bytes_per_token(gguf_tensor_bytes(gguf))
    info["gguf_note"] = (f"{gguf.name}, written by benchmarks/gguf_export.py with the gguf package (llama.cpp's "
                         "converter is not installed) in the embedded file's layout: Q4_1 linears, Q8_0 tied "
                         "embedding, F32 norms. Check: re-exporting the embedded model this way reproduces all "
                         "272 of its tensors byte for byte.")
    return info


def model_summary(key: str, m: dict) -> dict:
    split: roofline.ParamSplit = m["split"]
    return {"label": m["label"], "weights": m["weights"], "gguf": m.get("gguf"), "gguf_note": m.get("gguf_note"),
            "hf_folder": m["hf_folder"], "params": split.as_dict(), "matmul_params": split.matmul,
            "gguf_bytes_per_token": m.get("gguf_bytes"),
            "config": {k: m["config"].get(k) for k in ("hidden_size", "num_hidden_layers", "num_attention_heads",
                                                       "num_key_value_heads", "intermediate_size", "vocab_size",
                                                       "tie_word_embeddings")}}
