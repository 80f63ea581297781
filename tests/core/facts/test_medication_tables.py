"""Medication changes in reconciliation tables, combination products, switches and order sets (#12): the
rules written for the long blind dev notes sum-dev-019 and sum-dev-020."""

from __future__ import annotations

from core.facts import extract
from core.facts.med_names import mentions
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


# ---- rules from the 2026-12-04 round (sum-dev-021 surgical ICU, sum-dev-022 AML induction) ----

def test_ns_is_normal_saline_only_as_a_fluid():
    assert {m.key for m in mentions("NS 150 mL/h; NS stopped at 18:00; 250 mL NS at 10 mL/h")} == {"saline solution"}
    assert not mentions("NS consulted for the subdural; NS exam benign")
    assert ("saline solution", "stopped") in _got("DAY 6\nNS stopped at 18:00 by day team - confirmed off.\n")


def test_plasma_is_a_blood_product_only_with_units_or_beside_the_others():
    keys = [m.key for m in mentions("Cooler 1: PRBC / plasma / apheresis platelets; 8 u plasma; plasma 8 u")]
    assert keys.count("plasma") == 3
    assert not [m for m in mentions("plasma glucose 140 mg/dL; plasma cell neoplasm") if m.key == "plasma"]


def test_a_status_column_is_the_tables_answer_whatever_other_cells_say():
    note = ("MEDICATION RECONCILIATION ON TRANSFER SICU -> 6 WEST\n"
            "| Medication | SICU order | Floor order | Transfer action | Note |\n"
            "| Omeprazole | held | 20 mg PO daily | RESUME home dose | switched from IV pantoprazole |\n"
            "| Senna | 2 tabs qHS | same | ACTIVE - no change | |\n"
            "| Ibuprofen (home OTC) | discontinued HD1 | - | remains STOPPED | |\n")
    got = _got(note)
    assert ("omeprazole", "started") in got and ("omeprazole", "held") not in got
    assert ("senna", "continued") in got
    assert ("ibuprofen", "stopped") in got
    assert not any(c == "changed" for _, c in got)  # the title's arrow is a transfer, not a dose change


def test_a_list_label_governs_every_drug_of_its_list():
    got = _got("HD15 TRANSFER NOTE\nPreviously stopped in the SICU (not on floor orders): propofol, "
               "dexmedetomidine, norepinephrine, vancomycin, cefepime.\n")
    assert {d for d, c in got if c == "stopped"} >= {"propofol", "dexmedetomidine", "norepinephrine", "vancomycin",
                                                      "cefepime"}


def test_a_label_line_over_bullets_and_a_timed_heading_govern_their_drugs():
    got = _got("DAY 2 - CROSS-COVER NOTE\nGiven:\n- calcium gluconate 1 g IV x1 (04:55)\n"
               "- sodium zirconium cyclosilicate 10 g PO TID x 48 h, first dose 05:10\nRepeat K 5.4 at 07:00.\n"
               "Premedication given 09:30: ondansetron 8 mg IV and dexamethasone 8 mg IV.\n")
    assert {("sodium zirconium cyclosilicate", "started"), ("dexamethasone", "started")} <= got


def test_a_row_of_an_administration_record_is_a_dose_given():
    note = ("MASSIVE TRANSFUSION PROTOCOL - BLOOD PRODUCT FLOWSHEET\n| Time | Location | Product / drug | Amount |\n"
            "| 02:50 | OR | Calcium chloride | 1 g IV |\n| 03:10 | OR | Cryoprecipitate | 2 pools (10 u) |\n")
    assert {("calcium chloride", "started"), ("cryoprecipitate", "started")} <= _got(note)


def test_a_titration_that_ends_off_also_stops_the_drug():
    got = _got("05/25 (HD12): fentanyl infusion 50 -> 25 -> titrated off 10:00; oxycodone PRN 3 doses/24h.\n")
    assert {("fentanyl", "changed"), ("fentanyl", "stopped")} <= got


def test_a_ticked_order_box_is_an_order_in_any_section():
    got = _got("Admission orders (checkbox extract):\n[x] Sodium chloride 0.9% (normal saline) 150 mL/h continuous\n"
               "[x] Allopurinol 300 mg PO daily\n[ ] Febuxostat 40 mg PO daily\n")
    assert {("saline solution", "started"), ("allopurinol", "started")} <= got
    assert ("febuxostat", "started") not in got


def test_an_opening_verb_governs_the_orders_after_its_semicolons_and_a_drugs_own_verb_after_it_counts():
    got = _got("HD7\nID: started vancomycin 2,250 mg IV load at 07:30, then 1,250 mg IV q12h; cefepime 2 g IV q8h "
               "(3 h extended infusion). MRSA nares PCR sent.\n"
               "Pain: Oxycodone 5 mg q4h PRN started; senna 2 tabs qHS started with it.\n")
    assert {("cefepime", "started"), ("senna", "started")} <= got


def test_vaccines_and_icu_abbreviations_name_their_drugs():
    keys = {m.key for m in mentions("Tdap 0.5 mL IM x1; PCV20 0.5 mL IM; MenACWY; MenB-4C; mero 1 g; vaso 0.04; "
                                    "fent gtt; tacro 1 mg; posa 300 mg; cryo 10 u; FFP 2 u")}
    assert {"pneumococcal conjugate vaccine", "meningococcal conjugate vaccine", "meningococcal group b vaccine",
            "meropenem", "vasopressins", "fentanyl", "tacrolimus", "posaconazole", "cryoprecipitate",
            "fresh frozen plasma"} <= keys
    assert {m.key for m in mentions("vasopressin 0.04 units/min")} == {"vasopressins"}  # one drug, one key
    assert not mentions("TD 10 mg")  # tardive dyskinesia, not the tetanus toxoid


def test_a_dosed_drug_opening_a_sentence_of_a_systems_line_is_ordered():
    got = _got("POD 0 SICU ADMISSION NOTE\nNeuro/pain: awake. Acetaminophen 1 g IV q6h scheduled. Pain 3/10.\n"
               "GI: NPO. Stress ulcer prophylaxis: pantoprazole 40 mg IV daily. Drains serosanguinous.\n"
               "Renal: Cr 0.9, on lisinopril per home? no.\n")
    assert {("acetaminophen", "started"), ("pantoprazole", "started")} <= got
    assert not _got("Renal: Cr 1.4 after furosemide yesterday.\n") & {("furosemide", "started")}


def test_a_timed_line_is_a_dose_given_and_escalated_to_starts_the_drug():
    got = _got("1. Septic shock.\n- 05:10: cefepime 2 g IV q8h (extended infusion) + metronidazole 500 mg IV q8h\n"
               "Done:\n- escalated to meropenem 1 g IV q8h, first dose 04:30 (cefepime stopped)\n"
               "Other: Hgb 6.9 -> 1 unit irradiated PRBC today.\n")
    assert {("cefepime", "started"), ("metronidazole", "started"), ("meropenem", "started"),
            ("packed red blood cells", "started")} <= got
    assert ("methotrexate", "changed") in _got("Plan: MTX 15 -> 20 mg weekly.\n")  # between doses it stays a change
