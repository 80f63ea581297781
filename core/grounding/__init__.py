"""Grounding check: flag what a summary says that the note does not (no LLM involved).

:func:`check` returns :class:`Flag` spans in the summary for medications, doses, frequencies, values,
dates, sides (left/right), negations and clinical terms that the note does not support, plus one
``sentence`` flag per sentence the note does not back. :func:`analyze` returns the whole
:class:`Report`, with each sentence's support score and its source spans in the note.
"""

from __future__ import annotations

from core.grounding.check import analyze, check
from core.grounding.findings import KINDS, Flag, Report, SentenceSupport

__all__ = ["KINDS", "Flag", "Report", "SentenceSupport", "analyze", "check", "preload"]


def preload() -> None:
    """Load the dictionaries the check needs (drug names, ICD-10-CM words, word frequencies, parts of
    speech: about 5 s the first time in a process), so that the first summary is not kept waiting.
    Safe to call from a background thread; later calls return at once."""
    analyze("Lasix 40 mg BID for CHF; denies chest pain.", "Furosemide 40 mg twice daily for heart failure.")
