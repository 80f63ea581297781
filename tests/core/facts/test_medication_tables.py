"""Medication changes in reconciliation tables, combination products, switches and order sets (#12): the
rules written for the long blind dev notes sum-dev-019 and sum-dev-020."""

from __future__ import annotations

from core.facts import extract
from core.facts.medications import mentions
from core.grounding import medications


def _got(note: str) -> set[tuple[str | None, str | None]]:
    return {(f.drug, f.change) for f in extract(note).of("medication")}


def test_a_multiword_name_hyphen_joined_to_the_next_is_one_product():
    text = "Calcium carbonate-vitamin D3 600 mg-400 units daily"
    assert next(m.text for m in medications.find(text)) == "Calcium carbonate"  # not "carbonate-vitamin"
    assert len(mentions(text)) == 1  # one product, one mention (and so one change)
    assert mentions(text)[0].text.startswith("Calcium carbonate-vitamin D")


def test_a_name_cut_out_of_a_longer_word_is_no_name():
    assert not [m for m in medications.find("the carbonate-ish taste") if m.key == "calcium carbonate"]


def test_the_status_cell_of_a_reconciliation_row_beats_other_change_words_in_the_row():
    note = ("Discharge medication reconciliation:\n"
            "| Medication | Before | At discharge | Status |\n|---|---|---|---|\n"
            "| Ferrous sulfate | 325 mg daily | 325 mg every other day, start 03/23 | CHANGED |\n"
            "| Sertraline | 50 mg daily | 50 mg daily | CONTINUED |\n")
    got = _got(note)
    assert ("ferrous sulfate", "changed") in got and ("ferrous sulfate", "started") not in got
    assert ("sertraline", "continued") in got


def test_a_status_cell_with_a_second_change_after_a_dash_gives_both():
    note = ("Discharge medication reconciliation:\n"
            "| Medication | Before | At discharge | Status |\n|---|---|---|---|\n"
            "| Acetaminophen | - | 1,000 mg PO q6h PRN | NEW - changed from scheduled to PRN today |\n")
    got = _got(note)
    assert ("acetaminophen", "started") in got and ("acetaminophen", "changed") in got


def test_switched_from_one_drug_to_another_stops_the_first_and_starts_the_second():
    facts = extract("Hospital course:\nCultures grew MSSA; switched from vancomycin to cefazolin 2 g IV q8h on "
                    "day 3.\n").of("medication")
    got = {(f.drug, f.change): f.text for f in facts}
    assert ("vancomycin", "stopped") in got and ("cefazolin", "started") in got
    assert got[("vancomycin", "stopped")].lower() == "vancomycin"  # the dose after it is the new drug's


def test_resume_home_dose_is_the_same_dose():
    got = _got("Medications on admission:\n- Sertraline 100 mg daily\nHospital course:\nSertraline held on "
               "admission.\nPlan:\n- Sertraline: resume home dose 100 mg daily.\n")
    assert ("sertraline", "started") in got and ("sertraline", "changed") not in got
    got = _got("Medications on admission:\n- Sertraline 100 mg daily\nHospital course:\nSertraline held on "
               "admission.\nPlan:\n- Sertraline: resume at 50 mg (home dose 100 mg).\n")
    assert ("sertraline", "changed") in got


def test_a_ticked_infusion_order_with_titration_is_started_and_an_unticked_one_is_not():
    ticked = _got("Orders:\n[x] Nicardipine infusion 2.5 mg/h, titrate by 2.5 mg/h q15min to SBP < 160\n")
    assert ("nicardipine", "started") in ticked
    unticked = _got("Orders:\n[ ] Nicardipine infusion 2.5 mg/h, titrate by 2.5 mg/h q15min to SBP < 160\n")
    assert ("nicardipine", "started") not in unticked


def test_obstetric_abbreviations_name_their_drugs():
    keys = {m.key for m in mentions("BMZ given x2; TXA 1 g IV; RhoGAM 300 mcg IM; continue PNV daily")}
    assert {"betamethasone", "tranexamic acid", "rho(d) immune globulin", "prenatal multivitamin"} <= keys
