"""Split a note that does not fit the token budget into parts, at the most natural boundary.

Order of preference: section headings, then paragraphs, then sentences, then (last resort) token
windows. Parts are packed greedily up to the budget. No text is dropped: joining the parts gives the
note back (modulo the whitespace at the cut points), which the tests check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# A heading line: "HISTORY OF PRESENT ILLNESS:", "Assessment and Plan:", "## Plan", "MEDICATIONS".
_HEADING = re.compile(
    r"^(?:#{1,6}\s+\S.*|[A-Z][A-Z0-9 /&()'\-]{2,60}:?|[A-Z][A-Za-z0-9 /&()'\-]{2,60}:)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Chunking:
    parts: list[str]
    split_on: str  # "none", "sections", "paragraphs", "sentences", "tokens"


def split_sections(text: str) -> list[str]:
    starts = [m.start() for m in _HEADING.finditer(text)]
    if not starts:
        return [text]
    if starts[0] != 0:
        starts.insert(0, 0)
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)]) if text[a:b].strip()]


def _cut_after(text: str, boundary: re.Pattern) -> list[str]:
    """Slice ``text`` after each boundary match; the slices concatenate back to ``text`` exactly."""
    cuts = [m.end() for m in boundary.finditer(text)]
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    return [p for p in pieces if p]


def split_paragraphs(text: str) -> list[str]:
    return _cut_after(text, re.compile(r"\n[ \t]*\n\s*"))


def split_sentences(text: str) -> list[str]:
    return _cut_after(text, re.compile(r"[.!?;]\s+"))


def _pack(pieces: list[str], count: Callable[[str], int], budget: int) -> list[str] | None:
    """Greedy packing; None if a single piece is over budget."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if count(piece) > budget:
            return None
        candidate = current + piece if current else piece
        if current and count(candidate) > budget:
            parts.append(current)
            current = piece
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts


def _split_tokens(text: str, count: Callable[[str], int], budget: int) -> list[str]:
    """Last resort: cut by characters sized from the token rate, checking each part's count."""
    parts, start = [], 0
    while start < len(text):
        size = max(1, min(len(text) - start, int(budget * len(text) / max(1, count(text)))))
        while size > 1 and count(text[start:start + size]) > budget:
            size = int(size * 0.9)
        parts.append(text[start:start + size])
        start += size
    return parts


def chunk(text: str, count: Callable[[str], int], budget: int) -> Chunking:
    if count(text) <= budget:
        return Chunking([text], "none")
    for name, splitter in (("sections", split_sections), ("paragraphs", split_paragraphs),
                           ("sentences", split_sentences)):
        pieces = splitter(text)
        if len(pieces) > 1:
            packed = _pack(pieces, count, budget)
            if packed is not None:
                return Chunking(packed, name)
    # Mixed: split oversized sections further rather than giving up on their boundaries.
    pieces = []
    for sec in split_sections(text):
        if count(sec) <= budget:
            pieces.append(sec)
            continue
        for para in split_paragraphs(sec):
            if count(para) <= budget:
                pieces.append(para)
                continue
            for sent in split_sentences(para):
                pieces.extend([sent] if count(sent) <= budget else _split_tokens(sent, count, budget))
    return Chunking(_pack(pieces, count, budget) or pieces, "sections+fallback")
