"""The grounding check: every medication, dose, frequency, value, date, side, negation and clinical
term in a summary must be backed by the note, and every sentence must be backed by note sentences
(its sources). No model is involved: dictionaries, patterns and normalization. Values a note may
state several times are also checked against the sentence's own sources (:mod:`sourced`).

:func:`analyze` gives the whole :class:`Report` (flags, sentence support, provenance); :func:`check`
gives just the flags.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import defaultdict

from core.grounding import (
    contrasts,
    dates,
    devices,
    equivalents,
    frequencies,
    hypothetical,
    implied,
    labelled,
    laterality,
    med_status,
    medications,
    negation,
    quantities,
    results,
    sourced,
    support,
    terms,
    vocabulary,
)
from core.grounding.findings import Flag, Mention, Report, SentenceSupport, Taken, squash

_ROUTE_WORDS = r"(?:of|iv|po|oral|orally|sq|sc|subcut|im|pr|sl|inhaled|nebulized|tablets?|tabs?|capsules?|x)"
_FORWARD = re.compile(rf"^\s*(?:{_ROUTE_WORDS}\b\s*)*$", re.IGNORECASE)
_BREAK = re.compile(r"[\n;]|\.(?:\s|$)")
BACK_CHARS, FORWARD_CHARS = 60, 25
SUPPORT_THRESHOLD = 0.6
"""A sentence whose support score is below this is flagged as a whole (tuned on the planted-error dev split)."""


_RESULT_GAP = re.compile(r"\s*(?:(?:was|were|is|are|came\s+back|returned|remains?|both|all|also)\s+)*", re.IGNORECASE)
_TEST_WORD = re.compile(r"\b(?:tests?|testing|screen(?:ing)?|cultures?|swabs?|panels?|levels?|pcr|assay|stud(?:y|ies)|"
                        r"scans?|x-?rays?|ct|mri|stain|tee|tte|echo|ecg|ekg|eeg|biops(?:y|ies))\b", re.IGNORECASE)


class _Facts:
    """Everything the finders saw in one text, indexed for look-ups."""

    def __init__(self, text: str, date_order: str | None = None):
        self.text = text
        self.dates = dates.find(text, date_order)
        self._loose: list[Mention] | None = None
        found = medications.find(text)
        self.meds = sorted(found + devices.mentions(text, found), key=lambda m: m.start)  # "PCA ↑: 0.3 mg"
        self.digits = _digits(text)  # number words as digits, same offsets
        self.quantities = [_whole_words(text, q) for q in quantities.find(self.digits, [(d.start, d.end) for d in self.dates])]
        self.results = results.find(text)
        self.frequencies = frequencies.find(text)
        self.sides = laterality.find(text)
        self.scopes = negation.scopes(text)
        self.words = negation.Words(text)
        self._med_ends = [m.end for m in self.meds]
        self._dose_starts = sorted(q.start for q in self.quantities if q.key.kind == "dose")

    def state(self, span: tuple[int, int]) -> str:
        """Whether the text affirms, negates or leaves uncertain the words at ``span``: their negation scope,
        or a negative result right after them ("Crystals negative", "salicylate and ethanol were negative")."""
        if not _TEST_WORD.search(self.text, span[0], span[1]) and any(
                0 <= at - span[1] <= 30 and _RESULT_GAP.fullmatch(self.text, span[1], at) for at in self._negative):
            return "negated"  # what was looked for is absent; a test that was negative was still done
        return negation.state(self.scopes, span)

    @functools.cached_property
    def _negative(self) -> list[int]:
        return [m.start for m in self.results if not m.key.positive]

    @functools.cached_property
    def squashed(self) -> str:
        """The text on one line, single-spaced."""
        return squash(self.text)

    @functools.cached_property
    def fractions(self) -> frozenset[float]:
        """Every decimal fraction the text writes ("0.40", ".25")."""
        return frozenset(round(float(x), 6) for x in re.findall(r"(?<![\d.])0?\.\d+", self.text))

    @property
    def loose_dates(self) -> list[Mention]:
        """Bare month/days ("Admitted 03/22"), looked for once: they back a date, never contradict one."""
        if self._loose is None:
            self._loose = dates.loose(self.text)
        return self._loose

    def drug_of(self, dose: Mention) -> Mention | None:
        """The medication a dose (or frequency) belongs to: ``metoprolol 25 mg``, ``40 mg IV furosemide``."""
        i = bisect.bisect_right(self._med_ends, dose.start) - 1
        before = self.meds[i] if i >= 0 and self.meds[i].end >= dose.start - BACK_CHARS else None
        if before and _BREAK.search(self.text[before.end : dose.start]):
            before = None
        if before:
            j = bisect.bisect_left(self._dose_starts, before.end)
            if j >= len(self._dose_starts) or self._dose_starts[j] >= dose.start:
                return before  # the first dose after a drug name is that drug's
        k = bisect.bisect_left(self._med_ends, dose.end)
        after = self.meds[k] if k < len(self.meds) else None
        if (
            after
            and after.start <= dose.end + FORWARD_CHARS
            and _FORWARD.match(self.text[dose.end : after.start])
        ):
            return after
        return before

    def drug_near(self, mention: Mention) -> Mention | None:
        """The medication a frequency belongs to: one right after it ("PRN albuterol"), else the last one
        before it in its clause, else one a few route words after."""
        k = bisect.bisect_left(self._med_ends, mention.end)
        after = self.meds[k] if k < len(self.meds) else None
        if after and not self.text[mention.end : after.start].strip():
            return after
        i = bisect.bisect_right(self._med_ends, mention.start) - 1
        before = self.meds[i] if i >= 0 and self.meds[i].end >= mention.start - BACK_CHARS else None
        if before and not _BREAK.search(self.text[before.end : mention.start]):
            return before
        if after and after.start <= mention.end + FORWARD_CHARS and _FORWARD.match(self.text[mention.end : after.start]):
            return after
        return None


def _doses_of_terms(s: _Facts, term_flags: list[Flag], taken: Taken) -> list[Flag]:
    """A dose given for a name the note never mentions (``1000 mg of ganoderma``) is not supported either."""
    out = []
    for q in s.quantities:
        if q.key.kind != "dose" or taken.overlaps(q.start, q.end):
            continue
        for t in term_flags:
            gap_after = s.text[q.end : t.start] if t.start >= q.end else None
            gap_before = s.text[t.end : q.start] if t.end <= q.start else None
            if (gap_after is not None and t.start - q.end <= FORWARD_CHARS and _FORWARD.match(gap_after)) or (
                gap_before is not None and gap_before.strip() in ("", ":")
            ):
                reason = f"dose {squash(q.text)} is given for {squash(t.text)}, which the note does not mention"
                out.append(_flag(s.text, q.start, q.end, "dose", reason))
                break
    return out


def check(summary: str, note: str) -> list[Flag]:
    """Flags for the parts of ``summary`` that ``note`` does not support, sorted by position."""
    return list(analyze(summary, note).flags)


def analyze(summary: str, note: str) -> Report:
    """Flags, and each summary sentence's support score and source spans in the note."""
    finding = functools.partial(_finding, table_words=equivalents.single_words())  # the table looked up once
    order = dates.numeric_order(note)  # a summary writes dates the way its note does
    s, n = _Facts(summary, order), _Facts(note, order)
    items = [*_medications(s, n), *_quantities(s, n), *_frequencies(s, n), *_dates(s, n), *_sides(s, n), *_dominance(s, n),
             *_negations(s, n, finding), *_results(s, n)]
    taken = _taken(items, len(summary))
    for m in (*s.dates, *s.quantities, *s.frequencies):
        taken.add(m.start, m.end)  # checked by value above, not as words
    s_index, n_index = support.Indexed(summary, s.meds), support.Indexed(note, n.meds)
    backed = support.backing(s_index, n_index)
    term_flags = terms.flags(s_index, n_index, backed, taken)
    term_flags += contrasts.flags(s_index, n_index, _taken([*items, *term_flags], len(summary)))
    items += term_flags
    items += _doses_of_terms(s, term_flags, _taken(items, len(summary)))
    items += terms.number_flags(summary, note, taken, n.dates, s.digits)
    measured = Taken(len(summary))
    for m in (*s.dates, *(q for q in s.quantities if q.key.dim is not None)):
        measured.add(m.start, m.end)
    items += labelled.flags(summary, note, _taken(items, len(summary)), measured)
    alignments = support.align(s_index, n_index, backed)
    items += _sides_in_sources(summary, note, alignments, _taken(items, len(summary)))
    cover = support.Cover(s_index, n_index, backed)
    items += sourced.drug_value_flags(s, n, alignments, _taken(items, len(summary)), cover.backed)
    items += sourced.changed_dose_flags(s, n, _taken(items, len(summary)))
    items += med_status.flags(summary, note, s.meds, n.meds, _taken(items, len(summary)))
    items += sourced.frequency_flags(s, n, alignments, _taken(items, len(summary)), cover.backed)
    items += sourced.date_flags(s, n, alignments, _taken(items, len(summary)), cover.backed, cover.total)
    alike = _taken(items, len(summary))
    for q in s.quantities:
        if q.key.dim is not None and _written_alike(s, n, q):
            alike.add(q.start, q.end)  # the note writes this very value another way
    items += sourced.value_flags(s, n, alignments, alike, cover.backed, cover.total)
    items += sourced.side_flags(s, n, alignments, _taken(items, len(summary)), cover.backed)
    items += sourced.bare_side_flags(s, n, alignments, _taken(items, len(summary)), cover.backed)
    items += sourced.polarity_flags(s, n, alignments, _taken(items, len(summary)), cover.backed, finding,
                                    functools.partial(_qualified, s))
    items += hypothetical.flags(s, n, _taken(items, len(summary)), finding)
    unique = sorted({(f.start, f.end, f.kind): f for f in items}.values(), key=lambda f: (f.start, f.end, f.kind))
    sentences, sentence_flags = [], []
    for a in alignments:
        inside = any(a.start <= f.start < a.end for f in unique)
        if a.words == 0:
            status = "no_claim"
        elif a.score < SUPPORT_THRESHOLD:
            status = "unsupported"
            reason = f"this sentence is not supported by the note ({round(a.score * 100)}% of its words are backed)"
            sentence_flags.append(Flag(a.start, a.end, "sentence", summary[a.start : a.end], reason))
        else:
            status = "flagged" if inside else "supported"
        sources = () if status == "unsupported" else a.sources  # a few stray words are no source
        sentences.append(SentenceSupport(a.start, a.end, a.score, sources, status))
    flags = sorted([*unique, *sentence_flags], key=lambda f: (f.start, f.end, f.kind))
    return Report(tuple(flags), tuple(sentences))


_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(w for w in vocabulary.NUMBER_WORDS if w != 'twice')})\b", re.IGNORECASE)


def _whole_words(text: str, q: Mention) -> Mention:
    """A quantity found in the digit copy, spanning whole words of the text: "two" not "t"."""
    start, end = q.start, q.end
    while start > 0 and text[start - 1].isalpha() and text[start].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha() and text[end - 1].isalpha():
        end += 1
    return q._replace(start=start, end=end, text=text[start:end])


def _digits(text: str) -> str:
    """``text`` with number words as digits, padded to the same length: "three months" -> "3     months"."""
    return _NUMBER_WORD.sub(lambda m: str(vocabulary.NUMBER_WORDS[m.group().lower()]).ljust(len(m.group())), text)


def _results(s: _Facts, n: _Facts) -> list[Flag]:
    flags = []
    for r in s.results:
        claim: results.Result = r.key
        same = [m.key for m in n.results if results.same_test(claim, m.key)]
        best = max((results.overlap(claim, k) for k in same), default=0)
        same = [k for k in same if results.overlap(claim, k) == best]  # the note's results for the same test
        if same and not any(k.positive == claim.positive for k in same):
            said = "positive" if same[0].positive else "negative"
            flags.append(_flag(s.text, r.start, r.end, "negation", f"the note reports this result as {said}"))
    return flags


def _sides_in_sources(summary: str, note: str, alignments, taken: Taken) -> list[Flag]:
    """A side that the sentence's own sources contradict: the summary's "left ankle" where the note
    sentence it comes from says "R ankle" (the note may mention a left ankle elsewhere)."""
    out = []
    worse = [(d.start, d.end) for d in laterality.dominance(summary)]  # "left-predominant": _dominance's
    for a in alignments:
        sources = [note[x:y] for x, y in a.sources]
        for m in _SIDE_WORD.finditer(summary, a.start, a.end):
            if taken.overlaps(m.start(), m.end()) or any(x < m.end() and m.start() < y for x, y in worse):
                continue
            side = _side(m["side"])
            thing = vocabulary.stem(m["thing"])
            own = {_side(o["side"]) for o in _SIDE_WORD.finditer(summary, a.start, a.end)
                   if vocabulary.stem(o["thing"]) == thing}
            if len(own) > 1:
                continue  # "R TM bulging; L TM normal": the sentence speaks of both sides
            said = set()
            for text in sources:
                for o in _SIDE_WORD.finditer(text):
                    if vocabulary.stem(o["thing"]) == thing:
                        said.add(_side(o["side"]))
            both = {_side(o["side"]) for o in _SIDE_WORD.finditer(summary, a.start, a.end)} >= {"left", "right"}
            if not said and not both:  # the sources name the part differently ("UVJ" / "ureterovesical junction")
                said = {_side(o["side"]) for text in sources for o in _SIDE_WORD.finditer(text)}
            where = "the note sentence it comes from says"
            if not said and not both:  # the whole note, a side a few words before the thing: "right ureteral stent"
                said, where = _sides_before(note, thing), "the note says"
            if said and side not in said and "bilateral" not in said and not (side == "bilateral" and len(said) > 1):
                reason = f"{squash(m.group())}: {where} {' and '.join(sorted(said))}"
                out.append(_flag(summary, m.start(), m.end(), "laterality", reason))
    return out


def _sides_before(text: str, thing: str) -> set[str]:
    """Sides named within three words before each mention of ``thing`` (a stem) in ``text``."""
    sides = set()
    for m in re.finditer(r"[A-Za-z]{2,}", text):
        if vocabulary.stem(m.group()) != thing:
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        words = re.findall(r"[A-Za-z]+|[.;:\n]", before)[-4:]
        for word in reversed(words):
            if word in ".;:\n":
                break
            if word.lower() in ("left", "right", "bilateral", "lt", "rt") or word in ("L", "R"):
                sides.add(_side(word))
                break
    return sides


_SIDE_WORD = re.compile(
    r"\b(?P<side>(?i:left|right|bilateral|lt|rt)|L|R)\.?[ \t-]+(?:(?:upper|lower|middle|distal|proximal|"
    r"inner|outer|anterior|posterior|medial|lateral)[ \t]+)?(?P<thing>[A-Za-z]{2,})\b"
)
_SIDE_OF = {"left": "left", "lt": "left", "L": "left", "right": "right", "rt": "right", "R": "right",
            "bilateral": "bilateral"}  # fmt: skip


def _after_dose(s: _Facts, mention: Mention) -> bool:
    """Whether a dose ends just before ``mention``: "2 puffs twice daily"."""
    return any(q.key.kind == "dose" and 0 <= mention.start - q.end <= 12 and _FORWARD.match(s.text[q.end : mention.start])
               for q in s.quantities)


def _finding(text: str, table_words: frozenset[str] | None = None) -> bool:
    """Whether a negated phrase names a clinical finding (``chest pain``, ``BNP``, ``crackles``), not a
    person or a thing in the room (``daughter at bedside``): one of its words is clinical (ICD-10-CM, or a
    whole spelling in the abbreviation table), rare or an abbreviation."""
    return any(terms.is_term(word) or vocabulary.stem(word.lower()) in vocabulary.clinical_stems()
               or vocabulary.stem(word.lower()) in (equivalents.single_words() if table_words is None else table_words)
               for word in re.findall(r"[A-Za-z][A-Za-z0-9'-]*", text))


def _side(word: str) -> str:
    return _SIDE_OF[word.lower() if len(word) > 1 else word]


def _taken(flags: list[Flag], length: int) -> Taken:
    taken = Taken(length)
    for f in flags:
        taken.add(f.start, f.end)
    return taken


def _flag(summary: str, start: int, end: int, kind: str, reason: str) -> Flag:
    return Flag(start, end, kind, summary[start:end], reason)


def _medications(s: _Facts, n: _Facts) -> list[Flag]:
    known = {m.key for m in n.meds}
    names = {" ".join(m.text.lower().split()) for m in n.meds} | known
    # "levodopa" for the note's "carbidopa-levodopa": one ingredient of a combination the note gives
    parts = {part for name in names for part in re.split(r"\s*[-/]\s*", name) if len(part) >= 4}

    def shorter(m: Mention) -> bool:  # "insulin" for the note's "insulin glargine"
        text = " ".join(m.text.lower().split())
        return any(name.startswith(text + " ") or str(m.key) and name.startswith(f"{m.key} ") for name in names) \
            or text in parts or str(m.key) in parts

    return [
        _flag(s.text, m.start, m.end, "medication", f"{squash(m.text)} does not appear in the note")
        for m in s.meds
        if m.key not in known and not shorter(m)
    ]


def _quantities(s: _Facts, n: _Facts) -> list[Flag]:
    by_dim: dict[str | None, list[Mention]] = defaultdict(list)
    with_units = Taken(len(n.text))
    for q in n.quantities:
        by_dim[q.key.dim].append(q)
        if q.key.dim is not None:
            with_units.add(q.start, q.end)
    numbers = quantities.all_numbers(n.digits)
    every = {v for _, _, v in numbers}
    unitless = {v for a, b, v in numbers if not with_units.covers(a, b)}
    known = {m.key for m in n.meds}
    owner = functools.cache(lambda m: getattr(n.drug_of(m), "key", None))
    flags = []
    for q in s.quantities:
        what = f"dose {squash(q.text)}" if q.key.kind == "dose" or _strength(s, q) else f"value {squash(q.text)}"
        if q.key.dim is None:
            if not set(q.key.raw) <= every:
                flags.append(_flag(s.text, q.start, q.end, "number", f"{what} does not appear in the note"))
            elif (label := _other_label(s.text, q, n.text, numbers)) is not None:
                reason = f"{what} appears in the note, but as {label}"
                flags.append(_flag(s.text, q.start, q.end, "number", reason))
            continue
        same = [m for m in by_dim[q.key.dim] if quantities.matches(q.key, m.key)]
        if not same and _written_alike(s, n, q):
            continue
        if not same and len(q.key.values) == 2:  # "down from 94.0 to 88.1 kg": two values, not a range
            ends = [q.key._replace(values=(v,), raw=(r,)) for v, r in zip(q.key.values, q.key.raw, strict=True)]
            if all(any(quantities.matches(e, m.key) for m in by_dim[q.key.dim]) or e.raw[0] in every for e in ends):
                continue
        if not same and not (q.key.kind == "number" and set(q.key.raw) <= unitless):
            flags.append(_flag(s.text, q.start, q.end, q.key.kind, f"{what} does not appear in the note"))
            continue
        drug = s.drug_of(q) if q.key.kind == "dose" or _strength(s, q) else None
        if drug is not None and drug.key in known and not {owner(m) for m in same} & {drug.key, None}:
            reason = f"{what} appears in the note, but not for {squash(drug.text)}"
            flags.append(_flag(s.text, q.start, q.end, "dose", reason))
    return flags


def _written_alike(s: _Facts, n: _Facts, q: Mention) -> bool:
    """A value the note writes in a form the quantity finder does not read as one: the interval of a
    frequency the note gives ("every 10 minutes" / "q10 min"), a rate's denominator ("per 8 h" / "mL/8 h"),
    an unlabelled pressure ("BP 148/96" / "this morning: 148/96"), a share as a fraction ("40%" / "0.40")."""
    for f in s.frequencies:
        if f.start <= q.start and q.end <= f.end and any(frequencies.supports(f.key, m.key) for m in n.frequencies):
            return True
    if re.search(rf"(?:/|\bper)\s*{re.escape(squash(q.text))}\b", n.squashed):
        return True
    if q.key.dim == "%" and all(round(v / 100, 6) in n.fractions for v in q.key.raw):
        return True  # "FiO2 21-25%" for the note's "FiO2 0.21-0.25": a share written as a fraction
    pair = re.fullmatch(r"(\d+)\s*/\s*(\d+)", q.text.strip())
    return bool(pair and re.search(rf"(?<![\d.]){pair[1]}\s*/\s*{pair[2]}(?!\d|\.\d)", n.text))


def _strength(s: _Facts, q: Mention) -> bool:
    """A percentage right after a drug name is its strength, a dose: "moxifloxacin 0.5%", "hydrocortisone 1%"."""
    i = bisect.bisect_right(s._med_ends, q.start) - 1
    return q.key.dim == "%" and i >= 0 and not s.text[s.meds[i].end : q.start].strip()


_LABEL = re.compile(rf"\b(?:{quantities.LABELS})\b", re.IGNORECASE)


def _label_before(text: str, start: int) -> str | None:
    """The lab or vital label a number belongs to: the nearest one before it on its line (within a few
    words) and in its own table cell ("| Wt 74.6 kg | FHR 142 |": 142 is not the weight), else the row
    header of a table line ("| CRP (mg/L) | 18 | 8 |")."""
    line_start = text.rfind("\n", 0, start) + 1
    found = [m for m in _LABEL.finditer(text, line_start, start) if text[m.end() : m.end() + 1] != "/"]
    if not found:
        return None
    cell = text.rfind("|", line_start, start)
    if cell >= 0 and re.search(r"[A-Za-z]", text[cell + 1 : start]):  # "| FHR 142 |": the cell names its value
        own = [m for m in found if m.start() > cell]
        return own[-1].group() if own else None
    near = found[-1]
    if start - near.end() <= 30 and not re.search(r"[.;]", text[near.end() : start]):
        return near.group()
    return found[0].group() if text[line_start:start].lstrip().startswith("|") else None


def _other_label(summary: str, q: Mention, note: str, numbers: list[tuple[int, int, float]]) -> str | None:
    """For "HR 112": the label the note gives 112 when it never gives it to HR (else None)."""
    label = _label_before(summary, q.start)
    if label is None:
        return None
    want = implied.label_groups(label)
    others = []
    for a, _, value in numbers:
        if value in q.key.raw:
            theirs = _label_before(note, a)
            if theirs is None or implied.label_groups(theirs) & want:
                return None
            others.append(theirs)
    return others[0] if others else None


_EVERY = re.compile(r"every\s+\S+\s+\w", re.IGNORECASE)  # "every 2 hours": a repetition, not "Qd 600" or "4 wk"


def _frequencies(s: _Facts, n: _Facts) -> list[Flag]:
    known = {m.key for m in n.meds}
    flags = []
    for q in s.frequencies:
        drug = s.drug_near(q)
        same = [m for m in n.frequencies if frequencies.supports(q.key, m.key)]
        what = f"frequency {squash(q.text)}"
        if drug is None and not _after_dose(s, q) and not same and _EVERY.match(q.text):
            # "neuro checks every 2 hours", "skin exams every 3 months": not a dosing frequency, but one the
            # note never gives
            flags.append(_flag(s.text, q.start, q.end, "frequency", f"{what} does not appear in the note"))
            continue
        if drug is None and not _after_dose(s, q):
            continue
        if not same and q.key == "prn" and drug is not None and _given_if(n, drug.key):
            continue  # "melatonin PRN" for the note's "if cannot sleep, melatonin 3 mg"
        if not same:
            flags.append(_flag(s.text, q.start, q.end, "frequency", f"{what} does not appear in the note"))
            continue
        if drug is not None and drug.key in known:
            owners = {getattr(n.drug_near(m), "key", None) for m in same}
            owners |= {k for o in owners if o is not None for k in _combined_with(n, o)}
            own = [m for m in n.frequencies if getattr(n.drug_near(m), "key", None) == drug.key]
            if own and drug.key not in owners and not any(m.key == "prn" for m in own) and q.key != "prn":
                # the note gives this drug its own frequency, and not this one: "methotrexate once weekly"
                # is not backed by another line's "daily"
                stated = ", ".join(sorted({squash(m.text) for m in own}))
                reason = f"{what}: the note gives {squash(drug.text)} {stated}"
                flags.append(_flag(s.text, q.start, q.end, "frequency", reason))
            elif not owners & {drug.key, None}:
                reason = f"{what} appears in the note, but not for {squash(drug.text)}"
                flags.append(_flag(s.text, q.start, q.end, "frequency", reason))
    return flags


def _given_if(n: _Facts, key: str) -> bool:
    """Whether a note sentence gives the drug under a condition ("If cannot sleep, melatonin 3 mg"):
    as needed, in other words."""
    for m in n.meds:
        if m.key == key:
            start = max(n.text.rfind(stop, 0, m.start) for stop in (".", "\n", ";"))
            if re.search(r"\b(?:if|when)\b", n.text[start + 1 : m.start], re.IGNORECASE):
                return True
    return False


def _combined_with(n: _Facts, key: str) -> set[str]:
    """The drugs written with ``key`` as one product ("adapalene 0.1%/benzoyl peroxide 2.5% gel"): a
    frequency given for the product is given for each."""
    out = set()
    for a, b in itertools.pairwise(n.meds):
        if key in (a.key, b.key) and re.fullmatch(r"\s*(?:[\d.]+\s*%?\s*)?[/-]\s*", n.text[a.end : b.start]):
            out |= {a.key, b.key}
    return out


def _dates(s: _Facts, n: _Facts) -> list[Flag]:
    years: dict[tuple[int, int], set[int | None]] = defaultdict(set)
    for d in n.dates:
        for year, month, day in d.key:
            years[month, day].add(year)
    # "BCx 11/03" in the note backs a summary's "from 11/03" (a date without a year)
    loose = {(month, day) for m in dates.loose(n.text) for _, month, day in m.key}

    def stated(key: dates.Key) -> bool:  # same day; a missing year on either side matches any year
        return any(
            (month, day) in years and (year is None or None in years[month, day] or year in years[month, day])
            or (year is None and (month, day) in loose)
            or (day == 0 and any(mo == month and (year is None or None in ys or year in ys)
                                 for (mo, _), ys in years.items()))  # "November 2033": any day of it
            for year, month, day in key
        )

    return [
        _flag(s.text, d.start, d.end, "date", f"date {squash(d.text)} does not appear in the note")
        for d in s.dates
        if not stated(d.key)
    ]


def _sides(s: _Facts, n: _Facts) -> list[Flag]:
    by_part: dict[str, list[laterality.Side]] = defaultdict(list)
    for o in (*n.sides, *laterality.after_part(n.text)):
        by_part[o.key.part].append(o.key)
    flags = []
    for m in s.sides:
        claim: laterality.Side = m.key
        related = [o for o in by_part[claim.part] if laterality.compatible(claim, o)]
        if any(laterality.supports(claim, o) for o in related):
            continue
        if claim.side == "bilateral" and {o.side for o in related} >= {"left", "right"}:
            continue  # the note gives the left and the right one
        if related:
            said = sorted({" ".join([o.side, *sorted(claim.modifiers), claim.part]) for o in related})
            reason = f"{squash(m.text)}: the note says {' and '.join(said)}"
        elif re.search(rf"\b{re.escape(claim.part)}", n.text, re.IGNORECASE):
            reason = f"{squash(m.text)}: the note does not say which side ({claim.part})"
        else:
            reason = f"{squash(m.text)} does not appear in the note"
        flags.append(_flag(s.text, m.start, m.end, "laterality", reason))
    return flags


def _dominance(s: _Facts, n: _Facts) -> list[Flag]:
    """A summary's worse side ("wheeze L>R", "right-predominant") that the note's own statements of a worse side
    all contradict ("R>L", "L > R temporal")."""
    said = {m.key for m in laterality.dominance(n.text)}
    return [_flag(s.text, m.start, m.end, "laterality", f"{squash(m.text)}: the note says the {' and '.join(sorted(said))} side is worse")
            for m in laterality.dominance(s.text) if said and m.key not in said]


def _qualified(s: _Facts, key: str) -> bool:
    """Whether the summary also reports the finding it negates: "mild dyspnea climbing stairs but no
    SOB at rest" negates it only in part (the negated phrase has lost its "at rest")."""
    return any(s.state(span) == "affirmed" for span in s.words.occurrences(key))


# "salicylate and ethanol were negative": a test the summary reports negative agrees with a note that
# says the thing tested for is absent ("Salicylate undetectable")
_NEGATIVE_RESULT = re.compile(r"[^.;:\n]{0,30}?\b(?:negative|neg|undetectable|not\s+detected|none\s+detected)\b",
                              re.IGNORECASE)
_UNDETECTED = re.compile(r"(?:(?:was|were|is|are)\s+)?(?:undetectable|not\s+detected)", re.IGNORECASE)


def _heading(text: str, span: tuple[int, int]) -> bool:
    """Whether the words at ``span`` are a heading: alone on their line, before a colon."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[1])
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return line.strip().rstrip(":").strip().lower() == text[span[0] : span[1]].lower() and line.rstrip().endswith(":")


def _negations(s: _Facts, n: _Facts, finding=_finding) -> list[Flag]:
    note_states = functools.cache(lambda key: [n.state(span) for span in n.words.occurrences(key)])
    flags = []
    first_in_scope: set[negation.Scope] = set()
    for scope, c in negation.concepts(s.text, s.scopes):
        if scope.polarity != "negated":
            continue
        start, end = negation.claim(s.text, scope, c, scope not in first_in_scope)
        first_in_scope.add(scope)
        states = note_states(c.key)
        if "affirmed" in states and "negated" not in states and (finding(c.text) or negation.denied(s.text, scope)) \
                and not _qualified(s, c.key):
            said = squash(s.text[start:end])
            reason = (f"the summary says {said} is absent, but the note reports it" if (start, end) == (c.start, c.end)
                      else f"the summary says {said}, but the note reports {squash(c.text)}")  # the cue included
            flags.append(_flag(s.text, start, end, "negation", reason))
    absent: dict[str, bool] = {}  # key -> whether every cue was a test's ("Salicylate undetectable")
    for scope, c in negation.concepts(n.text, n.scopes, whole=True):
        if scope.polarity == "negated" and (finding(c.text) or negation.denied(n.text, scope)):
            cue = n.text[scope.trigger : scope.trigger + 20]
            absent[c.key] = absent.get(c.key, True) and bool(_UNDETECTED.match(cue))
    for key, undetected in sorted(absent.items()):
        if "affirmed" in note_states(key):  # an "if chest pain, return" is no report of chest pain
            continue
        for span in s.words.occurrences(key):
            if _heading(s.text, span):
                continue  # "Medication changes:" over a list is the list's name, not a report of any
            if s.state(span) == "affirmed" and not (undetected and _NEGATIVE_RESULT.match(s.text, span[1])):
                reason = (
                    f"the summary reports {squash(s.text[span[0] : span[1]])}, but the note says it is absent"
                )
                flags.append(_flag(s.text, *span, "negation", reason))
    return flags
