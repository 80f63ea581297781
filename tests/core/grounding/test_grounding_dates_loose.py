"""Bare month/day dates in a note ("Admitted 03/22 with ..."), "in AM", and "so" ending a negation (issue #11)."""

from __future__ import annotations

from core.grounding import check, dates


def _kinds(summary: str, note: str, kind: str) -> list[str]:
    return [f.text for f in check(summary, note) if f.kind == kind]


def test_a_bare_note_date_backs_the_summarys_date_and_a_sentence_end_does_not_hide_it():
    note = "Admitted 03/22 with bowel obstruction; G-tube placed by IR on 03/25. Son arriving 03/30."
    assert _kinds("He was admitted on 03/22; G-tube placed on 03/25.", note, "date") == []
    assert _kinds("His son arrives on 03/30.", note, "date") == []


def test_a_bare_note_date_in_the_sentence_a_summary_date_comes_from_contradicts_it():
    note = "G-tube placed on 03/25. Glycopyrrolate PRN for secretions. IV fluids stopped 03/27 per goals."
    assert _kinds("IV fluids were stopped on 03/25 per his goals.", note, "date") == ["03/25"]


def test_scores_are_no_loose_dates():
    text = "Pain 6/10 today, 5/5 strength, pain is 3/10, admitted 03/22, fluids stopped 03/27."
    assert [m.text for m in dates.loose(text)] == ["03/22", "03/27"]


def test_in_am_is_in_the_morning():
    note = "Hold tonight's apixaban dose, resume in AM."
    assert _kinds("Skip tonight's apixaban, restart in the morning.", note, "frequency") == []


def test_so_starts_a_new_clause_after_a_negation_cue():
    note = "Sepsis risk calculator: low risk. No antibiotics; blood culture pending."
    assert _kinds("Sepsis risk was judged low, so antibiotics are being withheld.", note, "negation") == []
