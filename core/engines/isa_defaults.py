"""``auto``'s engine before this machine was measured: what ``chartbrief bench`` measured fastest on CPUs of
the same kind, so a first start begins summarizing at once and the measurement runs afterwards.

Each entry names the committed run it comes from (``benchmarks/results``). A kind nobody has measured
yet takes the choice of every kind measured so far.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IsaDefault:
    engine: str
    variant: str
    source: str  # the bench run (or the reason) behind it


MEASURED = {
    "avx2": IsaDefault("openvino", "int4", "benchmarks/results/bench-20261123-040945.json (AMD EPYC, AVX2)"),
    "avx512-bf16": IsaDefault("openvino", "int4",
                              "benchmarks/results/bench-avx512-bf16-quick-20261203.json (AMD EPYC, AVX-512 BF16)"),
}
UNMEASURED = IsaDefault("openvino", "int4", "not benchmarked on this kind of CPU yet; openvino int4 was fastest "
                                            "on every kind measured")


def for_kind(kind: str) -> IsaDefault:
    return MEASURED.get(kind, UNMEASURED)


def for_this_cpu() -> tuple[str, IsaDefault]:
    from core import hardware

    kind = hardware.machine_kind(hardware.detect())
    return kind, for_kind(kind)
