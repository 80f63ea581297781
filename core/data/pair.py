"""The training pair and a stable hash over a list of them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Pair:
    """One note and its reference summary.

    ``source`` is the file name; ``line`` the 1-based line (JSONL, CSV) or item (JSON array) where the
    row starts, 0 for folder pairs. ``meta`` holds the row's other short scalar fields (e.g. ``specialty``,
    ``layout``, ``id``); it takes no part in hashing.
    """

    note: str
    summary: str
    source: str
    line: int
    meta: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def where(self) -> str:
        """``notes.jsonl line 4`` or ``case12.txt``: where to look, never the text itself."""
        return f"{self.source} line {self.line}" if self.line else self.source


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def dataset_sha256(pairs: list[Pair]) -> str:
    """SHA-256 over the notes and summaries in order (not sources, lines or meta); stable across runs."""
    h = hashlib.sha256()
    for p in pairs:
        for text in (p.note, p.summary):
            data = _bytes(text)
            h.update(len(data).to_bytes(8, "big"))
            h.update(data)
    return h.hexdigest()
