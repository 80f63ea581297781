"""OpenVINO engine through optimum-intel: int4 (or int8) weight-compressed IR.

The model is exported and compressed by NNCF once (in a child process: ``openvino_export.py`` says
why) and the IR saved under the model's cache folder; later starts read the IR. An adapter is merged into the full-precision weights before export.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from core import atomic
from core.engines.base import Engine
from core.errors import EngineError
from core.models.convert import hf_folder

log = logging.getLogger(__name__)

VARIANTS = ("int4", "int8")


class _KnownHarmlessWarning(logging.Filter):
    """optimum-intel 1.20.1, in Hugging Face offline mode (which ChartBrief always sets), reads a local IR
    folder as a Hub model id: ``model_id.replace("/", "--")`` on a ``Path`` raises "Path.replace() takes 2
    positional arguments but 3 were given", and it warns "Could not infer whether the model was already
    converted…". The load itself is right (``export=False`` is kept). optimum prints through its own
    handler, so the record is dropped there and logged again at debug by ChartBrief: it reaches the log
    with ``-v``, never a clinician's console."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "Could not infer whether the model was already converted" in str(record.msg):
            log.debug("optimum-intel (harmless in offline mode): %s", " ".join(record.getMessage().split()))
            return False
        return True


_HARMLESS = _KnownHarmlessWarning()


class OpenVinoEngine(Engine):
    name = "openvino"
    VARIANTS = VARIANTS

    def _ov_config(self) -> dict:
        threads = self.info.threads or int(os.environ.get("OMP_NUM_THREADS", "0") or 0)
        cfg = {"CACHE_DIR": "", "PERFORMANCE_HINT": "LATENCY"}
        if threads:
            cfg["INFERENCE_NUM_THREADS"] = str(threads)
        return cfg

    def _load(self) -> None:
        if self.variant not in VARIANTS:
            raise EngineError(f"openvino runs {', '.join(VARIANTS)}, not '{self.variant}'.")
        try:
            from optimum.intel import OVModelForCausalLM
        except ImportError as exc:
            raise EngineError(f"optimum-intel is not importable ({exc}).",
                              hint="Reinstall with installer/install.sh.") from exc
        from transformers import AutoTokenizer

        cache = self.cache_folder()
        if not (cache / "openvino_model.xml").exists():
            self._export(cache)
        else:
            self.info.loaded_from_cache = True
        self.tokenizer = AutoTokenizer.from_pretrained(cache)
        logging.getLogger("optimum.intel.openvino.modeling_base").addFilter(_HARMLESS)  # once: same object
        self.model = OVModelForCausalLM.from_pretrained(cache, export=False, compile=True,
                                                        ov_config=self._ov_config())

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
