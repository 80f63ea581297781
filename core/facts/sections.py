"""The note's sections, found by medspaCy's sectionizer (with ChartBrief's extra titles), as spans."""

from __future__ import annotations

import functools
import re

from core import paths
from core.facts import tables
from core.facts.fact import Section
from core.grounding import support

KEYWORDS = paths.RESOURCES / "facts" / "section_keywords.tsv"

ASSESSMENT = ("observation_and_plan", "diagnoses", "problem_list", "medical_decision_making")
PLAN = ("observation_and_plan", "disposition", "follow_up", "patient_instructions", "discharge_medications")
PRESENTATION = ("chief_complaint", "history_of_present_illness", "reason_for_examination")
HISTORY = ("past_medical_history", "past_surgical_history", "family_history", "social_history")
HOME_MEDICATIONS = ("medications",)
RESULTS = ("labs_and_studies", "imaging", "vital_signs")


def find(doc) -> list[Section]:
    """Sections of a parsed note in order; text before the first title is a section with no category."""
    text = doc.text
    out: list[Section] = []
    for s in doc._.sections:
        title = doc[s.title_start : s.title_end].text if s.title_start is not None else ""
        start = doc[s.title_start].idx if s.title_start is not None else 0
        end_token = doc[s.body_end - 1] if s.body_end > s.body_start else None
        end = end_token.idx + len(end_token) if end_token is not None else start + len(title)
        out.append(Section(s.category, title, start, end))
    if not out:
        out.append(Section(None, "", 0, len(text)))
    return _inherit(_end_fields(text, _add_headings(text, out)))


_FIELDS = {"allergies"}
"""Header fields ("Allergies: sulfonamides (hives).") that say their content on their own line."""


def _end_fields(text: str, found: list[Section]) -> list[Section]:
    """A header field with its content on the title's line ends at the first blank line: the paragraphs after
    it ("ADMISSION SUMMARY (HD1)" / "... norepinephrine started") are not allergies but text of no known kind.
    A medication list given on its title's line ("Intra-op medications of note: cefoxitin 2 g IV pre-incision
    ...", "Home meds: atorvastatin continues") ends with that line when the next line does not go on with the
    list (a bullet, a number, a drug): what follows is the note's next part, not more home medicines."""
    out: list[Section] = []
    for s in found:
        line_end = text.find("\n", s.start, s.end)
        blank = text.find("\n\n", s.start, s.end)
        inline = line_end >= 0 and text[s.start + len(s.title) : line_end].strip()
        if s.category in _FIELDS and inline and line_end >= 0 and line_end != blank:
            field = _NEXT_FIELD.match(text, line_end)  # "Allergies: sulfa - hives" / "Note: dictated ...": the
            blank = line_end if field else blank  # next header field ends this one as a blank line would
        rest = text[blank:s.end].strip() if blank >= 0 else ""
        if s.category in _FIELDS and line_end == blank >= 0 and inline and rest:
            start = s.end - len(text[blank:s.end].lstrip())
            out += [Section(s.category, s.title, s.start, blank), Section(None, "", start, s.end)]
        elif s.category in _INLINE_LISTS and inline and s.title.endswith(":") and text[line_end:s.end].strip() \
                and not _GOES_ON.match(text, line_end + 1):
            start = s.end - len(text[line_end:s.end].lstrip())
            out += [Section(s.category, s.title, s.start, line_end), Section(None, "", start, s.end)]
        else:
            out.append(s)
    return out


_NEXT_FIELD = re.compile(r"\n(?:[A-Z][A-Za-z /&()-]{1,30}:[ \t]+\S|[-=_*]{3,}[ \t]*$)", re.MULTILINE)
_INLINE_LISTS = {"medications"}
_GOES_ON = re.compile(r"[ \t]*(?:[-*•]|\d{1,2}[.)]|[A-Za-z][\w-]*(?:\s+[\w-]+)?\s+\d[\d.,]*\s*(?:mg|mcg|g|units?|ml|meq|%))",
                      re.IGNORECASE)


SUBSECTIONS = {"neurological", "organ_system"}
"""Organ-system titles ("Neuro:", "CV:") that make sections of their own: inside an assessment, a plan or
a course they are part of it (a systems-based plan), elsewhere they are the exam."""
_PARENTS = {"observation_and_plan", "diagnoses", "hospital_course", "medical_decision_making"}


def _inherit(found: list[Section]) -> list[Section]:
    out: list[Section] = []
    parent = None
    for s in found:
        if s.category in SUBSECTIONS:
            s = Section(parent if parent in _PARENTS else "physical_exam", s.title, s.start, s.end)
        else:
            parent = s.category
        out.append(s)
    return out


@functools.lru_cache(maxsize=1)
def _keywords() -> list[tuple[str, re.Pattern[str]]]:
    return [(category, re.compile(pattern, re.IGNORECASE)) for category, pattern in tables.pairs(KEYWORDS)]


def classify_heading(title: str) -> str | None:
    """The category of a heading the sectionizer did not know, by keyword; None if none fits."""
    words = title.strip().rstrip(":").strip()
    for category, pattern in _keywords():
        if pattern.search(words):
            return category
    return None


_LINE = re.compile(r"[^\n]+")
_LEAD_HEADING = re.compile(r"\s*([A-Za-z][A-Za-z /&()-]{1,40}):")
_QUALIFIER = re.compile(r"\s*\([^()\n]{1,40}\)")
# A lettered or numbered all-caps heading ("D. SUMMARY FOR PILL BOX"): one of a series, so a heading even
# when no keyword names its kind; it ends the section before it.
_ENUMERATED = re.compile(r"(?:[A-Z]|[IVX]{1,4}|\d{1,2})[.)]\s+[A-Z]")
# A heading line with a qualifier in parentheses and nothing after its colon: "Assessment/Plan (HD1):",
# "Home medications (verified with daughter and pill bottles):".
_QUALIFIED_HEADING = re.compile(r"\s*([A-Za-z][A-Za-z /&-]{1,40}?)\s*\([^()\n]{1,60}\)\s*:\s*")


# A dated entry of a stay's record ("--- 05/18/2034 08:15 | PSYCHIATRY PROGRESS NOTE | HD17 | Dr. A ---"): the
# course, whatever the section before it was.
_ENTRY = re.compile(r"\s*-{2,}\s*\d{1,2}/\d{1,2}/\d{2,4}\b[^\n]*\b(?:NOTE|ENTRY|UPDATE)\b[^\n]*-{2,}\s*$")
# The head of one author's entry in a compiled record: an all-caps kind of note, then " - " or " | " and who or
# when ("CROSS-COVER EVENT NOTE - HD 1 (03/03/2034) 00:35 - Dr. K. Sample", "NEPHROLOGY CONSULT - HD 1 - Dr. N.
# Example", "DAY +5 | 11/14/2032 | BMT PHARMACY NOTE - GVHD PROPHYLAXIS START | P. Example", "SICU SIGN-OUT - HD3
# 05/06 06:45 - Night -> Day"), or a day's
# heading ("HD 1 - 03/03/2034 - SICU attending, Dr. C. Example"). It ends the section before it, so that the
# home list of the admission note does not run on into the next days' orders.
_DAY = r"(?:HD|POD|DAY|Day|Hospital\s+day)\s*[+-]?\d{1,2}"
_AUTHOR_ENTRY = re.compile(
    rf"\s*(?:{_DAY}\s*[|-]\s*(?:\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\s*[|-]\s*)?)?"
    r"((?:[A-Z][A-Z0-9/&+-]*\s+){0,5}(?:NOTE|CONSULT|CONSULTATION|ENTRY|UPDATE|SIGN-?OUT|HAND-?OFF|"
    r"HANDOVER))\b(?:\s*(?:[-|(]|$))"
    rf"|\s*(?:[-=*#]{{2,}}\s*)?{_DAY}\s*[|-]\s*\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b")


def _add_headings(text: str, found: list[Section]) -> list[Section]:
    """Split the sectionizer's sections at heading lines it did not know (all-caps lines, "Title:" lines
    with text after the colon) that keywords can classify."""
    starts = {s.start for s in found}
    extra: list[tuple[int, str | None, str]] = []
    for m in _LINE.finditer(text):
        line = m.group()
        title = None
        bare = line.strip()
        plain = _QUALIFIER.sub("", bare).strip()  # "A. HOME MEDICATIONS (prior to admission) AND ACTION"
        if support.heading(line) or (plain.isupper() and len(plain.split()) <= 8):
            title = bare
        else:
            lead = _LEAD_HEADING.match(line) or _QUALIFIED_HEADING.fullmatch(line)
            if lead and len(lead.group(1).split()) <= 4:
                title = lead.group(1) + ":"
        entry = _ENTRY.match(line)
        known = classify_heading(_QUALIFIER.sub("", title)) if title and not entry else None
        author = None if entry or known else _AUTHOR_ENTRY.match(line)
        title = bare if entry or author else title
        if not title or m.start() + (len(line) - len(line.lstrip())) in starts:
            continue
        category: str | None
        if author:
            kind = author.group(1)
            category = (classify_heading(kind) if kind else None) or "hospital_course"
        else:
            category = "hospital_course" if entry else known
        if category or (title == bare and _ENUMERATED.match(title)):
            extra.append((m.start() + len(line) - len(line.lstrip()), category, title))
    if not extra:
        return found
    merged = [(s.start, s.category, s.title) for s in found] + extra
    merged.sort()
    out = []
    for i, (start, category, title) in enumerate(merged):
        end = merged[i + 1][0] if i + 1 < len(merged) else len(text)
        out.append(Section(category, title, start, len(text[:end].rstrip())))
    return out


def at(sections: list[Section], offset: int) -> Section | None:
    """The section holding character ``offset``."""
    found = None
    for s in sections:
        if s.start <= offset:
            found = s
        else:
            break
    return found
