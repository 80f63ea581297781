"""Grounding check: flag what a summary says that the note does not (no LLM involved).

:func:`check` returns :class:`Flag` spans in the summary for medications, doses, values, dates,
sides (left/right) and negations that the note does not support.
"""

from __future__ import annotations

from core.grounding.check import check
from core.grounding.model import KINDS, Flag

__all__ = ["KINDS", "Flag", "check"]
