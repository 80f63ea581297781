"""Summarize one note: template → chat prompt → token budget → (map/reduce if too long) → stream.

``summarize()`` is a generator of events (``Stage``, ``Token``, then one ``Finished``) so the CLI and
the GUI consume the same thing. It never truncates a note: a note over the budget is split
(``chunking.py``), each part summarized, and the partial summaries combined; the result says how.
Cancel: ``should_stop()`` is polled every generated token; ``Cancelled`` is raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from core.engines.base import Engine, GenerationSettings
from core.errors import Cancelled, ChartBriefError
from core.summarize import chunking, templates
from core.summarize.events import Finished, Stage, SummaryResult, Token

log = logging.getLogger(__name__)

MARGIN_TOKENS = 32
MIN_NOTE_BUDGET = 256


def _budget(engine: Engine, system: str, frame: str, max_new: int, context: int) -> int:
    overhead = engine.count_tokens(engine.chat_prompt(system, frame))
    return context - overhead - max_new - MARGIN_TOKENS


MODES = ("facts", "free")
"""``facts``: the fact-anchored summary (``anchored.py``), the default. ``free``: the whole note (or its
parts) to the model with the style's prompt template — also used whenever the user has their own
template for the style, so a customized template keeps working."""


def mode_for(style: str, mode: str | None) -> str:
    if mode is not None:
        if mode not in MODES:
            raise ChartBriefError(f"Unknown summary mode '{mode}'.", hint=f"Choose one of: {', '.join(MODES)}.")
        return mode
    return "free" if templates.load(style).source == "user" else "facts"


def needs_model(engine: Engine, style: str, mode: str | None) -> bool:
    """Whether a summary in this style and mode asks the model for text: a free-form one always, a
    fact-anchored one only when the model writes the narrative parts. When not, every word comes from the
    note and only the tokenizer has to be loaded (on a first start the model's conversion is skipped)."""
    from core.summarize.anchored import writes_narrative

    return mode_for(style, mode) != "facts" or writes_narrative(engine)


def summarize(note: str, style: str, engine: Engine, *, should_stop: Callable[[], bool] | None = None,
              context_limit: int | None = None, settings: GenerationSettings | None = None,
              mode: str | None = None) -> Iterator[Stage | Token | Finished]:
    if not note or not note.strip():
        raise ChartBriefError("The note is empty.", hint="Paste or open a note with text in it.")
    tpl = templates.load(style)
    if mode_for(style, mode) == "facts":
        from core.summarize import anchored

        yield from anchored.summarize(note, style, engine, should_stop=should_stop, settings=settings)
        return
    stop = should_stop or (lambda: False)
    settings = settings or GenerationSettings(max_new_tokens=tpl.max_new_tokens)
    context = min(engine.context_length, context_limit or engine.context_length)
    t_start = time.perf_counter()

    yield Stage("chunking", "Measuring the note against the model's context…")
    note_tokens = engine.count_tokens(note)
    single_budget = _budget(engine, tpl.system, tpl.render_user(""), settings.max_new_tokens, context)
    trace: dict = {"map_inputs": [], "map_outputs": [], "final_prompt": None}
    if note_tokens <= single_budget:
        plan = {"strategy": "single", "parts": 1, "split_on": "none", "note_tokens": note_tokens,
                "budget_tokens": single_budget, "context_tokens": context}
        final_prompt = engine.chat_prompt(tpl.system, tpl.render_user(note))
    else:
        map_budget = _budget(engine, tpl.system, tpl.render_map("", 99, 99), settings.max_new_tokens, context)
        if map_budget < MIN_NOTE_BUDGET:
            raise ChartBriefError(f"The model's context ({context} tokens) is too small for this template.",
                                  hint="Use a model with a longer context or a shorter template.")
        parts = chunking.chunk(note, engine.count_tokens, map_budget)
        plan = {"strategy": "map_reduce", "parts": len(parts.parts), "split_on": parts.split_on,
                "note_tokens": note_tokens, "budget_tokens": map_budget, "context_tokens": context}
        partials = []
        for i, part in enumerate(parts.parts, 1):
            yield Stage("part", f"Summarizing part {i} of {len(parts.parts)}…", i, len(parts.parts))
            trace["map_inputs"].append(part)
            prompt = engine.chat_prompt(tpl.system, tpl.render_map(part, i, len(parts.parts)))
            partials.append("".join(engine.stream(prompt, settings, stop)).strip())
        trace["map_outputs"] = partials
        final_prompt = yield from _reduce_prompt(engine, tpl, partials, settings, context, stop)
    trace["final_prompt"] = final_prompt

    yield Stage("writing", "Writing the summary…")
    t_gen = time.perf_counter()
    first_token_s = None
    pieces: list[str] = []
    for piece in engine.stream(final_prompt, settings, stop):
        if first_token_s is None:
            first_token_s = time.perf_counter() - t_gen
        pieces.append(piece)
        yield Token(piece)
    if stop():
        raise Cancelled("Summary cancelled.")
    gen_s = time.perf_counter() - t_gen
    summary = "".join(pieces).strip()
    out_tokens = engine.count_tokens(summary) if summary else 0

    from core import grounding

    report = grounding.analyze(summary, note)
    result = SummaryResult(
        summary=summary,
        style=style,
        flags=list(report.flags),
        grounding=report,
        chunking=plan,
        engine={"name": engine.info.name, "variant": engine.info.variant, "model": engine.info.model_id,
                "adapter": engine.info.adapter_id, "threads": engine.info.threads,
                "loaded_from_cache": engine.info.loaded_from_cache},
        timings={"load_s": round(engine.info.load_seconds, 3),
                 "first_token_s": round(first_token_s or gen_s, 3),
                 "tokens_per_s": round(max(0, out_tokens - 1) / max(1e-6, gen_s - (first_token_s or 0)), 2),
                 "output_tokens": out_tokens,
                 "total_s": round(time.perf_counter() - t_start, 3)},
        template_source=tpl.source,
        trace=trace,
    )
    log.info("summary done: style=%s strategy=%s parts=%d tokens=%d", style, plan["strategy"], plan["parts"],
             out_tokens)
    yield Finished(result)


def _reduce_prompt(engine, tpl, partials, settings, context, stop):
    """Combine partial summaries; if they do not fit one prompt, combine them in groups first."""
    frame_budget = _budget(engine, tpl.system, tpl.render_reduce(""), settings.max_new_tokens, context)
    while True:
        labelled = [f"PART {i} OF {len(partials)}:\n{p}" for i, p in enumerate(partials, 1)]
        joined = "\n\n".join(labelled)
        if engine.count_tokens(joined) <= frame_budget or len(partials) == 1:
            yield Stage("combining", f"Combining {len(partials)} partial summaries…")
            return engine.chat_prompt(tpl.system, tpl.render_reduce(joined))
        groups = chunking._pack([p + "\n\n" for p in labelled], engine.count_tokens, frame_budget) or labelled
        yield Stage("combining", f"Combining {len(partials)} partial summaries in {len(groups)} groups…")
        partials = ["".join(engine.stream(engine.chat_prompt(tpl.system, tpl.render_reduce(g)), settings, stop)).strip()
                    for g in groups]


def run(note: str, style: str, engine: Engine, **kwargs) -> SummaryResult:
    """Convenience: consume the events and return the result."""
    for event in summarize(note, style, engine, **kwargs):
        if isinstance(event, Finished):
            return event.result
    raise RuntimeError("summarize() ended without a result")
