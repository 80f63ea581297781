"""OpenVINO engine: int4 (or int8) weight-compressed IR, generated from by ``ov_decode``.

The model is exported by optimum-intel and compressed by NNCF once (in a child process:
``openvino_export.py`` says why) and the IR saved under the model's cache folder; later starts read the
IR. An adapter is merged into the full-precision weights before export. Generation runs the compiled IR
directly (``ov_decode`` says why not optimum's ``generate``).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from core import atomic
from core.engines.base import Engine, GenerationSettings, StopCheck
from core.errors import Cancelled, EngineError
from core.models.convert import hf_folder

log = logging.getLogger(__name__)

VARIANTS = ("int4", "int8")
# On a CPU with native bf16 but no AMX, OpenVINO computes in bf16 by default. Measured on the AVX-512-BF16
# machine (2 vCPUs, 2026-12-03): for the 1B-shape model f32 decodes ×1.5 faster (38 vs 25 tok/s: its
# int8 dynamic-quantization kernels beat the bf16 path on one-token steps) with the same prefill speed at
# 500 tokens and 17% less peak memory (the bf16 path repacks the weights a second time for decoding); for
# the 135M embedded model bf16 stays ahead end to end (prefill ×2.4 faster, attention-heavy at that size).
F32_FROM_PARAMETERS = 500_000_000


def runtime_precision(parameters: int, info=None) -> str | None:
    """The inference precision to ask OpenVINO for (None: its default): f32 for models of
    ``F32_FROM_PARAMETERS`` and more on a CPU with native bf16 and no AMX (see above); AMX CPUs keep bf16."""
    from core import hardware

    info = info or hardware.detect()
    if info.bf16_native and not info.has_amx and parameters >= F32_FROM_PARAMETERS:
        return "f32"
    return None


class OpenVinoEngine(Engine):
    name = "openvino"
    VARIANTS = VARIANTS

    def _ov_config(self) -> dict:
        threads = self.info.threads or int(os.environ.get("OMP_NUM_THREADS", "0") or 0)
        cfg = {"CACHE_DIR": "", "PERFORMANCE_HINT": "LATENCY"}
        if threads:
            cfg["INFERENCE_NUM_THREADS"] = str(threads)
        precision = runtime_precision(self.record.parameters)
        if precision:
            cfg["INFERENCE_PRECISION_HINT"] = precision
            self.info.extra["precision"] = precision
        return cfg

    def _load(self) -> None:
        if self.variant not in VARIANTS:
            raise EngineError(f"openvino runs {', '.join(VARIANTS)}, not '{self.variant}'.")
        try:
            import openvino  # noqa: F401
        except ImportError as exc:
            raise EngineError(f"OpenVINO is not importable ({exc}).",
                              hint="Reinstall with installer/install.sh.") from exc
        from transformers import AutoTokenizer, GenerationConfig

        from core.engines.ov_paged import PagedLM

        cache = self.cache_folder()
        if not (cache / "openvino_model.xml").exists():
            self._export(cache)
        else:
            self.info.loaded_from_cache = True
        self.tokenizer = AutoTokenizer.from_pretrained(cache)
        self.model = PagedLM(cache / "openvino_model.xml", self._ov_config())
        eos = None
        if (cache / "generation_config.json").exists():
            eos = GenerationConfig.from_pretrained(cache).eos_token_id
        eos = self.tokenizer.eos_token_id if eos is None else eos
        self.eos_ids = [eos] if isinstance(eos, int) else list(eos or [])

    def token_ids(self, prompt: str) -> list[int]:
        return list(self.tokenizer(prompt, add_special_tokens=False)["input_ids"])

    def generate_ids(self, prompt_ids: list[int], settings: GenerationSettings,
                     should_stop: StopCheck | None = None, stats=None) -> Iterator[int]:
        from core.engines import ov_decode

        self._ensure_model()
        policy = ov_decode.TokenPolicy(settings, prompt_ids, self.eos_ids)
        return ov_decode.generate(self.model, policy, prompt_ids, should_stop, settings.prompt_lookup, stats)

    def stream(self, prompt: str, settings: GenerationSettings | None = None,
               should_stop: StopCheck | None = None) -> Iterator[str]:
        from core.engines.streaming import TextPieces

        settings = settings or GenerationSettings()
        pieces = TextPieces(self.tokenizer)
        for tok in self.generate_ids(self.token_ids(prompt), settings, should_stop):
            yield from pieces.put(tok)
        yield from pieces.end()
        if should_stop and should_stop():
            raise Cancelled("Summary cancelled.")

    def next_token_logits(self, prompt: str):
        import torch

        self._ensure_model()
        return torch.from_numpy(self.model.last_logits(self.token_ids(prompt)).copy())

    def _export(self, cache: Path) -> None:
        import subprocess

        from core.workers import spawn

        folder = hf_folder(self.record)
        source = folder
        if self.adapter is not None:
            from core.adapters.merge import merged_copy

            source = merged_copy(folder, self.adapter, cache.with_name(cache.name + ".merged"))
        bits = "4" if self.variant == "int4" else "8"
        try:
            with atomic.atomic_dir(cache) as tmp:
                proc = subprocess.run(spawn.command("core.engines.openvino_export", [str(source), str(tmp), bits]),
                                      check=False, capture_output=True, text=True)
                if proc.returncode != 0:
                    log.error("OpenVINO export failed: %s", proc.stderr[-2000:])
                    raise EngineError(f"Converting {self.record.name} to OpenVINO failed (exit {proc.returncode}).",
                                      hint="See the log for details, or use --engine ipex_llm.")
        finally:
            if source is not folder:
                shutil.rmtree(source, ignore_errors=True)
