"""``chartbrief bench``: measure the engines (and llama.cpp, and LoRA/QLoRA training) on this machine.

Thin: the measuring code lives in the top-level ``benchmarks`` package, imported only when the
command runs, so ``chartbrief doctor`` and the other subcommands do not pay for it.
"""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("bench", help="benchmark the engines, llama.cpp and fine-tuning on this machine; "
                                     "writes JSON, plots and benchmarks/RESULTS.md, and sets auto's choice")
    p.add_argument("--quick", action="store_true",
                   help="a few minutes: sym_int4, openvino int4, reference fp32, llama.cpp; ~500-token note, "
                        "32 tokens; no cold loads, no 1B model, no training")
    p.add_argument("--json", metavar="OUT", help="write the run's JSON here (default: in the output folder)")
    p.add_argument("--out", metavar="DIR", help="folder for the JSON, plots and RESULTS.md "
                                               "(default: benchmarks/results; RESULTS.md in benchmarks/)")
    p.add_argument("--skip-training", action="store_true", help="measure inference only")
    p.set_defaults(func=run)


def _import_benchmarks():
    try:
        import benchmarks.run as bench_run
    except ModuleNotFoundError as exc:
        if exc.name not in ("benchmarks", "benchmarks.run"):
            raise
        root = Path(__file__).resolve().parents[2]  # the source checkout holds benchmarks/ beside core/
        if not (root / "benchmarks" / "run.py").is_file():
            from core.errors import ChartBriefError

            raise ChartBriefError("The benchmarks package is not available in this installation.",
                                  hint="Run chartbrief bench from a source checkout.") from exc
        sys.path.insert(0, str(root))
        import benchmarks.run as bench_run
    return bench_run


def run(args) -> int:
    return _import_benchmarks().execute(quick=args.quick, json_out=args.json, out=args.out,
                                        skip_training=args.skip_training)
