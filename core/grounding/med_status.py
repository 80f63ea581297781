"""Whether a medication was stopped or continued: a summary's "octreotide has been discontinued" where
the note only says "Octreotide 100 mcg SC q8h continued" (or the other way round) is flagged.

Stopping a drug is a change, not an absence (the note's "lisinopril was stopped" does not contradict a
summary's "lisinopril was switched to Entresto"), so this is not the negation check's job: only the two
statuses are compared, for the same drug, and only where the note states one and never the other.
A status is a stop or continue verb in the drug's own clause: right before it ("stop oxybutynin",
"continue aspirin") or a few words after it ("lisinopril was stopped", "octreotide 100 mcg SC continued").
"""

from __future__ import annotations

import bisect
import re

from core.grounding.findings import Flag, Mention, Taken, squash

_STOP = r"discontinu(?:e|ed|es|ing)|stop(?:ped|s|ping)?|d/c'?d|dc'?d|held|hold(?:ing)?|withheld|ceased"
_CONTINUE = r"continu(?:e|ed|es|ing)|resume[ds]?|restart(?:ed)?"
_VERB = re.compile(rf"\b(?:(?P<stop>{_STOP})|(?P<go>{_CONTINUE}))\b", re.IGNORECASE)
_GAP = re.compile(r"[^.;:\n,()]*")  # a clause: no sentence, list or bracket break in between
_CONDITIONAL = re.compile(r"\b(?:if|unless|should|in\s+case)\b", re.IGNORECASE)
AFTER_WORDS = 6


def status(text: str, med: Mention, meds: list[Mention]) -> str | None:
    """``"stopped"``, ``"continued"`` or None for the drug mentioned at ``med``; None in a conditional
    sentence too ("stop methimazole if fever or sore throat develops" stops nothing yet)."""
    start = max(text.rfind(c, 0, med.start) for c in ".;\n") + 1
    ends = [i for i in (text.find(c, med.end) for c in ".;\n") if i >= 0]
    if _CONDITIONAL.search(text, start, min(ends, default=len(text))):
        return None
    starts = [m.start for m in meds]  # in text order
    i = bisect.bisect_left(starts, med.end)
    limit = starts[i] if i < len(starts) else len(text)
    gap = _GAP.match(text, med.end, limit)
    for verb in _VERB.finditer(text, med.end, gap.end() if gap else med.end):
        if len(text[med.end : verb.start()].split()) <= AFTER_WORDS:
            return "stopped" if verb["stop"] else "continued"
        break
    before = text[max(0, med.start - 30) : med.start]
    preceding = re.search(rf"\b(?:(?P<stop>{_STOP})|(?P<go>{_CONTINUE}))\s+(?:the\s+|his\s+|her\s+|home\s+)?$",
                          before, re.IGNORECASE)
    if preceding:
        return "stopped" if preceding["stop"] else "continued"
    return None


def flags(summary: str, note: str, summary_meds: list[Mention], note_meds: list[Mention], taken: Taken) -> list[Flag]:
    said: dict[str, set[str]] = {}
    for m in note_meds:
        s = status(note, m, note_meds)
        if s:
            said.setdefault(m.key, set()).add(s)
    out = []
    for m in summary_meds:
        if taken.overlaps(m.start, m.end):
            continue
        claim = status(summary, m, summary_meds)
        note_says = said.get(m.key, set())
        if claim and note_says and claim not in note_says:
            other = next(iter(note_says))
            reason = f"the summary says {squash(m.text)} was {claim}, but the note says it was {other}"
            out.append(Flag(m.start, m.end, "negation", m.text, reason))
    return out
