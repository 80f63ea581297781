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
from core.facts import sections as note_sections
from core.facts.fact import Fact, Section
from core.grounding import medications, sentences

CUES = paths.RESOURCES / "facts" / "medication_changes.tsv"
MAX_WORDS = 16
_JOINED = re.compile(r"[\s,;&/+]*(?:and|or|plus|\+|,|&)?[\s,;&/+]*", re.IGNORECASE)
_CUT = re.compile(r"\s*(?:;|\.\s|\s[-–]\s|,\s(?=[A-Za-z]{4,}\b)|\(reason|\breason:)", re.IGNORECASE)
_PRIORITY = {"started": 10, "stopped": 10, "changed": 10, "held": 10, "continued": 6, "listed": 2}


@functools.lru_cache(maxsize=1)
def cues() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for line in CUES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            change, pattern = line.split("\t", 1)
            words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in pattern.strip().split("|"))
            out.append((change.strip(), re.compile(rf"(?<![\w/-])(?:{words})(?![\w/-])", re.IGNORECASE)))
    return out


def change_in(text: str, anchor: int) -> tuple[str, int, int] | None:
    """The change word in ``text`` nearest to offset ``anchor``: (change, start, end), or None."""
    best = None
    for change, pattern in cues():
        for m in pattern.finditer(text):
            distance = anchor - m.end() if m.end() <= anchor else m.start() - anchor
            if best is None or distance < best[0]:
                best = (distance, change, m.start(), m.end())
    return best[1:] if best else None


def extract(note: str, found_sections: list[Section]) -> list[Fact]:
    mentions = [m for m in medications.find(note) if m.key]
    spans = sentences.split(note)
    facts: list[Fact] = []
    for a, b in spans:
        inside = [m for m in mentions if a <= m.start < b]
        previous: tuple[str, int] | None = None  # (change, end of previous drug)
        for i, m in enumerate(inside):
            seg_end = inside[i + 1].start if i + 1 < len(inside) else b
            seg_start = previous[1] if previous else a
            section = note_sections.at(found_sections, m.start)
            clause = note[seg_start:seg_end]
            hit = change_in(clause, m.start - seg_start)
            change = hit[0] if hit else None
            if change is None and previous and _JOINED.fullmatch(note[previous[1] : m.start]):
                change = previous[0]
            if change is None:
                change = _heading_change(section)
            start = m.start
            if hit and seg_start + hit[1] < m.start and not note[seg_start + hit[2] : m.start].strip(" :-"):
                start = seg_start + hit[1]  # "HOLD warfarin", "Start aspirin": keep the verb
            end = _clause_end(note, m.end, seg_end)
            text = note[start:end].strip(" ,;:-–")
            facts.append(Fact("medication", start, start + len(text), text,
                              section=section.category if section else None, change=change or "listed",
                              drug=m.key, priority=_PRIORITY[change or "listed"]))
            previous = (change or "listed", m.end)
    return _merge(facts)


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
    """One fact per drug and change; a drug that is only listed is kept once, and not at all when the
    note also says what happened to it. The later mention wins (plans come after lists)."""
    by_key: dict[tuple[str, str], Fact] = {}
    for f in facts:
        by_key[(f.drug or "", f.change or "")] = f
    changed = {drug for drug, change in by_key if change != "listed"}
    kept = [f for (drug, change), f in by_key.items() if change != "listed" or drug not in changed]
    return sorted(kept, key=lambda f: f.start)
