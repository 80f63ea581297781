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


def test_one_ingredient_of_a_combination_the_note_gives_is_no_new_drug():
    note = "Continue carbidopa-levodopa 25/100 three times daily."
    assert [f for f in check("His levodopa wears off.", note) if f.kind == "medication"] == []
    assert [f.text for f in check("His carbidopa wears off; entacapone added.", note) if f.kind == "medication"] \
        == ["entacapone"]


def test_a_device_brand_and_an_obstetric_drug_are_known_names():
    note = "Tiotropium 2.5 mcg 2 inhalations daily. Induction with oxytocin."
    assert check("Spiriva Respimat 2.5 mcg two puffs daily.", note) == []
    assert [f.text for f in check("Pitocin induction, then Methergine.", note) if f.kind == "medication"] \
        == ["Methergine"]


def test_ordinal_digits_match_ordinal_words():
    note = "Synovitis of the second and third MCP joints."
    assert check("Synovitis of the 2nd and 3rd MCP joints.", note) == []
    assert any("4" in f.text for f in check("Synovitis of the 2nd and 4th MCP joints.", note))


def test_a_frequency_in_doses_a_day():
    note = "Sinemet 25/100 1 tablet four doses a day."
    assert check("Sinemet 25/100 1 tablet four times daily.", note) == []
    assert [f.kind for f in check("Sinemet 25/100 1 tablet three times daily.", note)] == ["frequency"]


def test_sides_said_another_way():
    note = "Feet: sensation intact bilaterally. Cellulitis of the left lower extremity. Pits on the right thumbnail."
    assert check("Sensation intact in both feet; left leg cellulitis; right thumb pitting.", note) == []
    flags = check("Right leg cellulitis; left thumb pitting.", note)
    assert [f.text for f in flags if f.kind == "laterality"] == ["Right leg", "left thumb"]


def test_bilateral_where_the_sources_give_each_side():
    note = "Rest tremor of the right hand and of the left hand."
    assert [f for f in check("Bilateral hand tremor.", note) if f.kind == "laterality"] == []


def test_a_frequency_the_note_gives_another_drug_does_not_back_this_one():
    note = "Start methotrexate 20 mg once weekly. Folic acid 1 mg daily."
    assert [f.text for f in check("Methotrexate 20 mg daily with folic acid 1 mg daily.", note)] == ["daily"]
    assert check("Methotrexate 20 mg weekly with folic acid 1 mg daily.", note) == []


def test_in_one_week_is_a_time_not_a_frequency():
    from core.grounding import frequencies

    assert frequencies.find("follow-up in 1 week") == []
    assert [m.key for m in frequencies.find("PT 2x/week, twice weekly")] == ["2/w", "2/w"]


def test_million_units_and_penicillin_shorthand():
    note = "Penicillin G 4 million units IV q4h."
    assert check("PCN G 4 million units IV q4h.", note) == []
    assert {f.kind for f in check("PCN G 3 million units IV q6h.", note)} >= {"dose", "frequency"}


def test_a_diagnosis_named_by_words_the_note_has_only_apart():
    note = "She drinks two beers most nights. Family history: no bipolar disorder."
    flags = check("She has alcohol use disorder, drinking two beers most nights.", note)
    assert [f.text for f in flags if f.kind == "term"] == ["alcohol use disorder"]
    note = "Known heart failure with preserved ejection fraction."
    assert check("Known heart failure.", note) == []


def test_family_side_and_apnea_type_contrast():
    note = "Her maternal uncle had colon cancer. Obstructive apneas predominated."
    flags = check("Her paternal uncle had colon cancer. Central apneas predominated.", note)
    assert [f.text for f in flags] == ["paternal", "Central"]


def test_a_grade_after_what_it_grades_and_a_severity_swap():
    note = "Airway: Mallampati IV? no. Mallampati III, mouth opening 3 cm. Severe hydronephrosis on CT."
    assert [f.text for f in check("Mallampati II airway.", note) if f.kind == "term"] == ["II"]
    assert [f.text for f in check("CT showed moderate hydronephrosis.", note) if f.kind == "term"] == ["moderate"]
    assert check("CT showed severe hydronephrosis.", note) == []


def test_a_heading_grades_nothing():
    # the handoff style's own I-PASS heading, over a note that grades something "mild"
    note = "He reports mild shortness of breath on exertion. Full code, confirmed with the patient."
    assert check("Illness severity:\n- Full code, confirmed with the patient.", note) == []
    assert [f.text for f in check("He reports severe shortness of breath.", note) if f.kind == "term"] == ["severe"]


def test_from_a_to_b_is_a_change_between_two_values():
    from core.grounding import quantities

    assert [m.text for m in quantities.find("weight up from 70 to 74 kg; range 2 to 3 cm")] == [
        "70", "74 kg", "2 to 3 cm"]
    assert check("Weight rose to 74 kg.", "Weight up from 70 to 74 kg.") == []


def test_a_value_reached_by_a_trend_is_labelled():
    note = "Creatinine 2.2 on admission; creatinine improved to 1.3 by discharge."
    assert check("Creatinine improved to 1.3.", note) == []
    assert [f.text for f in check("Creatinine improved to 1.1.", note) if f.kind == "number"] == ["1.1"]


def test_a_share_written_as_a_fraction():
    note = "Ventilator: FiO2 0.35-0.40, PEEP 8."
    assert [f for f in check("FiO2 35-40%.", note) if f.kind == "number"] == []
    assert [f.kind for f in check("FiO2 50%.", note)] == ["number"]


def test_a_disease_word_after_concerning_for_is_a_claimed_diagnosis():
    note = "Kidney transplant 2031. Creatinine up to 2.0 with a high tacrolimus level: likely drug toxicity."
    flags = check("Creatinine up to 2.0, concerning for rejection.", note)
    assert [f.text for f in flags if f.kind == "term"] == ["rejection"]


def test_an_option_the_note_only_weighs_is_not_scheduled():
    note = "Discussed ablation vs. cardioversion; he prefers ablation. Ablation scheduled 05/02/2031."
    flags = check("Cardioversion scheduled 05/02/2031.", note)
    assert [f.kind for f in flags] == ["negation"]
    assert check("Ablation scheduled 05/02/2031.", note) == []


def test_a_drug_given_under_a_condition_is_as_needed():
    note = "If unable to sleep, zolpidem 5 mg. Lisinopril 10 mg daily."
    assert [f for f in check("Zolpidem 5 mg PRN insomnia.", note) if f.kind == "frequency"] == []
    assert [f.text for f in check("Lisinopril 10 mg PRN.", note) if f.kind == "frequency"] == ["PRN"]


def test_a_frequency_of_a_combination_product_is_each_drugs():
    note = "Clindamycin 1%/benzoyl peroxide 5% gel nightly; doxycycline 100 mg twice daily."
    assert [f for f in check("Clindamycin gel at bedtime.", note) if f.kind == "frequency"] == []
    assert [f.text for f in check("Clindamycin gel twice daily.", note) if f.kind == "frequency"] == ["twice daily"]


def test_a_panel_is_stated_by_its_tests_values():
    assert [f for f in check("LFTs were checked.", "AST 31, ALT 40.") if f.kind == "term"] == []
    assert [f.text for f in check("LFTs were checked.", "Creatinine 0.9.") if f.kind == "term"] == ["LFTs"]


def test_a_later_item_of_a_denied_list_says_it_is_absent():
    note = "Skin prick: sensitized to cat and dog; negative to dust mite."
    flags = [f for f in check("She was not sensitized to dust mite or cat.", note) if f.kind == "negation"]
    assert [f.reason for f in flags] == ["the summary says was not sensitized, but the note reports sensitized",
                                         "the summary says cat is absent, but the note reports it"]
