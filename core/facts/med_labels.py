"""Changes that a label gives the drugs under or after it: a heading inside the line ("Held: A, B"), a
label line over bullets or table rows, a short label opening a line or a list, a change said after a list
of names ("A, B and C - all HELD"), and a drug right after an arrow from a result ("K 2.9 -> KCl")."""

from __future__ import annotations

import re

from core.facts.med_cues import CUT, change_in, cues
from core.facts.med_names import mentions

_CONSEQUENCE = re.compile(r"(?:->|→)\s*(?:\d[\d.,]*\s*(?:units?|u|mg|mcg|g|ml|mmol|meq|tabs?|doses?)?\s*(?:of\s+)?"
                          r"(?:\s*(?:irradiated|leukoreduced|washed|crossmatched|uncrossmatched|apheresis|pooled)){0,2})?$",
                          re.IGNORECASE)


LABEL = re.compile(r"\s*(?:[-*•]\s*)?([A-Za-z][^:\n]{0,48}):\s")


# What may stand between a heading's cue word and its colon: a clock time ("Premedication given 09:30:").
_TO_COLON = re.compile(r"\s*(?:(?:at\s+)?\d{1,2}:\d{2}\s*(?:h\s*)?)?:")


def inline_heading(before: str) -> str | None:
    """The change of a list's own heading earlier in the line: "Single doses given: A (HD1), B (HD3)",
    "Held: A, B", "Premedication given 09:30: A and B" — a cue word followed by a colon governs every drug
    after it."""
    found = None  # the last cue before a colon; of two ending there, the longer ("never given:", not "given:")
    for change, pattern in cues():
        for m in pattern.finditer(before):
            if _TO_COLON.match(before, m.end()) and (found is None or (m.end(), -m.start()) > found[1]):
                found = (change, (m.end(), -m.start()))
    return found[0] if found else None


_BULLET = re.compile(r"[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]")


_ROW = re.compile(r"[ \t]*\|")


_QUALIFIER = re.compile(r"\s*\([^()\n]{0,60}\)")


def block_label(note: str, at: int) -> str | None:
    """The change of a label line over a bullet list: "Given:" then "- calcium gluconate 1 g IV", "- sodium
    zirconium cyclosilicate 10 g PO TID" — the label (a short line ending in a colon, with a change word and
    no drug) governs every bullet under it, up to the first line that is not a bullet."""
    end = note.find("\n", at)
    if change_in(note[at : end if end >= 0 else len(note)], 0):
        return None  # "- Vancomycin: per ID, 9 days completed -> vancomycin STOPPED": the line says its own
    title = block_title(note, at)
    return _first_cue(_QUALIFIER.sub("", title).strip()) if title else None


def block_title(note: str, at: int) -> str | None:
    """The label line over the bullet list or table that holds ``at`` (a short line ending in a colon, naming
    no drug, qualifier included: "Intraprocedural medications (for the procedure only):"), or None."""
    start = note.rfind("\n", 0, at) + 1
    if not (_BULLET.match(note, start) or _ROW.match(note, start)):
        return None
    while start > 0:
        above = note.rfind("\n", 0, start - 1) + 1
        line = note[above : start - 1]
        if _BULLET.match(line) or (_ROW.match(line) and (_ROW.match(note, start) or not mentions(line))):
            start = above  # the bullets above, or a table's rows and its header ("| Drug | Dose | Start |")
            continue
        text = _QUALIFIER.sub("", line).strip()  # "New today (> 24 h after PTCy #2):"
        if text.endswith(":") and len(text.split()) <= 6 and not mentions(text):
            return line.strip()
        return None
    return None


# A list of what was given for a procedure and nothing else: "Intraprocedural medications (for the procedure
# only):", "Anesthesia drugs (intraoperative only):" - none of it is a change of the patient's medicines.
PROCEDURE_ONLY = re.compile(r"\b(?:procedure|operation|surgery|case|intra-?op(?:erative)?|intra-?procedural)(?:ly)?\s+only\b",
                            re.IGNORECASE)


def line_label(before: str) -> str | None:
    """The first change word of a short label that opens the line and names no drug: "Given in hospital
    only: A, B", "Stopped in the ICU (not continued): A, B" - a recap list, less telling than the course."""
    label = LABEL.match(before)
    if label and len(label.group(1).split()) <= 6 and not mentions(label.group(1)):
        return _first_cue(label.group(1))
    return None


def _first_cue(label: str) -> str | None:
    """The change of a label's first change word ("Previously stopped …, not continued": stopped); None for
    none or a "none" word ("not given")."""
    hit = min(((m.start(), change) for change, pattern in cues() for m in pattern.finditer(label)), default=None)
    return hit[1] if hit and hit[1] != "none" else None


_LIST_LABEL = re.compile(r"[ \t]*(?:[-*•][ \t]*)?([A-Za-z][^:\n]{0,72}):[ \t]")


def list_label(note: str, at: int) -> str | None:
    """The change of a label that opens the line of a list of drugs, for any drug of the list: "Previously
    stopped in the SICU (not on floor orders): propofol, fentanyl infusion, norepinephrine", "Single doses
    in the SICU (not continued): TXA, cefazolin" — the clause splitting (a comma before a word) leaves later
    items without the label. Up to ten words, no drug in it, and nothing but the list (no sentence end, no
    semicolon) between it and the drug."""
    line_start = note.rfind("\n", 0, at) + 1
    label = _LIST_LABEL.match(note, line_start)
    if not label or label.end() > at or len(label.group(1).split()) > 10 or mentions(label.group(1)):
        return None
    if re.search(r";|\.\s", note[label.end() : at]):
        return None
    return _first_cue(label.group(1))


def consequence(before: str) -> str | None:
    """"glucose 312 -> insulin infusion", "Hgb 6.8 -> 1 unit packed red blood cells": a drug right after an
    arrow (and a quantity) is what was done about it."""
    return "started" if _CONSEQUENCE.search(before.rstrip()) else None


# Between two names of a list: a comma or "and", after at most one word of the first name's own ("metoprolol
# succinate, lisinopril").
_LIST_GAP = re.compile(r"(?:\s+[a-z]+)?\s*(?:,|,?\s*and|&)\s*", re.IGNORECASE)


def list_after(note: str, listed, end: int) -> str | None:
    """The change said right after the last of drugs listed by bare name ("Amlodipine, insulin glargine,
    atorvastatin, aspirin continued unchanged"): it applies to every drug of the list."""
    last = 0
    while last + 1 < len(listed) and _LIST_GAP.fullmatch(note[listed[last].end : listed[last + 1].start]):
        last += 1
    if last == 0:
        return None
    rest = note[listed[last].end : listed[last + 1].start if last + 1 < len(listed) else end]
    collective = _COLLECTIVE.match(rest)  # "aspirin, lisinopril and tamsulosin - all HELD"
    if collective:
        rest = rest[collective.end() :]
    hit = change_in(rest, 0)
    if hit is None or hit[0] == "none" or len(rest[: hit[1]].split()) > 3 or CUT.search(rest[: hit[1]]):
        return None
    return hit[0]


_COLLECTIVE = re.compile(r"\s*[-–:]\s*(?=(?:all|both|each)\b)", re.IGNORECASE)
