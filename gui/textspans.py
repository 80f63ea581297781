"""Character spans of Python strings as Qt text positions, and the summary text the view shows.

Qt counts positions in UTF-16 units, Python in code points: :func:`utf16_offsets` maps one to the
other. :func:`display` builds what the summary view shows under a display policy (with ``hide``,
unsupported sentences are cut out) and maps every summary index to its place in that text, so the
grounding report's spans (given in the summary) still land on the right characters.
:func:`extra_selection` paints a span of an editor without touching its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

_BULLET_PREFIX = re.compile(r"[ \t]*(?:[-*•·–]|\d{1,2}[.)])?[ \t]*")
# What QTextDocument.toPlainText() turns into something else (one character each, so spans keep).
_PLAIN = str.maketrans({"\u00a0": " ", "\u2028": "\n", "\u2029": "\n"})


def utf16_offsets(text: str) -> list[int]:
    """Qt position (UTF-16 units) of each character index of ``text``, plus one for its end."""
    out, pos = [0], 0
    for ch in text:
        pos += 2 if ord(ch) > 0xFFFF else 1
        out.append(pos)
    return out


def extra_selection(document: QTextDocument, start: int, end: int, color: QColor) -> QTextEdit.ExtraSelection:
    """A background for Qt positions ``start``..``end`` of ``document``, for ``setExtraSelections``."""
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    fmt = QTextCharFormat()
    fmt.setBackground(color)
    sel = QTextEdit.ExtraSelection()
    sel.cursor, sel.format = cursor, fmt
    return sel


def as_plain(text: str) -> str:
    """``text`` as a Qt plain-text editor gives it back (no-break spaces become spaces)."""
    return text.translate(_PLAIN)


@dataclass(frozen=True)
class Display:
    """The text the summary view shows, and where each summary index went in it."""

    text: str
    index: tuple[int, ...]
    """``index[i]``: position in :attr:`text` of summary index ``i`` (``len(summary) + 1`` entries)."""
    cuts: tuple[tuple[int, int], ...]
    """Summary spans left out (whole unsupported sentences, with the space or line they stood on)."""

    def hidden(self, start: int, end: int) -> bool:
        """Whether the summary span lies inside something left out."""
        return any(a <= start and end <= b for a, b in self.cuts)


def display(summary: str, hide: list[tuple[int, int]]) -> Display:
    """``summary`` without the spans in ``hide``; a span alone on its line takes the line with it."""
    cuts = sorted(_widen(summary, a, b) for a, b in hide)
    merged: list[tuple[int, int]] = []
    for a, b in cuts:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    parts, index, pos, out_len = [], [], 0, 0
    for a, b in [*merged, (len(summary) + 1, len(summary) + 1)]:
        keep = summary[pos:min(a, len(summary))]
        parts.append(keep)
        index.extend(range(out_len, out_len + len(keep)))
        out_len += len(keep)
        index.extend([out_len] * (min(b, len(summary) + 1) - min(a, len(summary) + 1)))
        pos = b
    index.append(out_len)
    return Display("".join(parts), tuple(index[: len(summary) + 1]), tuple(merged))


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """The span to cut for the sentence ``text[start:end]``: its line if it is alone there, else it and
    the spaces after it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if _BULLET_PREFIX.fullmatch(text, line_start, start) and not text[end:line_end].strip():
        if line_end < len(text):
            return line_start, line_end + 1
        return max(0, line_start - 1), line_end
    while end < len(text) and text[end] in " \t":
        end += 1
    return start, end
