"""Grounding check: flag what a summary says that the note does not (no LLM involved).

:func:`check` returns :class:`Flag` spans in the summary for medications, doses, frequencies, values,
dates, sides (left/right), negations and clinical terms that the note does not support, plus one
``sentence`` flag per sentence the note does not back. :func:`analyze` returns the whole
:class:`Report`, with each sentence's support score and its source spans in the note.
"""

from __future__ import annotations

from core.grounding.check import analyze, check
from core.grounding.model import KINDS, Flag, Report, SentenceSupport

__all__ = ["KINDS", "Flag", "Report", "SentenceSupport", "analyze", "check"]
