"""Values checked against the note sentence a summary clause comes from (core/grounding/sourced.py), and
the sentence-support threshold."""

from __future__ import annotations

from core.grounding import analyze, check


def flagged(summary: str, note: str, kind: str) -> list[str]:
    return [f.text for f in check(summary, note) if f.kind == kind]


def test_date_of_another_event_in_the_note_is_flagged():
    note = "Admitted 03/27/2034. Discharged 03/29/2034.\nOxygen weaned off on 03/28 in the afternoon.\n"
    assert flagged("Oxygen was weaned off on the afternoon of 03/29.", note, "date") == ["03/29"]
    assert flagged("Oxygen was weaned off on the afternoon of 03/28.", note, "date") == []


def test_date_is_not_compared_with_a_sentence_that_backs_little_of_its_clause():
    note = ("Date of surgery: 05/06/2032.\n"
            "She slipped on ice on 05/04/2032 and sustained a closed bimalleolar fracture of the left ankle.\n")
    summary = "She underwent ORIF of a closed left bimalleolar ankle fracture on 05/06/2032 after slipping on ice."
    assert flagged(summary, note, "date") == []


def test_frequency_given_for_the_same_dose_is_compared():
    note = ("Start gabapentin 300 mg at bedtime, increasing every 3 days to 600 mg three times daily.\n"
            "Calcium carbonate 600 mg daily.\n")
    summary = "Gabapentin starts at 300 mg nightly and is increased every 3 days to 600 mg once daily."
    assert flagged(summary, note, "frequency") == ["once daily"]
    faithful = "Gabapentin starts at 300 mg nightly and is increased every 3 days to 600 mg TID."
    assert check(faithful, note) == []


def test_frequency_of_a_wrong_dose_is_not_flagged_twice():
    note = "Metoprolol 25 mg BID; lisinopril 10 mg daily."
    assert [(f.kind, f.text) for f in check("Metoprolol 10 mg BID.", note)] == [("dose", "10 mg")]


def test_strength_in_percent_belongs_to_its_drug():
    note = "Timolol 0.25% one drop left eye twice daily. Atropine 1% one drop left eye daily.\n"
    flags = [f for f in check("Timolol 1% one drop left eye twice daily.", note) if f.kind == "dose"]
    assert [f.text for f in flags] == ["1%"]
    assert flags[0].reason == "dose 1% appears in the note, but not for Timolol"
    assert check("Timolol 0.25% one drop left eye twice daily.", note) == []


def test_new_dose_after_a_change_must_be_the_notes_new_dose():
    note = "Takes simvastatin 20 mg daily.\nPlan: increase simvastatin to 40 mg daily.\n"
    flags = [f for f in check("Simvastatin was increased to 20 mg daily.", note) if f.kind == "dose"]
    assert [(f.text, f.reason) for f in flags] == [("20 mg", "dose 20 mg: the note changes Simvastatin to 40 mg")]
    assert check("Simvastatin was increased to 40 mg daily.", note) == []
    assert check("Simvastatin 20 mg daily, to be increased to 40 mg.", note) == []


def test_side_abbreviation_contradicted_by_its_source():
    note = "VA: OD 20/40, OS 20/20.\nSlit lamp OD: corneal abrasion with fluorescein uptake.\n"
    assert flagged("Slit lamp showed a corneal abrasion with fluorescein uptake OS.", note, "laterality") == ["OS"]
    assert flagged("Slit lamp showed a corneal abrasion with fluorescein uptake OD.", note, "laterality") == []
    assert flagged("VA OD 20/40 and OS 20/20.", note, "laterality") == []


def test_sentence_backed_only_by_scattered_words_is_unsupported():
    note = "Physical therapy evaluation for gait training.\nMild memory complaints; B12 normal.\nFlu vaccine given today.\n"
    report = analyze("His memory evaluation for gait training is pending; avoid ladders.", note)
    assert 0.5 < report.sentences[0].score < 0.6
    assert report.sentences[0].status == "unsupported"


def test_value_the_note_gives_for_something_else_is_compared_with_its_source():
    note = ("Echo 02/2033: EF 30%, moderate mitral regurgitation.\n"
            "SpO2 35% on arrival was a probe artifact; repeat SpO2 96%.\n")
    assert flagged("Echo 02/2033 showed EF 35% with moderate mitral regurgitation.", note, "number") == ["35%"]
    assert check("Echo 02/2033 showed EF 30% with moderate mitral regurgitation.", note) == []


def test_an_age_is_not_compared_with_a_duration():
    note = "4-year-old boy. Fever to 39.4 C for 2 days and right ear pain.\n"
    assert check("4-year-old boy with 2 days of fever to 39.4 C and right ear pain.", note) == []


def test_a_dose_change_from_one_dose_to_another_is_two_values():
    note = "Seen 09/07; sertraline increased 50 -> 100 mg daily at that visit. Current meds: sertraline 100 mg qAM."
    assert check("Sertraline was raised from 50 to 100 mg daily.", note) == []
    assert [f.kind for f in check("Sertraline was raised from 25 to 100 mg daily.", note)] == ["dose"]
    assert [f.kind for f in check("Sertraline was raised from 50 to 150 mg daily.", note)] == ["dose"]


def test_a_lower_case_d_after_a_number_is_days():
    from core.grounding import quantities

    assert [(m.text, m.key.dim) for m in quantities.find("day 4 of planned 7 d total")] == [("7 d", "days")]
    assert quantities.find("vitamin D 1000 units daily")[0].text == "1000 units"
    note = "E. coli in urine. Ceftriaxone 2 g IV q24h, day 4 of planned 7 d total. Peak Cr on day 10 of illness."
    assert [f.kind for f in check("She is on ceftriaxone 2 g IV daily, day 4 of a planned 10-day course.", note)] == [
        "number"]


def test_a_topic_label_in_the_source_is_no_report_of_the_finding():
    note = ("Psoriatic arthritis screen: denies morning stiffness, joint swelling or dactylitis. "
            "No evidence of psoriatic arthritis.")
    summary = "He has no morning stiffness or dactylitis, and psoriatic arthritis was felt to be absent."
    assert [f for f in check(summary, note) if f.kind == "negation"] == []
