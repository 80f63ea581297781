"""The window's long tasks as plain functions of a task context (no Qt): they only call ``core``.

Each runs on a :class:`gui.workers.Worker` thread; ``ctx`` has ``should_stop()``, ``status(text)``,
``stage(event)`` and ``token(text)``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

LOADING_MODEL = "Loading the model (the first start converts it once; this can take a few minutes)…"


@dataclass(frozen=True)
class EngineRequest:
    """Which engine to load: engine name, model id, variant (None: the engine's default), adapter choice."""

    engine: str = "auto"
    model_id: str | None = None
    variant: str | None = None
    adapter: str | None = "active"


@dataclass
class ReadOutcome:
    """Documents read from dropped or opened files, and the errors of those that failed."""

    documents: list = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


@dataclass
class SummaryOutcome:
    item_id: int
    result: object
    audit_error: BaseException | None = None


def read_files(ctx, paths: list[Path]) -> ReadOutcome:
    """Read each file with ``core.documents``; a bad file is reported, the others still load."""
    from core import logsafe
    from core.documents import read_document
    from core.errors import ChartBriefError

    out = ReadOutcome()
    for i, path in enumerate(paths, 1):
        if ctx.should_stop():
            break
        ctx.status(f"Reading file {i} of {len(paths)}…")
        try:
            doc = read_document(path)
        except (ChartBriefError, OSError, MemoryError) as exc:
            out.errors.append(exc)
            continue
        logsafe.register_sensitive(doc.text)
        out.documents.append(doc)
    return out


def list_models(ctx) -> list:
    """The embedded and imported models (reading a GGUF header can take seconds)."""
    from core.models import list_models as core_list

    ctx.status("Reading the model list…")
    return core_list()


def import_model(ctx, path: Path):
    """Check and record a GGUF file or Hugging Face folder (audited); returns ``(record, all records)``."""
    from core import audit
    from core.models import import_model as core_import
    from core.models import list_models as core_list

    ctx.status(f"Checking {path.name}…")
    record = core_import(path)
    audit.record("import-model", model_id=record.id)
    return record, core_list()


def load_engine(ctx, request: EngineRequest, old=None, style: str | None = None, mode: str | None = None):
    """Unload ``old`` (if any), then create and load the requested engine; returns it. With ``style`` (and
    ``mode``, None for the style's own): when summaries in that style never ask the model for text (a
    fact-anchored summary by a model that writes no narrative), only the tokenizer is loaded — the model,
    and on a first start its conversion, wait until something asks it for text."""
    from core import adapters, engines
    from core.summarize.pipeline import needs_model

    if old is not None:
        ctx.status("Unloading the previous model…")
        old.unload()
    adapter = adapters.resolve_choice(request.adapter, request.model_id)
    engine = engines.create(request.engine, request.model_id, request.variant, adapter, on_status=ctx.status)
    if style is not None and not needs_model(engine, style, mode):
        ctx.status("Loading the tokenizer (this style's summary takes every word from the note)…")
        engine.load_tokenizer()
        return engine
    ctx.status(LOADING_MODEL)
    engine.load()
    return engine


def summarize_note(ctx, engine, item_id: int, text: str, style: str, settings=None,
                   context_limit: int | None = None, mode: str | None = None) -> SummaryOutcome:
    """Stream one summary: stages and tokens go to ``ctx``; the result is audited (hashes only)."""
    from core import audit, logsafe
    from core.summarize import Finished, Stage, Token, summarize
    from core.summarize.pipeline import needs_model

    logsafe.register_sensitive(text)  # typed or pasted notes too: logs and crash reports never show it
    if getattr(engine, "model", "") is None and needs_model(engine, style, mode):  # a tokenizer-only start
        ctx.status(LOADING_MODEL)
    result = None
    for event in summarize(text, style, engine, should_stop=ctx.should_stop, context_limit=context_limit,
                           settings=settings, mode=mode):
        if isinstance(event, Token):
            ctx.token(event.text)
        elif isinstance(event, Stage):
            ctx.stage(event)
        elif isinstance(event, Finished):
            result = event.result
    logsafe.register_sensitive(result.summary)
    audit_error = None
    try:
        audit.record_summary(text, result)
    except (OSError, ValueError) as exc:
        log.error("the summary could not be written to the audit log (%s)", type(exc).__name__)
        audit_error = exc
    return SummaryOutcome(item_id, result, audit_error)
