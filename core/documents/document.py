"""The :class:`Document` every reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.documents import limits
from core.documents import text as _text


@dataclass(frozen=True)
class Document:
    """A note's text and where it came from. ``repr`` leaves the text out so logs never show it."""

    text: str = field(repr=False)
    source: str
    """File name only (no folders), or a label such as ``pasted text``."""
    format: str
    """``txt``, ``md``, ``docx``, ``pdf`` or ``rtf``."""
    warnings: tuple[str, ...] = ()
    """Things the user should know (guessed encoding, skipped pages); never note text."""

    @classmethod
    def from_text(cls, text: str, source: str = "pasted text") -> Document:
        """A document from text that was pasted or dropped; cleaned and checked like a file."""
        return finish(text, source, "txt", [])


def finish(raw: str, name: str, fmt: str, warnings: list[str]) -> Document:
    """Clean extracted text, check it against the limits, and wrap it up."""
    if len(raw) > 2 * limits.MAX_TEXT_CHARS:  # don't spend time cleaning what will be refused
        limits.raise_too_long(name, len(raw))
    cleaned, removed = _text.clean(raw)
    limits.check_text(cleaned, name)
    if removed:
        warnings = [*warnings, f"{removed:,} control character(s) were removed."]
    return Document(text=cleaned, source=name, format=fmt, warnings=tuple(warnings))
