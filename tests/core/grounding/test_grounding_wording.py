"""Paraphrases that are not new claims (no flag), and wordings that are (a flag): record words, labels
of stated values, compounds, sides, combination-inhaler brands, table entries, modifiers of a test."""

from __future__ import annotations

import pytest

from core.grounding import check, laterality, terms


def flagged(summary: str, note: str, kind: str | None = None) -> list[str]:
    return [f.text for f in check(summary, note) if kind is None or f.kind == kind]


@pytest.mark.parametrize("word", ["Hx", "history", "Diagnosis", "admission", "ppx", "prophylaxis"])
def test_record_words_are_not_terms(word):
    assert not terms.is_term(word)


def test_record_words_in_a_summary_are_not_flagged():
    note = "Childhood eczema, resolved. HR 78 (from 118 on arrival). Heparin 5000 units SC q8h for VTE."
    summary = "Hx of childhood eczema (resolved). HR 78, down from 118 on admission. VTE ppx with heparin 5000 units SC q8h."
    assert flagged(summary, note, "term") == []


def test_label_of_a_value_the_note_states_is_not_a_term():
    note = "Exam: T 38.4 C yesterday, 37.2 C today. Orthostatic drop 148/82 -> 122/70 on standing."
    assert flagged("Tmax was 38.4 C yesterday; orthostatic BP drop 148/82 -> 122/70.", note, "term") == []
    assert flagged("Tmax was 39.1 C yesterday.", note, "term") == ["Tmax"]


def test_one_word_compound_of_two_note_words():
    note = "Heavy emollient after every hand wash."
    assert flagged("Emollient after every handwash.", note, "term") == []


def test_a_side_does_not_reach_over_a_line_break():
    assert laterality.find("worse on the left\n- Palms spared") == []
    note = "Hand dermatitis, worse on the left.\nPalms spared.\nPalms without vesicles."
    assert flagged("- Dermatitis worse on the left\n- Palms spared", note, "laterality") == []


def test_side_letter_with_limb_abbreviation():
    (side,) = laterality.find("NWB R LE.")
    assert side.key == laterality.Side("right", "extremity", frozenset({"lower"}))
    assert flagged("Splint placed; NWB RLE.", "Splint placed. NWB R LE.") == []


def test_side_without_a_body_part_is_checked_against_its_source():
    note = "Both hands: plaques with fissures on the dorsal fingers, more extensive on the right.\nNo nail changes."
    summary = "Plaques with fissures on the dorsal fingers of both hands, worse on the left."
    assert flagged(summary, note, "laterality") == ["left"]
    assert flagged(summary.replace("left", "right"), note, "laterality") == []


def test_combination_inhaler_brand_and_generic():
    note = "Current meds: budesonide/glycopyrrolate/formoterol 160/9/4.8 mcg 2 puffs twice daily."
    assert flagged("Continue Breztri 2 puffs twice daily.", note) == []


@pytest.mark.parametrize(("summary", "note"), [
    ("25 cm of active TI inflammation.", "Active inflammation of the terminal ileum (25 cm)."),
    ("1-h GCT 118 (normal).", "1-hour glucose challenge 118 (normal)."),
    ("UB dressing with moderate assist.", "Dressing upper body with moderate assist."),
    ("No sicca symptoms.", "No dry eyes or dry mouth."),
    ("NV intact after splinting.", "Neurovasc intact after splinting."),
    ("HR 118 on admission.", "HR 118 on adm."),
])
def test_table_abbreviations(summary, note):
    assert flagged(summary, note, "term") == []


def test_unbacked_adjective_of_a_test_is_flagged():
    note = "Stable CAD, no ischemia on ECG. No further preoperative stress testing indicated."
    assert flagged("ECG without ischemia; nuclear stress test negative.", note, "term") == ["nuclear"]
    assert flagged("ECG without ischemia; further stress testing not indicated.", note, "term") == []


@pytest.mark.parametrize("disease", ["depression", "stroke", "migraine", "heart failure", "fracture"])
def test_everyday_disease_word_named_as_a_diagnosis_is_flagged(disease):
    note = "History of hypertension and type 2 diabetes. Takes lisinopril 10 mg daily."
    flags = check(f"History of hypertension, type 2 diabetes and {disease}.", note)
    assert [f.text for f in flags if f.kind == "term"] == [disease]  # "heart failure": a table phrase, whole


def test_everyday_disease_word_outside_a_diagnosis_list_is_not_flagged():
    note = "Hypertension on lisinopril 10 mg daily. Walks daily with his wife."
    assert flagged("Hypertension on lisinopril 10 mg daily; walks daily with his wife after her stroke.", note, "term") == []
    assert flagged("Hypertension on lisinopril 10 mg daily; history of stroke.", note, "term") == ["stroke"]


def test_a_grade_the_note_gives_with_the_word_after_it_is_no_contrast_with_the_word_before():
    from core.grounding import check

    note = "NST: baseline 135, moderate variability, +accels, no decels.\nA: preeclampsia with severe features."
    assert [f for f in check("Reactive NST with moderate variability.", note) if f.kind == "term"] == []
    assert [f.text for f in check("Reactive NST with severe variability.", note) if f.kind == "term"] == ["severe"]
