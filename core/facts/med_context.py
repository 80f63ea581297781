"""What a medication mention's surroundings say about its change, beyond the change word itself: a box
left unticked in a templated export ("[ ] Magnesium sulfate IV - not indicated"), a change dated to a
year before the note's own ("glipizide - stopped by PCP in 2031", "(started 2029, no indication)"), a
drug given in a parenthesis with its own dose and change ("Replete K (KCl 40 mEq PO x1 today)"), a change
said to be long ago ("tried pioglitazone years ago and stopped it")."""

from __future__ import annotations

import functools
import re

_UNCHECKED = re.compile(r"[ \t]*(?:[-*•][ \t]*)?\[ \]")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A change word, then a few words ("by her PCP in", "in") and a year, or a month/year ("since 11/2030").
_DATED = re.compile(r"(?:[ \t]+(?:[A-Za-z'-]+|\d{1,2}/)){0,5}?[ \t]*(?:\d{1,2}/)?((?:19|20)\d\d)\b")


_TICKED = re.compile(r"[ \t]*(?:[-*•][ \t]*)?\[[xX✓]\]")


def ticked(note: str, at: int) -> bool:
    """Whether the line holding ``at`` opens with a ticked checkbox: an option chosen (an order placed)."""
    return bool(_TICKED.match(note, note.rfind("\n", 0, at) + 1))


def boxed(note: str, at: int) -> bool:
    """Whether the line holding ``at`` opens with a checkbox, ticked or not: an item of its own."""
    return ticked(note, at) or unchecked(note, at)


def unchecked(note: str, at: int) -> bool:
    """Whether the line holding ``at`` opens with an empty checkbox: an option not chosen."""
    return bool(_UNCHECKED.match(note, note.rfind("\n", 0, at) + 1))


@functools.lru_cache(maxsize=8)
def note_year(note: str) -> int | None:
    """The latest year the note names (its encounter, in practice): what "in 2031" is measured against."""
    years = [int(y) for y in _YEAR.findall(note)]
    return max(years) if years else None


def dated_before(note: str, drug_end: int, cue: tuple[int, int], limit: int) -> bool:
    """Whether the change word at ``cue`` (start, end) is dated to a year before the note's own: a year
    after it ("stopped by PCP in 2031" in a 2033 note) or between the drug and it ("alendronate 2019-2024,
    stopped by her PCP"). History, not a change made in this encounter."""
    year = note_year(note)
    if not year:
        return False
    m = _DATED.match(note, cue[1], limit)
    between = note[drug_end : cue[0]] if drug_end <= cue[0] else ""
    years = [int(y) for y in _YEAR.findall(between)] if len(between.split()) <= 3 else []
    return bool(m and int(m.group(1)) < year) or any(y < year for y in years)


def own_parenthesis(note: str, end: int, dose, change_in) -> bool:
    """Whether a drug named in a parenthesis (its name ending at ``end``) has its own dose and change
    there ("(KCl 40 mEq PO x1 today)"), so it is a change of its own, not the previous drug's detail."""
    close = note.find(")", end, end + 80)
    inside = note[end:close] if close >= 0 else ""
    hit = change_in(inside, 0)
    return bool(dose.search(inside) and hit and hit[0] != "none")


_AGO = re.compile(r"\b(?:years?|months?|decades?)\s+ago\b|\bin\s+the\s+past\b|\bas\s+a\s+(?:child|teen\w*)\b",
                  re.IGNORECASE)


def long_ago(after: str, cue: int) -> bool:
    """Whether the words after a drug (``after``), up to and around its change word at ``cue`` in them, date
    the change to long before ("tried pioglitazone years ago and stopped it", "stopped it in the past")."""
    if cue < 0:
        return False
    return bool(_AGO.search(after[: cue + 40]))
