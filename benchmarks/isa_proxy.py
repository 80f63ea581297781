"""Fine-tuning steps on this CPU with every library held to a lower ISA's kernels.

``python -m benchmarks.isa_proxy --isa avx2 [--out DIR]`` runs the bench's training rows (the fp32
Trainer+peft LoRA baseline and ChartBrief's default fine-tuning for a CPU of that kind, through the same
``benchmarks.train_worker``) in processes whose libraries may use only that ISA:

- PyTorch's own vectorized kernels: ``ATEN_CPU_CAPABILITY``;
- MKL's GEMMs: ``MKL_ENABLE_INSTRUCTIONS``;
- oneDNN (bf16 matmuls and convolutions): ``ONEDNN_MAX_CPU_ISA``;
- ipex-llm's low-bit kernels (``sym_int4`` dequantization): ``LLAMA_CPP_LIB`` pointed at the build for
  that ISA, which ipex-llm's loader honours (the per-ISA builds export the same symbols).

The default is resolved as the fine-tuning worker resolves it on such a CPU (no native bf16: fp32 compute).
What this cannot change is the silicon: cache sizes, memory bandwidth and clock stay this machine's, so the
result is a proxy for an AVX2-only machine's ratio, not a measurement on one. The JSON says so, and names the
machine it ran on; results go beside the real per-machine ones, never over them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

# What each library is held to, per proxied ISA. Values are the libraries' own spellings.
FORCED: dict[str, dict[str, str]] = {
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"},
}
IPEX_LLM_BUILD = {"avx2": "libllama_avx2.so"}
SCHEMA = "chartbrief-isa-proxy/1"


def forced_env(isa: str) -> dict[str, str]:
    """The environment that holds torch, MKL, oneDNN and ipex-llm to ``isa``'s kernels. ipex-llm is found, not
    imported: importing it patches the process (an engine loaded later in it would not be ChartBrief's)."""
    import importlib.util

    spec = importlib.util.find_spec("ipex_llm")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("ipex-llm is not installed")
    lib = Path(next(iter(spec.submodule_search_locations))) / "libs" / IPEX_LLM_BUILD[isa]
    if not lib.is_file():
        raise FileNotFoundError(f"ipex-llm's {isa} build is missing: {lib}")
    return {**FORCED[isa], "LLAMA_CPP_LIB": str(lib)}


def execute(isa: str, out_dir: Path) -> Path:
    from benchmarks import plan, plots, proc, runners, setup_models
    from core import hardware, runtime

    runtime.setup()
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.0f}s] {msg}", flush=True)

    env = forced_env(isa)
    os.environ.update(env)  # every child (limits, model preparation, training) inherits it
    info = hardware.detect()
    cp = hardware.core_plan(info)
    host = hardware.machine_kind(info)
    work = Path(tempfile.mkdtemp(prefix="chartbrief-isa-proxy-"))
    threads = len(cp.training)
    doc: dict = {"schema": SCHEMA, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "mode": f"{isa}-proxy",
                 "proxy": {"isa": isa, "env": env, "host_kind": host,
                           "caveat": "kernels held to this ISA on the host CPU; cache, bandwidth and clock are "
                                     "the host's, so ratios are a proxy for a machine of that kind"},
                 "machine": {**hardware.report(info, cp), "kind": host,
                             "bf16_native": False},  # what the ratio is for: a CPU without native bf16
                 "threads": {"training": threads, "training_cpus": list(cp.training)}}
    try:
        lim = work / "limits.json"
        proc.run_child(["-m", "benchmarks.limits", str(lim), "--quick", str(threads)], env={},
                       log=work / "limits.log", timeout_s=600)
        doc["limits"] = json.loads(lim.read_text()) if lim.exists() else {"error": "limits not measured"}
        say(f"GEMM under {isa} kernels: {json.dumps(doc['limits'].get('gemm'))}")
        model = setup_models.embedded(plan.quick(threads, threads, threads), work, say)
        baseline = plan.train_baseline()
        default = plan.train_default(bf16_native=False)
        tp = plan.TrainPlan(warmup_steps=1, steps=4, timeout_s=300, variants=(baseline, default))
        doc["training_model"] = "SmolLM2-135M (the embedded model's HF folder)"
        doc["training"] = runners.training(tp, model["hf_folder"], cp.training, doc, model["split"], work, say)
    finally:
        doc["elapsed_s"] = round(time.perf_counter() - t0, 1)
        shutil.rmtree(work, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"finetune-{isa}-proxy-on-{host}-{time.strftime('%Y%m%d-%H%M')}"
    path = out_dir / f"{stem}.json"
    path.write_text(json.dumps(doc, indent=1, default=str))
    import matplotlib

    matplotlib.use("Agg")
    plots.training_plot(doc, out_dir / f"{stem}.png")
    for row in doc.get("training", []):
        say(f"{row['label']}: {row.get('tokens_per_s')} tokens/s, ×{row.get('vs_baseline')} the baseline "
            f"[{row['status']}]")
    say(f"wrote {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.isa_proxy", description=__doc__.split("\n\n")[0])
    ap.add_argument("--isa", choices=sorted(FORCED), default="avx2")
    ap.add_argument("--out", default="benchmarks/results", help="folder for the JSON and PNG")
    args = ap.parse_args(argv)
    execute(args.isa, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
