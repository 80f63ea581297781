"""What the grounding check returns (:class:`Flag`) and what its finders return (:class:`Mention`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

KINDS = ("medication", "dose", "frequency", "number", "date", "laterality", "negation", "term", "sentence")


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


SENTENCE_STATES = ("supported", "flagged", "unsupported", "no_claim")
# How the status line names each kind of flag ("4 terms not in the note").
KIND_LABELS = {
    "medication": ("drug", "drugs"), "dose": ("dose", "doses"), "frequency": ("frequency", "frequencies"),
    "number": ("number", "numbers"), "date": ("date", "dates"), "laterality": ("side", "sides"),
    "negation": ("negation", "negations"), "term": ("term", "terms"),
}  # fmt: skip


@dataclass(frozen=True)
class SentenceSupport:
    """One summary sentence: how well the note backs it, and from where."""

    start: int
    end: int
    """Character span in the summary."""
    score: float
    """Share (0..1) of its rarity-weighted words that its source sentences back."""
    sources: tuple[tuple[int, int], ...]
    """Character spans of the note sentences that back it (empty when none does)."""
    status: str
    """One of :data:`SENTENCE_STATES`: ``supported``; ``flagged`` (backed, but holds a flagged item);
    ``unsupported`` (below the support threshold); ``no_claim`` (a heading: nothing to check)."""


@dataclass(frozen=True)
class Report:
    """Everything the grounding check found: item flags, and each sentence's support and sources."""

    flags: tuple[Flag, ...]
    """Item flags and, with kind ``sentence``, one flag per unsupported sentence; by position."""
    sentences: tuple[SentenceSupport, ...]

    @property
    def clean(self) -> bool:
        return not self.flags

    def counts(self) -> dict[str, int]:
        claims = [s for s in self.sentences if s.status != "no_claim"]
        counts = {"sentences": len(claims), "supported": sum(s.status == "supported" for s in claims),
                  "unsupported": sum(s.status == "unsupported" for s in claims)}
        for kind in KIND_LABELS:
            counts[kind] = sum(f.kind == kind for f in self.flags)
        return counts

    def status_line(self) -> str:
        """``9 of 11 sentences supported · 4 terms not in the note · 2 doses not in the note``."""
        c = self.counts()
        parts = [f"{c['supported']} of {c['sentences']} sentence{'s' if c['sentences'] != 1 else ''} supported"]
        if c["unsupported"]:
            parts.append(f"{c['unsupported']} not supported by the note")
        for kind, (one, many) in KIND_LABELS.items():
            if c[kind]:
                parts.append(f"{c[kind]} {one if c[kind] == 1 else many} not in the note")
        return " · ".join(parts)

    def as_dict(self, summary: str, note: str | None = None) -> dict:
        """JSON-ready: flags, and sentence -> source spans (with the source text when ``note`` is given)."""
        from dataclasses import asdict

        def source(span: tuple[int, int]) -> dict:
            out: dict[str, object] = {"start": span[0], "end": span[1]}
            if note is not None:
                out["text"] = note[span[0] : span[1]]
            return out

        return {
            "supported": self.clean,
            "status": self.status_line(),
            "counts": self.counts(),
            "flags": [asdict(f) for f in self.flags],
            "sentences": [
                {"start": s.start, "end": s.end, "text": summary[s.start : s.end], "status": s.status,
                 "score": s.score, "sources": [source(span) for span in s.sources]}
                for s in self.sentences
            ],
        }
