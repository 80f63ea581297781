"""Faithful paraphrases a clinician writes for what the note says another way (issue #11): the shipped
abbreviation/synonym table and medication lexicon back them, and a changed claim is still flagged."""

from __future__ import annotations

import pytest

from core.grounding import analyze, check, shortforms

PARAPHRASES = [
    ("septic shock complicated by acute hypoxemic respiratory failure", "septic shock c/b AHRF req intubation"),
    ("PVR 120 mL on bladder scan", "bladder scan 120 mL post-void"),
    ("GBS swab not yet collected", "GBS not yet collected."),
    ("urine output 0.8 mL/kg/h", "UOP 0.8 mL/kg/h."),
    ("No bowel movement since surgery", "No BM since surgery."),
    ("HC 45 cm", "head circumference 45 cm"),
    ("She is a lifelong nonsmoker.", "She has never smoked."),
    ("no history of thrombosis or pregnancy loss", "She has never had a blood clot or miscarriage."),
    ("no alopecia", "no hair loss"),
    ("delirium-free by CAM-ICU", "CAM-ICU negative."),
    ("30 seconds of positive-pressure ventilation", "Required 30 seconds of PPV."),
    ("no afferent pupillary defect", "Pupils: PERRL, no RAPD."),
    ("Fundus exam showed one disc diameter of heme; no retinal detachment.", "DFE: 1 DD of heme; no RD."),
    ("Uncorrected acuity was 20/80 with pinhole 20/70.", "VA sc: 20/80 (PH 20/70)."),
    ("returning in 4 weeks for injection #2", "RTC 4 wk for inj #2."),
    ("a URI in May", "one cold in May."),
    ("hepatitis C screening was negative", "Hep C screening: negative"),
    ("Shingrix given today", "recombinant zoster vaccine given today"),
    ("No antecedent URI.", "No preceding URI."),
    ("he defervesced on 06/04", "afebrile since 06/04"),
]


@pytest.mark.parametrize(("summary", "note"), PARAPHRASES)
def test_a_paraphrase_of_the_table_is_not_flagged(summary, note):
    assert [f.text for f in check(summary, note) if f.kind == "term"] == []


@pytest.mark.parametrize(("summary", "note"), [
    ("1.4 L lactated Ringer's", "Fluids: 1.4 L LR."),
    ("Neulasta was not given with cycle 2.", "He did not receive pegfilgrastim with cycle 2."),
    ("racemic epinephrine not needed", "No racemic epi needed."),
])
def test_brand_and_shorthand_drug_names_are_the_same_drug(summary, note):
    assert [f for f in check(summary, note) if f.kind in ("medication", "term")] == []


def test_a_thing_the_note_does_not_say_is_still_flagged():
    flags = check("Acute hypoxemic respiratory failure and retinal detachment.", "Septic shock. No RD.")
    assert any("hypoxemic" in f.text for f in flags if f.kind == "term")
    assert check("Filgrastim given.", "He did not receive pegfilgrastim.")


def test_a_bare_side_is_not_the_side_of_a_part_named_after_it():
    note = "Marked fullness of the right soft palate with uvular deviation to the left."
    flags = check("Right soft palate fullness with the uvula deviated to the right.", note)
    assert [f.text for f in flags if f.kind == "laterality"] == ["right"]
    assert [f for f in check("Right soft palate fullness, uvula deviated to the left.", note) if f.kind == "laterality"] == []


def test_colon_segments_exclude_each_other():
    note = "Ascending colon: 12 mm sessile polyp, removed en bloc with cold snare. Transverse colon normal."
    flags = check("A 12 mm sessile polyp in the descending colon was removed by cold snare.", note)
    assert [f.text for f in flags if f.kind == "term"] == ["descending"]
    assert [f for f in check("A 12 mm polyp in the ascending colon was removed.", note) if f.kind == "term"] == []


def test_another_form_of_a_note_word_backs_the_sentence():
    note = "Upper back: 9 x 7 mm macule. No palpable lymphadenopathy in axillae or neck. Biopsy done."
    report = analyze("No axillary or cervical lymphadenopathy was palpable.", note)
    assert [s.status for s in report.sentences] == ["supported"]


def test_a_word_without_the_combining_form_the_note_puts_before_it():
    note = "Flexible nasolaryngoscopy: normal epiglottis and supraglottis, airway widely patent."
    assert [f for f in check("Flexible laryngoscopy: airway patent, normal epiglottis.", note) if f.kind == "term"] == []
    assert [f.text for f in check("Flexible bronchoscopy: airway patent.", note) if f.kind == "term"] == ["bronchoscopy"]


def test_a_value_reached_by_a_trend_verb_implies_its_finding():
    note = "Glucose rose to the 300s on steroids, managed with sliding-scale insulin; A1c 7.4%."
    assert [f for f in check("Steroid-induced hyperglycemia covered with sliding-scale insulin.", note)
            if f.kind == "term"] == []
    low = "Glucose stayed in the 100s on steroids; A1c 7.4%."
    assert [f.text for f in check("Steroid-induced hyperglycemia.", low) if f.kind == "term"] == ["hyperglycemia"]


@pytest.mark.parametrize(("summary", "note"), [
    ("left breast invasive ductal carcinoma", "Dx: L breast IDC, pT2 pN1a, ER 95%."),
    ("lower urinary tract symptoms from BPH", "Chief complaint: LUTS / BPH."),
    ("a 6 cm thyromental distance", "Airway: Mallampati III, TMD 6 cm."),
    ("more than 50 RBCs", "UA: >50 RBC, 0-2 WBC."),
])
def test_a_long_form_of_the_notes_short_form_is_not_flagged(summary, note):
    assert [f.text for f in check(summary, note) if f.kind == "term"] == []


def test_words_whose_initials_only_happen_to_fit_or_a_denied_short_form_are_still_flagged():
    assert shortforms.spelled_out("HTN", shortforms.LongForms("Home health nursing arranged.")) == []
    assert shortforms.spelled_out("ASA", shortforms.LongForms("marked with a submucosal tattoo")) == []
    assert shortforms.spelled_out("IDC", shortforms.LongForms("invasive ductal carcinoma")) == [(0, 25)]
    note = "DOS 04/04/2033. Excisional bx L upper back, sent to dermpath."
    flags = check("Excisional biopsy sent to dermatopathology. A sentinel lymph node biopsy was arranged.", note)
    assert any(f.text.startswith("sentinel") for f in flags if f.kind == "term")  # "dermatopathology. A sentinel" is no DOS
    note = "PMH: HTN, HLD. Smoker; not ready, declined NRT."
    assert [f.kind for f in check("Agreed to start nicotine replacement.", note) if "nicotine" in f.text] == ["negation"]


@pytest.mark.parametrize(("summary", "note"), [
    ("Treated for secondary syphilis in November 2033.", "Treated for secondary syphilis (rash) 11/2033 with penicillin."),
    ("A1c 7.7%, up from 7.4% in October 2033.", "A1c 7.7% (prev 7.4%, 10/2033)."),
])
def test_a_month_of_a_year_is_the_notes_month_written_another_way(summary, note):
    assert check(summary, note) == []


def test_a_month_the_note_does_not_give_is_flagged():
    flags = check("Treated for secondary syphilis in October 2033.", "Treated for secondary syphilis (rash) 11/2033.")
    assert [f.kind for f in flags] == ["date"]


@pytest.mark.parametrize(("summary", "note"), [
    ("She has not yet had a bowel movement.", "Tolerating clears, +flatus, no BM yet."),
    ("He never started the donepezil.", "He never started donepezil despite the prescription in 2031."),
])
def test_not_yet_and_never_started_are_negations(summary, note):
    assert [f for f in check(summary, note) if f.kind == "negation"] == []
