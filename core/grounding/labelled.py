"""Numbers named by the word right before them: ``stage 2``, ``SPF 50``, ``FiO2 0.30``, ``grade 3``,
``CPAP 5``, ``PHQ-9 of 19``. A summary's labelled number is flagged where the note gives that label
other numbers and never this one: "stage 2 pressure injury" for the note's "stage 1" (the note may have
a 2 elsewhere, which is why the plain number check lets it pass).

Only a number written directly after its label (``:``, ``=``, ``of``, ``is``, ``was``, or a trend such as
``improved to`` or ``peaked at`` may stand between)
counts, on both sides: "FiO2 > 0.40" and "temperature 38.0 or more" are thresholds, not values. Numbers with a unit, and dates, are
compared by the quantity and date checks; everyday words (``day 3``, ``in 2``) are no labels.
"""

from __future__ import annotations

import re
from collections import defaultdict

from core.grounding import quantities, vocabulary
from core.grounding.findings import Flag, Taken

# "creatinine improved to 1.0", "lactate peaked at 4.1": the value the label reached
_TREND = (r"(?:(?:has\s+|had\s+)?(?:improved|rose|risen|fell|fallen|increased|decreased|dropped|climbed|peaked|"
          r"trended|returned|normalized|came\s+down|went\s+up|down|up)\s+(?:to|at))")
_PAIR = re.compile(
    rf"\b(?P<label>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\b\s*(?:[:=]\s*|(?:of|is|was)\s+|{_TREND}\s+)?"
    rf"(?P<num>{quantities.NUM})"
    r"(?![\d/.:]?\d)(?!\s*(?:/|-\s*\d))"  # not a date, ratio or range
    r"(?!\s*(?:\+|or\s+(?:more|higher|greater|above|over|less|lower|below|under)\b))"  # nor a threshold
)
ORDINARY_ZIPF = 5.3  # "day", "week", "times", "age" name counts of many things: no label
_HEDGES = frozenset({"approximately", "approx", "around", "nearly", "roughly", "almost", "total", "another",
                     "additional", "last", "past", "next", "remaining", "extra", "least", "within", "since",
                     "until", "than", "through", "between", "aged"})
_MORE = re.compile(rf"(?:\s*(?:,|and|then)\s*(?P<num>{quantities.NUM})(?![\d/.:]?\d))")  # "Apgars 7 and 8"


def pairs(text: str, skip: Taken | None = None) -> list[tuple[int, int, str, float]]:
    """``(start, end, label key, value)`` of every labelled number outside ``skip``; the span is the
    number's."""
    out = []
    for m in _PAIR.finditer(text):
        if skip is not None and skip.overlaps(m.start("num"), m.end("num")):
            continue
        label = m["label"].lower()
        if label in vocabulary.STOPWORDS or label in _HEDGES or label in vocabulary.NUMBER_WORDS \
                or vocabulary.zipf(label) >= ORDINARY_ZIPF:
            continue
        if len(label) < 2 or label[0] in "xq" and label[1:].isdigit():
            continue  # "x3", "q8"
        key = vocabulary.stem(label)
        out.append((m.start("num"), m.end("num"), key, quantities.number(m["num"])))
        end = m.end()
        while more := _MORE.match(text, end):
            out.append((more.start("num"), more.end("num"), key, quantities.number(more["num"])))
            end = more.end()
    return out


def flags(summary: str, note: str, taken: Taken, measured: Taken) -> list[Flag]:
    """``measured``: the summary's numbers with a unit, and dates (checked elsewhere). The note's labelled
    numbers count with or without a unit ("Hgb 7.1 g/dL" gives Hgb 7.1)."""
    given: dict[str, set[float]] = defaultdict(set)
    for _, _, label, value in pairs(note):
        given[label].add(value)
    out = []
    for start, end, label, value in pairs(summary, measured):
        if label in given and value not in given[label] and not taken.overlaps(start, end):
            said = ", ".join(f"{v:g}" for v in sorted(given[label]))
            reason = f"{summary[start:end]}: the note gives {label} {said}"
            out.append(Flag(start, end, "number", summary[start:end], reason))
    return out
