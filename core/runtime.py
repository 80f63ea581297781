"""Process-wide set-up, done once at start-up before torch/transformers/openvino are imported.

- Offline: HF hub, transformers and datasets never reach the network; nothing downloads at run time;
  and the egress guard (``netguard``) refuses any connection that would leave the machine.
- Telemetry off: HF, OpenVINO (its consent file is set to "declined"), Gradio/analytics-style flags.
- Threads: the app uses all allowed CPUs; a training worker only its planned cores (see ``setup``).

Call :func:`setup` from every entry point (CLI, GUI, fine-tune worker, benchmarks). It is idempotent.
"""

from __future__ import annotations

import logging
import os

from core import hardware

log = logging.getLogger(__name__)

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "BIGDL_IMPORT_IPEX": "0",  # ipex-llm must not try to import intel-extension-for-pytorch
    "BIGDL_CHECK_DUPLICATE_IMPORT": "0",
}

_done: dict[str, object] = {}

# Libraries whose messages are for developers (tokenizer "legacy behaviour", the v4.46 logits notice,
# GGUF de-quantizing progress bars, torch UserWarnings): they go to ChartBrief's log file, never to a
# clinician's console. See quiet_libraries().
LIBRARY_LOGGERS = ("transformers", "optimum", "nncf", "peft", "accelerate", "ipex_llm", "bigdl", "torch",
                   "py.warnings", "urllib3", "huggingface_hub", "openvino")


def quiet_libraries() -> None:
    """Route the libraries' own console output into logging (and so into the log file): Python
    warnings through ``logging.captureWarnings``; transformers' and optimum's private stderr handlers
    replaced by propagation to the root logger; their progress bars off. Call it just before a library
    is first used (engines and model conversion do); it is cheap and idempotent."""
    import sys

    logging.captureWarnings(True)
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"  # transformers' GGUF progress bar follows this
    for name in ("transformers", "optimum"):
        module = sys.modules.get(f"{name}.utils.logging")
        if module is None:
            try:
                module = __import__(f"{name}.utils.logging", fromlist=["x"])
            except ImportError:
                continue
        for func in ("disable_default_handler", "enable_propagation", "disable_progress_bar"):
            if hasattr(module, func):
                getattr(module, func)()


def is_library_record(record: logging.LogRecord) -> bool:
    """Whether a log record comes from a third-party library (see :data:`LIBRARY_LOGGERS`)."""
    return record.name.split(".", 1)[0] in LIBRARY_LOGGERS or not record.name.startswith(("core", "gui", "benchmarks"))


def setup(*, role: str = "app", cpus: tuple[int, ...] | None = None) -> hardware.CorePlan:
    """Configure this process. ``role`` is ``app`` (window/CLI/summarizer) or ``training``.

    ``cpus`` overrides the plan's set for this role. Returns the core plan in force.
    """
    if "plan" in _done and cpus is None:
        return _done["plan"]  # type: ignore[return-value]
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
    os.environ.setdefault("TQDM_DISABLE", "1")  # library progress bars (GGUF de-quantizing) are console noise
    from core import netguard

    netguard.install()
    info = hardware.detect()
    plan = hardware.core_plan(info, training=cpus if role == "training" else None)
    # The app (window, CLI, summarizer) uses every allowed CPU: a summary is interactive and most of
    # the time no training runs. A training worker is confined to the plan's training cores, so while
    # one runs the summarizer shares those cores with it but never the other way round.
    mine = plan.training if role == "training" else info.allowed
    if cpus is not None and role != "training":
        mine = cpus
    threads = str(len(mine))
    _done["user_threads"] = "OMP_NUM_THREADS" in os.environ
    os.environ.setdefault("OMP_NUM_THREADS", threads)
    os.environ.setdefault("MKL_NUM_THREADS", threads)
    _decline_openvino_telemetry()
    _done["plan"] = plan
    _done["threads"] = int(os.environ["OMP_NUM_THREADS"])
    return plan


def apply_torch_threads(measured: int | None = None) -> int:
    """Set torch's intra-op threads (call after importing torch): ``measured`` (the thread count a benchmark
    found fastest here) unless the user set OMP_NUM_THREADS, else the planned count."""
    import torch

    planned = int(str(_done.get("threads") or os.environ.get("OMP_NUM_THREADS") or os.cpu_count() or 1))
    n = measured if measured and not _done.get("user_threads") and measured <= (os.cpu_count() or 1) else planned
    torch.set_num_threads(n)
    return n


def _decline_openvino_telemetry() -> None:
    """OpenVINO tools (optimum-intel, nncf) send usage telemetry unless the consent file says no."""
    try:
        from openvino_telemetry.utils.opt_in_checker import ConsentCheckResult, OptInChecker
    except ImportError:
        return
    try:
        checker = OptInChecker()
        exists = os.path.exists(checker.consent_file())
        ok, content = checker.get_info_from_consent_file() if exists else (False, "")
        if not ok or content != "0":
            checker.update_result(ConsentCheckResult.DECLINED)
    except Exception:  # a read-only home must not stop the app; the offline test still guards egress
        log.debug("could not write OpenVINO telemetry consent file", exc_info=True)
