"""One training process against several (torchrun, DDP over gloo) on the embedded model, same rows per step.

    python -m benchmarks.torchrun_compare [--steps 8] [--rows 40] [--out DIR]

Both runs train QLoRA on the same rows of the shipped synthetic set for the same number of optimizer steps on
the same CPUs: one process with all of them (``grad_accum`` = number of CPUs), against one process per CPU
(``--nproc-per-node`` = number of CPUs, one row each per step). Evaluation is off; each run has its own
fresh ChartBrief home. Writes ``finetune-torchrun-<machine kind>.json`` and a PNG of both loss curves.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks.grounding import machine

RESULTS = Path(__file__).resolve().parent / "results"
DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "synthetic_notes.jsonl"


def _one(data: Path, cpus: tuple[int, ...], steps: int, processes: int, home: Path) -> dict:
    os.environ["CHARTBRIEF_HOME"] = str(home)
    from core.finetune import TrainOptions, prepare, start

    per_step = len(cpus)
    opts = TrainOptions(max_steps=steps, eval_limit=0, cores=cpus, checkpoint_every=steps, seed=0,
                        grad_accum=per_step // processes, nproc_per_node=processes)
    t0 = time.monotonic()
    run = start(data, opts, prepared=prepare(data, opts))
    events = [dict(e) for e in run.events()]
    wall = time.monotonic() - t0
    last = events[-1]
    if last["event"] != "finished":
        raise SystemExit(f"run with {processes} process(es) ended with {last}")
    trained = next(e for e in events if e["event"] == "trained")
    return {"processes": processes, "rows_per_step": per_step, "grad_accum": opts.grad_accum, "steps": trained["steps"],
            "train_seconds": trained["train_seconds"], "wall_seconds": round(wall, 1),
            "tokens_per_s": trained["tokens_per_s"], "final_loss": trained["final_loss"],
            "losses": [e["loss"] for e in events if e["event"] == "step"],
            "threads_per_process": next(e for e in events if e["event"] == "started")["threads"]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.torchrun_compare")
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--rows", type=int, default=40, help="first rows of the shipped synthetic set")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    cpus = tuple(sorted(os.sched_getaffinity(0)))
    with tempfile.TemporaryDirectory(prefix="cb-torchrun-") as tmp:
        data = Path(tmp) / "pairs.jsonl"
        data.write_text("".join(DATASET.read_text(encoding="utf-8").splitlines(keepends=True)[:args.rows]),
                        encoding="utf-8")
        runs = [_one(data, cpus, args.steps, 1, Path(tmp) / "home-1"),
                _one(data, cpus, args.steps, len(cpus), Path(tmp) / f"home-{len(cpus)}")]
    one, many = runs
    result = {"benchmark": "finetune-torchrun", "date": time.strftime("%Y-%m-%d"), "machine": machine(),
              "model": "embedded SmolLM2-135M-Instruct, sym_int4 QLoRA", "cpus": list(cpus), "runs": runs,
              "ratio_tokens_per_s": round(many["tokens_per_s"] / one["tokens_per_s"], 3),
              "final_loss_difference": round(abs(many["final_loss"] - one["final_loss"]), 4)}
    args.out.mkdir(parents=True, exist_ok=True)
    kind = result["machine"]["isa"]
    path = args.out / f"finetune-torchrun-{kind}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    _plot(result, path.with_suffix(".png"))
    print(json.dumps({k: v for k, v in result.items() if k != "runs"} | {
        "runs": [{k: v for k, v in r.items() if k != "losses"} for r in runs]}, indent=2))
    return 0


def _plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for r in result["runs"]:
        label = (f"{r['processes']} process{'es' if r['processes'] > 1 else ''} "
                 f"({r['tokens_per_s']:.0f} tok/s, {r['train_seconds']:.0f} s)")
        ax.plot(range(1, len(r["losses"]) + 1), r["losses"], marker="o", label=label)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("training loss")
    ax.set_title(f"QLoRA, same rows per step: one process vs torchrun ({result['machine']['isa']})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
