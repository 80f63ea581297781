"""The fine-tuning compute dtype ``chartbrief bench`` measured faster on this CPU, cached per CPU.

``compute_dtype="auto"`` follows this measurement when there is one; without it, the rule in
:func:`core.finetune.options.resolve_dtype` (bf16 only with native bf16 dot products) applies.
"""

from __future__ import annotations

import json
import time

from core import atomic, hardware, paths

DTYPES = ("fp32", "bf16")


def _file():
    return paths.cache_dir() / "training_choice.json"


def _key() -> str:
    return hardware.cpu_key()


def compute_dtype() -> str | None:
    """The measured faster dtype on this CPU, or None when the bench has not measured it."""
    try:
        entry = json.loads(_file().read_text()).get(_key()) or {}
    except (OSError, ValueError, AttributeError):
        return None
    dtype = entry.get("compute_dtype")
    return dtype if dtype in DTYPES else None


def store(tokens_per_s: dict[str, float], basis: str) -> str:
    """Record ``{dtype: tokens/s}`` measured on this CPU; returns the faster dtype."""
    rates = {d: v for d, v in tokens_per_s.items() if d in DTYPES and v}
    if not rates:
        raise ValueError("no training rate to store")
    best = max(rates, key=lambda d: rates[d])
    try:
        data = json.loads(_file().read_text())
        data = data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        data = {}
    data[_key()] = {"compute_dtype": best, "tokens_per_s": rates, "basis": basis,
                    "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
    atomic.write_json(_file(), data)
    return best
