"""Generate summaries of held-out notes with the base model and with an adapter, and score them.

Both passes use the same engine, the same template (``brief``) and the same greedy settings, through the
same pipeline the app uses (:func:`core.summarize.run`). The base model's scores are cached per
(model, engine, variant, settings, template, note) in ``cache_dir()/evaluations`` since they do not
change between fine-tuning runs. Only scores and note hashes are kept: generated text never is.

Besides the held-out rows of the training data, rows of the shipped independent evaluation set (notes
written apart from any training data, ``resources/evalsets/summaries/test.jsonl``) can be scored too, as
their own group ``independent`` (never part of ``all``). When the engine is not the reference engine, the
adapter's summaries of the first few held-out notes are also written by the reference engine (fp32, stock
peft) and compared (:func:`agreement`): a fast engine is used only if it reaches the same verdict.
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
INDEPENDENT = "independent"  # the group of the independent evaluation set's notes
AGREEMENT_RECALL = 0.05  # fact recall may differ this much between the fast and the reference engine
Progress = Callable[[str, int, int], None]  # (phase, done, total)


def evaluate(rows: list[Heldout], *, model_id: str | None, adapter: tuple[str, Path] | None,
             engine: str = "auto", variant: str | None = None, max_new_tokens: int = 160,
             on_progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
             use_cache: bool = True, agreement_notes: int = 0) -> dict:
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
    sample: list[Heldout] = []
    agreed: dict | None = None
    if adapter is not None:
        tuned = engines.create(engine, model_id, variant, adapter=adapter)
        loads.append(tuned.load().load_seconds)
        sample = [h for h in rows if h.group != INDEPENDENT][:agreement_notes] if engine != "reference" else []
        texts: dict[str, str] = {}  # the sample's summaries, in memory only, for the agreement check
        try:
            adapter_scores = _score_all(tuned, rows, settings, "adapter", on_progress, should_stop,
                                        keep={h.sha256 for h in sample}, texts=texts)
        finally:
            tuned.unload()
        fresh_seconds += [s.seconds for s in adapter_scores]
        if sample:
            recall = {sc.note_sha256: sc.fact_recall for sc in adapter_scores}
            agreed = agreement(sample, texts, recall, model_id=base_engine.record.id, adapter=adapter, settings=settings,
                               on_progress=on_progress, should_stop=should_stop)
    if fresh_seconds and loads:  # what the next fine-tune's time budget leaves for its evaluation
        from core.finetune import job_budget

        job_budget.record(job_budget.key(base_engine.record.id, asked, max_new_tokens),
                          sum(fresh_seconds) / len(fresh_seconds), sum(loads) / len(loads))
    report = build(base_scores, adapter_scores, model_id=base_engine.record.id,
                   adapter_id=adapter[0] if adapter else None, engine=engine, variant=variant,
                   max_new_tokens=max_new_tokens, style=STYLE)
    if agreed is not None:
        report["agreement"] = agreed
    return report


def agreement(sample: list[Heldout], fast_texts: dict[str, str], fast_recall: dict[str, float | None], *,
              model_id: str, adapter: tuple[str, Path], settings: GenerationSettings,
              on_progress: Progress | None = None, should_stop: Callable[[], bool] | None = None) -> dict:
    """The adapter's summaries of ``sample`` by the reference engine against the fast engine's (``fast_texts`` and
    their already scored ``fast_recall``, by note hash): how many are identical, ROUGE-L between the two, and each
    engine's fact recall on them.
    ``agrees`` when the fact recall differs by at most :data:`AGREEMENT_RECALL` (the verdict's own scale)."""
    import statistics

    from core import engines
    from core.evaluate.metrics import rouge

    ref = engines.create("reference", model_id, None, adapter=adapter)
    load_s = ref.load().load_seconds
    ref_texts: dict[str, str] = {}
    try:
        ref_scores = _score_all(ref, sample, settings, "agreement", on_progress, should_stop,
                                keep={h.sha256 for h in sample}, texts=ref_texts)
    finally:
        ref.unload()
    from core.finetune import job_budget  # the next job's estimate of this check

    job_budget.record(job_budget.key(model_id, "reference", settings.max_new_tokens),
                      sum(s.seconds for s in ref_scores) / len(ref_scores), load_s)
    pairs = [(fast_texts.get(h.sha256, ""), ref_texts.get(h.sha256, "")) for h in sample]

    def mean(values) -> float | None:
        kept = [v for v in values if v is not None]
        return round(statistics.fmean(kept), 4) if kept else None

    fast_mean = mean(fast_recall.get(h.sha256) for h in sample)
    ref_mean = mean(s.fact_recall for s in ref_scores)
    agrees = fast_mean is None or ref_mean is None or abs(fast_mean - ref_mean) <= AGREEMENT_RECALL
    return {"reference_engine": "reference", "notes": len(sample),
            "identical": sum(a.strip() == b.strip() for a, b in pairs),
            "rougeL_between": mean(rouge(a, b)["rougeL"] for a, b in pairs),
            "fact_recall_fast": fast_mean, "fact_recall_reference": ref_mean, "agrees": agrees}


def _score_all(engine, rows: list[Heldout], settings: GenerationSettings, phase: str,
               on_progress: Progress | None, should_stop, offset: int = 0, total: int | None = None,
               keep: set[str] | None = None, texts: dict[str, str] | None = None) -> list[NoteScore]:
    """Summarize and score ``rows``; the summaries of notes whose hash is in ``keep`` go into ``texts``."""
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
        if texts is not None and keep and h.sha256 in keep:
            texts[h.sha256] = result.summary
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


def independent_rows(count: int, path: Path | None = None) -> list[Heldout]:
    """The ``count`` shortest notes of the shipped independent evaluation set (none if it is not installed),
    as rows of the group ``independent``, scored against each note's brief reference summary."""
    from core.data import Pair
    from core.data.profile import note_sha256
    from core.evaluate import evalset

    path = path or paths.RESOURCES / "evalsets" / "summaries" / "test.jsonl"
    if count <= 0 or not path.is_file():
        return []
    items = sorted(evalset.load(path), key=lambda item: (len(item.note), item.id))[:count]
    return [Heldout(pair=Pair(note=item.note, summary=item.reference(STYLE), source=path.name, line=0,
                              meta={"id": item.id}),
                    group=INDEPENDENT, tags=(), sha256=note_sha256(item.note)) for item in items]


def evaluate_pairs(pairs, profile: dict, *, adapter_id: str | None, model_id: str | None = None, limit: int = 24,
                   seed: int = 0, engine: str = "auto", max_new_tokens: int = 160,
                   on_progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
                   independent: int = 0, agreement_notes: int = 0) -> dict:
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
    report = evaluate(chosen + independent_rows(independent), model_id=model_id, adapter=adapter, engine=engine,
                      max_new_tokens=max_new_tokens, on_progress=on_progress, should_stop=should_stop,
                      agreement_notes=agreement_notes)
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
