"""``chartbrief bench``: measure every engine configuration and training variant on this machine, write
one JSON file per run, PNG plots and ``RESULTS.md``, and point ``auto`` at the fastest engine."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from benchmarks import derive, plan, proc, report, runners, setup_models

PACKAGE_DIR = Path(__file__).resolve().parent
REPO = PACKAGE_DIR.parent
VERSIONED = ("chartbrief", "torch", "transformers", "peft", "accelerate", "ipex-llm", "openvino", "optimum-intel",
             "optimum", "nncf", "llama-cpp-python", "gguf", "numpy", "matplotlib")


def default_out(quick: bool, kind: str) -> Path:
    """Where a run writes when no ``--out`` is given: ChartBrief's data folder, one folder per machine kind
    (a developer publishes a run with ``--out benchmarks/results`` and ``python -m benchmarks.report … --readme``)."""
    from core import paths

    return paths.data_dir() / "bench" / (f"quick-{kind}" if quick else kind)


def versions() -> dict:
    out = {"python": platform.python_version(), "kernel": platform.release()}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _display(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def execute(quick: bool = False, json_out: str | None = None, out: str | None = None,
            skip_training: bool = False, store: bool = True, with_1b: bool = False,
            with_training: bool = False) -> int:
    from core import hardware, runtime
    from core.engines import auto

    runtime.setup()
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.0f}s] {msg}", flush=True)

    info = hardware.detect()
    cp = hardware.core_plan(info)
    threads = int(os.environ.get("OMP_NUM_THREADS") or len(cp.inference))
    all_threads = len(info.allowed) or info.logical_cpus
    if quick:
        p = plan.quick(threads, all_threads, len(cp.training), skip_training, one_b=with_1b,
                       training=with_training)
    else:
        p = plan.full(threads, all_threads, len(cp.training), skip_training)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kind = hardware.machine_kind(info)
    if out:
        out_dir = Path(out)
    elif quick and json_out:
        out_dir = Path(json_out).with_suffix("").with_name(Path(json_out).stem + "-report")
    else:  # a user folder: a user command never writes into the program's own files
        out_dir = default_out(quick, kind)
    json_path = Path(json_out) if json_out else out_dir / f"bench-{kind}-{stamp}.json"
    results_md = out_dir / "RESULTS.md"
    work = Path(tempfile.mkdtemp(prefix="chartbrief-bench-"))
    doc: dict = {"schema": report.SCHEMA, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "mode": p.mode,
                 "machine": {**hardware.report(info, cp), "kind": kind}, "versions": versions(), "load_average_start": _loadavg(),
                 "threads": {"inference": threads, "training": len(cp.training), "all": all_threads,
                             "training_cpus": list(cp.training)},
                 "plan": p.as_dict(), "models": {}, "model_errors": {}, "inference": [], "training": [],
                 "notes": _notes(p)}
    say(f"chartbrief bench ({p.mode}): {len(p.configs)} inference configurations, "
        f"{len(p.training.variants) if p.training else 0} training variants; inference threads {threads}; "
        f"scratch {work}")
    try:
        say("measuring memory bandwidth and matmul throughput…")
        lim_out = work / "limits.json"
        quick_flag = ["--quick"] if quick else []
        res = proc.run_child(["-m", "benchmarks.limits", str(lim_out), *quick_flag, *map(str, p.limits_threads)], env={},
                             log=work / "limits.log", timeout_s=900)
        doc["limits"] = json.loads(lim_out.read_text()) if lim_out.exists() else {"error": res.log_tail[-300:]}
        say(f"limits: {json.dumps(doc['limits'].get('bandwidth'))} {json.dumps(doc['limits'].get('gemm'))}")
        models = {plan.EMBEDDED: setup_models.embedded(p, work, say)}
        if plan.ONE_B in p.models:
            try:
                models[plan.ONE_B] = setup_models.one_b(models[plan.EMBEDDED], work, say)
            except Exception as exc:  # noqa: BLE001 (the 1B rows are then skipped with this reason)
                doc["model_errors"][plan.ONE_B] = f"{type(exc).__name__}: {exc}"
                say(f"1B-shape model unavailable: {exc}")
        doc["models"] = {k: setup_models.model_summary(k, m) for k, m in models.items()}
        rows = runners.inference(p, models, doc, work, say)
        _derive(rows, doc, threads)
        doc["inference"] = rows
        if p.training:
            doc["training_plan"] = {"warmup_steps": p.training.warmup_steps,
                                    "steps": p.training.steps}
            doc["training_model"] = "SmolLM2-135M (the embedded model's HF folder)"
            doc["training"] = runners.training(p.training, models[plan.EMBEDDED]["hf_folder"], cp.training, doc,
                                               models[plan.EMBEDDED]["split"], work, say)
        else:
            doc["training_note"] = ("Not run: --quick measures inference only unless --with-training." if quick
                                    else "Not run (--skip-training).")
        doc["choice"] = _store_choice(doc, rows, p, store and not quick, auto)
    finally:
        doc["load_average_end"] = _loadavg()
        doc["elapsed_s"] = round(time.perf_counter() - t0, 1)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(doc, indent=1, default=str))
        say(f"wrote {json_path}")
    problems = report.validate(doc)
    if problems:
        say("JSON schema problems: " + "; ".join(problems))
    written = report.write(doc, results_md, out_dir, _display(json_path))
    for path in written:
        say(f"wrote {path}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _derive(rows: list[dict], doc: dict, threads: int) -> None:
    from core.engines.auto import candidates

    cands = candidates()
    doc["auto_candidates"] = [list(c) for c in cands]
    doc["default_rule"] = (f"`auto`'s own rule (core/engines/auto.py): among {cands} at {threads} thread(s), the "
                           f"lowest {derive.AUTO_PREFILL_TOKENS}/prefill + {derive.AUTO_NEW_TOKENS}/decode "
                           "seconds, on this run's summary rates (the probe's where no summary fit)")
    doc["inference"] = rows
    derive.refresh(doc, cands)


def _store_choice(doc: dict, rows: list[dict], p: plan.Plan, store: bool, auto) -> dict:
    from core.models import registry

    best = derive.best_choice(rows, plan.EMBEDDED)
    if best is None:
        return {"note": "No ChartBrief engine completed the summary run; auto's cache left unchanged."}
    mp = p.per_model[plan.EMBEDDED]
    entry = derive.choice_entry(best, rows, doc["date"], mp.e2e_target, mp.new_tokens)
    if not store:
        return {"note": f"Not written (--quick measures a ~{mp.e2e_target}-token note; run the full bench). "
                        f"Fastest here: {best['label']}.", "would_be": entry}
    record = registry.embedded()
    auto.store_choice(record, entry)
    return {"entry": entry, "file": str(auto._choice_file()), "key": auto.choice_key(record)}


def _notes(p: plan.Plan) -> list[str]:
    return [
        ("Every configuration runs in its own process; peak RSS is that process's kernel high-water mark "
         "since exec (VmHWM, reported by the process itself), psutil polling as a backup. Cold load = a fresh "
         "process with an empty ChartBrief cache (CHARTBRIEF_HOME in a temp folder): GGUF → Hugging Face "
         "folder → the engine's own format. The disk page cache is not dropped. llama.cpp has nothing to "
         "convert: its cold load is its first load."),
        ("Prefill tok/s = prompt tokens ÷ time to first token. Decode tok/s = (tokens − 1) ÷ time from first "
        "to last token of the summary run. Greedy decoding with ChartBrief's repetition settings; llama.cpp "
        "uses greedy with repeat penalty 1.05 (its own penalty window)."),
        ("Steps predicted (from the measured rates) not to fit a configuration's time budget are skipped and "
        "listed with the prediction; bf16 on a CPU without AVX-512-BF16/AMX runs an emulated path."),
        ("Decode share = measured tok/s ÷ (triad bandwidth ÷ weight bytes per token); KV-cache reads are not "
        "counted. Prefill share = tok/s ÷ (measured torch GEMM GFLOP/s ÷ 2·weights), fp32 GEMM for all but "
        "the bf16 rows. Limits are measured in the same run at the same thread count, under the same load."),
        ("The CPU is shared with other work; timings are wall-clock and ratios come from one run, configurations "
        "measured one after another. The CPU-share columns show how much CPU each run actually got."),
        f"Plan: {p.mode}; training {'skipped' if p.training is None else 'included'}.",
    ]


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--out")
    ap.add_argument("--skip-training", action="store_true")
    ap.add_argument("--with-1b", action="store_true")
    ap.add_argument("--with-training", action="store_true")
    a = ap.parse_args(argv)
    return execute(a.quick, a.json, a.out, a.skip_training, with_1b=a.with_1b, with_training=a.with_training)


if __name__ == "__main__":
    sys.exit(main())
