"""Medication facts: every drug the note names (the grounding check's dictionary, so brands and
generics merge), with the clause that gives its dose, route and frequency, and what happened to it —
started, stopped, changed, held, continued, or only listed.

A clause is the drug's sentence (or line) from the drug — or a change word just before it — up to the
next drug. The change is the nearest change word in that clause (``resources/facts/medication_changes.tsv``);
a drug joined to the previous one by "and" or a comma shares its change ("stop clopidogrel and aspirin");
under a "NEW:" / "STOPPED:" heading the heading decides. A drug with no change word is ``listed``.
"""

from __future__ import annotations

import functools
import re

from core import paths
from core.facts import clauses, tables
from core.facts import sections as note_sections
from core.facts.fact import Fact, Section
from core.grounding import medications
from core.grounding.model import Mention

CUES = paths.RESOURCES / "facts" / "medication_changes.tsv"
MAX_WORDS = 16
_JOINED = re.compile(r"[\s,;&/+]*(?:and|or|plus|\+|,|&)?[\s,;&/+]*", re.IGNORECASE)
_CUT = re.compile(
    r"\s*(?:;|\.\s|\s[-–]\s|,\s(?=[A-Za-z]{4,}\b)|\(reason|\breason:|\s(?:comma|period|new\s+paragraph)\b|"
    r"\s(?:and|but|because|since|so|which|as)\s(?=(?:she|he|they|we|i|her|his|the|this|that|it|there)\b))",
    re.IGNORECASE)
LAB_NAMES = paths.RESOURCES / "facts" / "lab_names.txt"
_DOSE_UNIT = re.compile(r"\d\s*(?:mg|mcg|µg|g|meq|mmol|ml|units?|u|tabs?|tablets?|caps?|puffs?|drops?|%)\b",
                        re.IGNORECASE)
# A drug named only as the thing another replaces, or to avoid ("replaces furosemide", "no NSAIDs such as
# naproxen", "do not take ibuprofen") is part of the clause before it, not a change of its own.
_DEPENDENT = re.compile(
    r"(?:\(|\breplac\w*(?:\s+by)?|\binstead\s+of|\bin\s+place\s+of|\brather\s+than|\bavoid\w*|\bdo\s+not|"
    r"\bdon't|\bnever|\bno\b|\bnot\b|\bor\s+other|\ball\s+other|\bsuch\s+as|\be\.g\.|\bincluding|\bwith|"
    r"\binteraction|\bfrom|\bvs\.?|\bor|\b(?:until|once|when|while|if|unless)\s+(?:off|on)(?:\s+of)?)\s*$",
    re.IGNORECASE)
# "Narrow piperacillin-tazobactam to ceftriaxone", "switch furosemide to torsemide": the first drug stops,
# the second starts.
_SWITCH = re.compile(r"\b(?:switch|switched|change|changed|narrow|narrowed|transition|transitioned|convert|converted|"
                     r"de-escalate|de-escalated)\s+(?:from\s+)?$", re.IGNORECASE)
_TO = re.compile(r"\s*(?:to|->|→)\s*", re.IGNORECASE)
# Where a change is authoritative: a medication list at discharge beats the plan, which beats the course
# and the history of how the patient got here.
_AUTHORITY = {"discharge_medications": 4, "observation_and_plan": 3, "disposition": 3, "follow_up": 2,
              None: 2, "medical_decision_making": 2, "hospital_course": 1}
_HISTORY = {"medications", "history_of_present_illness", "past_medical_history", "past_surgical_history",
            "allergies", "family_history", "social_history"}
_PRIORITY = {"started": 10, "stopped": 10, "changed": 10, "held": 10, "continued": 6, "listed": 2}


# An arrow between two values is a change ("MTX 15 -> 20 mg", "cefepime 2 g q8h -> 2 g q12h"); an arrow
# between events or drugs ("propofol continued -> vanc d/c'd 11:00") only separates them.
_ARROW = re.compile(r"(?<=[\w%)])\s*(?:->|→)\s*(?=\d|q\s?\d|(?:daily|bid|tid|qid|qd|qhs|weekly)\b)", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def cues() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for change, pattern in tables.pairs(CUES):
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in pattern.split("|"))
        out.append((change, re.compile(rf"(?<![\w/-])(?:{words})(?![\w/-])", re.IGNORECASE)))
    out.append(("changed", _ARROW))
    return out


@functools.lru_cache(maxsize=1)
def lab_names() -> frozenset[str]:
    return frozenset(name.lower() for name in tables.lines(LAB_NAMES))


def change_in(text: str, anchor: int, anchor_end: int | None = None) -> tuple[str, int, int] | None:
    """The change word in ``text`` nearest to the drug name at ``anchor`` (ending at ``anchor_end``, so that
    a long name is not penalized for its length): (change, start, end), or None."""
    best = None
    after = anchor if anchor_end is None else anchor_end
    for change, pattern in cues():
        for m in pattern.finditer(text):
            distance = anchor - m.end() if m.end() <= anchor else max(0, m.start() - after)
            if best is None or distance < best[0]:
                best = (distance, change, m.start(), m.end())
    return best[1:] if best else None


ABBREVIATIONS = paths.RESOURCES / "facts" / "drug_abbreviations.tsv"


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    """``resources/facts/drug_abbreviations.tsv``: abbreviation -> generic name."""
    return {short.lower(): drug for short, drug in tables.pairs(ABBREVIATIONS)}


def _abbreviation_mentions(note: str, taken: list[Mention]) -> list[Mention]:
    table = _abbreviations()
    found = []
    for m in re.finditer(r"(?<![\w/-])[A-Za-z][A-Za-z0-9-]{1,9}(?<!-)(?![\w/])", note):
        drug = table.get(m.group().lower())
        if drug and not any(t.start <= m.start() < t.end for t in taken):
            found.append(Mention(m.start(), m.end(), m.group(), drug))
    return found


def mentions(text: str) -> list[Mention]:
    """Every drug ``text`` names: the grounding dictionary's names (brands and generics share a key) and the
    abbreviations of ``drug_abbreviations.tsv`` ("MTX", "vanc"), in text order."""
    found = [m for m in medications.find(text) if m.key]
    return sorted(found + _abbreviation_mentions(text, found), key=lambda m: m.start)


def extract(note: str, found_sections: list[Section]) -> list[Fact]:
    drugs = mentions(note)
    spans = clauses.split(note)
    facts: list[Fact] = []
    for n, (a, b) in enumerate(spans):
        inside = [m for m in drugs if a <= m.start < b]
        kept, dependent = [], False
        for i, m in enumerate(inside):  # a drug joined to a dependent one ("replaces zolpidem/diphenhydramine")
            joined = i > 0 and _JOINED.fullmatch(note[inside[i - 1].end : m.start])
            dependent = _dependent(note, inside[i - 1].end if i else a, m.start) or bool(dependent and joined)
            if not dependent:
                kept.append(m)
        inside = kept
        previous: tuple[str, int] | None = None  # (change, end of previous drug)
        for i, m in enumerate(inside):
            seg_end = inside[i + 1].start if i + 1 < len(inside) else b
            seg_start = previous[1] if previous else a
            section = note_sections.at(found_sections, m.start)
            clause = note[seg_start:seg_end]
            hit = change_in(clause, m.start - seg_start, m.end - seg_start)
            change = _heading_change(section)  # under "STOPPED:" the heading says it, whatever else the line says
            if change is None:
                change = hit[0] if hit else None
            if change is None and previous and _JOINED.fullmatch(note[previous[1] : m.start]):
                change = previous[0]
            led = None  # a change the line's own context gives ("given: A, B", "glucose 312 -> insulin")
            if change is None:
                change = led = _inline_heading(note[a : m.start]) or _consequence(note[seg_start : m.start])
            switch = _switch(note, inside, i, a)
            if switch:
                change = switch
            follow = None
            if change is None and len(inside) == 1:
                follow = _action_line(note, spans, n, drugs)
                change = follow[0] if follow else None
            if change == "none":
                previous = (change, m.end)
                continue  # "diltiazem was avoided", "P2Y12 load deferred": nothing happened to it
            if m.key.lower() in lab_names() or m.text.lower() in lab_names():
                cue_before = hit and seg_start + hit[2] <= m.start and not note[seg_start + hit[2] : m.start].strip()
                if not (_DOSE_UNIT.search(note[m.end : seg_end][:40]) or cue_before or led):
                    previous = None
                    continue  # a result ("K 5.6"), not a medication
            start = m.start
            if hit and seg_start + hit[1] < m.start and not note[seg_start + hit[2] : m.start].strip(" :-"):
                start = seg_start + hit[1]  # "HOLD warfarin", "Start aspirin": keep the verb
            end = _clause_end(note, m.end, seg_end) if follow is None else follow[1]
            text = note[start:end].strip(" ,;:-–")
            if text.count("(") > text.count(")"):  # a parenthesis the clause cut open: leave it out
                text = text[: text.rfind("(")].rstrip(" ,;:-–")
            # An explicit action line in a reconciliation list is as authoritative as a discharge list.
            category = "discharge_medications" if follow else (section.category if section else None)
            facts.append(Fact("medication", start, start + len(text), text, section=category,
                              change=change or "listed", drug=m.key, priority=_PRIORITY[change or "listed"]))
            previous = (change or "listed", m.end)
    return _merge(facts)


_CONSEQUENCE = re.compile(r"(?:->|→)\s*(?:\d[\d.,]*\s*(?:units?|u|mg|mcg|g|ml|mmol|meq|tabs?|doses?)?\s*(?:of\s+)?)?$",
                          re.IGNORECASE)


def _inline_heading(before: str) -> str | None:
    """The change of a list's own heading earlier in the line: "Single doses given: A (HD1), B (HD3)",
    "Held: A, B" — a cue word followed by a colon governs every drug after it."""
    found = None
    for change, pattern in cues():
        for m in pattern.finditer(before):
            if before[m.end() :].lstrip().startswith(":") and (found is None or m.start() > found[1]):
                found = (change, m.start())
    return found[0] if found else None


def _consequence(before: str) -> str | None:
    """"glucose 312 -> insulin infusion", "Hgb 6.8 -> 1 unit packed red blood cells": a drug right after an
    arrow (and a quantity) is what was done about it."""
    return "started" if _CONSEQUENCE.search(before.rstrip()) else None


def _switch(note: str, inside, i: int, sentence_start: int) -> str | None:
    """``stopped`` / ``started`` when drug ``i`` is the first / second drug of "switch X to Y"."""
    m = inside[i]
    if i + 1 < len(inside) and _TO.fullmatch(note[m.end : inside[i + 1].start]):
        before = note[max(sentence_start, m.start - 30) : m.start]
        if _SWITCH.search(before):
            return "stopped"
    if i > 0 and _TO.fullmatch(note[inside[i - 1].end : m.start]):
        before = note[max(sentence_start, inside[i - 1].start - 30) : inside[i - 1].start]
        if _SWITCH.search(before):
            return "started"
    return None


def _action_line(note: str, spans: list[tuple[int, int]], n: int, mentions) -> tuple[str, int] | None:
    """A medication list's next line that says what to do with the drug named alone on line ``n``
    ("Amlodipine 10 mg daily" / "   ACTION: CHANGE -> 5 mg daily"): its change and where its clause ends.
    Only a line right below (no blank line) that names no drug of its own."""
    if n + 1 >= len(spans):
        return None
    a, b = spans[n + 1]
    gap = note[spans[n][1] : a]
    if gap.count("\n") != 1 or any(a <= m.start < b for m in mentions):
        return None
    hit = change_in(note[a:b], 0)
    if hit is None or hit[1] > 30:
        return None  # the change must lead the line, as an action does
    return hit[0], a + _clause_end(note[a:b], hit[2], b - a)


def _dependent(note: str, previous_end: int, start: int) -> bool:
    """Whether a drug is named inside the previous drug's clause: in its open parenthesis ("(now on
    apixaban)"), or after a word that makes it the thing replaced or avoided."""
    between = note[previous_end:start]
    return between.count("(") > between.count(")") or bool(_DEPENDENT.search(note[max(previous_end, start - 40) : start]))


def _heading_change(section: Section | None) -> str | None:
    if section is None or not section.title:
        return None
    hit = change_in(section.title, 0)
    return hit[0] if hit else None


def _clause_end(note: str, drug_end: int, seg_end: int) -> int:
    """Where the drug's clause ends: the next clause break after its dose, within ``MAX_WORDS`` words."""
    rest = note[drug_end:seg_end]
    cut = _CUT.search(rest, 1)
    end = drug_end + (cut.start() if cut else len(rest))
    words = list(re.finditer(r"\S+", note[drug_end:end]))
    if len(words) > MAX_WORDS:
        end = drug_end + words[MAX_WORDS - 1].end()
    return end


def _merge(facts: list[Fact]) -> list[Fact]:
    """What happened to each drug: one fact per kind of change (started, changed, held, stopped), each from
    the most authoritative section that says it (a discharge list, then the plan, then the course), the
    later mention winning, so that a long stay's "held on day 4, restarted on day 14" keeps both. "Continued"
    only when nothing else happened to the drug; a drug that is only listed is kept once."""
    by_drug: dict[str, list[Fact]] = {}
    for f in facts:
        by_drug.setdefault(f.drug or "", []).append(f)
    kept: list[Fact] = []
    for group in by_drug.values():
        changes = [f for f in group if f.change != "listed"]
        if not changes:
            kept.append(group[-1])
            continue
        if any(f.change != "continued" for f in changes):
            changes = [f for f in changes if f.change != "continued"]
        top = max(_AUTHORITY.get(f.section, 0) for f in changes)
        # A history or home-medication list says what was, not what happened: it counts only when nothing
        # better says anything about the drug.
        changes = [f for f in changes if f.section not in _HISTORY or _AUTHORITY.get(f.section, 0) == top]
        best: dict[str, Fact] = {}
        for f in changes:  # in note order: a later mention of equal authority replaces an earlier one
            held = best.get(f.change or "")
            if held is None or _AUTHORITY.get(f.section, 0) >= _AUTHORITY.get(held.section, 0):
                best[f.change or ""] = f
        kept += best.values()
    return sorted(kept, key=lambda f: f.start)
