"""``chartbrief bench``: measure the engines (and llama.cpp, and LoRA/QLoRA training) on this machine.

The measuring code is the ``benchmarks`` package, installed with ChartBrief. Core never imports it: this
command runs it as its own program (the one spawner's command line, so it works in a frozen bundle too)
and returns its exit status. Results go to ChartBrief's data folder unless ``--out`` names one; the
program's own files (README, ``benchmarks/RESULTS.md``) are never written by it.
"""

from __future__ import annotations

import importlib.util
import subprocess

from core.errors import ChartBriefError
from core.workers import spawn


def register(sub) -> None:
    p = sub.add_parser("bench", help="benchmark the engines, llama.cpp and fine-tuning on this machine; "
                                     "writes JSON, plots and RESULTS.md to a folder, and sets auto's choice")
    p.add_argument("--quick", action="store_true",
                   help="a few minutes: sym_int4, openvino int4, reference fp32, llama.cpp; a 200-token "
                        "summary of a ~2,000-token note; no cold loads, no 1B model, no training "
                        "(see --with-1b, --with-training)")
    p.add_argument("--json", metavar="OUT", help="write the run's JSON here (default: in the output folder)")
    p.add_argument("--out", metavar="DIR", help="folder for the JSON, plots and RESULTS.md "
                                               "(default: <data folder>/bench/<machine kind>)")
    p.add_argument("--skip-training", action="store_true", help="measure inference only")
    p.add_argument("--with-1b", action="store_true",
                   help="with --quick: also ChartBrief's default and llama.cpp on the 1B-shape model")
    p.add_argument("--with-training", action="store_true",
                   help="with --quick: also fine-tuning steps, the fp32 Trainer+peft LoRA baseline against "
                        "ChartBrief's default (fp32 and bf16 compute)")
    p.set_defaults(func=run)


def arguments(args) -> list[str]:
    """``python -m benchmarks``'s arguments for this command's options."""
    argv = []
    if args.quick:
        argv.append("--quick")
    for flag, value in (("--json", args.json), ("--out", args.out)):
        if value:
            argv += [flag, value]
    if args.skip_training:
        argv.append("--skip-training")
    if getattr(args, "with_1b", False):
        argv.append("--with-1b")
    if getattr(args, "with_training", False):
        argv.append("--with-training")
    return argv


def run(args) -> int:
    if importlib.util.find_spec("benchmarks.run") is None:
        raise ChartBriefError("The benchmarks package is not available in this installation.",
                              hint="Reinstall ChartBrief (installer/install.sh) — the benchmarks ship with it.")
    return subprocess.run(spawn.command("benchmarks", arguments(args)), check=False).returncode
