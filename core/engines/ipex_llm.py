"""IPEX-LLM engine: low-bit (int4/int8) or bf16 Llama on the CPU with ipex-llm's native kernels.

ipex-llm picks its kernel build (AMX, AVX-512, AVX-VNNI, AVX2) from the CPU at import; the
variant ``bf16`` uses bf16 weights, which on an AMX CPU run through oneDNN's AMX tiles.

The quantized model is saved once with ``save_low_bit`` under the model's cache folder and later
starts use ``load_low_bit``, skipping the fp32 load and the quantization. A LoRA adapter is merged
into the full-precision weights before quantizing (cached per adapter), so generation runs on the
same fast kernels with no per-token adapter cost.
"""

from __future__ import annotations

import logging
from pathlib import Path

from core import atomic
from core.engines.base import Engine
from core.errors import EngineError
from core.models.convert import hf_folder

log = logging.getLogger(__name__)

VARIANTS = ("sym_int4", "asym_int4", "sym_int8", "bf16")


class IpexLlmEngine(Engine):
    name = "ipex_llm"
    VARIANTS = VARIANTS

    def _load(self) -> None:
        if self.variant not in VARIANTS:
            raise EngineError(f"ipex_llm runs {', '.join(VARIANTS)}, not '{self.variant}'.",
                              hint="NF4 does not run on CPU in ipex-llm; use sym_int4 or asym_int4.")
        try:
            AutoModelForCausalLM = import_ipex_llm()
        except ImportError as exc:
            raise EngineError(f"ipex-llm is not importable ({exc}).", hint="Reinstall with installer/install.sh.") from exc
        from transformers import AutoTokenizer

        cache = self.cache_folder()
        if (cache / "config.json").exists():
            self.tokenizer = AutoTokenizer.from_pretrained(cache)
            model = AutoModelForCausalLM.load_low_bit(str(cache), optimize_model=True,
                                                      modules_to_not_convert=["lm_head"])
            self.info.loaded_from_cache = True
        else:
            model = self._quantize_and_cache(AutoModelForCausalLM, AutoTokenizer, cache)
        self.model = model.eval()
        restore_stock_generate()

    def _quantize_and_cache(self, auto_cls, tok_cls, cache: Path):
        import torch

        folder = hf_folder(self.record)
        self.tokenizer = tok_cls.from_pretrained(folder)
        source = folder
        if self.adapter is not None:
            from core.adapters.merge import merged_copy

            source = merged_copy(folder, self.adapter, cache.with_name(cache.name + ".merged"))
        # lm_head stays full precision: quantizing SmolLM2's tied 49k-vocab head to int4 turns its
        # greedy output into unrelated text (measured: see tests/core/engines/test_ipex_llm.py).
        model = auto_cls.from_pretrained(str(source), load_in_low_bit=self.variant, optimize_model=True,
                                         modules_to_not_convert=["lm_head"],
                                         torch_dtype=torch.bfloat16 if self.variant == "bf16" else torch.float32,
                                         trust_remote_code=False)
        with atomic.atomic_dir(cache) as tmp:
            model.save_low_bit(str(tmp))
            self.tokenizer.save_pretrained(tmp)
        if source is not folder:
            import shutil

            shutil.rmtree(source, ignore_errors=True)
        return model


def import_ipex_llm():
    """Import ipex-llm's AutoModelForCausalLM (see :func:`restore_stock_generate`)."""
    from ipex_llm.transformers import AutoModelForCausalLM

    return AutoModelForCausalLM


def restore_stock_generate() -> None:
    """Undo ipex-llm's global ``generate`` patch.

    ipex-llm replaces ``transformers.GenerationMixin.generate`` (on import and again while loading
    a model) with a wrapper for its lookahead/speculative decoding, which ChartBrief does not use. The
    wrapper takes fewer positional arguments, so optimum-intel's ``generate`` then fails in the same
    process ("takes from 1 to 9 positional arguments but 11 were given"). The stock method is the
    one ipex-llm's wrapper delegates to, so its own models generate exactly as before.
    """
    from transformers.generation.utils import GenerationMixin

    if GenerationMixin.generate is not _STOCK_GENERATE:
        GenerationMixin.generate = _STOCK_GENERATE


def _stock_generate():
    from transformers.generation.utils import GenerationMixin

    if GenerationMixin.generate.__module__ != "transformers.generation.utils":
        raise RuntimeError("transformers' generate was patched before ChartBrief could record it")
    return GenerationMixin.generate


_STOCK_GENERATE = _stock_generate()  # recorded before ipex-llm is imported in this process
