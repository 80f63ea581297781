"""Fact extraction: sections, medication changes, findings with ConText labels, spans into the note."""

from __future__ import annotations

import pytest

from core.facts import extract
from core.facts.medications import change_in

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
    assert got == {("insulin", "started"), ("packed red blood cells", "started")}


def test_a_wrapped_line_that_starts_with_a_number_goes_on_but_a_numbered_item_does_not():
    from core.facts import clauses

    note = "Glucose 140-190 mg/dL. HbA1c\n8.4%. Antibiotics started\n2024-01-08.\nPlan\n1. Repeat CXR.\n"
    got = [note[a:b] for a, b in clauses.split(note)]
    assert "HbA1c\n8.4%." in got and "Antibiotics started\n2024-01-08." in got
    assert "1. Repeat CXR." in got or "Repeat CXR." in got
