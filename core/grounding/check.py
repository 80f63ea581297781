"""The grounding check: every medication, dose, value, date, side and negation in a summary must be
backed by the note. No model is involved; it is pattern matching with clinical normalization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.grounding import dates, laterality, medications, negation, quantities
from core.grounding.model import Flag, Mention, squash

_ROUTE_WORDS = r"(?:of|iv|po|oral|orally|sq|sc|subcut|im|pr|sl|inhaled|nebulized|tablets?|tabs?|capsules?|x)"
_FORWARD = re.compile(rf"^\s*(?:{_ROUTE_WORDS}\b\s*)*$", re.IGNORECASE)
_BREAK = re.compile(r"[\n;]|\.(?:\s|$)")
BACK_CHARS, FORWARD_CHARS = 60, 25


@dataclass
class _Facts:
    """Everything the finders saw in one text."""

    text: str
    meds: list[Mention]
    quantities: list[Mention]
    dates: list[Mention]
    sides: list[Mention]
    scopes: list[negation.Scope]

    @classmethod
    def of(cls, text: str) -> _Facts:
        found_dates = dates.find(text)
        spans = [(d.start, d.end) for d in found_dates]
        return cls(text, medications.find(text), quantities.find(text, spans), found_dates,
                   laterality.find(text), negation.scopes(text))  # fmt: skip

    def drug_of(self, dose: Mention) -> Mention | None:
        """The medication a dose belongs to: ``metoprolol 25 mg``, ``40 mg IV furosemide``."""
        before = [m for m in self.meds if dose.start - BACK_CHARS <= m.end <= dose.start]
        before = [m for m in before[-1:] if not _BREAK.search(self.text[m.end : dose.start])]
        if before and not any(before[0].end <= q.start < dose.start for q in self.quantities):
            return before[0]  # the first dose after a drug name is that drug's
        after = [m for m in self.meds if dose.end <= m.start <= dose.end + FORWARD_CHARS]
        if after and _FORWARD.match(self.text[dose.end : after[0].start]):
            return after[0]
        return before[0] if before else None


def check(summary: str, note: str) -> list[Flag]:
    """Flags for the parts of ``summary`` that ``note`` does not support, sorted by position."""
    s, n = _Facts.of(summary), _Facts.of(note)
    flags = [*_medications(s, n), *_quantities(s, n), *_dates(s, n), *_sides(s, n), *_negations(s, n)]
    unique = {(f.start, f.end, f.kind): f for f in flags}
    return sorted(unique.values(), key=lambda f: (f.start, f.end, f.kind))


def _flag(summary: str, start: int, end: int, kind: str, reason: str) -> Flag:
    return Flag(start, end, kind, summary[start:end], reason)


def _medications(s: _Facts, n: _Facts) -> list[Flag]:
    known = {m.key for m in n.meds}
    return [
        _flag(s.text, m.start, m.end, "medication", f"{squash(m.text)} does not appear in the note")
        for m in s.meds
        if m.key not in known
    ]


def _quantities(s: _Facts, n: _Facts) -> list[Flag]:
    all_numbers = {v for _, _, v in quantities.all_numbers(n.text)}
    with_units = [(q.start, q.end) for q in n.quantities if q.key.dim is not None]
    unitless = {
        v for a, b, v in quantities.all_numbers(n.text) if not any(x <= a and b <= y for x, y in with_units)
    }
    known = {m.key for m in n.meds}
    flags = []
    for q in s.quantities:
        what = f"dose {squash(q.text)}" if q.key.kind == "dose" else f"value {squash(q.text)}"
        if q.key.dim is None:
            if not set(q.key.raw) <= all_numbers:
                flags.append(_flag(s.text, q.start, q.end, "number", f"{what} does not appear in the note"))
            continue
        same = [m for m in n.quantities if quantities.matches(q.key, m.key)]
        if not same and not (q.key.kind == "number" and set(q.key.raw) <= unitless):
            flags.append(_flag(s.text, q.start, q.end, q.key.kind, f"{what} does not appear in the note"))
            continue
        drug = s.drug_of(q) if q.key.kind == "dose" else None
        if drug is not None and drug.key in known:
            owners = {n.drug_of(m).key if n.drug_of(m) else None for m in same}
            if not owners & {drug.key, None}:
                reason = f"{what} appears in the note, but not for {squash(drug.text)}"
                flags.append(_flag(s.text, q.start, q.end, "dose", reason))
    return flags


def _dates(s: _Facts, n: _Facts) -> list[Flag]:
    return [
        _flag(s.text, d.start, d.end, "date", f"date {squash(d.text)} does not appear in the note")
        for d in s.dates
        if not any(dates.same(d.key, other.key) for other in n.dates)
    ]


def _sides(s: _Facts, n: _Facts) -> list[Flag]:
    flags = []
    for m in s.sides:
        claim: laterality.Side = m.key
        related = [o for o in n.sides if laterality.compatible(claim, o.key)]
        if any(laterality.supports(claim, o.key) for o in related):
            continue
        if related:
            said = sorted({o.key.phrase() for o in related})
            reason = f"{squash(m.text)}: the note says {' and '.join(said)}"
        elif re.search(rf"\b{re.escape(claim.part)}", n.text, re.IGNORECASE):
            reason = f"{squash(m.text)}: the note does not say which side ({claim.part})"
        else:
            reason = f"{squash(m.text)} does not appear in the note"
        flags.append(_flag(s.text, m.start, m.end, "laterality", reason))
    return flags


def _negations(s: _Facts, n: _Facts) -> list[Flag]:
    flags = []
    first_in_scope: set[negation.Scope] = set()
    for scope, c in negation.concepts(s.text, s.scopes):
        if scope.polarity != "negated":
            continue
        states = [negation.state(n.scopes, span) for span in negation.occurrences(c.key, n.text)]
        start = c.start if scope in first_in_scope else scope.trigger
        first_in_scope.add(scope)
        if states and all(state == "affirmed" for state in states):
            reason = (
                f"the summary says {squash(s.text[start : c.end])}, but the note reports {squash(c.text)}"
            )
            flags.append(_flag(s.text, start, c.end, "negation", reason))
    absent = {c.key: c for scope, c in negation.concepts(n.text, n.scopes) if scope.polarity == "negated"}
    for key, c in absent.items():
        if any(negation.state(n.scopes, span) != "negated" for span in negation.occurrences(key, n.text)):
            continue
        for span in negation.occurrences(key, s.text):
            if negation.state(s.scopes, span) == "affirmed":
                reason = (
                    f"the summary reports {squash(s.text[span[0] : span[1]])}, but the note says it is absent"
                )
                flags.append(_flag(s.text, *span, "negation", reason))
    return flags
