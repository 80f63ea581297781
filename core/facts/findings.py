"""Facts other than medications: problems and assessment, results (labs, imaging, vital signs),
procedures, consults, disposition, follow-up, contingencies (for a handoff), illness severity, the
presentation, and allergies — each a sentence or line of the note, cut at a clause break if long.

A sentence's kind comes first from its section (medspaCy's sectionizer plus ChartBrief's extra titles),
then from cue words (``resources/facts/finding_cues.tsv``). Problems are labelled by medspaCy's ConText
(negated, historical, hypothetical, family) so a negated finding is never stated as present: it stays
in the note's own words ("no bleeding") and carries the label.
"""

from __future__ import annotations

import functools
import re

from core import paths
from core.facts import clauses, tables
from core.facts import sections as note_sections
from core.facts.fact import Fact, Section
from core.grounding import vocabulary

CUES = paths.RESOURCES / "facts" / "finding_cues.tsv"
MAX_WORDS = 28
BY_SECTION = {
    **dict.fromkeys(("observation_and_plan", "diagnoses", "problem_list", "medical_decision_making"), "problem"),
    **dict.fromkeys(("labs_and_studies", "imaging", "vital_signs"), "result"),
    **dict.fromkeys(("chief_complaint", "history_of_present_illness", "reason_for_examination"), "presentation"),
    "procedure": "procedure",
    "consults": "consult",
    "disposition": "disposition",
    **dict.fromkeys(("follow_up", "patient_instructions"), "follow_up"),
    "hospital_course": "course",
    "allergies": "allergy",
    **dict.fromkeys(("past_medical_history", "past_surgical_history"), "history"),
    **dict.fromkeys(("physical_exam", "neurological"), "exam"),
}
SKIP_SECTIONS = {"family_history", "social_history", "signature", "patient_education", "other", "medications"}
PRIORITY = {"problem": 9, "disposition": 8, "follow_up": 8, "result": 6, "procedure": 7, "consult": 5,
            "contingency": 5, "severity": 5, "presentation": 7, "allergy": 4, "course": 3, "exam": 4,
            "history": 3}
"""Base priority by kind; a fact's priority is this times ten plus its ``information()``."""
# A cue that matches a sentence overrides the section's kind for these (a follow-up line in a plan).
_OVERRIDES = ("follow_up", "disposition", "contingency", "consult")


@functools.lru_cache(maxsize=1)
def cues() -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in tables.pairs(CUES)]


def kinds_of(sentence: str, section: Section | None) -> list[str]:
    """The kinds a note sentence is a fact of (most specific first); empty when it is none."""
    category = section.category if section else None
    if category in SKIP_SECTIONS:
        return []
    by_cue = [kind for kind, pattern in cues() if pattern.search(sentence)]
    out = [k for k in by_cue if k in _OVERRIDES]
    if category in BY_SECTION:
        out.append(BY_SECTION[category])
    out += [k for k in by_cue if k not in out]
    return out


def extract(note: str, found_sections: list[Section]) -> list[Fact]:
    facts: list[Fact] = []
    opened: set[Section] = set()
    for a, b in clauses.split(note):
        section = note_sections.at(found_sections, a)
        text = note[a:b]
        if section is not None and section.title and text.strip().rstrip(":") == section.title.strip().rstrip(":"):
            continue  # the heading itself
        kinds = kinds_of(text, section)
        if not kinds:
            continue
        end = _cut(note, a, b)
        kind = kinds[0]
        first = section is not None and section not in opened
        if section is not None:
            opened.add(section)
        facts.append(Fact(kind, a, end, note[a:end], section=section.category if section else None,
                          priority=_base(kind, section) * 10 + _bonus(kind, note[a:end], first)))
    return facts


def _bonus(kind: str, text: str, first_in_section: bool) -> int:
    """0-9 within a kind: the presentation's first sentence (the one-liner a clinician writes first), a
    problem that names a disease, a sentence that says much for its length."""
    if kind == "presentation" and first_in_section:
        return 9
    if kind == "problem" and _names_a_disease(text):
        return min(9, information(text) + 3)
    return information(text)


def _names_a_disease(text: str) -> bool:
    stems = vocabulary.clinical_stems()
    return any(vocabulary.stem(w) in stems and vocabulary.zipf(w) < 4.0
               for w in re.findall(r"[a-z]{4,}", text.lower()))


def _base(kind: str, section: Section | None) -> int:
    if kind == "presentation" and section is not None and section.category == "chief_complaint":
        return PRIORITY[kind] - 1  # the history's first sentence usually says the complaint and who has it
    return PRIORITY.get(kind, 1)


_NUMBER = re.compile(r"\d")


def information(text: str) -> int:
    """0-9: how much a sentence says for its length — numbers and uncommon (clinical) words per word, so
    "Septic shock, improving; lactate 4.8 -> 2.1" outranks "Family updated by phone"."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*|\d[\d.,/]*", text)
    if not words:
        return 0
    dense = sum(1 for w in words if _NUMBER.match(w) or (len(w) > 2 and vocabulary.zipf(w.lower()) < 3.5)
                or (w.isupper() and len(w) >= 2))
    return min(9, round(9 * dense / (len(words) ** 0.5) / 3))


def _cut(note: str, a: int, b: int) -> int:
    words = list(re.finditer(r"\S+", note[a:b]))
    if len(words) <= MAX_WORDS:
        return b
    limit = a + words[MAX_WORDS - 1].end()
    cut = max(note.rfind(";", a, limit), note.rfind(", ", a, limit), note.rfind(" - ", a, limit))
    return cut if cut > a + 20 else limit
