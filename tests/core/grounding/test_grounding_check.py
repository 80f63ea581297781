"""The grounding check end to end: what gets flagged, what does not, and where."""

from __future__ import annotations

import pytest

from core.grounding import KINDS, Flag, check

NOTE = """HISTORY OF PRESENT ILLNESS: Patient A. Sample is a 67-year-old with exertional chest pain
for 3 days. Denies fever, cough, or shortness of breath. Right knee swelling after a fall.
MEDICATIONS: Metoprolol tartrate 25 mg PO BID; lisinopril 10 mg daily; aspirin 81 mg daily;
furosemide 40 mg IV once; Tylenol 1,000 mg q8h PRN.
VITALS: BP 142/88 mmHg, HR 96, T 37.2 °C, SpO2 95% on room air, weight 82 kg.
LABS on 03/14/2024: creatinine 1.4 mg/dL, potassium 4.1 mmol/L, troponin 0.04 ng/mL.
ASSESSMENT AND PLAN: Right lower lobe infiltrate. PE was ruled out. Follow up on 21 March 2024.
"""


def items(summary: str, note: str) -> list[Flag]:
    """The item flags (drugs, doses, ...): these tests are about items; sentence support has its own tests."""
    return [f for f in check(summary, note) if f.kind != "sentence"]


def kinds(flags: list[Flag]) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in flags]


def test_faithful_summary_has_no_flags():
    summary = (
        "67 y/o with chest pain x3 days; no fever or cough. Right knee swelling. "
        "On metoprolol 25 mg BID, lisinopril 10 mg, aspirin 81 mg, acetaminophen 1 g PRN, "
        "Lasix 40 mg IV. BP 142/88, HR 96, temp 37.2 C, SpO2 95%, weight 82 kg. "
        "Cr 1.4 mg/dL, K 4.1 mmol/L on March 14, 2024. RLL infiltrate; PE ruled out. "
        "Follow-up 2024-03-21."
    )
    assert check(summary, NOTE) == []


def test_absent_dose_is_flagged_exactly():
    summary = "Metoprolol 25 mg BID and lisinopril 20 mg daily."
    flags = items(summary, NOTE)
    assert kinds(flags) == [("dose", "20 mg")]
    flag = flags[0]
    assert summary[flag.start : flag.end] == "20 mg"
    assert flag.reason == "dose 20 mg does not appear in the note"


def test_dose_given_to_the_wrong_drug_is_flagged():
    flags = items("Metoprolol 10 mg BID.", NOTE)
    assert kinds(flags) == [("dose", "10 mg")]
    assert flags[0].reason == "dose 10 mg appears in the note, but not for Metoprolol"


@pytest.mark.parametrize("dose", ["1,000 mg", "1000mg", "1 g", "1000 MG", "1.0 g"])
def test_dose_formats_are_normalized(dose):
    assert items(f"Tylenol {dose} q8h.", NOTE) == []


def test_unknown_medication_is_flagged():
    summary = "Started atorvastatin; continue aspirin. Add nadolol."
    flags = items(summary, NOTE)
    assert kinds(flags) == [("medication", "atorvastatin"), ("medication", "nadolol")]
    assert flags[0].reason == "atorvastatin does not appear in the note"


def test_brand_and_generic_names_match():
    assert items("Lopressor, acetaminophen and Lasix continued.", NOTE) == []


def test_vitals_and_labs():
    summary = "BP 150/90, HR 110, SpO2 95%, creatinine 1.9 mg/dL, weight 82 kg."
    assert kinds(items(summary, NOTE)) == [("number", "150/90"), ("number", "110"), ("number", "1.9 mg/dL")]


def test_temperature_units_convert():
    note = "Febrile, T 101.3 F on arrival."
    assert items("Febrile to 38.5 °C.", note) == []
    assert kinds(items("Febrile to 39.5 °C.", note)) == [("number", "39.5 °C")]


def test_dates_in_any_format():
    assert items("Labs 2024-03-14; seen 14 March 2024 and 3/14/24.", NOTE) == []
    flags = items("Labs on 03/15/2024.", NOTE)
    assert kinds(flags) == [("date", "03/15/2024")]
    assert flags[0].reason == "date 03/15/2024 does not appear in the note"


def test_laterality_swap_is_flagged():
    summary = "Left knee swelling after a fall."
    flags = items(summary, NOTE)
    assert kinds(flags) == [("laterality", "Left knee")]
    assert flags[0].reason == "Left knee: the note says right knee"
    assert summary[flags[0].start : flags[0].end] == "Left knee"


def test_laterality_abbreviation_swap():
    assert kinds(items("LLL infiltrate.", NOTE)) == [("laterality", "LLL")]
    assert items("Infiltrate in the right lower lobe.", NOTE) == []


def test_negation_flip_summary_denies_what_the_note_reports():
    summary = "Patient has no chest pain."
    flags = items(summary, NOTE)
    assert kinds(flags) == [("negation", "no chest pain")]
    assert flags[0].reason == "the summary says no chest pain, but the note reports chest pain"


def test_negation_flip_summary_reports_what_the_note_denies():
    summary = "Presents with chest pain and cough."
    flags = items(summary, NOTE)
    assert kinds(flags) == [("negation", "cough")]
    assert flags[0].reason == "the summary reports cough, but the note says it is absent"


def test_uncertain_mentions_are_not_contradictions():
    assert items("Rule out pneumonia; concern for PE.", "No pneumonia. PE was ruled out.") == []


def test_flags_are_sorted_and_index_the_summary():
    summary = (
        "Left knee swelling. Denies chest pain. Metoprolol 50 mg BID, atorvastatin 40 mg. "
        "HR 120 on 04/01/2024."
    )
    flags = items(summary, NOTE)
    assert [f.start for f in flags] == sorted(f.start for f in flags)
    assert {f.kind for f in flags} == {"laterality", "negation", "dose", "medication", "number", "date"}
    for f in flags:
        assert summary[f.start : f.end] == f.text
        assert f.kind in KINDS
        assert f.reason


def test_empty_inputs():
    assert items("", NOTE) == []
    assert kinds(items("Aspirin 81 mg.", "")) == [("medication", "Aspirin"), ("dose", "81 mg")]


def test_flag_is_frozen():
    flag = Flag(0, 1, "dose", "x", "r")
    with pytest.raises(AttributeError):
        flag.start = 2  # type: ignore[misc]


def test_a_number_written_as_a_word_is_checked_too():
    note = "Two falls in the past 6 months, both at night."
    flags = check("Three falls in the past 6 months, both at night.", note)
    assert [(f.kind, f.text) for f in flags] == [("number", "Three")]
    assert check("2 falls in the past six months, both at night.", note) == []


def test_headings_and_capitalized_words_are_not_terms():
    """A fact-anchored summary's block titles and change labels claim nothing about the patient."""
    note = "Plan: start apixaban 5 mg twice daily. Continue lisinopril 10 mg daily."
    summary = "Medication changes:\n- STARTED apixaban 5 mg twice daily\n- CONTINUED lisinopril 10 mg daily"
    assert check(summary, note) == []
    assert [f.text for f in check("Medication changes:\n- STARTED apixaban 5 mg with gabapentinoid", note)
            if f.kind == "term"] == ["gabapentinoid"]
