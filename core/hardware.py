"""What this CPU is and how ChartBrief splits its cores.

Everything here is a pure function over text read from ``/proc/cpuinfo``, ``/proc/meminfo`` and the
``/sys/devices/system/cpu`` topology, so any machine can be simulated from fixture files
(``tests/core/fixtures/hardware/``). :func:`detect` reads the live files.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

# ISA flags that change which kernels run, in /proc/cpuinfo spelling.
ISA_FLAGS = (
    "amx_tile",
    "amx_bf16",
    "amx_int8",
    "avx512f",
    "avx512_bf16",
    "avx512_vnni",
    "avx_vnni",
    "avx2",
    "fma",
    "f16c",
)


@dataclass(frozen=True)
class LogicalCpu:
    cpu: int
    package: int
    core: int


@dataclass(frozen=True)
class CorePlan:
    """Which logical CPUs a training job gets and which the summarizer (and window) keep.

    On a machine with one physical core the two sets share it; ``shared`` says so.
    """

    inference: tuple[int, ...]
    training: tuple[int, ...]
    shared: bool
    reason: str

    def as_dict(self) -> dict:
        return {"inference": list(self.inference), "training": list(self.training),
                "shared": self.shared, "reason": self.reason}


@dataclass(frozen=True)
class CpuInfo:
    model_name: str
    vendor: str
    cpus: tuple[LogicalCpu, ...]
    flags: frozenset[str]
    mem_total_bytes: int
    mem_available_bytes: int
    allowed: tuple[int, ...] = field(default=())

    @property
    def logical_cpus(self) -> int:
        return len(self.cpus)

    @property
    def sockets(self) -> int:
        return len({c.package for c in self.cpus})

    @property
    def physical_cores(self) -> int:
        return len({(c.package, c.core) for c in self.cpus})

    @property
    def smt_per_core(self) -> int:
        return max(1, self.logical_cpus // max(1, self.physical_cores))

    def has(self, flag: str) -> bool:
        return flag in self.flags

    @property
    def has_amx(self) -> bool:
        return {"amx_tile", "amx_bf16"} <= self.flags

    @property
    def has_avx512_bf16(self) -> bool:
        return {"avx512f", "avx512_bf16"} <= self.flags

    @property
    def bf16_native(self) -> bool:
        """True when the CPU computes bf16 dot products in hardware (AMX or AVX-512-BF16)."""
        return self.has_amx or self.has_avx512_bf16

    def siblings(self) -> list[tuple[int, ...]]:
        """Logical CPUs grouped by physical core, in core order."""
        groups: dict[tuple[int, int], list[int]] = {}
        for c in self.cpus:
            groups.setdefault((c.package, c.core), []).append(c.cpu)
        return [tuple(sorted(v)) for _, v in sorted(groups.items())]


def parse_cpuinfo(text: str) -> tuple[str, str, frozenset[str], dict[int, tuple[int, int]]]:
    """Return (model name, vendor, flags of the first CPU, {cpu: (physical id, core id)})."""
    model = vendor = ""
    flags: frozenset[str] = frozenset()
    topo: dict[int, tuple[int, int]] = {}
    for block in re.split(r"\n\s*\n", text.strip()):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        if "processor" not in fields:
            continue
        cpu = int(fields["processor"])
        model = model or fields.get("model name", "")
        vendor = vendor or fields.get("vendor_id", "")
        if not flags and "flags" in fields:
            flags = frozenset(fields["flags"].split())
        if "physical id" in fields and "core id" in fields:
            topo[cpu] = (int(fields["physical id"]), int(fields["core id"]))
    return model, vendor, flags, topo


def parse_meminfo(text: str) -> tuple[int, int]:
    """Return (MemTotal, MemAvailable) in bytes."""
    values: dict[str, int] = {}
    for line in text.splitlines():
        m = re.match(r"(\w+):\s+(\d+)\s*kB", line)
        if m:
            values[m.group(1)] = int(m.group(2)) * 1024
    total = values.get("MemTotal", 0)
    return total, values.get("MemAvailable", values.get("MemFree", total))


def parse_cpu_list(text: str) -> tuple[int, ...]:
    """Parse a kernel CPU list such as ``0-3,8,10-11``."""
    out: list[int] = []
    for part in text.strip().split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return tuple(out)


def format_cpu_list(cpus: tuple[int, ...] | list[int]) -> str:
    """Inverse of :func:`parse_cpu_list`: ``(0, 1, 2, 5)`` → ``0-2,5``."""
    cpus = sorted(set(cpus))
    runs: list[str] = []
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        runs.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(runs)


def read_sys_topology(sys_cpu: Path) -> dict[int, tuple[int, int]]:
    """{cpu: (package id, core id)} from ``/sys/devices/system/cpu/cpuN/topology``."""
    topo: dict[int, tuple[int, int]] = {}
    for d in sys_cpu.glob("cpu[0-9]*"):
        t = d / "topology"
        try:
            pkg = int((t / "physical_package_id").read_text())
            core = int((t / "core_id").read_text())
        except (OSError, ValueError):
            continue
        topo[int(d.name[3:])] = (pkg, core)
    return topo


def build_info(cpuinfo: str, meminfo: str, sys_topology: dict[int, tuple[int, int]] | None = None,
               allowed: tuple[int, ...] | None = None) -> CpuInfo:
    """Combine parsed sources. Sysfs topology wins over /proc/cpuinfo's (it is what the kernel uses)."""
    model, vendor, flags, topo = parse_cpuinfo(cpuinfo)
    if sys_topology:
        topo = {**topo, **sys_topology}
    cpu_ids = sorted(topo) or list(range(max(1, cpuinfo.count("processor"))))
    cpus = tuple(LogicalCpu(c, *topo.get(c, (0, c))) for c in cpu_ids)
    total, avail = parse_meminfo(meminfo)
    return CpuInfo(model, vendor, cpus, flags, total, avail, tuple(allowed or cpu_ids))


# py-cpuinfo's CPUID names (Windows, macOS) for the flags /proc/cpuinfo spells with an underscore.
_CPUID_FLAG_NAMES = {"avx512vnni": "avx512_vnni", "avx512bf16": "avx512_bf16", "avxvnni": "avx_vnni",
                     "amxtile": "amx_tile", "amxbf16": "amx_bf16", "amxint8": "amx_int8"}


def portable_sources() -> tuple[str, str]:
    """``/proc/cpuinfo``- and ``/proc/meminfo``-style text for a system without ``/proc`` (Windows,
    macOS): model, vendor and ISA flags from py-cpuinfo (CPUID), logical CPUs and memory from psutil.
    Each logical CPU counts as its own core (no topology there)."""
    import cpuinfo
    import psutil

    info = cpuinfo.get_cpu_info()
    flags = sorted({_CPUID_FLAG_NAMES.get(f, f) for f in info.get("flags", [])})
    n = psutil.cpu_count(logical=True) or os.cpu_count() or 1
    cpu_text = "\n\n".join(f"processor\t: {i}\nvendor_id\t: {info.get('vendor_id_raw', '')}\n"
                            f"model name\t: {info.get('brand_raw', '')}\nflags\t\t: {' '.join(flags)}"
                            for i in range(n))
    mem = psutil.virtual_memory()
    return cpu_text, f"MemTotal: {mem.total // 1024} kB\nMemAvailable: {mem.available // 1024} kB\n"


def detect(proc: Path = Path("/proc"), sys_cpu: Path = Path("/sys/devices/system/cpu")) -> CpuInfo:
    """Read this machine (:func:`portable_sources` where there is no ``/proc``)."""
    try:
        allowed = tuple(sorted(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        allowed = None
    if not (proc / "cpuinfo").exists():
        return build_info(*portable_sources(), read_sys_topology(sys_cpu), allowed)
    return build_info((proc / "cpuinfo").read_text(), (proc / "meminfo").read_text(),
                      read_sys_topology(sys_cpu), allowed)


def ipex_kernel_variant(info: CpuInfo) -> str:
    """Which of IPEX-LLM's bundled native builds applies (its ``ipex_llm/libs`` ship one per ISA level).

    Mirrors the choice ipex-llm makes at import: AMX first, then AVX-512 (with VNNI), then
    AVX-VNNI, AVX2, and plain AVX.
    """
    if info.has_amx:
        return "amx"
    if info.has("avx512f") and info.has("avx512_vnni"):
        return "avx512"
    if info.has("avx_vnni"):
        return "avxvnni"
    if info.has("avx2"):
        return "avx2"
    return "avx"


def machine_kind(info: CpuInfo) -> str:
    """A file-name tag for the kind of CPU results were measured on (``amx``, ``avx512-bf16``, ``avx512``,
    ``avx2``, ``baseline``): results from one kind are kept beside, never over, another kind's."""
    return kind_from_flags(amx=info.has_amx, avx512_bf16=info.has("avx512_bf16"), avx512f=info.has("avx512f"),
                           avx2=info.has("avx2"))


def kind_from_flags(*, amx: bool, avx512_bf16: bool, avx512f: bool, avx2: bool) -> str:
    """``machine_kind`` from the ISA flags alone (also what a saved bench run recorded)."""
    if amx:
        return "amx"
    if avx512_bf16:
        return "avx512-bf16"
    if avx512f:
        return "avx512"
    return "avx2" if avx2 else "baseline"


def core_plan(info: CpuInfo, training: tuple[int, ...] | None = None) -> CorePlan:
    """Split the allowed CPUs between inference (UI + summarizer) and a training job.

    Whole physical cores go to training (hyperthread siblings of a core share its FPUs, so splitting
    a core between jobs buys little); one physical core stays with inference. With a single physical
    core there is nothing to split: both share it, and training gets every sibling.
    """
    allowed = set(info.allowed) or {c.cpu for c in info.cpus}
    cores = [tuple(c for c in sib if c in allowed) for sib in info.siblings()]
    cores = [c for c in cores if c]
    everything = tuple(sorted(allowed))
    if training is not None:
        bad = sorted(set(training) - allowed)
        if bad:
            raise ValueError(f"CPUs {format_cpu_list(bad)} are not available to this process "
                             f"(allowed: {format_cpu_list(everything)})")
        rest = tuple(c for c in everything if c not in training) or everything
        return CorePlan(rest, tuple(sorted(training)), not set(rest).isdisjoint(training),
                        "chosen by the user")
    if len(cores) <= 1:
        return CorePlan(everything, everything, True,
                        "one physical core: training and summarizing share it")
    keep = cores[0]
    train = tuple(sorted(c for core in cores[1:] for c in core))
    return CorePlan(keep, train, False,
                    f"{len(cores) - 1} physical core(s) for training, 1 kept for the window and summarizer")


def cpu_key(info: CpuInfo | None = None) -> str:
    """A short key for "this CPU as this process sees it" (model, ISA flags, allowed CPU count), under
    which measured choices (engine, training dtype) are cached."""
    info = info or detect()
    sig = f"{info.model_name}|{sorted(info.flags & set(ISA_FLAGS))}|{len(info.allowed)}"
    return hashlib.sha256(sig.encode()).hexdigest()[:12]


def report(info: CpuInfo, plan: CorePlan | None = None) -> dict:
    """A JSON-friendly summary for ``chartbrief doctor`` and benchmark files."""
    plan = plan or core_plan(info)
    return {
        "cpu_model": info.model_name,
        "vendor": info.vendor,
        "sockets": info.sockets,
        "physical_cores": info.physical_cores,
        "logical_cpus": info.logical_cpus,
        "smt_per_core": info.smt_per_core,
        "allowed_cpus": format_cpu_list(info.allowed),
        "isa": {f: info.has(f) for f in ISA_FLAGS},
        "amx": info.has_amx,
        "virtualized": info.has("hypervisor"),
        "bf16_native": info.bf16_native,
        "mem_total_gib": round(info.mem_total_bytes / 2**30, 1),
        "mem_available_gib": round(info.mem_available_bytes / 2**30, 1),
        "ipex_llm_kernel": ipex_kernel_variant(info),
        "core_plan": plan.as_dict(),
        "topology": [asdict(c) for c in info.cpus],
    }


def format_report(rep: dict) -> str:
    """:func:`report` as the aligned text ``chartbrief doctor`` prints and the hardware panel shows."""
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
        (f"Core plan      summarizer/window: {format_cpu_list(plan['inference'])}; "
         f"training: {format_cpu_list(plan['training'])} ({plan['reason']})"),
    ]
    return "\n".join(lines)
