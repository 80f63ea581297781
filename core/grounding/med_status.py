"""Whether a medication was stopped or continued: a summary's "octreotide has been discontinued" where
the note only says "Octreotide 100 mcg SC q8h continued" (or the other way round) is flagged.

Stopping a drug is a change, not an absence (the note's "lisinopril was stopped" does not contradict a
summary's "lisinopril was switched to Entresto"), so this is not the negation check's job: only the two
statuses are compared, for the same drug, and only where the note states one and never the other.
A status is a stop or continue verb in the drug's own clause: right before it ("stop oxybutynin",
"continue aspirin") or a few words after it ("lisinopril was stopped", "octreotide 100 mcg SC continued",
"Fentanyl gtt off since 09:00", "Gabapentin (home) | held"); the verb right before it wins ("stop aspirin and
continue metoprolol"). A list that ends "- all HELD" holds every drug on its line; "not restarted" is a stop.
"""

from __future__ import annotations

import bisect
import re

from core.grounding.findings import Flag, Mention, Taken, squash

_STOP = (r"discontinu(?:e|ed|es|ing)|stop(?:ped|s|ping)?|d/c'?d|dc'?d|held|hold(?:ing)?|withheld|ceased|"
         r"(?:weaned|titrated|taken|turned)\s+off|(?:last|final)\s+dose|deprescribed|no\s+longer")
_LEFT = r"(?:narrowed|(?:de-?)?escalated|switched|changed|converted|transitioned)\s+to"  # "cefepime escalated to
# meropenem" stops the cefepime (what the fact extractor says too), not the meropenem
_CONTINUE = r"continu(?:e|ed|es|ing)|resume[ds]?|restart(?:ed)?|still\s+(?:taking|on)"
_VERB = re.compile(rf"\b(?:(?P<stop>{_STOP}|{_LEFT})|(?P<go>{_CONTINUE}))\b", re.IGNORECASE)
_GAP = re.compile(r"(?:\s*\([^()\n]{0,30}\))?(?::[ \t]*)?[^.;:\n,()]*")  # a clause: no sentence, list or bracket
# break in between, past a short bracket or a label's colon right after the drug ("Gabapentin (home) | held",
# "Clonazepam: last dose 14:00 today")
_JOIN = re.compile(r"\s*(?:,|and|&|\+|/)\s*(?:and\s+)?", re.IGNORECASE)  # "amlodipine and losartan HELD": shared
_NOT = re.compile(r"\b(?:not|never|no)\s+$", re.IGNORECASE)  # "not restarted": stopped
_OFF = re.compile(r"(?:\s+(?:infusion|gtt|drip))?\s*\(?\s*off\b", re.IGNORECASE)  # "NE off 11:00", "infusion (off 10/13)"
_OUTCOME = re.compile(rf"(?:->|→)\s*(?:(?P<stop>{_STOP})|(?P<go>{_CONTINUE}))\b", re.IGNORECASE)  # what was decided
_ALL = re.compile(rf"[-–:]\s*all\s+(?:(?P<stop>{_STOP})|(?P<go>{_CONTINUE}))\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|unless|should|in\s+case)\b", re.IGNORECASE)
AFTER_WORDS = 6
# a clause that opens with a stop or continue verb and lists drugs with their doses up to this one
_LIST_VERB = re.compile(rf"[\s*•-]*(?:[A-Za-z][\w /]{{0,20}}:\s*)?(?:(?P<stop>{_STOP})|(?P<go>{_CONTINUE}))\s+(?P<items>[^()\n]*)$", re.IGNORECASE)
_OTHER_VERB = re.compile(r"\b(?:start|started|starting|add|added|begin|began|initiat\w*|increas\w*|decreas\w*|"
                         r"reduc\w*|switch\w*|chang\w*|titrat\w*|new|plus|then|but|except|if|until|"
                         rf"{_STOP}|{_CONTINUE})\b", re.IGNORECASE)


def status(text: str, med: Mention, meds: list[Mention]) -> str | None:
    """``"stopped"``, ``"continued"`` or None for the drug mentioned at ``med``; None in a conditional
    sentence too ("stop methimazole if fever or sore throat develops" stops nothing yet)."""
    found = said_at(text, med, meds)
    return found[0] if found else None


def said_at(text: str, med: Mention, meds: list[Mention]) -> tuple[str, int, int] | None:
    """The drug's status and the span of the words that say it (the drug included)."""
    start = max(text.rfind(c, 0, med.start) for c in ".;\n") + 1
    ends = [i for i in (text.find(c, med.end) for c in ".;\n") if i >= 0]
    sentence_end = min(ends, default=len(text))
    if _CONDITIONAL.search(text, start, sentence_end):
        return None
    before = text[max(0, med.start - 30) : med.start]
    preceding = re.search(rf"\b(?:(?P<stop>{_STOP})|(?P<go>{_CONTINUE}))\s+(?:taking\s+)?"
                          rf"(?:the\s+|his\s+|her\s+|home\s+)?$", before, re.IGNORECASE)
    if preceding:
        lead = before[: preceding.start()]
        return _said(preceding, lead), med.start - len(before) + preceding.start() - _negator(lead), med.end
    if (listed := _LIST_VERB.match(text, start, med.start)) and not _OTHER_VERB.search(listed["items"]):
        return _said(listed, ""), med.start, med.end  # "Continue aspirin 81 mg daily, atorvastatin 80 mg and
        # cilostazol 100 mg BID": the verb opening a list of drugs is each one's
    if off := _OFF.match(text, med.end):
        return "stopped", med.start, off.end()
    starts = [m.start for m in meds]  # in text order
    i = bisect.bisect_left(starts, med.end)
    end = med.end
    while i < len(starts) and _JOIN.fullmatch(text, end, starts[i]):
        end = meds[i].end  # a drug joined to the next shares the verb after it
        i = bisect.bisect_left(starts, end)
    limit = starts[i] if i < len(starts) else len(text)
    gap = _GAP.match(text, end, limit)
    for verb in _VERB.finditer(text, end, gap.end() if gap else end):
        if len(text[end : verb.start()].split()) <= AFTER_WORDS:
            return _said(verb, text[end : verb.start()]), med.start, verb.end()
        break
    line_end = text.find("\n", med.end)
    if (outcome := _OUTCOME.search(text, med.end, sentence_end)) and not any(med.end < m.start < outcome.start() for m in meds):
        return _said(outcome, ""), med.start, outcome.end()  # "Oseltamivir: 5-day course done tonight -> discontinue"
    every = _ALL.search(text, med.end, line_end if line_end >= 0 else len(text))
    if every:  # "Home meds: aspirin, metoprolol succinate and tamsulosin - all HELD (shock, NPO)."
        return ("stopped" if every["stop"] else "continued"), med.start, med.end
    return None


def _negator(lead: str) -> int:
    """Length of the "not " that ends ``lead`` (0 when there is none)."""
    m = _NOT.search(lead)
    return len(lead) - m.start() if m else 0


def _said(verb: re.Match, lead: str) -> str:
    """The status a verb says, read through a "not" before it ("not restarted", "not continued")."""
    if verb["stop"]:
        return "continued" if _NOT.search(lead) else "stopped"
    return "stopped" if _NOT.search(lead) else "continued"


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
        found = said_at(summary, m, summary_meds)
        note_says = said.get(m.key, set())
        if found and note_says and found[0] not in note_says:
            claim, start, end = found
            other = next(iter(note_says))
            reason = f"the summary says {squash(m.text)} was {claim}, but the note says it was {other}"
            out.append(Flag(start, end, "negation", summary[start:end], reason))
    return out
