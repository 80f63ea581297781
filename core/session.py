"""Glue shared by the CLI and the GUI: which adapter is in force, and what to audit after a summary."""

from __future__ import annotations

import logging
from pathlib import Path

from core import adapters, audit

log = logging.getLogger(__name__)


def resolve_adapter(choice: str | None, model_id: str | None = None) -> tuple[str, Path] | None:
    """``'none'``/None → no adapter; ``'active'`` → the registry's active adapter for this model; else an id."""
    if choice in (None, "none", ""):
        return None
    if choice == "active":
        return adapters.active_for(model_id)
    return adapters.resolve(choice)


def audit_summary(note_text: str, result) -> None:
    audit.record("summarize", note_sha256=audit.sha256_text(note_text), model_id=result.engine.get("model"),
                 adapter_id=result.engine.get("adapter"), engine=result.engine.get("name"),
                 template=f"{result.style}:{result.template_source}")
