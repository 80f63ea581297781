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
    print(format_report(rep))
    return 0


def format_report(rep: dict) -> str:
    yes = {True: "yes", False: "no"}
    isa = rep["isa"]
    plan = rep["core_plan"]
    lines = [
        f"CPU            {rep['cpu_model']} ({rep['vendor']})",
        f"Sockets        {rep['sockets']}",
        (f"Cores          {rep['physical_cores']} physical, {rep['logical_cpus']} logical "
         f"({rep['smt_per_core']} thread(s) per core, from /sys topology)"),
        f"Allowed CPUs   {rep['allowed_cpus']}"
        + ("  (virtual machine: the hypervisor's topology; vCPUs may share a physical core)"
           if rep.get("virtualized") else ""),
        (f"AMX            {yes[rep['amx']]} (tile {yes[isa['amx_tile']]}, bf16 {yes[isa['amx_bf16']]}, "
         f"int8 {yes[isa['amx_int8']]})"),
        f"AVX-512        {yes[isa['avx512f']]} (BF16 {yes[isa['avx512_bf16']]}, VNNI {yes[isa['avx512_vnni']]})",
        f"AVX-VNNI       {yes[isa['avx_vnni']]}",
        f"AVX2           {yes[isa['avx2']]}",
        f"Native bf16    {yes[rep['bf16_native']]}",
        f"Memory         {rep['mem_total_gib']} GiB total, {rep['mem_available_gib']} GiB available",
        f"IPEX-LLM       {rep['ipex_llm_kernel']} kernels",
        (f"Core plan      summarizer/window: {hardware.format_cpu_list(plan['inference'])}; "
         f"training: {hardware.format_cpu_list(plan['training'])} ({plan['reason']})"),
    ]
    return "\n".join(lines)
