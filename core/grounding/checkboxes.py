"""Check-box forms, as EHR templates export them: ``[ ] fever [x] fatigue``, ``LOC: [ ] yes [x] no``.

An unchecked item is not reported (``[ ] chest pain`` under a review of systems: the patient denies
it; ``[ ] DEXA`` under a plan: not ordered); a checked one is. A yes/no question is negated when its
"no" box is the checked one. NegEx cues cannot read this (the box, not a word, carries the polarity),
and ConText has no rule for it either, so it is written here by hand: the convention is the same in
every template.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_BOX = re.compile(r"\[(?P<mark>[ xX✓✔]?)\]")
_YES_NO = re.compile(
    r"(?P<label>[^\n:\[\]]{2,80}):[ \t]*\[(?P<yes>[ xX✓✔]?)\][ \t]*yes\b[ \t]*\[(?P<no>[ xX✓✔]?)\][ \t]*no\b",
    re.IGNORECASE,
)
_ITEM_END = re.compile(r"\[|\n|\s[-–—]\s|\(|;|:")


class Item(NamedTuple):
    start: int
    end: int
    """The item's words (or a yes/no question's label)."""
    checked: bool


def items(text: str) -> list[Item]:
    """Every box's item, in order: the words after a box up to the next box or the end of the phrase,
    and for a yes/no question its label, checked when "yes" is."""
    out: list[Item] = []
    questions = list(_YES_NO.finditer(text))
    inside = [(q.start("yes") - 1, q.end()) for q in questions]
    for q in questions:
        if bool(q["yes"].strip()) != bool(q["no"].strip()):
            start, end = _trim(text, q.start("label"), q.end("label"))
            out.append(Item(start, end, bool(q["yes"].strip())))
    for box in _BOX.finditer(text):
        if any(a <= box.start() < b for a, b in inside):
            continue
        stop = _ITEM_END.search(text, box.end())
        start, end = _trim(text, box.end(), stop.start() if stop else len(text))
        if end > start:
            out.append(Item(start, end, bool(box["mark"].strip())))
    return sorted(out)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end
