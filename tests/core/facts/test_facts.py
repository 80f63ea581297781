"""Fact extraction: sections, medication changes, findings with ConText labels, spans into the note."""

from __future__ import annotations

import pytest

from core.facts import extract
from core.facts.med_cues import change_in

NOTE = """CLINIC NOTE 03/02/2032
CC: shortness of breath for 3 days.
HPI: 71F with HFrEF and AF. No chest pain. Denies fever.

Meds: furosemide 40 mg daily, metoprolol succinate 50 mg daily, ibuprofen 400 mg prn, glipizide 5 mg BID

Labs: K 5.6 (H), Cr 2.1 -> 1.8, BNP 1450.

ASSESSMENT AND PLAN
Acute on chronic HFrEF exacerbation.
- Increase furosemide 40 -> 80 mg daily.
- Stop ibuprofen.
- HOLD glipizide while eating poorly.
- Start torsemide? No - diltiazem was avoided because of the low EF.
- Metoprolol succinate 50 mg daily continued.
- Replete potassium: no. Recheck BMP in 1 week.
Follow-up: heart failure clinic in 2 weeks.
"""


@pytest.fixture(scope="module")
def facts():
    return extract(NOTE)


def test_every_fact_is_a_span_of_the_note(facts):
    assert facts.facts
    for f in facts.facts:
        assert NOTE[f.start : f.end] == f.text


def test_sections_found_from_titles_and_all_caps_headings(facts):
    categories = [s.category for s in facts.sections]
    for wanted in ("chief_complaint", "history_of_present_illness", "medications", "labs_and_studies",
                   "observation_and_plan", "follow_up"):
        assert wanted in categories, categories


def _changes(facts):
    return {(f.drug, f.change) for f in facts.of("medication")}


def test_medication_changes_are_read_from_the_plan(facts):
    changes = _changes(facts)
    assert ("furosemide", "changed") in changes
    assert ("ibuprofen", "stopped") in changes
    assert ("glipizide", "held") in changes
    assert ("metoprolol", "continued") in changes or ("metoprolol succinate", "continued") in changes


def test_a_drug_that_was_avoided_is_not_a_change(facts):
    assert not [f for f in facts.of("medication") if f.drug == "diltiazem" and f.change != "listed"]


def test_a_drug_with_a_change_is_not_also_listed(facts):
    furosemide = [f for f in facts.of("medication") if f.drug == "furosemide"]
    assert [f.change for f in furosemide] == ["changed"]


def test_a_lab_named_like_a_drug_is_a_result_not_a_medication(facts):
    assert not [f for f in facts.of("medication") if f.drug == "potassium" and f.text.startswith("K 5.6")]
    assert any("K 5.6" in f.text for f in facts.of("result"))


def test_follow_up_and_problem_are_found(facts):
    assert any("heart failure clinic in 2 weeks" in f.text for f in facts.of("follow_up"))
    assert any("HFrEF exacerbation" in f.text for f in facts.of("problem"))


def test_negated_findings_are_labelled_by_context():
    ex = extract("HPI: Cough for a week. No fever.\nASSESSMENT: Denies chest pain. Bronchitis likely.\n")
    negated = {f.text: f.status for f in ex.facts if "negated" in f.status}
    assert any("No fever" in t for t in negated)
    assert not any("Cough for a week" in t for t in negated)


@pytest.mark.parametrize(("text", "change"), [
    ("Start apixaban 5 mg BID", "started"), ("apixaban discontinued", "stopped"),
    ("warfarin on hold", "held"), ("atorvastatin 20 -> 80 mg", "changed"), ("cont. lisinopril", "continued"),
    ("MTX 15 -> 20 mg weekly", "changed"), ("diltiazem was avoided", "none"),
])
def test_change_words(text, change):
    hit = change_in(text, 0)
    assert hit is not None and hit[0] == change


def test_stop_before_continue_for_discontinue():
    assert change_in("lisinopril discontinued", 0)[0] == "stopped"


def test_dependent_drug_is_part_of_the_previous_clause():
    ex = extract("DISCHARGE MEDICATIONS\nNEW: Torsemide 40 mg daily (replaces furosemide).\n")
    assert {(f.drug, f.change) for f in ex.of("medication")} == {("torsemide", "started")}


def test_heading_decides_the_change_in_a_discharge_list():
    ex = extract("DISCHARGE MEDICATIONS\nSTOPPED:\nLisinopril 20 mg daily\nNEW:\nSpironolactone 25 mg daily\n")
    assert {(f.drug, f.change) for f in ex.of("medication")} == {("lisinopril", "stopped"),
                                                                  ("spironolactone", "started")}


def test_patient_text_never_reaches_stderr(capfd):
    canary = "Zqxwv-canary-7731"
    extract(f"HPI: {canary} reports cough.\nPlan: start amoxicillin 500 mg TID.\n")
    out, err = capfd.readouterr()
    assert canary not in out and canary not in err


def test_switch_stops_the_first_drug_and_starts_the_second():
    ex = extract("PLAN:\nNarrow piperacillin-tazobactam to ceftriaxone 1 g IV daily today.\n")
    assert {(f.drug, f.change) for f in ex.of("medication")} == {("piperacillin-tazobactam", "stopped"),
                                                                  ("ceftriaxone", "started")}


def test_a_drug_named_in_a_condition_is_not_changed_there():
    ex = extract("PLAN:\nWean norepinephrine to off.\nDispo: floor in 24 h once off norepinephrine.\n")
    assert {(f.drug, f.change) for f in ex.of("medication")} == {("norepinephrine", "changed")}


def test_an_action_line_under_a_drug_gives_its_change():
    ex = extract("MEDICATION RECONCILIATION\n1. Zolpidem 10 mg at bedtime\n   ACTION: STOP. Reason: falls.\n"
                 "2. Losartan 50 mg daily\n   ACTION: CONTINUE.\n")
    assert {(f.drug, f.change) for f in ex.of("medication")} == {("zolpidem", "stopped"), ("losartan", "continued")}


def test_a_malformed_table_line_names_the_file_and_line(tmp_path):
    from core.errors import ChartBriefError
    from core.facts import tables

    path = tmp_path / "cues.tsv"
    path.write_text("# comment\nstarted\tstart\nstopped stop\n", encoding="utf-8")
    with pytest.raises(ChartBriefError, match=r"cues.tsv, line 3: expected two columns"):
        tables.pairs(path)


def test_a_possible_future_change_is_not_a_change():
    ex = extract("PLAN:\nLisinopril may be restarted at follow-up if creatinine is stable.\n")
    assert not [f for f in ex.of("medication") if f.change not in ("listed",)]


def test_a_clause_never_ends_inside_an_open_parenthesis():
    ex = extract("DISCHARGE MEDICATIONS\nMetformin 500 mg PO twice daily with meals (CONTINUE; hold if vomiting)\n")
    assert all(f.text.count("(") == f.text.count(")") for f in ex.of("medication"))


@pytest.mark.parametrize(("text", "anchor", "change"), [
    ("propofol continued -> vanc d/c'd 11:00", 23, "stopped"),  # an arrow between events only separates them
    ("cefepime 2 g q8h -> 2 g q12h", 0, "changed"),  # between two values it is a change
    ("midazolam weaned off 11:00", 0, "stopped"),
    ("calcium gluconate 1 g IV x1 for K 6.1", 0, "started"),  # a one-time treatment
])
def test_change_words_in_a_long_course(text, anchor, change):
    hit = change_in(text, anchor)
    assert hit is not None and hit[0] == change


def test_a_long_stay_keeps_every_kind_of_change_a_drug_had():
    """Held on day 4 and restarted on day 14: both are kept, though the discharge list only says continue."""
    note = ("HOSPITAL COURSE:\nHD1: vancomycin 1.5 g IV q12h started.\nHD3: cultures negative, vancomycin "
            "stopped.\nHD4: aspirin held (plt 62).\nHD14: aspirin 81 mg daily restarted (plt 142).\n\n"
            "DISCHARGE MEDICATIONS:\nAspirin 81 mg daily - continue.\n")
    got = {(f.drug, f.change) for f in extract(note).of("medication")}
    assert got == {("vancomycin", "started"), ("vancomycin", "stopped"), ("aspirin", "held"),
                   ("aspirin", "started")}


def test_a_home_list_does_not_add_changes_beside_the_plan():
    note = ("MEDICATIONS: amlodipine 10 mg daily (off since March? per pt)\n"
            "PLAN:\nDecrease amlodipine to 5 mg daily.\n")
    assert {(f.drug, f.change) for f in extract(note).of("medication")} == {("amlodipine", "changed")}


def test_a_list_heading_in_the_line_gives_every_drug_its_change():
    note = "COURSE:\nSingle doses given: calcium gluconate 1 g (HD3), sodium phosphate 15 mmol (HD10).\n"
    assert {(f.drug, f.change) for f in extract(note).of("medication")} == {
        ("calcium gluconate", "started"), ("sodium phosphate", "started")}


def test_a_drug_after_an_arrow_is_what_was_done():
    note = "Endo: glucose 312 -> insulin infusion per ICU protocol.\nHeme: Hgb 6.8 -> 1 unit PRBC transfused.\n"
    got = {(f.drug, f.change) for f in extract(note).of("medication")}
    assert got == {("insulin human", "started"), ("packed red blood cells", "started")}  # a drip is regular insulin


def test_a_wrapped_line_that_starts_with_a_number_goes_on_but_a_numbered_item_does_not():
    from core.facts import clauses

    note = "Glucose 140-190 mg/dL. HbA1c\n8.4%. Antibiotics started\n2024-01-08.\nPlan\n1. Repeat CXR.\n"
    got = [note[a:b] for a, b in clauses.split(note)]
    assert "HbA1c\n8.4%." in got and "Antibiotics started\n2024-01-08." in got
    assert "1. Repeat CXR." in got or "Repeat CXR." in got


def _got(note):
    return {(f.drug, f.change) for f in extract(note).of("medication")}


def test_a_drug_restarted_at_another_dose_is_changed_at_the_same_dose_started():
    """Issue #12: a home drug held and then restarted at half its dose, or at another route and frequency, is
    a change; restarted as before it is a start."""
    note = ("HOME MEDICATIONS:\nsertraline 100 mg daily, aspirin 81 mg daily\n\nHOSPITAL COURSE:\n"
            "HD1: sertraline held (QTc 508). Aspirin held (plt 62).\nHD2: start furosemide 40 mg IV BID.\n"
            "HD6: furosemide held (hypotension).\nHD8: furosemide restarted as 40 mg PO daily.\n"
            "HD13: sertraline restarted at 50 mg PO daily.\nHD14: aspirin 81 mg daily restarted.\n")
    got = _got(note)
    assert ("sertraline", "changed") in got and ("sertraline", "started") not in got
    assert ("furosemide", "changed") in got and ("furosemide", "started") in got
    assert ("aspirin", "started") in got and ("aspirin", "changed") not in got


def test_a_restart_at_a_reduced_dose_reads_as_a_change_in_its_line():
    note = "PLAN:\n1. HOLD warfarin tonight.\n2. Then resume warfarin at a reduced weekly dose of 30 mg.\n"
    changed = [f for f in extract(note).of("medication") if f.change == "changed"]
    assert [f.drug for f in changed] == ["warfarin"] and changed[0].text.startswith("warfarin")


def test_a_plan_line_that_orders_a_new_drug_with_its_dose_starts_it():
    """Issue #12: an admission plan lists the drips it orders with no cue word."""
    note = ("HOME MEDS: metformin 1000 mg BID\n\nPlan:\n"
            "- Sedation/analgesia: fentanyl infusion 50-150 mcg/h + propofol 10-40 mcg/kg/min; RASS goal -2.\n"
            "- Endo: metformin 1000 mg BID\n- Oxycodone 5 mg PO q4h PRN pain.\n")
    got = _got(note)
    assert {("fentanyl", "started"), ("propofol", "started"), ("oxycodone", "started")} <= got
    assert ("metformin", "started") not in got  # a home drug named again in the plan is not new


def test_a_drug_named_mid_sentence_in_a_plan_is_not_ordered():
    note = "Plan:\n- Rate control: HR 84-96 AF on metoprolol succinate 25 mg.\n"
    assert ("metoprolol", "started") not in _got(note)


def test_insulin_given_as_an_infusion_is_a_medication_not_a_result():
    note = "POD1:\n- Insulin infusion -> insulin glargine 14 units at 21:00; insulin infusion off 23:00.\n"
    assert ("insulin human", "stopped") in _got(note)


def test_a_short_label_with_a_change_word_governs_the_drugs_after_it():
    note = ("DISCHARGE MEDICATIONS:\nGiven in hospital only: cefazolin (POD0-POD2), insulin infusion (POD0-POD1), "
            "phenylephrine (POD6-POD7).\nStopped in the ICU (not continued): midazolam (HD9), fentanyl infusion "
            "(HD11).\nDiscussed but never given: argatroban (HIT negative).\n")
    got = _got(note)
    assert {("cefazolin", "started"), ("insulin human", "started"), ("phenylephrine", "started"),
            ("midazolam", "stopped"), ("fentanyl", "stopped")} <= got
    assert not [c for d, c in got if d == "argatroban" and c != "listed"]


def test_a_change_said_after_two_drugs_joined_by_plus_applies_to_both():
    note = "Plan:\n- ID: ceftriaxone 2 g IV q24h + azithromycin 500 mg IV q24h started 03:50 (severe CAP).\n"
    assert {("ceftriaxone", "started"), ("azithromycin", "started")} <= _got(note)


def test_a_change_word_before_an_arrow_belongs_to_the_event_before_it():
    note = "Plan:\n- GI ppx: home omeprazole held while intubated -> pantoprazole 40 mg IV daily.\n"
    got = _got(note)
    assert ("omeprazole", "held") in got and ("pantoprazole", "started") in got
    assert ("pantoprazole", "held") not in got


def test_switched_to_another_drug_starts_it():
    note = ("COURSE:\nSedation: propofol d/c'd 10:00, switched to midazolam infusion 1-4 mg/h.\n"
            "Diuresis: furosemide 40 mg daily -> switch to torsemide 20 mg daily.\n")
    got = _got(note)
    assert {("propofol", "stopped"), ("midazolam", "started"), ("furosemide", "stopped"),
            ("torsemide", "started")} <= got
    assert ("midazolam", "changed") not in got


def test_a_contingency_or_a_restart_not_done_is_not_a_change():
    note = ("Plan:\n- If PF4 ELISA returns positive -> start argatroban (pharmacy to dose).\n"
            "- Consider restarting lisinopril once Cr < 1.5 -> NOT restarted now; stays held.\n")
    got = _got(note)
    assert ("argatroban", "started") not in got and ("lisinopril", "started") not in got


def test_a_drug_given_instead_of_another_is_started():
    note = "Plan:\n- STOP ibuprofen and all NSAIDs; acetaminophen up to 3 g/day for knee pain instead.\n"
    assert {("ibuprofen", "stopped"), ("acetaminophen", "started")} <= _got(note)


def test_a_later_mention_without_a_dose_does_not_replace_one_with_it():
    note = ("DISCHARGE MEDICATIONS:\n- metoprolol succinate 50 mg once daily (new).\n"
            "| Metoprolol succinate | - | NEW (replaces tartrate) |\n")
    started = [f for f in extract(note).of("medication") if f.change == "started"]
    assert len(started) == 1 and "50 mg" in started[0].text


def test_a_heading_with_a_qualifier_in_parentheses_is_a_section():
    note = "Labs: Hgb 11.2.\nAssessment/Plan (HD1):\n - Oxycodone 2.5 mg PO q4h PRN pain.\n"
    ex = extract(note)
    assert [f.section for f in ex.of("medication")] == ["observation_and_plan"]
    assert ("oxycodone", "started") in {(f.drug, f.change) for f in ex.of("medication")}


@pytest.mark.parametrize(("text", "anchor", "change"), [
    ("acetaminophen up to 3 g/day for knee pain instead", 0, "started"),
    ("we are giving azithromycin", 14, "started"),
    ("metformin back on", 0, "started"),
    ("the apixaban dose reduction", 4, "changed"),
    ("donepezil is not indicated for delirium - do not start", 0, "none"),
    ("cardiology to set the amiodarone stop date", 19, "none"),
    ("argatroban never given", 0, "none"),
    ("consider restarting lisinopril", 20, "none"),
])
def test_change_words_added_for_long_notes(text, anchor, change):
    hit = change_in(text, anchor)
    assert hit is not None and hit[0] == change


def test_an_entry_that_a_correction_withdraws_is_not_a_change():
    note = ("COURSE:\n- Furosemide 20 mg daily restarted. [see correction 01/20]\n"
            'CORRECTION (01/20): the 01/19 entry says "furosemide 20 mg daily restarted." That is an error - '
            "furosemide remains HELD.\n")
    assert _got(note) == {("furosemide", "held")}


def test_a_pointer_to_a_correction_withdraws_only_its_own_sentence_of_a_long_paragraph():
    note = ("PHARMACY NOTE:\nThe HD10 entry saying metformin was restarted was an error (see my HD11 correction). "
            "Aspirin is discontinued as of today. Ibuprofen is discontinued permanently because of the AKI.\n")
    assert _got(note) >= {("aspirin", "stopped"), ("ibuprofen", "stopped")}
    assert ("metformin", "started") not in _got(note)


def test_a_drug_now_on_a_new_dose_after_a_one_time_dose_is_changed():
    note = ("PLAN:\n- Furosemide 40 mg IV x1 for volume overload.\n"
            "HD7 PLAN:\n- Furosemide: now 20 mg IV q12h scheduled.\n")
    assert _got(note) >= {("furosemide", "started"), ("furosemide", "changed")}


def test_albumin_with_a_concentration_or_an_amount_is_the_infusion_not_the_lab():
    note = ("HD2 PLAN:\n- Albumin 25% 25 g IV q8h x 3 doses started 14:00 (serum albumin 1.9).\n"
            "LABS: albumin 1.9 g/dL\n")
    assert _got(note) == {("albumin", "started")}
    assert _got("LABS: albumin 2.4 g/dL, serum albumin 2.4\n") == set()


def test_a_stopped_part_of_a_pca_is_a_change_of_the_drug():
    assert _got("PLAN:\n- Morphine PCA basal d/c'd; demand dec'd 1 -> 0.5 mg q10 min.\n") == {("morphine", "changed")}
    assert _got("PLAN:\n- Hydromorphone PCA discontinued.\n") == {("hydromorphone", "stopped")}


def test_a_dose_worked_out_and_rounded_to_a_vial_is_a_start_not_a_change():
    note = "DAY +1\n- G-CSF: filgrastim 5 mcg/kg/day -> 320 mcg -> vial-rounded to 300 mcg SC daily, start today.\n"
    assert _got(note) == {("filgrastim", "started")}


def test_conditioning_drugs_by_their_short_names_with_a_dose():
    note = "DAY -6\nConditioning D1. Cy 50 mg/kg = 3,200 mg IV over 2 h. Flu #1 40 mg/m2 = 70 mg IV given.\n"
    assert _got(note) >= {("cyclophosphamide", "started"), ("fludarabine", "started")}
    assert _got("ID: Flu A PCR negative. Flu shot given 2031.\n") == set()


def test_a_drug_that_controls_a_symptom_is_the_treatment_not_a_dependent_mention():
    note = "DAY 5\nExtubated. Pain controlled with hydromorphone 0.2-0.4 mg IV q3h PRN (started today).\n"
    assert _got(note) == {("hydromorphone", "started")}


@pytest.mark.parametrize("line", [
    "plt 1 unit irradiated x1 for plt 8 with oozing.", "Plt transfusion x1 (plt 9).", "Txfn: 1 u plt (plt 7).",
    "Platelets 1 apheresis unit transfused.", "PRBC 1 unit today.", "Transfusions: PRBC x2 (D+3, D+9).",
    "Received 2 units of packed red cells.",
])
def test_a_blood_product_given_in_transplant_shorthand_is_started(line):
    changes = _got("DAY +9\n" + line + "\n")
    assert changes and {c for _, c in changes} == {"started"}, changes


@pytest.mark.parametrize("line", [
    "CBC: WBC 0.2, Hgb 8.1, plt 61, platelets 61.", "Transfuse plt if < 10K or bleeding.",
    "PRBC transfusion threshold Hgb < 7.", "Plt goal > 50 for LP; 2 units PRBC crossmatched.",
])
def test_a_count_threshold_or_crossmatch_is_no_transfusion(line):
    assert not {c for _, c in _got("DAY +9\n" + line + "\n")} - {"listed"}


@pytest.mark.parametrize(("line", "expected"), [
    ("Start 3% NaCl 30 mL/h via R IJ CVC.", {("hypertonic saline", "started")}),
    ("3% saline was weaned off at 12:00.", {("hypertonic saline", "stopped")}),
    ("NE was weaned off at 06:30 (last rate 0.02 mcg/kg/min).", {("norepinephrine", "stopped")}),
    ("Thymo #1 40 mg (0.5 mg/kg) started 14:05.", {("antithymocyte globulin", "started")}),
    ("Thymoglobulin 40 mg IV started.", {("antithymocyte globulin", "started")}),
    ("Actigall held (unable to swallow large tabs).", {("ursodiol", "held")}),
    ("Keppra completed 7-day course (last dose 06:00 today).", {("levetiracetam", "stopped")}),
    ("2 units of red blood cells transfused.", {("packed red blood cells", "started")}),
    ("UA: 0-2 red blood cells, no casts.", set()),
])
def test_brand_names_nicknames_and_course_endings_of_round_i(line, expected):
    assert _got("DAY 3\n" + line + "\n") == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("-> Start aciclovir 400 mg bd.", {("acyclovir", "started")}),
    ("-> Co-trimoxazole 480 mg od held (counts).", {("trimethoprim-sulfamethoxazole", "held")}),
    ("-> Tazocin STOPPED -> meropenem 1 g IV tds.", {("piperacillin-tazobactam", "stopped"), ("meropenem", "started")}),
    ("Campath 10 mg IV given.", {("alemtuzumab", "started")}),
    ("Chlorphenamine 10 mg IV stat for the platelet reaction.", {("chlorpheniramine", "started")}),
    ("-> GCSF 300 micrograms sc od from today, stop when neut >1.0.", {("filgrastim", "started")}),
    ("-> Teicoplanin last dose today, then STOP (10 days complete).", {("teicoplanin", "stopped")}),
    ("On aspirin from today's review: continue.", {("aspirin", "continued")}),
])
def test_british_names_and_ward_round_wordings_of_round_j(line, expected):
    assert _got("WR D+7\n" + line + "\n") == expected


def test_ed_meds_under_a_home_list_heading_are_this_encounters_starts():
    note = ("Home meds (per wife + GP summary):\n - perindopril 4 mg mane\n - metformin 500 mg BD\n\n"
            "Social: lives with wife, independent.\n\nED: T 38.6, HR 124 ST, BP 78/40.\n"
            "ED meds: piperacillin-tazobactam (Tazocin) 4.5 g IV stat 16:50. Noradrenaline started peripherally 17:30 "
            "at 5 mcg/min.\n\nICU DAY 3 - PLAN\n- Continue piperacillin-tazobactam 4.5 g IV 6-hourly.\n"
            "- Noradrenaline 32 -> 20 mcg/min.\n")
    facts = extract(note).of("medication")
    assert ("piperacillin-tazobactam", "started") in {(f.drug, f.change) for f in facts}
    assert ("norepinephrine", "started") in {(f.drug, f.change) for f in facts}


def test_both_orders_of_co_trimoxazole_are_one_drug():
    from core.facts.med_names import mentions

    keys = {m.key for text in ("sulfamethoxazole-trimethoprim", "TMP-SMX", "Bactrim DS", "co-trimoxazole")
            for m in mentions(text + " 1 tab")}
    assert keys == {"trimethoprim-sulfamethoxazole"}


def test_a_restart_only_if_something_happens_is_not_a_change():
    note = "Plan:\n- restart furosemide 20 mg only if weight > 52.3 kg.\n"
    assert not [f for f in extract(note).of("medication") if f.change != "listed"]


def test_a_dose_in_international_units_makes_vitamin_d_a_medication():
    note = "Plan:\n#3 GC risk - vit D 1000 IU qd started.\n"
    assert ("vitamin d", "started") in _got(note) or ("cholecalciferol", "started") in _got(note)


def test_a_recap_list_does_not_replace_the_course_line_that_says_more():
    note = ("HOSPITAL COURSE:\nPOD6: fresh frozen plasma 2 units given (INR 2.4 -> 1.5).\n\n"
            "DISCHARGE MEDICATIONS:\nGiven in hospital only: fresh frozen plasma 2 units (POD6), "
            "phenylephrine (POD6-POD7).\n")
    started = {f.drug: f.text for f in extract(note).of("medication") if f.change == "started"}
    assert "INR 2.4" in started["fresh frozen plasma"] and "phenylephrine" in started


def test_a_change_word_past_a_semicolon_belongs_to_the_next_drug():
    note = ("Plan:\n3. Naproxen 500 mg PO twice daily with food for 10 days; stop ibuprofen while taking it.\n"
            "   Continue albuterol as needed.\n")
    changes = {f.drug: f.change for f in extract(note).of("medication")}
    assert changes["naproxen"] == "started" and changes["ibuprofen"] == "stopped"  # was: naproxen stopped


def test_where_a_patient_was_referred_from_is_not_a_follow_up_but_a_return_visit_is():
    note = ("Visit type: New patient, referred by primary care.\n\nPlan:\n"
            "1. Return visit on June 13, 2024, or sooner for locking.\n2. Referred to physical therapy.\n")
    texts = [f.text for f in extract(note).of("follow_up")]
    assert not any("referred by" in t for t in texts)
    assert any("Return visit on June 13" in t for t in texts) and any("Referred to physical" in t for t in texts)
