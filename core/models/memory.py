"""Estimate the memory a model needs before loading it — on the engine that will run it — and refuse clearly
if it will not fit.

The estimate is weights (bytes per parameter of the variant) + KV cache for the context + a runtime overhead
+ an engine's own extra, calibrated on ``chartbrief bench``'s peak RSS (``benchmarks/results``, SmolLM2-135M,
notes up to ~6,000 tokens; ``tests/core/models/test_memory_estimate.py`` keeps them in step): plain
transformers peaks near the formula (1.07 GiB measured), IPEX-LLM a third of a GiB above it (0.83 GiB), and
OpenVINO at the same 0.84 GiB at ~6,000 tokens (AVX-512-BF16, 2026-12-05, ChartBrief's own decode loop over
the paged-attention kernel; 1.48 GiB on 2026-12-03 over the stateful IR's attention, and 4.14 GiB through
optimum-intel's generate, whose prefill computed full-vocabulary logits for every prompt token). The estimate
errs high rather than low.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import psutil

from core.errors import InsufficientMemory
from core.models.registry import ModelRecord

BYTES_PER_PARAM = {"fp32": 4.0, "bf16": 2.0, "sym_int8": 1.06, "int8": 1.06, "sym_int4": 0.56,
                   "asym_int4": 0.62, "int4": 0.56}
# Converting loads the full-precision weights once (fp32 for small models).
CONVERT_BYTES_PER_PARAM = 4.0
RUNTIME_OVERHEAD = 600 * 2**20  # Python, torch, tokenizer, activations for a few thousand tokens
# Measured peak − formula (the newest full `chartbrief bench`, embedded model, notes up to ~6,000 tokens):
# the reference engine's eager fp32 attention over a 6,000-token prefill peaked at 1.50 GiB on 2026-12-03.
# OpenVINO keeps a little above IPEX-LLM: its export and first compile peak higher than its summaries.
ENGINE_EXTRA = {"openvino": 0.4 * 2**30, "ipex_llm": 0.35 * 2**30, "reference": 0.15 * 2**30}


@dataclass(frozen=True)
class Estimate:
    needed_gib: float
    convert_gib: float
    available_gib: float
    variant: str
    engine: str = "ipex_llm"

    def as_dict(self) -> dict:
        return asdict(self)


def estimate(record: ModelRecord, variant: str = "sym_int4", context_tokens: int = 4096,
             engine: str = "ipex_llm") -> Estimate:
    per = BYTES_PER_PARAM.get(variant, 4.0)
    # KV cache: 2 (k, v) × layers × kv width × tokens × 4 bytes; approximated from size (≈ 1/6000 of params).
    kv = record.parameters / 6000 * context_tokens * 4
    need = record.parameters * per + kv + RUNTIME_OVERHEAD + ENGINE_EXTRA.get(engine, 0)
    conv = record.parameters * CONVERT_BYTES_PER_PARAM + RUNTIME_OVERHEAD
    avail = psutil.virtual_memory().available
    return Estimate(round(need / 2**30, 2), round(conv / 2**30, 2), round(avail / 2**30, 2), variant, engine)


def check_fits(record: ModelRecord, variant: str = "sym_int4", converting: bool = False,
               engine: str = "ipex_llm") -> Estimate:
    est = estimate(record, variant, engine=engine)
    need = est.convert_gib if converting else est.needed_gib
    if need > est.available_gib:
        raise InsufficientMemory(
            f"{record.name} needs about {need:.1f} GiB of memory{' to convert' if converting else ''}, "
            f"but only {est.available_gib:.1f} GiB is available.",
            hint="Close other programs, pick a smaller model, or use a lower-bit variant (sym_int4).")
    return est
