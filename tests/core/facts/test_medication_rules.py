"""Medication-change rules for long dictated and templated courses (#12): spoken punctuation, one-time
doses, lab analytes named like drugs, hedged mentions, "stays"."""

from __future__ import annotations

from core.facts import dictation, extract


def _got(note: str) -> set[tuple[str | None, str | None]]:
    return {(f.drug, f.change) for f in extract(note).of("medication")}


_DICTATED = ("Hospital day one comma the patient was seen period He was tired comma and thirsty period "
             "Labs comma reviewed period Vitals comma stable period Exam comma benign period ")


def test_spoken_punctuation_keeps_offsets_and_is_read_only_in_a_dictated_note():
    assert dictation.punctuated("over a period of two weeks, comma splice") == "over a period of two weeks, comma splice"
    assert len(dictation.punctuated(_DICTATED)) == len(_DICTATED)
    assert "period" not in dictation.punctuated(_DICTATED)


def test_a_spoken_period_ends_the_change_of_the_drug_before_it():
    note = _DICTATED + "Ampicillin was stopped period Amlodipine 5 milligrams daily period Eating well period "
    facts = [f for f in extract(note).of("medication") if f.drug == "amlodipine"]
    assert [f.change for f in facts] == ["listed"]
    assert facts[0].text == "Amlodipine 5 milligrams daily"  # the note's own words


def test_a_one_time_dose_by_its_route_is_started():
    got = _got("Plan:\n- Furosemide 80 mg IV once, then reassess.\n- Magnesium sulfate 2 g IV over 2 hours.\n"
               "- Metoprolol 25 mg PO once daily.\n")
    assert ("furosemide", "started") in got and ("magnesium sulfate", "started") in got
    assert ("metoprolol", "started") not in got
