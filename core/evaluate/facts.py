"""Fact recall: the share of a reference summary's key terms that an output states too.

Key terms, found with the grounding finders (so ``1 g`` matches ``1000 mg`` and ``Lasix`` matches
``furosemide``): numbers with units and doses (``25 mg``, ``121/84 mmHg``, ``3.86 mIU/L``), medication
names, and sides (``left knee``). Bare numbers without a unit are not key terms. A term counts once
however often the reference repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.grounding import dates, laterality, medications, quantities


@dataclass(frozen=True)
class Term:
    kind: str  # "quantity", "medication" or "side"
    key: object
    text: str


def key_terms(text: str) -> list[Term]:
    """The distinct key terms of ``text``, in order of first appearance."""
    found: list[Term] = []
    date_spans = [(d.start, d.end) for d in dates.find(text)]
    mentions = [(m.start, Term("quantity", m.key, m.text)) for m in quantities.find(text, date_spans)
                if m.key.dim is not None]
    mentions += [(m.start, Term("medication", m.key, m.text)) for m in medications.find(text)]
    mentions += [(m.start, Term("side", (m.key.side, m.key.part), m.text)) for m in laterality.find(text)]
    for _, term in sorted(mentions, key=lambda x: x[0]):
        if not any(_same(term, f) for f in found):
            found.append(term)
    return found


def _same(a: Term, b: Term) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "quantity":
        return quantities.matches(a.key, b.key)  # type: ignore[arg-type]
    return a.key == b.key


def recall_counts(output: str, reference: str) -> tuple[int, int]:
    """(key terms of ``reference`` found in ``output``, key terms of ``reference``)."""
    wanted = key_terms(reference)
    have = key_terms(output)
    found = sum(1 for t in wanted if any(_same(t, h) for h in have))
    return found, len(wanted)


def fact_recall(output: str, reference: str) -> float | None:
    """Share of the reference's key terms in ``output``; None when the reference has none."""
    found, total = recall_counts(output, reference)
    return found / total if total else None
