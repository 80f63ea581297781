"""``chartbrief doctor``: what this machine is and what ChartBrief will do on it."""

from __future__ import annotations

import json
from pathlib import Path

from core import hardware


def register(sub) -> None:
    p = sub.add_parser("doctor", help="report CPU, ISA, memory, kernel choice and core plan")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--cpuinfo", type=Path, help="read this /proc/cpuinfo-style file instead (simulation)")
    p.add_argument("--meminfo", type=Path, help="read this /proc/meminfo-style file instead (simulation)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.cpuinfo:
        meminfo = args.meminfo.read_text() if args.meminfo else Path("/proc/meminfo").read_text()
        info = hardware.build_info(args.cpuinfo.read_text(), meminfo)
    else:
        info = hardware.detect()
    rep = hardware.report(info)
    if args.json:
        print(json.dumps(rep, indent=2))
        return 0
    print(hardware.format_report(rep))
    return 0
