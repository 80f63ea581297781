"""Test results stated as positive or negative: ``UDS negative``, ``positive for influenza A``,
``Ottawa ankle rule negative``. A summary that flips the note's result is flagged.

A result's *subject* is the words next to ``positive``/``negative`` in its clause (before it, or after it
with ``for``); two results are about the same test when their subjects share most of their words
(after normalization: ``urine cultures`` == ``urine culture``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from core.grounding import vocabulary
from core.grounding.findings import Mention

_POLARITY = re.compile(
    r"(?:\b(?P<p>positive|negative|pos|neg|grew|no\s+growth|(?-i:NGTD|NG(?=\s*(?:x\s*\d|to\s+date))))\b|(?<=[A-Za-z0-9)])\s?(?P<sign>\+|\(\+\)|\(-\))(?=[\s.,;:)]|$))"
    r"(?P<for>\s+for\b)?",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;:.()\n]|\b(?:and|or|but|with|without|while|whereas|then)\b", re.IGNORECASE)
_SKIP = {"was", "were", "is", "are", "be", "been", "came", "back", "returned", "remain", "remained",
         "remains", "test", "tests", "tested", "result", "results", "screen", "the", "a", "an", "her", "his",
         "also", "still", "now", "strongly", "weakly", "both", "showed", "shows", "show", "revealed", "had",
         "has", "have"}  # fmt: skip
WORDS = 3
_ASIDE = re.compile(r"\([^()\n]*\)")
# A result in brackets after its test and value: the subject is the clause before the bracket
_BRACKETED = re.compile(r"(?P<subject>[^,;:.()\n]+)\($")
_VALUE = re.compile(r"[\s:=]*[<>]?\d[\d.,:/]*\s*(?:[A-Za-zµ%]+(?:/[A-Za-z0-9.]+)?)?\s*$")


class Result(NamedTuple):
    subject: frozenset[str]
    positive: bool


def find(text: str) -> list[Mention]:
    """Positive/negative results with their subjects; ``key`` is a :class:`Result`."""
    out = []
    for m in _POLARITY.finditer(text):
        word = m["p"] or m["sign"]
        positive = word.lower().startswith(("pos", "grew")) or "+" in word  # a culture that grew is positive
        # "NG x 5d", "NGTD": no growth (to date)
        if m["for"]:
            stop = _CLAUSE_END.search(text, m.end())
            words = _words(text[m.end() : stop.start() if stop else len(text)])[:WORDS]
        elif (before := _BRACKETED.search(text, max(0, m.start() - 80), m.start())) and text[m.end() : m.end() + 1] == ")":
            words = _words(_VALUE.sub("", before["subject"]))[-WORDS:]  # "rheumatoid factor 64 IU/mL (positive)"
        else:
            window = _ASIDE.sub(lambda a: " " * len(a.group()), text[max(0, m.start() - 80) : m.start()])
            starts = [e.end() for e in _CLAUSE_END.finditer(window)]  # "blood cultures (peripheral) grew"
            words = _words(window[starts[-1] if starts else 0 :])[-WORDS:]
            if not words:  # "positive leukocyte esterase"
                stop = _CLAUSE_END.search(text, m.end())
                words = _words(text[m.end() : stop.start() if stop else len(text)])[:WORDS]
        if words:
            a, b = m.span("p") if m["p"] else m.span("sign")
            out.append(Mention(a, b, text[a:b], Result(frozenset(words), positive)))
    return out


def _words(text: str) -> list[str]:
    return [t.key for t in vocabulary.tokens(text) if t.word.lower() not in _SKIP and vocabulary.is_content(t)]


def same_test(a: Result, b: Result) -> bool:
    return overlap(a, b) >= 0.5


def overlap(a: Result, b: Result) -> float:
    """How much two results' subjects share (0..1, of the shorter)."""
    return len(a.subject & b.subject) / max(1, min(len(a.subject), len(b.subject)))

