"""A thing the summary says was done that the note only plans or considers: "surfactant was given on
admission" where the note says "surfactant if FiO2 > 0.40" (and nothing else about surfactant).

The note's mentions of it must all be uncertain (conditional, "consider", "possible", ...: the negation
module's uncertain scopes), and the summary must say it was done, with a completion verb right after it
("was given", "were placed", "performed"), or say it is booked ("scheduled": a choice the note left open).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.grounding import negation
from core.grounding.findings import Flag, Taken, squash

_DONE = re.compile(
    # a side or site of two to four letters may come between: "trabeculectomy OS scheduled"
    r"(?:\s+(?-i:[A-Z]{2,4}))?"
    r"\W{0,3}(?:(?:was|were|is|are|has\s+been|have\s+been|had\s+been)\s+)?(?:given|administered|performed|placed|"
    r"started|done|completed|inserted|initiated|scheduled|booked)\b",
    re.IGNORECASE,
)


def flags(s, n, taken: Taken, finding: Callable[[str], bool]) -> list[Flag]:
    """``s``, ``n``: the summary's and the note's facts (scopes and words)."""
    considered = {c.key: c.text for scope, c in negation.concepts(n.text, n.scopes) if scope.polarity == "uncertain"}
    out = []
    for key, text in considered.items():
        states = {n.state(span) for span in n.words.occurrences(key)}
        if states != {"uncertain"} or not finding(text):
            continue
        for start, end in s.words.occurrences(key):
            done = _DONE.match(s.text, end)
            if done and s.state((start, end)) == "affirmed" and not taken.overlaps(start, end):
                claim = squash(s.text[start : done.end()])
                reason = f"the summary says {claim}, but the note only plans or considers {squash(text)}"
                out.append(Flag(start, done.end(), "negation", s.text[start : done.end()], reason))
    return out
