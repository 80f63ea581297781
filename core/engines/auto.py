"""``auto``: choose the faster engine on *this* machine by measuring, not guessing.

A first start does not wait for the measurement: it runs on the engine ``chartbrief bench`` measured
fastest on CPUs of the same kind (``isa_defaults``), and when the command ends ``measure_later`` starts the
probe as a detached, lowest-priority process (``auto_probe``); later starts use what it measured.

The probe loads each candidate (converting it once, which later starts reuse) and runs it as a summary
runs, with ChartBrief's own generation settings: a fixed ~1,500-token clinical prompt, prefilled, then 64
tokens decoded with end-of-text held off. It scores the time a typical summary takes (that prefill + 200
tokens at the measured decode rate). The winner is cached in ``cache_dir()/engine_choice.json`` per model
file and CPU. ``chartbrief bench`` writes the same cache from its fuller measurements.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time

from core import atomic, hardware, paths
from core.models.convert import source_key
from core.models.registry import ModelRecord

log = logging.getLogger(__name__)

PROBE_NOTE = ("HISTORY: 64-year-old with type 2 diabetes, hypertension and CKD stage 3 presents with two days "
              "of exertional chest pressure, no syncope. MEDICATIONS: metformin 1000 mg twice daily, "
              "lisinopril 20 mg daily, atorvastatin 40 mg nightly. EXAM: BP 152/88 mmHg, HR 96 bpm, SpO2 95%. "
              "LABS: troponin 0.04 ng/mL, creatinine 1.6 mg/dL, potassium 5.1 mmol/L. ") * 18  # ~1,500 tokens
PROBE_DECODE = 64
NO_BACKGROUND = "CHARTBRIEF_NO_BACKGROUND_MEASURE"  # tests set it: no detached probe outlives a test

_pending: set[str] = set()  # models run on the per-CPU-kind default in this process


def _choice_file():
    return paths.cache_dir() / "engine_choice.json"


def choice_key(record: ModelRecord) -> str:
    return f"{source_key(record.path)}@{hardware.cpu_key()}"


def cached_choice(record: ModelRecord) -> dict | None:
    try:
        return json.loads(_choice_file().read_text()).get(choice_key(record))
    except (OSError, ValueError):
        return None


def store_choice(record: ModelRecord, entry: dict) -> None:
    path = _choice_file()
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[choice_key(record)] = entry
    atomic.write_json(path, data)


def measured_threads(record: ModelRecord) -> int | None:
    """The thread count ``chartbrief bench`` measured fastest for the cached choice (None: not measured)."""
    entry = cached_choice(record) or {}
    threads = entry.get("threads")
    return threads if isinstance(threads, int) and threads > 0 else None


def will_run(record: ModelRecord, engine: str, variant: str) -> tuple[str, str]:
    """The engine and variant that will run for a picker choice (for the memory estimate, before loading):
    ``auto`` is the measured choice cached for this model on this CPU, or — not measured yet — OpenVINO int4,
    the costlier of the two candidates in memory."""
    if engine != "auto":
        return engine, variant
    cached = cached_choice(record) or {}
    return cached.get("engine", "openvino"), cached.get("variant", "int4")


def candidates() -> list[tuple[str, str]]:
    from core.engines import default_variant

    return [("ipex_llm", default_variant("ipex_llm")), ("openvino", "int4")]


def probe(engine_name: str, variant: str, record: ModelRecord) -> dict:
    from core.engines import engine_class
    from core.engines.base import GenerationSettings

    eng = engine_class(engine_name)(record, variant=variant)
    eng.load()
    try:
        prompt = eng.chat_prompt("Summarize the clinical note.", PROBE_NOTE)
        n_prompt = eng.count_tokens(prompt)
        one = GenerationSettings(max_new_tokens=1)
        list(eng.stream(prompt, one))  # warm-up
        t0 = time.perf_counter()
        list(eng.stream(prompt, one))
        prefill_s = time.perf_counter() - t0
        settings = GenerationSettings(max_new_tokens=PROBE_DECODE, min_new_tokens=PROBE_DECODE)
        t0 = time.perf_counter()
        list(eng.stream(prompt, settings))
        total = time.perf_counter() - t0
        decode_tps = (PROBE_DECODE - 1) / max(1e-6, total - prefill_s)
        prefill_tps = n_prompt / max(1e-6, prefill_s)
        score = 1500 / prefill_tps + 200 / decode_tps
        return {"engine": engine_name, "variant": variant, "prefill_tps": round(prefill_tps, 1),
                "decode_tps": round(decode_tps, 2), "est_summary_s": round(score, 2)}
    finally:
        eng.unload()


def choose(record: ModelRecord, on_status=None, force: bool = False, measure: bool = False) -> tuple[str, str]:
    """The cached measured choice; else, unless ``measure`` or ``force``, the per-CPU-kind default at once
    (and the model is measured when this process ends, ``measure_later``); else probe every candidate now."""
    cached = None if force else cached_choice(record)
    if cached:
        return cached["engine"], cached["variant"]
    if not (measure or force):
        from core.engines import isa_defaults

        kind, default = isa_defaults.for_this_cpu()
        _pending.add(record.id)
        log.info("auto: %s not measured on this CPU yet; %s/%s from %s", record.id, default.engine,
                 default.variant, default.source)
        if on_status:
            on_status(f"Using {default.engine} ({default.variant}), the fastest measured on {kind} CPUs; this "
                      "machine is measured in the background afterwards.")
        return default.engine, default.variant
    results = []
    todo = candidates()
    for step, (name, variant) in enumerate(todo, 1):
        if on_status:
            on_status(f"Measuring {name} ({variant}) on this CPU, engine {step} of {len(todo)} — first start only, "
                      f"about a minute each; later starts use the result…")
        try:
            results.append(probe(name, variant, record))
        except Exception as exc:  # noqa: BLE001 - an engine that fails its probe is simply not chosen
            log.warning("auto: %s/%s failed its probe: %s", name, variant, exc)
    if not results:
        from core.errors import EngineError

        raise EngineError("No engine could run this model on this machine.",
                          hint="Run `chartbrief summarize --engine reference` or check `chartbrief doctor`.")
    best = min(results, key=lambda r: r["est_summary_s"])
    store_choice(record, {"engine": best["engine"], "variant": best["variant"], "source": "probe",
                          "measured": results, "time": time.strftime("%Y-%m-%dT%H:%M:%S")})
    log.info("auto chose %s/%s: %s", best["engine"], best["variant"], results)
    if on_status:
        others = "; ".join(f"{r['engine']} ≈ {r['est_summary_s']:.0f} s" for r in results if r is not best)
        on_status(f"Using {best['engine']} ({best['variant']}), measured fastest here: a typical summary ≈ "
                  f"{best['est_summary_s']:.0f} s" + (f" ({others})." if others else "."))
    return best["engine"], best["variant"]


@contextlib.contextmanager
def probe_lock():
    """Held by the one background probe of this ChartBrief home; yields False when another holds it."""
    import fcntl

    path = paths.cache_dir() / "auto-probe.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def measure_later() -> list[int]:
    """Start the background probe for each model this process ran on the per-CPU-kind default (detached,
    lowest priority, on the inference CPUs); the pids. Called when a command or the window is done."""
    if os.environ.get(NO_BACKGROUND) or not _pending:
        return []
    from core.workers import spawn

    cpus = hardware.core_plan(hardware.detect()).inference
    log_file = paths.log_dir() / "auto-probe.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pids = [spawn.detach("core.engines.auto_probe", [model_id], cpus, log_file) for model_id in sorted(_pending)]
    _pending.clear()
    log.info("auto: measuring this CPU in the background (pid %s)", pids)
    return pids
