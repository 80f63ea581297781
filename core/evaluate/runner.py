"""Generate summaries of held-out notes with the base model and with an adapter, and score them.

Both passes use the same engine, the same template (``brief``) and the same greedy settings, through the
same pipeline the app uses (:func:`core.summarize.run`). The base model's scores are cached per
(model, engine, variant, settings, template, note) in ``cache_dir()/evaluations`` since they do not
change between fine-tuning runs. Only scores and note hashes are kept: generated text never is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from core import atomic, audit, paths
from core.engines.base import GenerationSettings
from core.errors import Cancelled
from core.evaluate.metrics import NoteScore, score
from core.evaluate.report import build
from core.evaluate.select import Heldout

log = logging.getLogger(__name__)

STYLE = "brief"
Progress = Callable[[str, int, int], None]  # (phase, done, total)


def evaluate(rows: list[Heldout], *, model_id: str | None, adapter: tuple[str, Path] | None,
             engine: str = "auto", variant: str | None = None, max_new_tokens: int = 160,
             on_progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
             use_cache: bool = True) -> dict:
    """Score base and (if given) adapter on ``rows``; returns the report (see :mod:`core.evaluate.report`)."""
    from core import engines

    settings = GenerationSettings(max_new_tokens=max_new_tokens)
    asked = engine
    loads: list[float] = []
    fresh_seconds: list[float] = []
    base_engine = engines.create(engine, model_id, variant)
    engine, variant = base_engine.name, base_engine.variant  # "auto" resolved once: both passes use it
    cache = _cache_file(base_engine.record.id, engine, variant, settings) if use_cache else None
    cached = _read_cache(cache)
    todo = [h for h in rows if h.sha256 not in cached]
    if todo:
        loads.append(base_engine.load().load_seconds)
        try:
            fresh = _score_all(base_engine, todo, settings, "base", on_progress, should_stop, offset=len(rows) - len(todo),
                               total=len(rows))
        finally:
            base_engine.unload()
        fresh_seconds += [s.seconds for s in fresh]
        cached.update({s.note_sha256: s.as_dict() for s in fresh})
        if cache is not None:
            atomic.write_json(cache, cached)
    elif on_progress:
        on_progress("base", len(rows), len(rows))
    base_scores = [_regroup(NoteScore.from_dict(cached[h.sha256]), h) for h in rows]
    adapter_scores = None
    if adapter is not None:
        tuned = engines.create(engine, model_id, variant, adapter=adapter)
        loads.append(tuned.load().load_seconds)
        try:
            adapter_scores = _score_all(tuned, rows, settings, "adapter", on_progress, should_stop)
        finally:
            tuned.unload()
        fresh_seconds += [s.seconds for s in adapter_scores]
    if fresh_seconds and loads:  # what the next fine-tune's time budget leaves for its evaluation
        from core.finetune import job_budget

        job_budget.record(job_budget.key(base_engine.record.id, asked, max_new_tokens),
                          sum(fresh_seconds) / len(fresh_seconds), sum(loads) / len(loads))
    return build(base_scores, adapter_scores, model_id=base_engine.record.id,
                 adapter_id=adapter[0] if adapter else None, engine=engine, variant=variant,
                 max_new_tokens=max_new_tokens, style=STYLE)


def _score_all(engine, rows: list[Heldout], settings: GenerationSettings, phase: str,
               on_progress: Progress | None, should_stop, offset: int = 0, total: int | None = None) -> list[NoteScore]:
    from core.summarize import run

    total = total or len(rows)
    out: list[NoteScore] = []
    for i, h in enumerate(rows):
        if should_stop and should_stop():
            raise Cancelled("Evaluation cancelled.")
        t0 = time.perf_counter()
        # Free-form: the before/after evaluation measures what the model itself writes (fact-anchored
        # summaries copy most of their text from the note, so they would hide an adapter's effect).
        result = run(h.pair.note, STYLE, engine, settings=settings, should_stop=should_stop, mode="free")
        out.append(score(result.summary, h.pair.summary, h.pair.note, note_sha256=h.sha256, group=h.group,
                         tags=list(h.tags), output_tokens=result.timings.get("output_tokens", 0),
                         seconds=time.perf_counter() - t0, flags=result.flags))
        if on_progress:
            on_progress(phase, offset + i + 1, total)
    return out


def _regroup(s: NoteScore, h: Heldout) -> NoteScore:
    """A cached score carries the group of the run that made it; use this run's."""
    s.group, s.tags = h.group, list(h.tags)
    return s


def _cache_file(model_id: str, engine: str, variant: str, settings: GenerationSettings) -> Path:
    from core.models import registry
    from core.models.convert import source_key
    from core.summarize import templates

    tpl = templates.load(STYLE)
    key = json.dumps({"model": model_id, "source": source_key(registry.get(model_id).path), "engine": engine,
                      "variant": variant, "settings": vars(settings), "system": tpl.system, "user": tpl.user,
                      "version": 1}, sort_keys=True)
    return paths.cache_dir() / "evaluations" / f"base-{hashlib.sha256(key.encode()).hexdigest()[:20]}.json"


def _read_cache(path: Path | None) -> dict[str, dict]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def evaluate_pairs(pairs, profile: dict, *, adapter_id: str | None, model_id: str | None = None, limit: int = 24,
                   seed: int = 0, engine: str = "auto", max_new_tokens: int = 160,
                   on_progress: Progress | None = None, should_stop: Callable[[], bool] | None = None) -> dict:
    """Pick up to ``limit`` held-out rows of ``pairs`` (see :mod:`core.evaluate.select`) and evaluate.

    ``profile`` describes the training rows (:func:`core.data.train_profile`); with an adapter,
    the adapter's base model is used.
    """
    from core import adapters
    from core.errors import DatasetError
    from core.evaluate.select import classify, pick

    adapter = adapters.resolve(adapter_id) if adapter_id else None
    if adapter_id:
        model_id = adapters.get(adapter_id).base_model_id
    chosen = pick(classify(pairs, profile), limit, seed)
    if not chosen:
        raise DatasetError("No held-out rows to evaluate on: every row was used for training.",
                           hint="Pass --data with notes the adapter was not trained on.")
    report = evaluate(chosen, model_id=model_id, adapter=adapter, engine=engine, max_new_tokens=max_new_tokens,
                      on_progress=on_progress, should_stop=should_stop)
    report["limit"], report["seed"] = limit, seed
    return report


def record(report: dict) -> None:
    """Keep the report with its adapter (metrics in the registry) and in the audit log (ids only)."""
    from core import adapters
    from core.evaluate.report import headline

    adapter_id = report.get("adapter_id")
    if adapter_id:
        adapters.set_metrics(adapter_id, headline(report), report)
    groups = report.get("groups", {})
    audit.record("evaluate", adapter_id=adapter_id, model_id=report.get("model_id"), engine=report.get("engine"),
                 evaluated_count=groups.get("all", {}).get("base", {}).get("notes", 0))
