"""``chartbrief bench``: measure the engines (and llama.cpp, and LoRA/QLoRA training) on this machine.

The measuring code is the benchmark suite of a source checkout (``benchmarks/`` beside ``core/``, not
part of the installed package). Core never imports it: this command runs it as its own program,
``python -m benchmarks``, with the checkout on its ``PYTHONPATH``, and returns its exit status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.errors import ChartBriefError

CHECKOUT = Path(__file__).resolve().parents[2]  # a source checkout holds benchmarks/ beside core/


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


def command(args) -> list[str]:
    """``python -m benchmarks`` with this command's options."""
    argv = [sys.executable, "-m", "benchmarks"]
    if args.quick:
        argv.append("--quick")
    for flag, value in (("--json", args.json), ("--out", args.out)):
        if value:
            argv += [flag, value]
    if args.skip_training:
        argv.append("--skip-training")
    return argv


def run(args) -> int:
    if not (CHECKOUT / "benchmarks" / "run.py").is_file():
        raise ChartBriefError("The benchmarks package is not available in this installation.",
                              hint="Run chartbrief bench from a source checkout.")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(CHECKOUT), env.get("PYTHONPATH", "")) if p)
    return subprocess.run(command(args), env=env, check=False).returncode
