"""Checks of a summary sentence against the note sentences it comes from (its sources), for facts that
a note may state several times with different values: a drug's dose or frequency (an old regimen), a
date (admitted 03/27, weaned off oxygen on 03/28, discharged 03/29), a measured value (EF 30% on the
echo, 35% elsewhere), a frequency tied to a dose (25 mg at night, then 50 mg twice daily), a new dose
after a change (atorvastatin 40 mg, increase to 80 mg), a side (OD/OS, "worse on the left"), and
whether a finding is present (no chest pain last year, chest pain today).

Each value is compared with the value that the note sentence backing its *clause* best gives; a note
sentence elsewhere that gives the claimed value and backs the clause at least as well clears it. The
callers pass ``s`` and ``n``, the finders' results for the summary and the note (``check._Facts``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from core.grounding import dates, frequencies, laterality, negation, quantities
from core.grounding.findings import Flag, Mention, Taken, squash

Coverage = Callable[[tuple[int, int], int], float]
"""``coverage(summary span, note position)``: how much of the span the note sentence there backs."""

MIN_COVER = 3.0
"""A best source must back at least this much of the clause (rarity-weighted words) to be trusted."""
SAME_EVENT = 0.8
"""A date is compared with a source only when that source backs this share of the words around the date
(the clause without the date): "oxygen weaned off on 03/28" for "oxygen was weaned off on 03/29", not a
sentence that shares a few words of a long clause ("slipped on ice on 05/04" for "ORIF ... on 05/06")."""
PAIR_GAP = re.compile(r"^\s*(?:[A-Za-z]+\s+){0,2}$")
"""Between a dose and its frequency: at most two words, no punctuation ("1,000 mg PO TID scheduled")."""
_AGE = re.compile(r"y/?o\b|years?[- ]old", re.IGNORECASE)  # "4-year-old": an age, not a duration
_CHANGE = re.compile(
    r"\b(?:increas|decreas|reduc|titrat|uptitrat|up-titrat|chang|switch|adjust|escalat|lower|rais)\w*"
    r"\b[^,;.\n]{0,40}?\bto\s*$",
    re.IGNORECASE,
)


def clause(text: str, m: Mention, lo: int, hi: int) -> tuple[int, int]:
    """The clause of ``text[lo:hi]`` around mention ``m`` (between commas, semicolons and "and"s)."""
    stops = [x.end() for x in re.finditer(r"[,;]|\band\b", text[lo : m.start])]
    start = lo + (stops[-1] if stops else 0)
    after = re.search(r"[,;]|\band\b", text[m.end : hi])
    return start, (m.end + after.start()) if after else hi


def _inside(spans: Iterable[tuple[int, int]], m: Mention) -> bool:
    return any(x <= m.start and m.end <= y for x, y in spans)


def _contradicted(clause_span, given: list[Mention], agrees, matching: list[Mention], coverage: Coverage):
    """The values of ``given`` (in the sources) from the note sentence that backs the clause best, when
    none of them agrees with the claim and no note sentence giving the claimed value (``matching``)
    backs the clause as well; else None."""
    if not given:
        return None
    cover = {m: coverage(clause_span, m.start) for m in given}
    best = max(cover.values())
    if best < MIN_COVER:
        return None
    top = [m for m in given if cover[m] == best]
    if any(agrees(m) for m in top) or any(coverage(clause_span, m.start) >= best for m in matching):
        return None
    return top


def _without(coverage: Coverage, m: Mention) -> Coverage:
    """``coverage`` of a span leaving out mention ``m`` itself: what backs the words *around* a value."""

    def cover(span: tuple[int, int], position: int) -> float:
        return coverage((span[0], m.start), position) + coverage((m.end, span[1]), position)

    return cover


def _flag(text: str, m: Mention, kind: str, reason: str) -> Flag:
    return Flag(m.start, m.end, kind, text[m.start : m.end], reason)


def drug_value_flags(s, n, alignments, taken: Taken, coverage: Coverage) -> list[Flag]:
    """A dose or frequency that the sentence's own sources give otherwise for the same drug: the note may
    give "once daily" elsewhere (another drug, an old regimen) while the line it comes from says BID.
    A note sentence that does give the value for that drug and backs the summary sentence about as
    well as its sources do counts as a source too."""
    out = []
    for a in alignments:
        if not a.sources:
            continue

        def elsewhere(claim: Mention, matching: list[Mention], given: list[Mention], a=a) -> bool:
            """A note sentence giving the claimed value backs the claim's clause as well as the sources do."""
            clause_span = clause(s.text, claim, a.start, a.end)
            best = max(coverage(clause_span, m.start) for m in given)
            return any(coverage(clause_span, m.start) >= best for m in matching)

        for q in s.quantities:
            if q.key.kind != "dose" or not a.start <= q.start < a.end or taken.overlaps(q.start, q.end):
                continue
            drug = s.drug_of(q)
            if drug is None:
                continue
            given = [m for m in n.quantities if m.key.kind == "dose" and _inside(a.sources, m)
                     and getattr(n.drug_of(m), "key", None) == drug.key]
            same = [m for m in n.quantities if m.key.kind == "dose" and quantities.matches(q.key, m.key)]
            if given and not any(quantities.matches(q.key, m.key) for m in given) and not elsewhere(q, same, given) \
                    and not _changed_to(q, given, n, a.sources):
                said = ", ".join(sorted({squash(m.text) for m in given}))
                reason = f"dose {squash(q.text)}: the note sentence it comes from gives {squash(drug.text)} {said}"
                out.append(_flag(s.text, q, "dose", reason))
        for f in s.frequencies:
            if not a.start <= f.start < a.end or taken.overlaps(f.start, f.end):
                continue
            drug = s.drug_near(f)
            if drug is None:
                continue
            given = [m for m in n.frequencies if _inside(a.sources, m) and m.key != "prn"
                     and getattr(n.drug_near(m), "key", None) == drug.key]
            same = [m for m in n.frequencies if frequencies.supports(f.key, m.key)]
            if given and f.key != "prn" and not any(frequencies.supports(f.key, m.key) for m in given) \
                    and not elsewhere(f, same, given):
                said = ", ".join(sorted({squash(m.text) for m in given}))
                reason = f"frequency {squash(f.text)}: the note sentence it comes from gives {squash(drug.text)} {said}"
                out.append(_flag(s.text, f, "frequency", reason))
    return out


def date_flags(s, n, alignments, taken: Taken, coverage: Coverage, total: Callable) -> list[Flag]:
    """A date that the note sentence its clause comes from gives otherwise: "weaned off on 03/29" where
    the note says "weaned off on 03/28" (and was discharged on 03/29)."""
    out = []
    for a in alignments:
        for d in s.dates:
            if not a.start <= d.start < a.end or taken.overlaps(d.start, d.end):
                continue
            if not all(day for _, _, day in d.key):
                continue  # "January 2033": the note states that month somewhere or the date check flags it
            # a whole month in the note's sentence ("01/2033") does not contradict a day of another
            given = [m for m in (*n.dates, *n.loose_dates) if _inside(a.sources, m) and all(day for _, _, day in m.key)]
            matching = [m for m in (*n.dates, *n.loose_dates) if dates.same(d.key, m.key)]
            lo, hi = clause(s.text, d, a.start, a.end)
            words = total((lo, d.start)) + total((d.end, hi))
            cover = _without(coverage, d)
            top = _contradicted((lo, hi), given, lambda m, d=d: dates.same(d.key, m.key), matching, cover)
            if top and words and cover((lo, hi), top[0].start) >= SAME_EVENT * words:
                said = ", ".join(sorted({squash(m.text) for m in top}))
                out.append(_flag(s.text, d, "date", f"date {squash(d.text)}: the note sentence it comes from says {said}"))
    return out


def value_flags(s, n, alignments, taken: Taken, coverage: Coverage, total: Callable) -> list[Flag]:
    """A measured value that the note sentence its clause comes from gives otherwise: "EF 35%" where that
    sentence says "EF 30%" (the note may give 35% for something else)."""
    by_dim: dict[str, list[Mention]] = {}
    for m in _values(n):
        by_dim.setdefault(m.key[1], []).append(m)
    summary_values = _values(s)
    out = []
    for a in alignments:
        for q in summary_values:
            if not a.start <= q.start < a.end or taken.overlaps(q.start, q.end):
                continue
            same_dim = by_dim.get(q.key[1], [])
            given = [m for m in same_dim if _inside(a.sources, m)]
            if not given:
                continue
            matching = [m for m in same_dim if _same_value(q, m)]
            lo, hi = clause(s.text, q, a.start, a.end)
            words = total((lo, q.start)) + total((q.end, hi))
            cover = _without(coverage, q)
            top = _contradicted((lo, hi), given, lambda m, q=q: _same_value(q, m), matching, cover)
            if top and words and cover((lo, hi), top[0].start) >= SAME_EVENT * words:
                said = ", ".join(sorted({squash(m.text) for m in top}))
                out.append(_flag(s.text, q, "number", f"{squash(q.text)}: the note sentence it comes from gives {said}"))
    return out


def _values(facts) -> list[Mention]:
    """Measured values with a unit (``key``: ("unit", dimension, quantity)); doses and dates have their
    own checks, and bare counts too many meanings (ages, days, scores) to compare with one sentence."""
    return [q._replace(key=("unit", q.key.dim, q.key)) for q in facts.quantities
            if q.key.kind == "number" and q.key.dim is not None and not _AGE.search(q.text)]


_LABEL_AFTER = re.compile(r"\s*(?:screen(?:ing)?|history|hx|status|risk|assessment|work-?up|evaluation|questions?)?\s*:",
                          re.IGNORECASE)


def _changed_to(q: Mention, given: list[Mention], n, sources) -> bool:
    """"Raised from 50 to 100 mg" where the note sentence says "50 -> 100 mg": two values of a change, not a
    range; the dose it was changed to is among the sources' doses and the one it was changed from is a
    number the sources give."""
    if len(q.key.values) != 2:
        return False
    before, after = (q.key._replace(values=(v,), raw=(r,)) for v, r in zip(q.key.values, q.key.raw, strict=True))
    if not any(quantities.matches(after, m.key) for m in given):
        return False
    stated = {v for x, y in sources for _, _, v in quantities.all_numbers(n.text[x:y])}
    return before.values[0] in stated


def _same_value(q: Mention, m: Mention) -> bool:
    if q.key[0] != m.key[0]:
        return False
    if q.key[0] == "unit":
        return quantities.matches(q.key[2], m.key[2])
    return q.key[2] == m.key[2]


def dose_pairs(facts) -> list[tuple[Mention, Mention]]:
    """Each frequency with the dose written just before it: ``50 mg twice daily``, ``1,000 mg PO TID``."""
    doses = [q for q in facts.quantities if q.key.kind == "dose"]
    out = []
    for f in facts.frequencies:
        before = [q for q in doses if q.end <= f.start and f.start - q.end <= 25]
        if before and PAIR_GAP.match(facts.text[before[-1].end : f.start]):
            out.append((before[-1], f))
    return out


def frequency_flags(s, n, alignments, taken: Taken, coverage: Coverage) -> list[Flag]:
    """A frequency that the sources give otherwise for the same dose: the summary's "50 mg once daily"
    where the note sentence says "50 mg twice daily" (and "once daily" for another drug)."""
    note_pairs, summary_pairs = dose_pairs(n), dose_pairs(s)
    out = []
    for a in alignments:
        for q, f in summary_pairs:
            if not a.start <= f.start < a.end or taken.overlaps(q.start, f.end) or f.key == "prn":
                continue  # a dose already flagged takes its frequency with it
            drug = getattr(s.drug_of(q), "key", None)
            same_dose = [(m, g) for m, g in note_pairs if g.key != "prn" and quantities.matches(q.key, m.key)
                         and (drug is None or getattr(n.drug_of(m), "key", None) in (drug, None))]
            given = [g for m, g in same_dose if _inside(a.sources, g)]
            matching = [g for m, g in same_dose if frequencies.supports(f.key, g.key)]
            top = _contradicted(clause(s.text, f, a.start, a.end), given,
                                lambda g, f=f: frequencies.supports(f.key, g.key), matching, coverage)
            if top:
                said = ", ".join(sorted({squash(g.text) for g in top}))
                reason = f"frequency {squash(f.text)}: the note sentence it comes from gives {squash(q.text)} {said}"
                out.append(_flag(s.text, f, "frequency", reason))
    return out


def _changed(text: str, q: Mention) -> bool:
    """Whether dose ``q`` is the new dose of a change: "increase atorvastatin to 80 mg"."""
    return bool(_CHANGE.search(text, max(0, q.start - 60), q.start))


def changed_dose_flags(s, n, taken: Taken) -> list[Flag]:
    """A new dose the note never changes the drug to: the summary's "increased to 40 mg" where the note
    has "atorvastatin 40 mg nightly" (the current dose) and "increase atorvastatin to 80 mg"."""
    new_doses: dict[str, list[Mention]] = {}
    for m in n.quantities:
        drug = n.drug_of(m) if m.key.kind == "dose" and _changed(n.text, m) else None
        if drug is not None:
            new_doses.setdefault(drug.key, []).append(m)
    out = []
    for q in s.quantities:
        if q.key.kind != "dose" or taken.overlaps(q.start, q.end) or not _changed(s.text, q):
            continue
        drug = s.drug_of(q)
        given = new_doses.get(drug.key, []) if drug is not None else []
        if given and not any(quantities.matches(q.key, m.key) for m in given):
            said = ", ".join(sorted({squash(m.text) for m in given}))
            reason = f"dose {squash(q.text)}: the note changes {squash(drug.text)} to {said}"
            out.append(_flag(s.text, q, "dose", reason))
    return out


def side_flags(s, n, alignments, taken: Taken, coverage: Coverage) -> list[Flag]:
    """A side (any spelling, abbreviations included: OD/OS, RLE) that the sentence's sources give
    otherwise for the same part, when the sentence itself names one side of it."""
    out = []
    for a in alignments:
        own = [m for m in s.sides if a.start <= m.start < a.end]
        for m in own:
            claim: laterality.Side = m.key
            if taken.overlaps(m.start, m.end):
                continue
            if len({o.key.side for o in own if o.key.part == claim.part}) > 1:
                continue  # "OD 20/60, OS 20/20": the sentence speaks of both sides
            related = [o for o in n.sides if laterality.compatible(claim, o.key)]
            given = [o for o in related if _inside(a.sources, o)]
            matching = [o for o in related if laterality.supports(claim, o.key)]
            top = _contradicted(clause(s.text, m, a.start, a.end), given,
                                lambda o, claim=claim: laterality.supports(claim, o.key), matching, _without(coverage, m))
            if top:
                sides = " and ".join(sorted({o.key.phrase() for o in top}))
                out.append(_flag(s.text, m, "laterality", f"{squash(m.text)}: the note sentence it comes from says {sides}"))
    return out


def bare_side_flags(s, n, alignments, taken: Taken, coverage: Coverage) -> list[Flag]:
    """A side named without a body part ("worse on the left") where the note sentence the summary sentence
    comes from names the other one ("more extensive on the right")."""
    note_sides = laterality.bare(n.text, n.sides)
    out = []
    for a in alignments:
        own = [m for m in laterality.bare(s.text, s.sides) if a.start <= m.start < a.end]
        if len({m.key for m in own}) != 1:
            continue  # none, or "worse on the left than on the right"
        for m in own:
            if taken.overlaps(m.start, m.end):
                continue
            given = [o for o in note_sides if _inside(a.sources, o)]
            matching = [o for o in note_sides if o.key == m.key]
            top = _contradicted((a.start, a.end), given, lambda o, m=m: o.key == m.key, matching, _without(coverage, m))
            if top:
                out.append(_flag(s.text, m, "laterality", f"{squash(m.text)}: the note sentence it comes from says {top[0].key}"))
    return out


def polarity_flags(s, n, alignments, taken: Taken, coverage: Coverage, finding: Callable[[str], bool],
                   qualified: Callable[[str], bool]) -> list[Flag]:
    """A finding whose presence the summary sentence states the other way round from the note sentences
    it comes from: "denies chest pain" where they report chest pain, "reports dyspnea on exertion" where
    they deny it. The note may state it both ways elsewhere (another day, another visit); a note sentence
    that states it the summary's way and backs the summary sentence as well as the sources clears it.
    ``qualified(key)``: the summary also reports a finding it negates ("dyspnea on stairs, no SOB at rest")."""
    note_negated = [c for scope, c in negation.concepts(n.text, n.scopes) if scope.polarity == "negated"]
    summary_negated = [c for scope, c in negation.concepts(s.text, s.scopes) if scope.polarity == "negated"]

    def said(key: str) -> list[Mention]:  # every note occurrence of the finding, ``key`` its state
        return [Mention(x, y, n.text[x:y], n.state((x, y))) for x, y in n.words.occurrences(key)
                if not _LABEL_AFTER.match(n.text, y)]  # "Psoriatic arthritis screen: denies ..." names a topic

    def contradicted(a, m: Mention, key: str, summary_state: str) -> bool:
        occurrences = said(key)
        given = [o for o in occurrences if _inside(a.sources, o) and o.key != "uncertain"]
        if not given or any(o.key == summary_state for o in given):
            return False
        matching = [o for o in occurrences if o.key == summary_state]
        return bool(_contradicted((a.start, a.end), given, lambda o: False, matching, _without(coverage, m)))

    out = []
    for a in alignments:
        if not a.sources:
            continue
        for c in summary_negated:
            if a.start <= c.start < a.end and not taken.overlaps(c.start, c.end) and finding(c.text) \
                    and not qualified(c.key) \
                    and contradicted(a, c, c.key, "negated"):
                out.append(_flag(s.text, c, "negation",
                                 f"the summary says {squash(c.text)} is absent, but the note sentence it comes from reports it"))
        for key in sorted({c.key for c in note_negated if _inside(a.sources, c) and finding(c.text)}):
            for x, y in s.words.occurrences(key):
                m = Mention(x, y, s.text[x:y], key)
                if a.start <= x < a.end and not taken.overlaps(x, y) \
                        and s.state((x, y)) == "affirmed" and contradicted(a, m, key, "affirmed"):
                    out.append(_flag(s.text, m, "negation",
                                     f"the summary reports {squash(m.text)}, but the note sentence it comes from says it is absent"))
    return out
