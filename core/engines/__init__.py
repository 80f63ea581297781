"""Engines: ``ipex_llm`` (low-bit native kernels), ``openvino`` (int4 IR), ``reference`` (plain fp32),
and ``auto``, which picks between the first two by a short measured probe cached per model and CPU."""

from __future__ import annotations

from pathlib import Path

from core import hardware
from core.engines.base import Engine, EngineInfo, GenerationSettings
from core.errors import EngineError
from core.models import registry

ENGINE_NAMES = ("auto", "ipex_llm", "openvino", "reference")


def engine_class(name: str) -> type[Engine]:
    if name == "ipex_llm":
        from core.engines.ipex_llm import IpexLlmEngine

        return IpexLlmEngine
    if name == "openvino":
        from core.engines.openvino import OpenVinoEngine

        return OpenVinoEngine
    if name == "reference":
        from core.engines.reference import ReferenceEngine

        return ReferenceEngine
    raise EngineError(f"Unknown engine '{name}'.", hint=f"Choose one of: {', '.join(ENGINE_NAMES)}.")


def default_variant(engine: str, info: hardware.CpuInfo | None = None) -> str:
    """The variant used when none is asked for and nothing was measured yet.

    On an AMX CPU ipex-llm runs bf16 (AMX tiles do bf16 matmuls natively); elsewhere sym_int4.
    """
    info = info or hardware.detect()
    if engine == "ipex_llm":
        return "bf16" if info.has_amx else "sym_int4"
    if engine == "openvino":
        return "int4"
    return "fp32"


def create(engine: str = "auto", model_id: str | None = None, variant: str | None = None,
           adapter: tuple[str, Path] | None = None, on_status=None) -> Engine:
    """Build (not load) an engine. ``adapter`` is ``(adapter_id, folder)`` or None."""
    from core import runtime

    runtime.quiet_libraries()
    record = registry.get(model_id)
    threads = None
    if engine == "auto":
        from core.engines.auto import choose, measured_threads

        engine, measured_variant = choose(record, on_status=on_status)
        if variant in (None, measured_variant):
            threads = measured_threads(record)  # measured for this engine and variant only
        variant = variant or measured_variant
    cls = engine_class(engine)
    variant = variant or default_variant(engine)
    if variant not in cls.VARIANTS:
        raise EngineError(f"{engine} does not run '{variant}'.", hint=f"Choose one of: {', '.join(cls.VARIANTS)}.")
    adapter_id, adapter_dir = adapter if adapter else (None, None)
    return cls(record, variant=variant, adapter=adapter_dir, adapter_id=adapter_id, threads=threads)


def load(engine: str = "auto", model_id: str | None = None, variant: str | None = None,
         adapter: tuple[str, Path] | None = None, on_status=None) -> Engine:
    eng = create(engine, model_id, variant, adapter, on_status)
    eng.load()
    return eng


__all__ = ["ENGINE_NAMES", "Engine", "EngineInfo", "GenerationSettings", "create", "default_variant",
           "engine_class", "load"]
