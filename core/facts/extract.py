"""``extract(note)``: the note's sections and facts, each fact with its source span."""

from __future__ import annotations

from core.facts import findings, medications, nlp, sections
from core.facts.fact import Extraction

_LABELLED = ("problem", "result", "presentation", "course")


def extract(note: str) -> Extraction:
    doc = nlp.parse(note)
    found = sections.find(doc)
    meds = medications.extract(note, found)
    others = findings.extract(note, found)
    labels = nlp.assert_context(doc, [(f.start, f.end) for f in others if f.kind in _LABELLED])
    labelled = iter(labels)
    facts = []
    for f in others:
        if f.kind in _LABELLED:
            status = tuple(k for k, v in next(labelled).items() if v)
            f = type(f)(**{**f.__dict__, "status": status})
        facts.append(f)
    return Extraction(note, found, sorted(meds + facts, key=lambda f: (f.start, f.kind != "medication")))
