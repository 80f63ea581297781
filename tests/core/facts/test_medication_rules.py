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


def test_a_drug_that_stays_off_is_held_and_one_that_continues_is_continued():
    got = _got("Plan:\n- Amlodipine stays off - BP acceptable.\n- Acyclovir 400 mg BID continues.\n"
               "- Trimethoprim-sulfamethoxazole: ID and oncology agree to not resume.\n")
    assert ("amlodipine", "held") in got and ("amlodipine", "stopped") not in got
    assert ("acyclovir", "continued") in got
    assert ("trimethoprim-sulfamethoxazole", "started") not in got


def test_a_lab_named_drug_taken_out_of_the_fluids_is_stopped():
    got = _got("Course: K 5.1 and climbing, so the potassium chloride was taken out of the fluids. "
               "Potassium was 5.1 this morning.\n")
    assert ("potassium chloride", "stopped") in got


def test_spelled_out_units_are_a_dose():
    got = _got("Course: bicarbonate 16 today, so sodium bicarbonate tablets 650 milligrams by mouth three times "
               "daily were started. Ondansetron 4 milligrams IV every 6 hours as needed was ordered.\n")
    assert ("sodium bicarbonate", "started") in got and ("ondansetron", "started") in got


def test_given_the_and_has_given_him_are_not_doses():
    got = _got("History: he mentions that lisinopril has given him a dry cough for a year.\n"
               "Course: he got vancomycin 2 g IV load given the AKI, plus cefepime 2 g IV q8h. An ARB is "
               "preferred given the cough on lisinopril.\n")
    assert ("lisinopril", "started") not in got
    assert ("cefepime", "started") in got


def test_a_restart_at_the_home_dose_is_started_and_prophylaxis_with_a_drug_starts_it():
    got = _got("Course: sertraline 100 mg daily held while somnolent. Day 5: Sertraline resumed home dose 100 mg "
               "daily now that he is alert. Stress ulcer prophylaxis with famotidine 20 mg IV twice daily.\n")
    assert ("sertraline", "started") in got and ("sertraline", "changed") not in got
    assert ("famotidine", "started") in got


def test_a_de_escalation_stops_one_drug_and_starts_the_other():
    got = _got("Course: Off pressors for 24 h. Meropenem de-escalated to ceftriaxone 2 g IV q24h.\n")
    assert ("meropenem", "stopped") in got and ("ceftriaxone", "started") in got


def test_transfusions_nutrition_and_regimens_are_medications():
    got = _got("Course:\n- Platelets 8 - 1 unit apheresis platelets transfused at 09:00, post count 27.\n"
               "- Parenteral nutrition started tonight via port.\n- Next chemotherapy: cycle 5 of R-CHOP is held.\n"
               "- Platelets 19 today.\n")
    assert ("platelet transfusion", "started") in got
    assert ("parenteral nutrition", "started") in got and ("R-CHOP", "held") in got
    assert sum(d == "platelet transfusion" for d, _ in got) == 1  # "Platelets 19" is a count


def test_a_percent_or_a_litre_is_a_dose():
    got = _got("Plan:\n- Sodium chloride 0.9% 1 L IV over 8 hours for poor intake.\n")
    assert ("saline solution", "started") in got  # sodium chloride as a fluid is saline (same_drug.tsv)


def test_a_change_word_before_a_semicolon_or_a_reason_belongs_to_another_drug():
    got = _got("Pharmacy: apixaban exposure increased - factor this into the restart dose; vincristine neurotoxicity "
               "risk with azoles, flag for clinic.\n[x] Hydrochlorothiazide - stop today: Na 132 and a lithium trial "
               "is likely.\n")
    assert not [c for d, c in got if d in ("vincristine", "apixaban", "lithium") and c != "listed"]
    assert ("hydrochlorothiazide", "stopped") in got


def test_history_long_ago_advice_and_hedges_are_no_change():
    got = _got("History: he had tried pioglitazone years ago and stopped it for edema.\n"
               "Recommendations: never restart empagliflozin or any other SGLT2 inhibitor. I would not add "
               "vasopressin at this dose. Start lithium tomorrow after the last ibuprofen is more than 72 h out.\n")
    assert ("pioglitazone", "stopped") not in got and ("empagliflozin", "started") not in got
    assert ("vasopressins", "started") not in got and ("ibuprofen", "started") not in got
    assert ("lithium", "started") in got


def test_a_diluent_is_not_a_drug_of_its_own_and_tablets_were_discontinued_stops_a_lab_named_drug():
    got = _got("Course: sodium bicarbonate 100 mEq in 400 mL of sterile water was given over two hours. "
               "Day 12: bicarbonate 24, so sodium bicarbonate tablets were discontinued.\n")
    assert not [c for d, c in got if d == "water" and c != "listed"]
    assert ("sodium bicarbonate", "stopped") in got and ("sodium bicarbonate", "started") in got


def test_lithium_carbonate_is_lithium():
    from core.facts.med_names import mentions

    assert {m.key for m in mentions("lithium carbonate 300 mg")} == {m.key for m in mentions("Lithium")}


def test_a_dated_entry_of_the_record_is_the_course_not_the_section_before_it():
    note = ("MEDICATIONS ON ADMISSION\nLithium carbonate 450 mg PO qHS\n\n"
            "--- 05/18/2034 08:15 | PSYCHIATRY PROGRESS NOTE | HD17 | Dr. A. Example ---\n"
            "Lithium level 0.94.\n- Lithium: HOLD tonight's dose.\n\n"
            "DISCHARGE MEDICATIONS\nLithium carbonate 300 mg PO qHS - CHANGED\n")
    got = _got(note)
    assert ("lithium", "held") in got and ("lithium", "changed") in got


def test_then_it_was_stopped_stops_the_drug_the_sentence_started():
    got = _got("Course: K 6.1, so we started sodium zirconium cyclosilicate 10 g PO TID for 48 hours, he completed "
               "three doses and then it was stopped because the potassium was 4.9.\n")
    assert ("sodium zirconium cyclosilicate", "started") in got
    assert ("sodium zirconium cyclosilicate", "stopped") in got


def test_a_drug_named_as_what_another_is_for_is_not_changed():
    got = _got("Pharmacy: Already stopped: hydroxyzine, plus hydrochlorothiazide and ibuprofen for lithium safety.\n")
    assert ("hydroxyzine", "stopped") in got
    assert not [c for d, c in got if d == "lithium" and c != "listed"]


def test_an_entry_the_next_line_corrects_is_no_change():
    got = _got("Heme: Platelets 61. Apixaban resumed at home dose 5 mg PO BID this evening.\n"
               "[ADDENDUM 03/13 18:40: CORRECTION to the line above. Apixaban was NOT resumed at 5 mg.]\n")
    assert ("apixaban", "started") not in got


def test_a_cross_taper_switches_and_consider_or_now_stopped_are_read_as_such():
    got = _got("Course: over 3 weeks paroxetine was cross-tapered to sertraline.\n"
               "Plan: (4) oxybutynin stop and reassess, consider mirabegron if urge incontinence persists.\n"
               "- Benztropine: last dose 05/08 - now discontinued.\n")
    assert ("paroxetine", "stopped") in got and ("sertraline", "started") in got
    assert ("oxybutynin", "stopped") in got and not [c for d, c in got if d == "mirabegron" and c != "listed"]
    assert ("benztropine", "stopped") in got and ("benztropine", "started") not in got


def test_a_drug_called_not_appropriate_is_no_change():
    got = _got("Nephrology: gabapentin stays held. Enoxaparin is not appropriate at this clearance, continue "
               "heparin SC.\n")
    assert ("gabapentin", "held") in got and ("heparin", "continued") in got
    assert not [c for d, c in got if d == "enoxaparin" and c != "listed"]


def test_for_makes_a_drug_dependent_only_before_a_purpose():
    # "for lithium safety": lithium is what the stops are for; "Prescription for amoxicillin": amoxicillin itself
    got = _got("PLAN: Stop hydrochlorothiazide and ibuprofen for lithium safety. Continue lithium 300 mg qHS.\n")
    assert ("hydrochlorothiazide", "stopped") in got and ("lithium", "continued") in got
    assert ("lithium", "stopped") not in got
    assert ("amoxicillin", "listed") in _got("HPI: cough.\nPLAN: Prescription for amoxicillin 500 mg PO TID x 7 days.\n")
    assert ("lisinopril", "listed") in _got("PLAN: Rx for lisinopril 10 mg daily sent.\n")
