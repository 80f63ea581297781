"""What the fact extractor finds: facts with their source spans, and the note's sections."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("problem", "medication", "allergy", "vital", "result", "procedure", "consult", "disposition",
         "follow_up", "presentation", "contingency", "severity", "course", "exam", "history")
CHANGES = ("started", "stopped", "changed", "held", "continued", "listed")
"""Medication change status; ``listed``: named with no change stated (a home or current list)."""


@dataclass(frozen=True)
class Section:
    category: str | None
    """medspaCy's category, or one from ``resources/facts/sections.tsv`` (``None`` before any title)."""
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Fact:
    kind: str
    start: int
    end: int
    """The source span in the note: ``text`` is ``note[start:end]``, cut to the fact."""
    text: str
    section: str | None = None
    change: str | None = None
    """For medications: one of ``CHANGES``."""
    drug: str | None = None
    """For medications: the generic name (so brand and generic mentions merge)."""
    status: tuple[str, ...] = ()
    """ConText's labels that apply: ``negated``, ``historical``, ``hypothetical``, ``family``."""
    priority: int = 0
    """How much a short summary needs it (higher first), used to fit a length budget."""


@dataclass
class Extraction:
    note: str
    sections: list[Section]
    facts: list[Fact] = field(default_factory=list)

    def of(self, *kinds: str) -> list[Fact]:
        return [f for f in self.facts if f.kind in kinds]

    def section_text(self, *categories: str, limit_words: int | None = None) -> str:
        """The text of the sections of these categories, in note order (whole sections)."""
        parts = [self.note[s.start : s.end].strip() for s in self.sections if s.category in categories]
        text = "\n".join(p for p in parts if p)
        if limit_words is not None:
            words = text.split()
            if len(words) > limit_words:
                text = " ".join(words[:limit_words])
        return text

    def as_dict(self) -> dict:
        return {"sections": [s.__dict__ for s in self.sections],
                "facts": [{k: v for k, v in f.__dict__.items() if k != "text"} for f in self.facts]}
