"""Medication changes in compiled records of many authors' entries (#12): the rules written for the blind
long dev notes sum-dev-025 (surgical ICU after a ruptured AAA) and sum-dev-026 (haploidentical transplant)."""

from __future__ import annotations

from core.facts import Fact, extract
from core.facts.med_names import mentions
from core.facts.nlp import parse
from core.facts.sections import find
from core.summarize.structured import medication_line


def _got(note: str) -> set[tuple[str | None, str | None]]:
    return {(f.drug, f.change) for f in extract(note).of("medication")}


_RECORD = (
    "SICU ADMISSION NOTE - Dr. C. Example (SICU attending) - 21:30\n"
    "Home meds: aspirin, metoprolol succinate, lisinopril and tamsulosin - all HELD (shock, NPO).\n\n"
    "CROSS-COVER EVENT NOTE - HD 1 (03/03/2034) 00:35 - Dr. K. Sample, PGY-3 (night)\n"
    "Called by RN for hypotension.\n\n"
    "HD 1 - 03/03/2034 - SICU attending, Dr. C. Example - problem-based\n"
    "#Shock: NE 0.34 mcg/kg/min at 03:30. Vasopressin 0.03 units/min added 03:45. Hydrocortisone 50 mg IV q6h "
    "from 04:30.\n\n"
    "HD 8 - 03/10/2034 - SICU attending\n"
    "- Vasopressin weaned off 09:00.\n"
    "- Hydrocortisone STOPPED after the 10:30 dose.\n"
    "- Metoprolol tartrate 12.5 mg per tube BID from 18:00.\n"
)


def test_an_authors_entry_heading_ends_the_home_list_before_it():
    doc = parse(_RECORD)
    kinds = {s.title.split(" - ")[0]: s.category for s in find(doc)}
    assert kinds["CROSS-COVER EVENT NOTE"] == "hospital_course"
    assert kinds["HD 1"] == "hospital_course"  # a day's heading: the course, not the home list above it
    got = _got(_RECORD)
    # the day's orders are not the home list's: a later stop does not hide the start
    assert {("vasopressins", "started"), ("vasopressins", "stopped")} <= got
    assert {("hydrocortisone", "started"), ("hydrocortisone", "stopped")} <= got


def test_a_home_list_that_holds_every_drug_holds_each_one():
    got = _got(_RECORD)
    assert {("aspirin", "held"), ("metoprolol", "held"), ("lisinopril", "held"), ("tamsulosin", "held")} <= got
    assert ("metoprolol", "started") in got  # and the restart as tartrate is kept beside the hold


def test_a_dose_with_a_start_time_is_started_and_a_rate_at_a_time_is_not():
    got = _got("HD 7 - 03/09/2034 - SICU attending\n- Cefepime 2 g IV q12h from 10:00.\n"
               "- Metronidazole 500 mg IV q8h from 10:00 (B. fragilis, abdomen).\n"
               "Norepinephrine 0.2 mcg/kg/min at 03:30.\n")
    assert {("cefepime", "started"), ("metronidazole", "started")} <= got
    assert ("norepinephrine", "started") not in got
    op = _got("BRIEF OPERATIVE NOTE - OR 1 - Dr. V. Example\nProphylaxis: cefazolin 2 g IV at 15:02, redosed 2 g "
              "at 16:40.\n")
    assert ("cefazolin", "started") in op


def test_a_switch_that_may_come_later_stops_nothing():
    got = _got("A/P:\n2. Enterocolitis: continue meropenem while febrile; may narrow to piperacillin-tazobactam "
               "once afebrile 48-72 h.\n")
    assert ("meropenem", "stopped") not in got
    assert ("meropenem", "continued") in got


def test_table_rows_under_a_label_take_its_change():
    got = _got("DAY +5 | 11/14/2032 | BMT PHARMACY NOTE - GVHD PROPHYLAXIS START | P. Example, PharmD\n"
               "New today (> 24 h after PTCy #2):\n| Drug | Dose | Start | Notes |\n"
               "| Filgrastim | 480 mcg SC daily (~5 mcg/kg) | 11/14 12:00 | until ANC > 1.0 x 2 days |\n"
               "| Fluconazole | 400 mg PO daily | 11/14 12:00 | raises tacrolimus exposure |\n")
    assert {("filgrastim", "started"), ("fluconazole", "started")} <= got


def test_a_counted_blood_product_is_given_and_a_count_is_not():
    got = _got("DAY +10 | 11/19/2032 | BMT NOTE\n- 1 unit platelets today (plt 27). Continue cefepime.\n"
               "Platelets 45 this morning.\n")
    assert ("platelet transfusion", "started") in got
    assert sum(d == "platelet transfusion" for d, _ in got) == 1


def test_a_renal_adjustment_changes_the_dose_and_no_adjustment_does_not():
    got = _got("PHARMACY NOTE - HD 16\nAmpicillin renal adjustment: Cr 2.6, est CrCl ~29 mL/min -> ampicillin 2 g "
               "IV q6h from 11:00 (was 2 g q4h).\n")
    assert ("ampicillin", "changed") in got
    table = _got("PHARMACY NOTE - HD 3\n| Drug | Dose | CRRT adjustment |\n| Pantoprazole | 40 mg IV daily | "
                 "no adjustment |\n")
    assert ("pantoprazole", "changed") not in table


def test_normal_saline_by_any_name_is_one_drug():
    got = _got("DAY +3 | 11/12/2032 | BMT NOTE\n| 05:00 | Sodium chloride 0.9% hyperhydration | 150 mL/h | IV "
               "| started |\n\nDAY +5 | 11/14/2032 | BMT NOTE\nNS hyperhydration stopped 05:00 as planned.\n")
    assert {("saline solution", "started"), ("saline solution", "stopped")} <= got


def test_a_before_and_after_table_shows_the_change_by_its_dose_columns():
    got = _got("PHARMACY NOTE - POD 7 - 09/15/2033 - CRRT renal dosing\n| Drug | Before CRRT | On CRRT | Comment |\n"
               "|---|---|---|---|\n| Meropenem | - | 1 g IV q8h | extended infusion |\n"
               "| Vancomycin | 1,250 mg IV q12h | 1,000 mg IV q24h from 20:00 today | level 26.4 |\n"
               "| Pantoprazole | 40 mg IV daily | 40 mg IV daily | no adjustment |\n")
    assert {("meropenem", "started"), ("vancomycin", "changed")} <= got
    assert not {c for d, c in got if d == "pantoprazole"} & {"started", "changed", "stopped"}


def test_medicines_given_in_the_operation_are_the_course_not_a_home_list():
    note = ("BRIEF OPERATIVE NOTE - POD 0\nIntra-op medications of note: cefoxitin 2 g IV pre-incision, redosed 2 g at "
            "4 h.\n\n--- POD 14 - 09/22/2033 (problem-based) ---\n#Renal re-dosing off CRRT:\n- Fluconazole 800 mg -> "
            "400 mg IV q24h.\n\nDISCHARGE MEDICATIONS\nStopped: cefoxitin (periop), fluconazole.\n")
    kinds = {s.title[:12]: s.category for s in find(parse(note))}
    assert kinds["Intra-op med"] == "hospital_course" and kinds["--- POD 14 -"] == "hospital_course"
    assert {("cefoxitin", "started"), ("fluconazole", "changed"), ("cefoxitin", "stopped")} <= _got(note)


def test_a_home_list_on_its_title_line_ends_with_that_line():
    note = ("ADMISSION NOTE\nHome meds: atorvastatin 40 mg daily continues.\nEndo: glucose 246 -> insulin infusion per "
            "protocol started 17:30 at 2 units/h.\n\nDISCHARGE MEDICATIONS\nStopped: insulin infusion.\n")
    assert {("insulin human", "started"), ("insulin human", "stopped")} <= _got(note)


def test_an_infusion_ordered_and_raised_in_one_breath_is_started_and_a_wean_is_not():
    got = _got("POD 5 - 09/13/2033 - reintubated\n- Sedation: propofol 20 mcg/kg/min, ↑ to 40; fentanyl infusion 50 "
               "mcg/h, ↑ to 100 mcg/h.\n")
    assert {("propofol", "started"), ("fentanyl", "started")} <= got
    weaned = _got("HD 3 - 11/05/2033\nNorepinephrine weaned 0.12 -> 0.04 mcg/kg/min overnight.\n")
    assert ("norepinephrine", "started") not in weaned


def test_one_drug_on_both_sides_of_an_arrow_is_a_route_or_dose_change():
    got = _got("DAY +6 | 03/16/2033 | PHARMACY NOTE\n- posaconazole DR 300 mg PO daily -> posaconazole 300 mg IV daily via "
               "central line (same dose)\n- Letermovir IV -> PO: 480 mg PO daily from 09:00 (same dose).\n")
    assert {("posaconazole", "changed"), ("letermovir", "changed")} <= got
    assert ("posaconazole", "started") not in got and ("letermovir", "continued") not in got
    switch = _got("POD 3 - 05/02/2033 - progress\n- Metoprolol tartrate 25 mg BID -> switch to metoprolol succinate 50 mg "
                  "once daily.\n")
    assert {("metoprolol", "stopped"), ("metoprolol", "started")} <= switch  # a switch is not a same-drug change


def test_a_pump_or_catheter_named_alone_stands_for_its_drug():
    note = ("APS NOTE - HD 3\nProcedure: T6-T7 thoracic epidural, catheter 5 cm in the space.\nInfusion: bupivacaine 0.1% + hydromorphone 10 mcg/mL epidural at 8 mL/h.\n"
            "Not recommended: IV lidocaine infusion (epidural adequate).\n\n"
            "HD 5 - 05/18/2033 - SICU\nNeuro: propofol 40, fentanyl 50. Pain: epidural 8 -> 6 mL/h per APS.\n\n"
            "HD 8 - 05/21/2033 - SICU\nNeuro/pain: epidural removed by APS at 11:20.\n\n"
            "DAY +6 | 03/16/2033 | BMT NOTE\nHydromorphone PCA started 11:00: demand 0.2 mg, no basal.\n"
            "DAY +8 | 03/18/2033 | BMT NOTE\nPCA ↑: demand 0.2 -> 0.3 mg, basal 0.1 mg/h added.\n")
    got = _got(note)
    assert {("bupivacaine", "started"), ("bupivacaine", "changed"), ("bupivacaine", "stopped")} <= got
    assert {("hydromorphone", "changed")} <= got
    assert ("lidocaine", "changed") not in got and ("propofol", "changed") not in got  # not the epidural's drug
    line = next(medication_line(f) for f in extract(note).of("medication") if f.text.startswith("PCA"))
    assert line.startswith("CHANGED hydromorphone PCA")  # the summary line names the drug, not only its pump
    stroke = _got("NEUROLOGY NOTE\nLeft PCA territory infarct. Aspirin 81 mg started.\n")
    assert ("aspirin", "started") in stroke and len(stroke) == 1


def test_an_electrolyte_protocol_and_runs_are_medication_orders():
    got = _got("DAY +6 | 03/16/2033 | BMT NOTE\n5. K 3.2: potassium chloride 10 mEq/h IV x4 runs, then electrolyte "
               "replacement protocol.\n\nDAY +19 | 03/29/2033 | BMT NOTE\n[x] Potassium chloride replacement protocol - "
               "HOLD (K 5.6)\nLabs: K 5.6, chloride 101.\n")
    assert {("potassium chloride", "started"), ("potassium chloride", "held")} <= got


def test_ne_is_norepinephrine_only_as_an_infusion():
    got = _got("POD 10 - 04/16/2032 - SICU\n- NE 0.24 -> 0.12, vasopressin 0.03.\n- NE off 11:00. MAP 70-80.\n"
               "Wound: erythema NE of the incision.\n")
    assert {("norepinephrine", "changed"), ("norepinephrine", "stopped")} <= got
    assert sum(d == "norepinephrine" for d, _ in got) == 2


def test_a_first_dose_time_starts_a_drug_and_a_current_to_recommended_table_changes_it():
    got = _got("SICU EVENT NOTE - POD 6 - 04/12/2032 - Dr. X\n- vancomycin load 2,000 mg IV at 03:15; micafungin 100 mg "
               "IV daily, first dose 03:40.\n\nPHARMACY NOTE 09:40 - renal dosing\n| Drug | Current | Recommendation |\n"
               "|---|---|---|\n| Piperacillin-tazobactam | 4.5 g IV q6h | 3.375 g IV q8h (first at 12:00) - ACCEPTED |\n")
    assert {("micafungin", "started"), ("piperacillin-tazobactam", "changed")} <= got


def test_blood_ready_in_the_bank_is_not_given():
    got = _got("SBAR HANDOFF\nType and screen done; 2 units PRBC crossmatched and on hold for the OR.\n")
    assert ("packed red blood cells", "started") not in got


def test_a_measurement_about_a_drug_is_not_its_order_and_no_renal_change_changes_nothing():
    got = _got("PHARMACY NOTE - DAY -5\nRecommendation: decrease busulfan doses 3 and 4 from 205 mg -> 145 mg IV.\n"
               "Fludarabine: CrCl 96 mL/min, no adjustment; 68 mg daily continues.\n"
               "Acyclovir 800 mg PO BID: no renal change.\n")
    assert ("busulfan", "changed") in got
    assert ("fludarabine", "started") not in got and ("acyclovir", "changed") not in got


# Rules written for the known misses of sum-dev-027/028 and the blind round (e), sum-dev-029/030 (2026-12-04).

def test_an_infusion_first_seen_running_and_then_titrated_was_started():
    got = _got("POD 6 - 04/12/2032 - EVENT\nPost-intubation: propofol 20 mcg/kg/min and fentanyl 50 mcg/h infusions.\n\n"
               "POD 7 - 04/13/2032 - SICU\nNeuro: fentanyl 150 mcg/h -> 100.\n")
    assert {("fentanyl", "started"), ("fentanyl", "changed")} <= got
    # a home drug seen at a rate is not started by the stay, nor one that nothing changes later
    home = _got("Home meds: insulin pump 1 unit/h basal.\n\nHD 2 - SICU\nInsulin 2 units/h -> 3 units/h.\n")
    assert ("insulin", "started") not in {(d, c) for d, c in home if d and "insulin" in d}
    assert ("propofol", "started") not in got


def test_a_hydration_fluid_is_stopped_by_its_name():
    got = _got("DAY -3 | BMT NOTE\n- Cy 4,320 mg IV with mesna and hyperhydration.\n"
               "- Hyperhydration: D5-1/2NS + KCl 20 mEq/L at 150 mL/h from 05:00.\n\n"
               "DAY -1 | BMT NOTE\nMesna last dose 19:00 yesterday. Hyperhydration stopped 12:00 today.\n")
    assert {("potassium chloride", "started"), ("potassium chloride", "stopped")} <= got
    assert ("mesna", "stopped") not in got  # "mesna and hyperhydration" does not make mesna the fluid


def test_a_dose_given_at_another_amount_while_the_drug_runs_was_changed():
    got = _got("DAY +3 | BMT NOTE\n- MTX #2 10 mg/m2 = 18 mg IV given 11:15.\n\nDAY +6 | BMT NOTE\n"
               "- Bili 2.6: 50% per protocol; methotrexate 9 mg IV (5 mg/m2) given at 11:05.\n")
    assert {("methotrexate", "started"), ("methotrexate", "changed")} <= got
    same = _got("DAY +3\n- MTX 18 mg IV given 11:15.\n\nDAY +6\n- Methotrexate 18 mg IV given at 11:05.\n")
    assert ("methotrexate", "changed") not in same


def test_a_drug_held_and_resumed_in_one_breath_and_a_continue_cell_that_resumed():
    got = _got("HOSPITAL COURSE\nCholecalciferol held inpatient, resumed at discharge.\n")
    assert {("cholecalciferol", "held"), ("cholecalciferol", "started")} <= got
    table = _got("DISCHARGE MEDICATIONS\n| Medication | Home | Discharge | Status |\n|---|---|---|---|\n"
                 "| Cholecalciferol | 2,000 units daily | 2,000 units PO daily | CONTINUE (resumed; held inpatient) |\n"
                 "| Paroxetine | 20 mg daily | - | STOPPED (tapered) |\n")
    assert ("cholecalciferol", "started") in table
    assert ("paroxetine", "changed") not in table  # how it was stopped, not a second change


def test_a_therapeutic_interchange_changes_the_first_drug_and_starts_the_second():
    got = _got("TRANSFER SUMMARY\nHome omeprazole 20 mg: therapeutic interchange to pantoprazole while inpatient.\n")
    assert {("omeprazole", "changed"), ("pantoprazole", "started")} <= got
    assert ("omeprazole", "stopped") not in got


def test_no_change_to_a_drug_is_no_switch_and_a_lab_draw_hold_is_no_hold():
    got = _got("HD 12 - SICU\nTSH 2.1 on home levothyroxine - no change to levothyroxine.\n\nFOLLOW-UP\n"
               "- BMT clinic: CBC, BMP, tacrolimus trough (hold AM dose until drawn).\n")
    assert ("levothyroxine", "stopped") not in got and ("levothyroxine", "changed") not in got
    assert ("tacrolimus", "held") not in got


def test_rows_of_a_space_aligned_table_stand_alone():
    note = ("PHARMACY - TACROLIMUS LEVELS\nDate   Day   Level   Dose          Action            Comment\n"
            "04/01  +22   6.3     2 mg PO BID   increase to 2.5   loss of letermovir effect\n"
            "04/03  +24   8.9     2.5 mg PO BID no change\n")
    texts = [f.text for f in extract(note).of("medication") if f.drug == "letermovir"]
    assert texts and all("\n" not in t and "04/03" not in t for t in texts)


# Round (f), sum-dev-031/032, and what the window showed on sum-dev-030 (2026-12-04).

def test_an_order_log_says_modified_and_an_entry_title_orders_nothing():
    got = _got("ORDER HISTORY LOG\n| Order | Action | Date/Time | Details |\n|---|---|---|---|\n"
               "| Meropenem | New | 03/11 11:00 | 1 g IV q8h |\n| Meropenem | Modified | 03/12 10:00 | 3-h extended infusion |\n"
               "\n==========\nPHARMACY NOTE — VANCOMYCIN RENAL DOSING — D+6 — 03/16 11:55\n==========\n"
               "Cyclosporine modified (Neoral) 125 mg PO q12h - NEW.\n")
    assert {("meropenem", "started"), ("meropenem", "changed")} <= got
    assert not {c for d, c in got if d == "vancomycin"}  # the entry's subject, not a dose change
    assert ("cyclosporine", "changed") not in got  # "cyclosporine modified" is the drug's formulation


def test_a_drug_in_another_drugs_condition_and_a_reversal_agent_by_a_pump_are_nothing():
    got = _got("TRANSFER SUMMARY\n- Fenofibrate 160 mg per NJ daily; may stop if TG normal off propofol and alcohol.\n")
    assert not {c for d, c in got if d == "propofol"}
    pump = _got("DAY +4\nSTART hydromorphone PCA: basal 0.2 mg/h, started 16:00. Naloxone available per PCA protocol.\n\n"
                "DAY +5\nPCA increased 10:00 — basal 0.2 -> 0.3 mg/h.\n")
    assert ("hydromorphone", "changed") in pump and ("naloxone", "changed") not in pump


def test_an_organisms_resistance_and_a_plan_for_later_are_no_orders():
    got = _got("ID CONSULT\nCLABSI with methicillin-resistant Staphylococcus epidermidis; vancomycin 1 g IV q12h started.\n"
               "PJP: plan inhaled pentamidine after engraftment, at the Day +30 visit (not now).\n")
    assert ("vancomycin", "started") in got
    assert not {c for d, c in got if d in ("methicillin", "pentamidine") and c != "listed"}


def test_a_drug_not_being_started_a_reading_arrow_and_a_return_to_oral_dosing():
    got = _got("EVENT NOTE 03:30\nHR 120s, BP 98/60. Not starting heparin/anticoag (plt 34, falling).\n"
               "Stem cell infusion: transient garlic taste / DMSO odor, HR 88 -> 104 transiently, BP 132/80.\n"
               "Acyclovir was given IV from Day +3; acyclovir returned to oral dosing on Day +12 and fluconazole was "
               "stopped at neutrophil recovery on Day +13.\n")
    assert not {c for d, c in got if d in ("heparin", "dmso", "dimethyl sulfoxide") and c != "listed"}, got
    assert ("acyclovir", "changed") in got and ("acyclovir", "stopped") not in got, got
    assert ("fluconazole", "stopped") in got


def test_a_weight_based_dose_worked_out_is_no_change_and_transplant_shorthand_names_drugs():
    got = _got("#Heme: G-CSF (filgrastim) 5 mcg/kg → 300 mcg SQ daily start today until ANC >1.5 x2d.\n"
               "#ID PPX: ACV 800 mg PO BID started. LVX 500 mg PO daily started for neutropenia.\n")
    assert ("filgrastim", "started") in got and ("filgrastim", "changed") not in got, got
    assert ("acyclovir", "started") in got and ("levofloxacin", "started") in got, got


def test_tac_is_tacrolimus_only_in_a_transplant_teams_order():
    got = _got("#GVHD PPX: TAC level 16.2 (supra-ther). TAC hold x1, then restart at 1.2 mg/24h.\n"
               "Conv to PO: TAC CIV 1.2 mg/24h -> TAC 2.5 mg PO BID.\n")
    assert ("tacrolimus", "held") in got and ("tacrolimus", "changed") in got, got
    derm = _got("Plan: TAC 0.1% cream BID to the forearms for 2 weeks, then stop. Started TAC regimen discussion.\n")
    assert not {c for d, c in derm if d == "tacrolimus"}, derm


_ORDER_LISTS = (
    "CTICU ADMISSION H&P - 03/06/2033\nHPI: 67F, aortic regurgitation from endocarditis, for AVR + CABG x2.\n"
    "HOME MEDICATIONS (verified with fill history):\n"
    "  metformin 1,000 mg PO BID\n  lisinopril 20 mg PO daily\n\n"
    "POD 1 PROGRESS NOTE - 03/07/2033\n"
    "ACTIVE MEDICATIONS (auto-generated 03/07/2033 09:58)\n"
    " Continuous infusions:\n"
    "  epinephrine   DISCONTINUED 03/07 06:40\n"
    "  insulin regular infusion per protocol   NEW 03/06\n"
    " Held (home): lisinopril; metformin\n"
    "NIGHT RN NOTE 23:40\n"
    "Pulling at lines. Haloperidol 2 mg IV x1 given 23:15. Oxycodone 2.5 mg at 02:00 for incision pain 5/10 -> 2/10.\n"
    "POD 7 PROGRESS NOTE - 03/14/2033\n"
    "ACTIVE MEDICATIONS (auto-generated 03/14/2033 10:18)\n"
    "  oxycodone 2.5 mg PO q4h PRN   (dose changed 03/14; was 5 mg)\n"
    "  insulin lispro correction scale SC AC/HS   NEW 03/08\n"
    "  insulin regular infusion   DISCONTINUED 03/08 08:00\n"
)


def test_a_days_order_list_is_the_stays_and_a_tag_on_a_drugs_own_line_is_its():
    """Round (l), sum-dev-044 (a templated cardiac-surgery ICU export): an auto-generated "ACTIVE MEDICATIONS"
    list after the home list is the stay's orders, not the home list; "DISCONTINUED" at the end of one line is
    not the next line's drug's; "Held (home): lisinopril; metformin" holds only the drugs on its line (not the
    nursing entry under it); a pain score's arrow is no dose change."""
    got = _got(_ORDER_LISTS)
    assert ("oxycodone", "changed") in got, got  # from the order list, though the home list is above it
    assert ("haloperidol", "started") in got and ("haloperidol", "held") not in got, got
    assert {("insulin human", "started"), ("insulin human", "stopped")} <= got, got
    assert ("metformin", "held") in got and ("lisinopril", "held") in got, got
    facts = [f for f in extract(_ORDER_LISTS).of("medication") if f.drug == "oxycodone" and f.change == "changed"]
    assert facts and "->" not in facts[0].text, facts


def test_a_dotted_leader_is_no_full_stop_and_a_resume_with_a_change_is_a_change():
    """Round (l), sum-dev-045 (a pharmacist's "changes in last 24 h" list with dotted leaders) and sum-dev-044 (a
    discharge table whose status cell says "RESUME, CHANGED")."""
    note = ("PHARMACY - CHANGES IN LAST 24 H - 03/21/2033 (Day +8)\n"
            "  posaconazole DR 300 mg PO daily ......... DISCONTINUED (QTc 478, mucositis)\n"
            "  micafungin 100 mg IV q24h ............... NEW\n"
            "  tacrolimus 1 mg PO q12h ................. -> tacrolimus 1 mg/24 h IV continuous (CHANGED; route/dose)\n"
            "  hydromorphone PCA ....................... NEW (demand 0.2 mg / 10 min, no basal)\n")
    got = _got(note)
    assert {("posaconazole", "stopped"), ("micafungin", "started"), ("tacrolimus", "changed"),
            ("hydromorphone", "started")} <= got, got
    assert ("micafungin", "stopped") not in got and ("tacrolimus", "started") not in got, got
    texts = [f.text for f in extract(note).of("medication")]
    assert "micafungin 100 mg IV q24h" in texts, texts  # no leader dots at the end of a fact
    table = ("DISCHARGE MEDICATION RECONCILIATION\n"
             "Medication          | Home             | Discharge                  | Status         | Comment\n"
             "metformin           | 1,000 mg BID     | 500 mg PO BID              | RESUME, CHANGED| eGFR 44\n")
    assert ("metformin", "changed") in _got(table), _got(table)


def test_off_something_else_a_drop_in_dose_and_a_row_an_addendum_withdraws():
    """Round (l), sum-dev-044: "off pressors - metoprolol" does not stop metoprolol; "drops to 200 mg" is a dose
    change; a table row that says "see addendum", withdrawn by an addendum's "entered in error", is no restart."""
    got = _got("A/P: CV: beta-blocker now that she is off pressors - metoprolol tartrate 12.5 mg PO BID.\n"
               "Sedation: off the propofol since 10:00.\n"
               "Note to rehab: Amiodarone drops to 200 mg daily from tomorrow morning.\n")
    assert ("metoprolol", "stopped") not in got and ("propofol", "stopped") in got, got
    assert ("amiodarone", "changed") in got and ("amiodarone", "started") not in got, got
    table = ("DISCHARGE MEDICATION RECONCILIATION\n"
             "Medication          | Home             | Discharge                  | Status         | Comment\n"
             "lisinopril          | 20 mg daily      | 5 mg PO daily              | RESUME         | see addendum\n"
             "\nDOCUMENT: ADDENDUM - CORRECTION\n"
             '1. Discharge row "lisinopril 5 mg PO daily - RESUME": ENTERED IN ERROR. Lisinopril remains ON HOLD.\n')
    assert ("lisinopril", "started") not in _got(table), _got(table)


def test_a_teams_plus_and_minus_signs_and_glued_arrows():
    """Round (m), sum-dev-046 (a fellow's transplant shorthand) and 047 (a resident's MICU "Meds:" lines): a sign
    glued to a drug starts or stops it; a bullet or "Day -3" is no sign; "↓MTX" is a dose change."""
    got = _got("A/P:\n- +Keppra 500 mg PO bid, first dose 00:10 (6 h pre-Bu).\n- - -vanc (last dose 14:00).\n"
               "- ↓MTX d11 to 5 mg/m2 (8.5 mg) - mucositis gr 3.\n-aspirin 81 mg daily\nTacro from Day -3 (0.03 mg/kg/d).\n")
    assert ("levetiracetam", "started") in got and ("vancomycin", "stopped") in got, got
    assert ("methotrexate", "changed") in got, got
    assert ("aspirin", "stopped") not in got and ("tacrolimus", "stopped") not in got, got


def test_a_days_meds_line_under_its_plan_is_that_days_changes():
    note = ("PLACEHOLDER VALLEY MEDICAL CENTER (FICTIONAL) - MEDICAL ICU\n"
            "==== HD 1 - 03/04/2033 - MICU ADMISSION NOTE ====\nS: 52F with cough and fevers.\n"
            "Home meds: lisinopril 20 mg daily, atorvastatin 40 mg nightly.\n"
            "A: septic shock from pneumonia, DKA.\nP:\n1. Shock: MAP goal >= 65.\n"
            "Meds: +NE gtt, +azithro 500 q24h, +insulin gtt, +propofol gtt. HOLD lisinopril.\n"
            "==== HD 4 - 03/07/2033 - MICU PROGRESS NOTE ====\nA/P:\n- TG 612: propofol off.\n"
            "Meds: -propofol (TG 612), +midazolam gtt 2 mg/h.\n"
            "==== HD 14 ====\nA/P:\n- Diabetes: lispro correction scale -> lispro 4 units TID with meals (endocrine).\n"
            "- insulin gtt off at 13:00.\n")
    got = _got(note)
    assert {("norepinephrine", "started"), ("azithromycin", "started"), ("propofol", "started"),
            ("propofol", "stopped"), ("midazolam", "started")} <= got, got
    assert {("insulin human", "started"), ("insulin human", "stopped")} <= got, got  # an insulin drip is regular
    assert ("insulin lispro", "changed") in got, got
    texts = [f.text for f in extract(note).of("medication")]
    assert not any(t.endswith("+") for t in texts), texts


def test_a_line_a_correction_quotes_as_wrong_is_withdrawn():
    note = ("Discharge medication reconciliation:\n- amlodipine 5 mg PO daily - STOPPED, BP normal\n"
            "- norethindrone acetate 10 mg PO daily - CHANGED (was 5 mg)\n\nCORRECTION ENTRY 09:10\n"
            'The discharge reconciliation above lists "amlodipine 5 mg PO daily - STOPPED, BP normal". That line is '
            "wrong. She is discharged on amlodipine 5 mg PO daily.\n")
    got = _got(note)
    assert ("amlodipine", "stopped") not in got, got
    assert ("norethindrone", "changed") in got, got  # a drug the dictionary has only as a MeSH entry


_DICTATED = (
    "Allergies: sulfa - hives; codeine - vomiting\nNote: several documents below were dictated.\n\n"
    "this is doctor example dictating the admission history and physical comma date of admission April second "
    "period new paragraph\n\nchief complaint colon worst headache of my life period new paragraph\n\n"
    "history of present illness colon she is a fifty four year old woman comma right handed comma with "
    "hypertension period in the ED her pressures were one eighty eight over one oh four and the ED team started a "
    "nicardipine drip at five milligrams an hour which we are continuing period new paragraph\n\n"
    "home medications colon lisinopril twenty milligrams daily comma amlodipine five milligrams daily comma "
    "aspirin eighty one milligrams daily period new paragraph\n\nplan by problem colon\n\n"
    "number one blood pressure period we are holding her home lisinopril comma goal SBP under one sixty period\n"
    "number two seizure colon one seizure at oh three forty, treated with lorazepam two milligrams IV once, "
    "levetiracetam was reloaded fifteen hundred milligrams and increased from five hundred to one thousand "
    "milligrams twice daily period\n"
    "number three blood pressure period nicardipine was weaned off after the coiling period off pressors comma "
    "so we are back on her home lisinopril at a lower dose of ten milligrams daily period milrinone was discussed "
    "as the next step and we are not using it right now period\n\n"
    "discharge medications colon\ntwelve aspirin eighty one milligrams daily, resume period\n\n"
    "addendum colon correction to the discharge medication list colon item twelve, I dictated aspirin eighty one "
    "milligrams daily resume, that is wrong, scratch that period aspirin is NOT to be resumed period end of "
    "addendum\n")


def test_a_dictated_note_is_read_with_its_spoken_headings_and_marks():
    """Round (n), sum-dev-048 (a neuro-ICU course dictated through speech recognition): the allergy field ends at
    the next header field, "period" ends a sentence even before a lower-case word, the ED's own start in
    the history is this stay's, a reload with an increase is a change, a home drug back "at a lower dose" is
    changed, "was discussed ... not using it" is nothing, and a dictated line the addendum calls wrong is
    withdrawn."""
    ex = extract(_DICTATED)
    got = {(f.drug, f.change) for f in ex.of("medication")}
    assert ("nicardipine", "started") in got and ("nicardipine", "stopped") in got, got
    assert ("levetiracetam", "changed") in got and ("lorazepam", "started") in got, got
    assert ("lisinopril", "held") in got and ("lisinopril", "changed") in got, got
    assert ("milrinone", "started") not in got and ("aspirin", "started") not in got, got
    allergies = [s for s in ex.sections if s.category == "allergies"]
    assert allergies and allergies[0].end < _DICTATED.index("Note:"), ex.sections  # a field, not the whole note
    assert all(_DICTATED[f.start : f.end] == f.text for f in ex.facts), "a fact quotes the note itself"


def test_a_list_for_the_procedure_only_changes_nothing():
    note = ("ANESTHESIA RECORD - ENDOVASCULAR COILING\nIntraprocedural medications (for the procedure only):\n"
            "| Time  | Drug          | Dose / route | Note       |\n| 20:58 | fentanyl      | 100 mcg IV   | induction  |\n"
            "| 20:59 | rocuronium    | 50 mg IV     | intubation |\n| 23:10 | sugammadex    | 200 mg IV    | reversal   |\n\n"
            "NSICU NOTE\nPlan: start pantoprazole 40 mg IV daily. Angiography with intra-arterial verapamil 15 mg.\n")
    got = _got(note)
    assert not {("rocuronium", "started"), ("sugammadex", "started"), ("fentanyl", "started")} & got, got
    assert ("pantoprazole", "started") in got and ("verapamil", "started") in got, got


def test_a_solution_named_by_its_strength_after_an_arrow_is_not_a_new_dose():
    got = _got("04/11: Na 136 and 137 -> 3% saline STOPPED 08:00.\n04/07: started three percent saline at 30 mL/h.\n")
    assert ("hypertonic saline", "stopped") in got, got
    assert ("hypertonic saline", "changed") not in got, got


def test_a_drug_switched_from_is_stopped_without_the_switchs_word():
    ex = extract("Because of the new lung nodule we changed fluconazole to posaconazole yesterday.\n")
    lines = [medication_line(f) for f in ex.of("medication")]
    assert any(line.startswith("STOPPED fluconazole") for line in lines), lines
    assert ("posaconazole", "started") in {(f.drug, f.change) for f in ex.of("medication")}, lines


_GRID = (
    "MEDICATION TIMELINE GRID - EHR EXPORT 1 OF 2\n"
    "Legend: each cell is what was given that day; \"-\" = not given; \"H\" = held.\n"
    "Drug (unit, route)          D-4      D-3      D-2      D-1      D0\n"
    "                            03/13    03/14    03/15    03/16    03/17\n"
    "ruxolitinib (mg PO)         5 BID    5 qd     5 qd     -        -\n"
    "levetiracetam (mg PO)       -        500 BID  500 BID  500 BID  -\n"
    "lisinopril (mg PO daily)    H        H        H        H        H\n"
    "methotrexate (mg IV)        27       -        18       -        18\n"
    "hydromorphone (mg IV)       -        0.4 x3   0.4 x5   PCA      PCA\n"
    "pentamidine (mg inhaled)    -        -        300      -        -\n"
    "\nFELLOW NOTE - Day +1\nWell overnight.\n\n"
    "MEDICATION TIMELINE GRID - EHR EXPORT 2 OF 2\n"
    "Drug (unit, route)          D+1      D+2      D+3      D+4      D+5\n"
    "hydromorphone (mg IV)       PCA      PCA      PCA off  -        -\n"
    "levofloxacin (mg PO daily)  -        500      500      -        -\n"
    "tacrolimus trough (ng/mL)   -        5.9      6.1      8.2      11.0\n")


def test_a_timeline_grid_is_read_across_its_columns():
    """Round (n), sum-dev-049: an EHR medication grid (rows are drugs, columns days) shows a change only as a
    new value in the next column; a drug given on scattered days (methotrexate, one inhaled dose) is a schedule,
    not a run of starts and stops; a grid continued in a second export goes on from the first."""
    ex = extract(_GRID)
    got = {(f.drug, f.change) for f in ex.of("medication")}
    assert {("ruxolitinib", "changed"), ("ruxolitinib", "stopped"), ("levetiracetam", "started"),
            ("levetiracetam", "stopped"), ("hydromorphone", "started"), ("hydromorphone", "changed"),
            ("hydromorphone", "stopped"), ("levofloxacin", "started"), ("levofloxacin", "stopped")} <= got, got
    assert ("methotrexate", "stopped") not in got and ("pentamidine", "stopped") not in got, got
    assert ("lisinopril", "started") not in got and ("lisinopril", "stopped") not in got, got
    assert not {c for d, c in got if d == "tacrolimus"} & {"started", "changed"}, got  # a row of levels
    assert all(_GRID[f.start : f.end] == f.text for f in ex.facts)
    lines = [medication_line(f) for f in ex.of("medication")]
    assert "STARTED levetiracetam (mg PO) … 500 BID" in lines, lines
    assert "CHANGED ruxolitinib (mg PO) … 5 BID -> 5 qd" in lines, lines
    assert "CHANGED hydromorphone (mg IV) … 0.4 x5 -> PCA" in lines, lines
    row = "Vancomycin    1 g IV q12h    1.25 g    STOPPED    AKI"  # a table row, no run of days: said whole
    assert "…" not in medication_line(Fact("medication", 0, len(row), row, change="stopped", drug="vancomycin"))


_COPIED_FORWARD = (
    "SICU PROGRESS NOTE - HD 3 (03/06)\n"
    "#Endo: insulin regular infusion per SICU protocol, goal glucose 140-180. Home glargine 18 units on hold while "
    "on the insulin drip.\n"
    "#ID: *** UPDATE 03/10: bile leak. -> piperacillin-tazobactam 3.375 g IV q8h extended infusion STARTED 07:30.\n"
    "SICU PROGRESS NOTE - HD 5 (03/08)\n"
    "#Endo: insulin regular infusion per protocol (3-6 units/h on steroids). Home glargine on hold while on the drip.\n"
    "#Endo: insulin infusion per protocol -> insulin drip OFF 11:00. Insulin glargine 10 units SC nightly from tonight "
    "(home dose 18 units).\n"
    "#Shock: vasopressin weaned and OFF at 04:45.\n"
    "SICU PROGRESS NOTE - HD 14 (03/17)\n"
    "#Graft/bile leak: ~~continue piperacillin-tazobactam 3.375 g IV q8h EI~~ stopped 03/17 -> Klebsiella "
    "cefazolin-S, covered below.\n"
    "#MSSA CLABSI: ~~vancomycin 1,000 mg IV q12h~~ stopped -> cefazolin 2 g IV q8h started 03/17 10:00.\n"
    "Pharmacy: change to micafungin considered, NOT recommended now (fluconazole course short).\n")


def test_copied_forward_lines_struck_through_and_updated():
    """Round (o), sum-dev-050 (a liver-transplant ICU course in copy-forward notes): a struck-through line says
    what the words after the strike say; "while on the insulin drip" is a condition, not the drip's hold; a home
    drug held and back at another dose is changed; "weaned and OFF" stops; a switch "considered, NOT
    recommended" is none."""
    got = _got(_COPIED_FORWARD)
    assert {("piperacillin-tazobactam", "started"), ("piperacillin-tazobactam", "stopped"), ("vancomycin", "stopped"),
            ("cefazolin", "started"), ("insulin human", "started"), ("insulin human", "stopped"),
            ("insulin glargine", "held"), ("insulin glargine", "changed"), ("vasopressins", "stopped")} <= got, got
    assert ("cefazolin", "stopped") not in got and ("insulin human", "held") not in got, got
    assert ("vasopressins", "changed") not in got and ("micafungin", "started") not in got, got
    lines = [medication_line(f) for f in extract(_COPIED_FORWARD).of("medication")]
    assert "STARTED cefazolin 2 g IV q8h 03/17 10:00." in lines or any(
        line.startswith("STARTED cefazolin 2 g") for line in lines), lines
    assert not any("~~" in line or line.split(" ", 1)[1].startswith(">") for line in lines), lines


def test_a_recommendation_counts_as_the_team_took_it():
    """Round (o), sum-dev-051 (a transplant told through a pharmacist's monitoring notes): a recommendation NOT
    ACCEPTED or DEFERRED changed nothing; one MODIFIED to a reduced dose is a dose change; ACCEPTED is as
    written."""
    got = _got("Recommendations:\n1. Add lorazepam 0.5 mg PO q6h PRN anticipatory nausea. - DEFERRED (patient declines)\n"
               "2. Prochlorperazine 10 mg IV q6h PRN as a second-line agent. - NOT ACCEPTED - team prefers not to.\n"
               "3. Omit the Day +11 methotrexate dose (grade 3 mucositis). - MODIFIED by Dr. B. Placeholder: give 50% of "
               "the dose, 5 mg/m2 = 8.8 mg IV.\n4. Start letermovir 480 mg PO daily. - ACCEPTED\n")
    assert ("lorazepam", "started") not in got and ("prochlorperazine", "started") not in got, got
    assert ("methotrexate", "changed") in got and ("letermovir", "started") in got, got


def test_a_correction_saying_an_entry_was_made_in_error_starts_nothing():
    """Round (n), sum-dev-049's correction: "lisinopril was entered as RESUME in error - lisinopril is NOT resumed
    and stays ON HOLD" restarts nothing, neither itself nor the table row it withdraws."""
    got = _got("Discharge medications:\n| lisinopril | 10 mg PO daily | RESUME | BP 120s-140s |\n"
               "| ursodiol | 300 mg PO TID | CONTINUE | |\n\n"
               "CORRECTION - 04/12/2033 14:10 - Dr. A. Example\nThe discharge list contains two errors: (1) lisinopril "
               "was entered as RESUME in error - lisinopril is NOT resumed and stays ON HOLD (creatinine 1.0).\n")
    assert ("lisinopril", "started") not in got, got


_PHRASINGS = [  # (sentence, drug key, change): everyday ways of saying a change that the reader had missed
    ("Cefepime was broadened to meropenem for persistent fever.", "meropenem", "started"),
    ("Cefepime was broadened to meropenem for persistent fever.", "cefepime", "stopped"),
    ("Oxycodone was rotated to hydromorphone because of nausea.", "hydromorphone", "started"),
    ("Oxycodone was rotated to hydromorphone because of nausea.", "oxycodone", "stopped"),
    ("Lisinopril was swapped for losartan because of cough.", "lisinopril", "stopped"),
    ("Lisinopril was swapped for losartan because of cough.", "losartan", "started"),
    ("Pantoprazole was substituted for omeprazole per formulary.", "pantoprazole", "started"),
    ("Famotidine was replaced by pantoprazole.", "famotidine", "stopped"),
    ("Famotidine was replaced by pantoprazole.", "pantoprazole", "started"),
    ("Furosemide was down-titrated to 20 mg daily.", "furosemide", "changed"),
    ("Prednisone was tapered off over two weeks.", "prednisone", "stopped"),
    ("He came off the insulin infusion on day 2.", "insulin human", "stopped"),
    ("Apixaban was instituted at discharge.", "apixaban", "started"),
    ("Aspirin was reinstated on day 5.", "aspirin", "started"),
    ("Quetiapine was trialed for agitation, 25 mg qhs.", "quetiapine", "started"),
    ("The evening dose of enoxaparin was omitted before surgery.", "enoxaparin", "held"),
    ("Phenylephrine was dropped once norepinephrine was up.", "phenylephrine", "stopped"),
    ("Meropenem was finished after 14 days.", "meropenem", "stopped"),
    ("Steroids were pulsed: methylprednisolone 1 g IV daily x3.", "methylprednisolone", "started"),
    ("She was placed on amiodarone for rapid AF.", "amiodarone", "started"),
    ("He was put on ceftriaxone in the ED.", "ceftriaxone", "started"),
    ("Metoprolol was re-started at 25 mg BID.", "metoprolol", "started"),
    ("Apixaban was re-initiated on day 6.", "apixaban", "started"),
    ("Levofloxacin IV to PO on day 4.", "levofloxacin", "changed"),
    ("Lisinopril not given this AM due to hypotension.", "lisinopril", "held"),
    ("Quetiapine discontinued and replaced with haloperidol.", "quetiapine", "stopped"),
    ("Quetiapine discontinued and replaced with haloperidol.", "haloperidol", "started"),
    ("Nicotine patch applied.", "nicotine patch", "started"),
    ("Dexamethasone 4 mg IV q12h today, stop tomorrow and bridge to prednisone.", "prednisone", "started"),
    ("Ursodiol is on hold until she can swallow, letermovir has gone IV, and TPN is at goal.", "letermovir", "changed"),
]


def test_everyday_phrasings_of_a_change():
    """Found by a sweep of common phrasings (session 21), not from a note: a switch said with "broadened",
    "rotated", "swapped for", "replaced by" or "substituted for" stops the old drug and starts the new one,
    whichever comes first in the sentence; "tapered off", "came off", "finished" and "was dropped" stop;
    "instituted", "reinstated", "trialed", "pulsed", "placed on", "put on", "re-initiated" and "applied" start;
    "omitted" and "not given this AM" hold; "down-titrated" and "IV to PO" change."""
    for sentence, drug, change in _PHRASINGS:
        got = {(d, c) for d, c in _got(f"HOSPITAL COURSE:\nAdmitted with sepsis.\n{sentence}\n") if d == drug}
        assert got == {(drug, change)}, (sentence, got)


def test_an_order_with_a_condition_after_it_is_a_contingency():
    """An order in the imperative or future with a condition after the drug is not a change; a PRN order's "if
    needed", an order's "if tolerated", a past start and a ticked box stay what they say."""
    def status(sentence: str, drug: str) -> set[str | None]:
        return {c for d, c in _got(f"PLAN:\n{sentence}\n") if d == drug} - {"listed"}

    assert status("Plan to start rifaximin if encephalopathy recurs.", "rifaximin") == set()
    assert status("Will restart apixaban if hemoglobin is stable tomorrow.", "apixaban") == set()
    assert status("Increase furosemide to 40 mg BID if weight is up 2 kg.", "furosemide") == set()
    assert status("Clopidogrel: plan to stop 5 days before surgery.", "clopidogrel") == set()
    assert status("I am still not giving filgrastim; the risk is too high.", "filgrastim") == set()
    assert status("Filgrastim remains deferred (spleen).", "filgrastim") == set()
    assert status("Start oxycodone 5 mg q4h PRN if needed for pain.", "oxycodone") == {"started"}
    assert status("Resume home metoprolol if tolerated.", "metoprolol") == {"started"}
    assert status("Started rifaximin 550 mg BID; if encephalopathy recurs we will add zinc.", "rifaximin") == {"started"}
    assert status("[x] Start heparin infusion if Hgb stable - Hgb 8.4, started 14:00", "heparin") == {"started"}


_SIGN_OUTS = (
    "SICU SIGN-OUT - HD2 05/05 18:40 - Day (Dr. C. Placeholder) -> Night (Dr. H. Sample)\n"
    "P: NSTI R thigh, s/p OR #2. Vaso off 14:30.\n"
    "To-do:\n"
    "[x] cefazolin 2 g IV q12h (renal dose)\n"
    "[x] thiamine high dose\n"
    "[ ] d/c clinda after OR #3 tomorrow IF no new necrosis\n"
    "[ ] start heparin gtt if Hgb stable on AM CBC\n"
    "IF CIWA >= 10 THEN lorazepam 1-2 mg IV PRN per CIWA protocol (not yet ordered active)\n"
    "S: receiver repeats back: hydromorphone PRN, heparin SQ on, CIWA q2h.\n\n"
    "==================================================================\n"
    "SICU SIGN-OUT - HD3 05/06 06:45 - Night (Dr. H. Sample) -> Day (Dr. C. Placeholder)\n"
    "==================================================================\n"
    "Overnight: CIWA 6 -> 9 -> 14 at 03:00 (tremor, HR 118) -> [x] lorazepam order activated, 2 mg IV given 03:10; "
    "CIWA 8 at 06:00. Labs: Hgb 11.9. UDS +fentanyl, +methamphetamine.\n"
    "[x] AM Hgb 7.9 -> heparin SQ 5,000 q8h STOPPED -> heparin infusion per DVT nomogram started 11:00, 18 units/kg/h\n"
    "Pain: hydromorphone PRN dose (no order change).\n"
    "Cefazolin: last IV dose 06:00 today - STOPPED -> cephalexin PO.\n"
)


def test_shift_sign_outs_with_checklists():
    """Round (p), sum-dev-052 (a SICU course told in I-PASS sign-outs): a sign-out's banner starts a new entry of
    the course (not the "S:" of the one before, read as history); "order activated" starts; heparin from
    injections to an infusion is one drug's change; a checkbox line is its own item, not an action on the drug of
    the line above; a drug screen's "+methamphetamine" gives nothing; "no order change" is no change; a stop told
    after "last IV dose ..." belongs to the drug before the arrow; "clinda" and "vaso" are clindamycin and
    vasopressin."""
    got = _got(_SIGN_OUTS)
    assert {("lorazepam", "started"), ("heparin", "changed"), ("cefazolin", "stopped"), ("cephalexin", "started"),
            ("vasopressins", "stopped")} <= got, got
    assert ("thiamine", "stopped") not in got and ("clindamycin", "stopped") not in got, got
    assert ("heparin", "stopped") not in got and ("cephalexin", "stopped") not in got, got
    assert not {c for d, c in got if d in ("methamphetamine", "fentanyl")} - {"listed"}, got
    assert ("hydromorphone", "changed") not in got, got


def test_an_aside_in_parentheses_does_not_end_the_clause():
    """Round (p), sum-dev-053 (a CAR-T admission as an event log): a semicolon inside parentheses ("(target;
    total 1.7 x 10^8 cells)") is an aside; the "IV x1 given" after it is the drug's."""
    got = _got("D0 10:15 Order verified (retrospective, by pharmacy): axicabtagene ciloleucel 2 x 10^6 CAR-T "
               "cells/kg (target; total 1.7 x 10^8 cells) IV x1 given 10:02-10:14.\n")
    assert ("axicabtagene ciloleucel", "started") in got, got


def test_a_passage_a_correction_quotes_as_wrong_is_withdrawn_where_it_stands():
    """A correction that quotes part of an earlier line ('states "WBC 3.1: MMF reduced to 500 mg PO BID". This is
    incorrect') withdraws that change in the earlier line too, not only the whole-line quotes; a quoted line
    that the correction says was "Removed" changes nothing."""
    got = _got("#Immunosuppression: MMF 1,000 mg PO BID -> WBC 3.1: MMF reduced to 500 mg PO BID from tonight.\n\n"
               "CORRECTION - 03/15/2033 16:20 - Dr. A. Example\nThe 03/14 note states \"WBC 3.1: MMF reduced to 500 mg "
               "PO BID\". This is incorrect: the WBC belonged to another patient's specimen. MMF REMAINS 1,000 mg PO "
               "BID.\n2. Discharge reconciliation v1 listed \"nicotine patch 21 mg/24 h - NEW.\" Removed in v2: the "
               "patient declined nicotine replacement.\n")
    assert ("mycophenolate mofetil", "changed") not in got, got
    assert not {c for d, c in got if d and d.startswith("nicotine")} - {"listed"}, got


def test_plain_language_discharge_instructions():
    """Instructions written for the patient (round (p)'s layout): "STOP taking", "NEW medicine", "CHANGE: take ...
    only once a day now", "KEEP taking", "You will no longer take"; "20 mg instead of 40 mg" is a new dose, not a
    new drug."""
    got = _got("YOUR MEDICINES\nSTOP taking furosemide.\nNEW medicine: apixaban 5 mg twice a day.\n"
               "CHANGE: take metoprolol 25 mg only once a day now.\nKEEP taking atorvastatin 40 mg at night.\n"
               "You will no longer take lisinopril.\nTake gabapentin 300 mg instead of 600 mg at bedtime.\n")
    assert {("furosemide", "stopped"), ("apixaban", "started"), ("metoprolol", "changed"), ("lisinopril", "stopped"),
            ("gabapentin", "changed")} <= got, got
    assert ("atorvastatin", "continued") in got and ("gabapentin", "started") not in got, got


def test_off_a_drug_after_a_reading_is_how_the_patient_is_not_a_stop():
    """"BP 138/80 off lisinopril" (sum-dev-022, 049, 053, each a drug held days before) says how the patient is
    while the drug is off; "Vaso 0.03 off 14:30" and "now off norepinephrine" still stop."""
    got = _got("HD 4\nBP 138/80 off lisinopril. Ankle edema unchanged off furosemide.\nVaso 0.03 off 14:30.\n"
               "She is now off norepinephrine.\n")
    assert ("lisinopril", "stopped") not in got and ("furosemide", "stopped") not in got, got
    assert {("vasopressins", "stopped"), ("norepinephrine", "stopped")} <= got, got


def test_drugs_not_used_refused_or_only_for_intubation_change_nothing():
    """Found among the change facts that the dev keys do not list: "chlordiazepoxide not used", "Fludrocortisone not
    added", a refused dose, "rocuronium 80 mg for intubation only", and an arrow from a dose to the blood pressure
    it brought ("labetalol 10 mg IV 05:20 -> 148/84 at 06:00": a one-time dose, not a dose change). An arrow between
    two doses of a combination product is still a change."""
    got = _got("HD 3\nChlordiazepoxide not used. Fludrocortisone not added. Patient refused his heparin SC dose.\n"
               "RSI: etomidate 20 mg, rocuronium 80 mg for intubation only.\n"
               "BP 182/96 -> labetalol 10 mg IV 05:20 -> 148/84 at 06:00.\nSacubitril-valsartan 24/26 -> 49/51 mg BID.\n")
    for drug in ("chlordiazepoxide", "fludrocortisone", "heparin", "rocuronium"):
        assert not {c for d, c in got if d == drug} - {"listed"}, (drug, got)
    assert ("labetalol", "started") in got and ("labetalol", "changed") not in got, got
    assert ("sacubitril/valsartan", "changed") in got, got


_TRANSPLANT_AND_SICU = [  # (sentence, drug key, change): a sweep of SICU and transplant phrasings (session 22)
    ("Tac level 14.2, dose decreased to 1.5 mg q12h.", "tacrolimus", "changed"),
    ("FK held x1 dose for supratherapeutic level.", "tacrolimus", "held"),
    ("Converted tacrolimus IR to Envarsus XR 4 mg daily.", "tacrolimus", "changed"),
    ("MMF reduced to 500 mg BID for WBC 2.1.", "mycophenolate", "changed"),
    ("Cellcept decreased 1000 -> 500 mg BID.", "mycophenolate", "changed"),
    ("Dilt gtt started at 5 mg/h for RVR.", "diltiazem", "started"),
    ("K-Phos 250 mg x2 given for phos 1.8.", "monopotassium phosphate", "started"),
    ("Norepi down to 0.04 mcg/kg/min.", "norepinephrine", "changed"),
    ("Retacrit 10,000 units started with HD.", "epoetin alfa", "started"),
]


def test_transplant_and_sicu_phrasings():
    """Found by a sweep written before the session's blind notes: "Tac"/"FK" with a level or a dose are
    tacrolimus, Envarsus is tacrolimus, MMF and CellCept are one drug (as are epoetin and Retacrit), "dilt" and
    "K-Phos" are drugs, and "down to" with a rate is a titration."""
    for sentence, drug, change in _TRANSPLANT_AND_SICU:
        got = {(d, c) for d, c in _got(f"HOSPITAL COURSE:\nAdmitted with sepsis.\n{sentence}\n") if d == drug}
        assert got == {(drug, change)}, (sentence, got)


def test_two_changes_in_one_clause():
    """A drug held and resumed, or tried and stopped, in one clause has both changes; back at another dose
    than before is a change (the set's rule), "for now" is not a start, and "Tactile" is no tacrolimus."""
    def status(sentence: str, drug: str) -> set[str | None]:
        return {c for d, c in _got(f"HOSPITAL COURSE:\nAdmitted with sepsis.\n{sentence}\n") if d == drug}

    assert status("Spironolactone was held and then resumed at 12.5 mg.", "spironolactone") == {"held", "started"}
    assert status("Tramadol was trialled but caused nausea and was stopped.", "tramadol") == {"started", "stopped"}
    assert status("Sertraline 50 mg daily was held on admission and restarted at 25 mg daily.",
                  "sertraline") == {"held", "changed"}
    assert status("Sertraline was held on admission and restarted at 25 mg daily, which is half of his home dose.",
                  "sertraline") == {"held", "changed"}
    assert status("Stop your aspirin for now.", "aspirin") == {"stopped"}
    assert status("Tactile 2 mg of nothing.", "tacrolimus") == set()


def test_repletion_course_end_and_turned_off():
    """"Magnesium replaced with 2 g IV" gives the IV salt (the bare "magnesium 1.6" stays a lab); "the 7-day
    course of ceftriaxone ended" and "it was turned off" stop."""
    def status(sentence: str) -> set[tuple[str | None, str | None]]:
        return _got(f"HOSPITAL COURSE:\nAdmitted with sepsis.\n{sentence}\n")

    assert status("Magnesium replaced with 2 g IV.") == {("magnesium sulfate", "started")}
    assert status("Potassium repleted with 40 mEq PO.") == {("potassium chloride", "started")}
    assert status("Magnesium 1.6, phosphorus 2.9.") == set()
    assert status("The 7-day course of ceftriaxone ended on day 7.") == {("ceftriaxone", "stopped")}
    assert status("Insulin drip turned off at 06:00.") == {("insulin human", "stopped")}


def test_what_a_daily_note_says_around_a_drug():
    """From the session 22 round (q) notes' wrong changes: an order word after the drug with a condition is a
    contingency ("Amlodipine restart if ..."), as is "once <something happens>"; "no hold needed" holds nothing;
    "discussed" changes nothing; a drug's own cue after a comma beats the previous drug's before it; "together
    with" does not pass the previous drug's change on; the next system's line ("Lytes: K 4.3 -> 5.0") is no
    action on the drug above it; a drug switched to a new form of itself is changed."""
    def status(sentence: str, drug: str) -> set[str | None]:
        return {c for d, c in _got(f"HOSPITAL COURSE:\nAdmitted with sepsis.\n{sentence}\n") if d == drug}

    assert status("Amlodipine restart if still >160 tomorrow.", "amlodipine") == set()
    assert status("Losartan reduce 100 mg -> 50 mg daily (hyperkalemia) - keep on ARB if K allows.",
                  "losartan") == {"changed"}
    assert status("Wean TPN once enteral feeds reach 60% of goal.", "parenteral nutrition") == set()
    assert status("Start heparin gtt once Hgb stable x2.", "heparin") == set()
    assert status("Furosemide 40 mg IV given once.", "furosemide") == {"started"}
    assert status("Enoxaparin 30 mg SQ daily (no hold needed for PICC per IR).", "enoxaparin") == {"listed"}
    assert status("De-escalation to ceftriaxone discussed; team keeps meropenem.", "ceftriaxone") == set()
    sentence = "Methylprednisolone done -> methylpred STOPPED, prednisone 30 mg PO daily started today."
    assert status(sentence, "prednisone") == {"started"}
    assert status(sentence, "methylprednisolone") == {"stopped"}
    sentence = ("Oxycodone was decreased to 5 mg every 6 hours as needed, together with scheduled acetaminophen "
                "650 mg every 6 hours.")
    assert status(sentence, "acetaminophen") == {"listed"}
    assert status(sentence, "oxycodone") == {"changed"}
    assert status("Vancomycin stopped, cefepime 2 g IV q8h.", "cefepime") == {"stopped"}
    assert status("ID ppx: nystatin QID.\nLytes: K 4.3 post-HD -> 5.0 at 16:00.", "nystatin") == {"listed"}
    assert status("-> heparin SC 5000 units BD CHANGED to heparin infusion 1,000 units/h (no bolus).",
                  "heparin") == {"changed"}
    sentence = "Metoprolol tartrate 25 mg BID -> switch to metoprolol succinate 50 mg once daily."
    assert status(sentence, "metoprolol") == {"stopped", "started"}


def test_an_unchanged_heading_ends_a_stopped_list():
    note = ("DISCHARGE MEDICATIONS\nSTOPPED\n- lisinopril 20 mg daily\n- hydralazine 50 mg TID\n"
            "UNCHANGED\n- atorvastatin 20 mg nightly\n")
    got = _got(note)
    assert ("lisinopril", "stopped") in got and ("atorvastatin", "continued") in got
    assert ("atorvastatin", "stopped") not in got


def test_the_graft_of_a_stem_cell_transplant_is_given_like_a_product():
    """A stem cell graft is given like a transfusion: "Allogeneic PBSC infused via CVC" starts it, and its full
    name is the same product; the procedure's names ("stem cell transplant", "PBSC collection", "bone marrow
    biopsy") are no drug."""
    def status(sentence: str) -> set[tuple[str | None, str | None]]:
        return _got(f"HOSPITAL COURSE:\nAdmitted for transplant.\n{sentence}\n")

    assert status("Allogeneic PBSC infused via CVC red lumen, start 11:20, end 12:05.") == {
        ("hematopoietic stem cells", "started")}
    assert status("Day 0: HPC-A infused 10:05-10:40 without reaction.") == {("hematopoietic stem cells", "started")}
    assert status("Admitted for stem cell transplant; PBSC collection from the donor tomorrow.") == set()
    assert status("Bone marrow biopsy on Day +21 planned.") == set()
    assert {m.key for m in mentions("allogeneic peripheral blood stem cells")} == {"hematopoietic stem cells"}


def test_transplant_discharge_summary_phrasings():
    """A fourth sweep (session 22, transplant discharge summaries, written before reading any note): a regimen
    "from D+5" starts; "de-escalated to oral levofloxacin" starts the new drug; "completed 14 days of IV
    cefepime" and "seizure prophylaxis ended" stop; "X was stopped and Y ... begun" gives Y its own start."""
    def status(sentence: str, drug: str) -> set[str | None]:
        return {c for d, c in _got(f"HOSPITAL COURSE:\nAdmitted for transplant.\n{sentence}\n") if d == drug}

    assert status("G-CSF 5 mcg/kg daily from D+5 until ANC > 1.0 x 2 days.", "filgrastim") == {"started"}
    assert status("Cefepime was de-escalated to oral levofloxacin after 7 days afebrile.", "levofloxacin") == {
        "started"}
    assert status("She completed 14 days of IV cefepime on Day +12.", "cefepime") == {"stopped"}
    assert status("Phenytoin seizure prophylaxis ended after the last busulfan dose.", "phenytoin") == {"stopped"}
    sentence = "Foscarnet was stopped and valganciclovir 900 mg BID induction begun."
    assert status(sentence, "valganciclovir") == {"started"}
    assert status(sentence, "foscarnet") == {"stopped"}
    assert status("Lisinopril and metoprolol were held for hypotension.", "metoprolol") == {"held"}
    assert status("Held furosemide and metoprolol 25 mg BID.", "metoprolol") == {"held"}
