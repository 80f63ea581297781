"""What the grounding check returns (:class:`Flag`) and what its finders return (:class:`Mention`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

KINDS = ("medication", "dose", "number", "date", "laterality", "negation")


@dataclass(frozen=True)
class Flag:
    """A span of the summary that the note does not support."""

    start: int
    end: int
    """Character span in the summary: ``summary[start:end] == text``."""
    kind: str
    """One of :data:`KINDS`."""
    text: str
    reason: str
    """A sentence for the user, e.g. ``dose 80 mg does not appear in the note``."""


class Mention(NamedTuple):
    """One item a finder saw in a text: its span, its text, and a normalized key to compare by."""

    start: int
    end: int
    text: str
    key: Any


def squash(text: str) -> str:
    """``text`` on one line with single spaces, for use in reasons."""
    return " ".join(text.split())


class Taken:
    """Which characters of a text are already claimed by a finding (linear-time overlap checks)."""

    def __init__(self, length: int):
        self._marks = bytearray(length)

    def overlaps(self, start: int, end: int) -> bool:
        return self._marks.find(1, start, end) != -1

    def add(self, start: int, end: int) -> None:
        self._marks[start:end] = b"\x01" * (end - start)

    def covers(self, start: int, end: int) -> bool:
        return end > start and self._marks.find(0, start, end) == -1
