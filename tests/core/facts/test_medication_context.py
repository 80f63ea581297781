"""Medication changes read from a mention's surroundings (core/facts/med_context.py and the list rules of
core/facts/medications.py): unticked boxes, changes dated before the note, drugs in their own parenthesis,
table rows, lists that share one change word."""

from __future__ import annotations

from core.facts import clauses, extract


def _got(note: str) -> set[tuple[str | None, str | None]]:
    return {(f.drug, f.change) for f in extract(note).of("medication")}


def test_an_unticked_box_is_no_change():
    note = ("-----\nMEDICATIONS ADMINISTERED\n[x] Dexamethasone 13 mg PO x 1 at 14:00\n"
            "[ ] Magnesium sulfate IV - not indicated\n-----\nDIAGNOSIS\n[x] Asthma exacerbation\n")
    got = _got(note)
    assert ("dexamethasone", "started") in got
    assert not [c for d, c in got if d == "magnesium sulfate" and c != "listed"]


def test_a_change_dated_before_the_note_is_history():
    note = ("ADMISSION 03/02/2033\nHome meds: lisinopril 20 mg daily. He used to take glipizide - stopped by PCP "
            "in 2031 for hypoglycemia, not taking.\nPast: alendronate 2019-2024, stopped by her PCP.\n"
            "Plan:\n- Lisinopril held 03/02/2033 (AKI).\n")
    got = _got(note)
    assert ("lisinopril", "held") in got
    assert ("glipizide", "stopped") not in got and ("alendronate", "stopped") not in got


def test_a_change_dated_in_the_notes_own_year_is_kept():
    note = "Visit 05/16/2033\nPlan: warfarin stopped in 2033 before the procedure.\n"
    assert ("warfarin", "stopped") in _got(note)


def test_an_action_line_beats_a_dated_remark_in_the_drug_line():
    note = ("Discharge 08/07/2033\nA. HOME MEDICATIONS AND ACTION AT DISCHARGE\n"
            "10. Omeprazole 20 mg PO daily (started 2029, no documented indication)\n"
            "   ACTION: STOP after 2 more weeks at 20 mg every other day.\n")
    got = _got(note)
    assert ("omeprazole", "stopped") in got and ("omeprazole", "started") not in got


def test_a_drug_in_a_parenthesis_with_its_own_dose_and_change_is_a_change():
    note = "Plan:\nGI/FEN: Regular diet. Replete K to > 4.0 (KCl 40 mEq PO x1 today).\n"
    facts = [f for f in extract(note).of("medication") if f.drug == "potassium chloride"]
    assert [f.change for f in facts] == ["started"] and facts[0].text.count(")") <= facts[0].text.count("(")


def test_a_drug_in_a_parenthesis_without_a_dose_stays_the_previous_drugs_detail():
    note = "Plan:\nStop warfarin (now on apixaban).\n"
    assert ("apixaban", "started") not in _got(note)


def test_table_rows_are_not_joined_into_one_sentence():
    note = ("Time  | HR  | Intervention\n14:00 | 140 | dexamethasone PO\n15:15 | 132 | reassess\n"
            "16:10 | 124 | reassess, d/c ready\n")
    got = [note[a:b] for a, b in clauses.split(note)]
    assert any(s.strip().endswith("dexamethasone PO") for s in got)
    assert ("dexamethasone", "stopped") not in _got(note)


def test_a_change_after_a_list_of_bare_names_applies_to_each():
    note = "Plan:\n- Amlodipine, insulin glargine, atorvastatin, aspirin continued unchanged.\n"
    got = _got(note)
    assert {("amlodipine", "continued"), ("atorvastatin", "continued"), ("aspirin", "continued")} <= got
    assert any(d and d.startswith("insulin") and c == "continued" for d, c in got)


def test_a_list_with_doses_between_does_not_share_a_far_change_word():
    note = "Meds: lisinopril 20 mg daily, metformin 1000 mg BID, atorvastatin 40 mg daily at night, we will hold it.\n"
    got = _got(note)
    assert ("lisinopril", "held") not in got and ("metformin", "held") not in got


def test_an_enumerated_heading_ends_the_list_before_it_even_with_no_known_kind():
    """'D. SUMMARY FOR PILL BOX' is no 'hospital-only, not continued' list: its drugs are not stopped."""
    note = ("A. HOME MEDICATIONS (prior to admission) AND ACTION AT DISCHARGE\n1. Losartan 50 mg PO daily\n"
            "   ACTION: CONTINUE, no change.\n\nC. HOSPITAL-ONLY MEDICATIONS NOT CONTINUED\n"
            "- Enoxaparin 30 mg SC daily (VTE prophylaxis) - stopped at discharge.\n\n"
            "D. SUMMARY FOR PILL BOX (daughter)\nMorning: losartan 50 mg, metoprolol succinate 25 mg\n")
    got = _got(note)
    assert ("enoxaparin", "stopped") in got and ("losartan", "continued") in got
    assert ("losartan", "stopped") not in got and ("metoprolol", "stopped") not in got


def test_a_heading_with_a_lower_case_qualifier_is_still_a_heading():
    from core.facts import nlp, sections

    note = "Reason for admission: fall.\n\nA. HOME MEDICATIONS (prior to admission) AND ACTION AT DISCHARGE\n1. X\n"
    found = sections.find(nlp.parse(note))
    assert [s.category for s in found if s.title.startswith("A. HOME")] == ["medications"]


def test_a_one_line_allergies_field_does_not_swallow_the_paragraphs_after_it():
    note = ("MICU COURSE\nAllergies: sulfonamide antibiotics (hives, 2019).\n\nADMISSION SUMMARY (HD1)\n"
            "Septic shock. MAP stayed < 65 -> norepinephrine started via R IJ CVC.\n\n"
            "Events: norepinephrine 0.08 -> 0.22 mcg/kg/min.\nEvents: norepinephrine OFF 06:00.\n")
    got = _got(note)
    assert {("norepinephrine", "started"), ("norepinephrine", "stopped")} <= got


def test_an_order_for_a_home_drug_at_another_count_is_a_change_at_the_same_one_is_not():
    note = ("HPI: Used albuterol MDI 2 puffs 4-5 times/day. Takes montelukast 5 mg daily.\n"
            "-----\nORDERS / PRESCRIPTIONS\n"
            "[x] Albuterol HFA 90 mcg: 4 puffs with spacer every 4 hours while awake x 48 h\n"
            "[x] Montelukast 5 mg PO daily\n[x] Prednisolone 30 mg PO daily x 5 days\n")
    got = _got(note)
    assert ("albuterol", "changed") in got and ("prednisolone", "started") in got
    assert not [c for d, c in got if d == "montelukast" and c != "listed"]


def test_a_headings_qualifier_in_parentheses_says_nothing_of_its_drugs():
    note = ("Plan: aspirin 81 mg daily.\n\nPATIENT INSTRUCTIONS (SUMMARY GIVEN TO PATIENT)\n"
            "Limit salt. Do not take ibuprofen, naproxen or other anti-inflammatory pain medicines.\n")
    got = _got(note)
    assert ("ibuprofen", "started") not in got and ("naproxen", "started") not in got


def test_a_drug_named_as_the_time_of_another_change_is_not_changed_there():
    note = ("Plan:\n- Start nonselective beta-blocker (carvedilol preferred) only after octreotide is finished and "
            "blood pressure allows; not today.\n")
    assert ("octreotide", "started") not in _got(note)
