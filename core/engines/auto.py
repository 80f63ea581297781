"""``auto``: choose the faster engine on *this* machine by measuring, not guessing.

The probe loads each candidate (converting it once, which later starts reuse), prefills a fixed
~300-token clinical prompt and decodes 24 tokens, and scores the time a typical summary would take
(prefill of a 1,500-token note + 200 generated tokens, extrapolated from the two rates). The winner
is cached in ``cache_dir()/engine_choice.json`` per model file and CPU, so the probe runs once.
``chartbrief bench`` writes the same cache from its fuller measurements.
"""

from __future__ import annotations

import json
import logging
import time

from core import atomic, hardware, paths
from core.models.convert import source_key
from core.models.registry import ModelRecord

log = logging.getLogger(__name__)

PROBE_NOTE = ("HISTORY: 64-year-old with type 2 diabetes, hypertension and CKD stage 3 presents with two days "
              "of exertional chest pressure, no syncope. MEDICATIONS: metformin 1000 mg twice daily, "
              "lisinopril 20 mg daily, atorvastatin 40 mg nightly. EXAM: BP 152/88 mmHg, HR 96 bpm, SpO2 95%. "
              "LABS: troponin 0.04 ng/mL, creatinine 1.6 mg/dL, potassium 5.1 mmol/L. ") * 4


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
        settings = GenerationSettings(max_new_tokens=1)
        list(eng.stream(prompt, settings))  # warm-up
        t0 = time.perf_counter()
        list(eng.stream(prompt, settings))
        prefill_s = time.perf_counter() - t0
        settings = GenerationSettings(max_new_tokens=24)
        t0 = time.perf_counter()
        text = "".join(eng.stream(prompt, settings))
        total = time.perf_counter() - t0
        n_out = max(1, eng.count_tokens(text))
        decode_tps = max(1e-6, (n_out - 1)) / max(1e-6, total - prefill_s)
        prefill_tps = n_prompt / max(1e-6, prefill_s)
        score = 1500 / prefill_tps + 200 / decode_tps
        return {"engine": engine_name, "variant": variant, "prefill_tps": round(prefill_tps, 1),
                "decode_tps": round(decode_tps, 2), "est_summary_s": round(score, 2)}
    finally:
        eng.unload()


def choose(record: ModelRecord, on_status=None, force: bool = False) -> tuple[str, str]:
    cached = None if force else cached_choice(record)
    if cached:
        return cached["engine"], cached["variant"]
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
