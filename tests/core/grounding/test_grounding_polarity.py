"""Polarity wording added for issue #11: more negation cues, return precautions, list ends, circumstances,
yes/no boxes, "A&O x3", culture results and a drug's stopped/continued status."""

from __future__ import annotations

import pytest

from core.grounding import check, med_status, medications


def _negations(summary: str, note: str) -> list[str]:
    return [f.text for f in check(summary, note) if f.kind == "negation"]


def test_excluded_and_withheld_negate_what_they_follow():
    assert _negations("Peanut allergy has been excluded.", "Peanut allergy is ruled out by testing.") == []
    assert _negations("Antibiotics are being withheld while cultures are pending.",
                      "No antibiotics for now; blood culture pending.") == []


def test_return_precautions_report_nothing():
    note = "No vomiting today. Return precautions: fever, persistent vomiting -> ED immediately."
    assert _negations("To the ED for fever or persistent vomiting.", note) == []


def test_a_measured_value_ends_a_negated_list():
    note = "Reassess: no stridor at rest, RR 26, SpO2 98%. Tolerated popsicle and juice."
    assert _negations("No stridor at rest, RR 26, SpO2 98%, tolerating popsicle and juice.", note) == []


def test_a_circumstance_of_a_negated_finding_is_not_negated():
    assert _negations("Cried during the exam, then settled.", "No stridor at rest or with crying today.") == []
    assert _negations("Stridor with crying.", "No stridor at rest or with crying today.") == ["Stridor"]


def test_a_yes_no_question_answered_no_is_negated_however_everyday_its_words():
    note = "Able to get up unaided: [ ] yes [x] no (lay 20 min after the fall)"
    assert _negations("Got up unaided after the fall.", note) == ["Got up unaided"]


def test_alert_and_oriented_shorthand():
    note = "Mild confusion this afternoon resolved; now A&O x3."
    assert _negations("Remains confused and not oriented.", note)
    assert [f for f in check("Alert and oriented.", note) if f.kind in ("term", "negation")] == []


def test_no_growth_shorthand_is_a_negative_culture():
    assert _negations("Blood cultures x2 from 03/29 grew MSSA.", "BCx x2 03/29 NG x 5d.") == ["grew"]
    assert _negations("Blood cultures x2 from 03/29 had no growth.", "BCx x2 03/29 NG x 5d.") == []


def test_a_result_is_compared_with_the_same_test_not_a_similar_one():
    note = "Blood cultures x2 grew E. coli. Urine culture negative."
    assert _negations("Blood cultures showed no growth.", note) == ["no growth"]
    assert _negations("Urine culture was negative.", note) == []


def test_a_drug_stopped_where_the_note_continued_it():
    note = "Octreotide 100 mcg SC q8h continued. Haloperidol PRN."
    flags = [f for f in check("Octreotide has been discontinued.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["Octreotide has been discontinued"] and "continued" in flags[0].reason
    assert _negations("Octreotide was continued.", note) == []
    assert _negations("Continue aspirin.", "Aspirin stopped for GI bleed.") == ["Continue aspirin"]


def test_a_stop_is_a_change_not_an_absence():
    note = "Lisinopril was stopped and sacubitril/valsartan started. Continue lisinopril until then."
    assert _negations("Lisinopril was switched to Entresto.", note) == []
    assert _negations("Stop methimazole if fever or sore throat develops.", "Continue methimazole 10 mg daily.") == []


def test_status_reads_the_drugs_own_clause():
    text = "carvedilol continued, lisinopril was stopped; hold metoprolol"
    meds = medications.find(text)
    assert [med_status.status(text, m, meds) for m in meds] == ["continued", "stopped", "stopped"]


def test_what_comes_with_a_refused_thing_is_refused():
    note = "She declined a rhythm-control strategy with cardioversion at this time. Apixaban started."
    assert _negations("She agreed to elective cardioversion.", note) == ["cardioversion"]
    assert _negations("She declined cardioversion for now.", note) == []


def test_not_sent_for_a_test_negates_the_test():
    note = "Purulent fluid, about 60 mL; peritoneal fluid sent for culture."
    assert _negations("About 60 mL of pus, not sent for culture.", note) == ["not sent for culture"]


def test_a_series_or_course_of_a_thing_is_that_thing_and_the_flag_holds_the_cue_after_it():
    note = "Shingles (recombinant zoster): [x] dose 1 given today"
    flags = [f for f in check("The recombinant zoster series was not started today.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["recombinant zoster series was not started"]


def test_a_thing_the_note_only_plans_is_not_done():
    note = "CPAP 5, wean FiO2 to SpO2 90-95%; surfactant if FiO2 > 0.40 persistently."
    flags = [f for f in check("On CPAP 5; surfactant was given on admission.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["surfactant was given"]
    assert [f for f in check("Surfactant if FiO2 stays above 0.40.", note) if f.kind == "negation"] == []
    given = note + " Surfactant given at 2 h of life."
    assert [f for f in check("Surfactant was given on admission.", given) if f.kind == "negation"] == []


def test_if_after_a_plan_item_makes_it_conditional_but_not_after_a_verb():
    from core.grounding import negation

    text = "Wean FiO2; surfactant if FiO2 > 0.40.\nReturn if fever."
    uncertain = [text[s.start : s.end].strip() for s in negation.scopes(text) if s.polarity == "uncertain"]
    assert uncertain == ["surfactant", "FiO2 > 0.40", "fever"]


def test_status_reads_a_stop_the_extractor_writes():
    # the verb right before a drug is its own, whatever follows; a shared verb after "A and B"; a label's
    # colon; "off"; "not restarted"; a list that ends "- all HELD"
    text = ("stop aspirin and continue metoprolol. Amlodipine and losartan HELD. Clonazepam: last dose 14:00 today. "
            "Fentanyl gtt off since 09:00. Propofol stopped and not restarted.\n"
            "Home meds: tamsulosin, gabapentin - all HELD (shock).\nCefepime escalated to meropenem.")
    meds = medications.find(text)
    got = {m.text: med_status.status(text, m, meds) for m in meds}
    assert got == {"aspirin": "stopped", "metoprolol": "continued", "Amlodipine": "stopped", "losartan": "stopped",
                   "Clonazepam": "stopped", "Fentanyl": "stopped", "Propofol": "stopped", "tamsulosin": "stopped",
                   "gabapentin": "stopped", "Cefepime": "stopped", "meropenem": None}


def test_a_list_heading_is_not_a_claim():
    note = "HD 4: No medication changes today. Fentanyl infusion off at extubation."
    summary = "Medication changes:\n- STOPPED Fentanyl infusion off at extubation.\n"
    assert [f for f in check(summary, note) if f.kind == "negation"] == []
    assert [f.text for f in check("There were medication changes today.", note) if f.kind == "negation"] \
        == ["medication changes"]


@pytest.mark.parametrize(("summary", "note"), [
    ("Clavicle nontender.", "Elbow: full ROM, no TTP. Clavicle NT. Radial pulse 2+."),
    ("Neither an echocardiogram nor a stress test was indicated.", "Echo: not indicated (no new sx).\nStress test: not indicated."),
    ("No retinopathy on the 06/2032 eye exam.", "[x] Retinal exam done 06/2032 - no retinopathy\n[ ] Neuropathy symptoms"),
    ("The aspirate showed no crystals.", "Aspirate: WBC 58,000, culture MSSA. Crystals negative."),
    ("NAAT negative for gonorrhea.", "NAAT: Chlamydia trachomatis POSITIVE, Neisseria gonorrhoeae negative."),
])
def test_a_negation_the_note_writes_after_its_label_or_as_a_result_is_read(summary, note):
    assert [f for f in check(summary, note) if f.kind == "negation"] == []


@pytest.mark.parametrize(("summary", "note"), [
    ("No fever or chills, drainage decreasing.", "Drainage decreasing. No fever/chills."),
    ("She denies tobacco and cannabis use and tried alcohol once.", "Denies tobacco, cannabis. Tried alcohol once."),
])
def test_a_list_item_with_its_own_trend_or_verb_is_not_denied(summary, note):
    assert [f for f in check(summary, note) if f.kind == "negation"] == []


def test_a_negative_test_was_still_done():
    note = "Plan: [ ] Skin prick/intradermal testing to penicillin (not required for low risk)\nDirect oral challenge."
    assert check("Penicillin skin prick and intradermal testing negative before oral challenge.", note)


@pytest.mark.parametrize(("summary", "note"), [
    ("Excessive worry; denies panic attacks.", "Worry most days x >2 yrs. Panic attacks: denies. No manic sx."),
    ("There was no visible vessel, adherent clot or active bleeding.", "No visible vessel, no adherent clot, no active bleeding."),
    ("He is not anticoagulated, having stopped apixaban in 2031.", "AF (not anticoagulated - stopped apixaban 2031 after GI bleed)."),
    ("She was counseled to avoid cold for 5 days.", "Cold avoidance counseled (no iced drinks x 5 days)."),
])
def test_label_denials_modifiers_participle_clauses_and_advice(summary, note):
    assert [f for f in check(summary, note) if f.kind == "negation"] == []


def test_rather_than_negates_what_follows():
    note = "Acute small L frontal infarct (tissue-based stroke, not TIA). No prior stroke/TIA."
    assert [f for f in check("A small stroke rather than a TIA.", note) if f.kind == "negation"] == []
    assert [f.kind for f in check("A TIA rather than a stroke.", note) if f.kind == "negation"]


def test_a_verb_opening_a_list_of_drugs_is_each_ones_status():
    note = "Plan: Continue aspirin 81 mg daily, atorvastatin 80 mg daily and cilostazol 100 mg BID. RTC 3 mo."
    flags = [f for f in check("Cilostazol was discontinued, while aspirin continues.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["Cilostazol was discontinued"]
    # another verb in the list is another instruction: "started" does not continue what follows it
    note = "Continue aspirin 81 mg daily, started cilostazol 100 mg BID."
    assert [f for f in check("Cilostazol was discontinued.", note) if f.kind == "negation"] == []


def test_still_taking_is_continued_and_stopped_taking_is_stopped():
    note = "Meds: I'm still taking the folic acid 1 mg every day. No fever."
    flags = [f for f in check("She has stopped taking her folic acid.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["stopped taking her folic acid"]


def test_a_status_flag_covers_the_words_that_say_it():
    note = "Allergy testing: Cetirizine held x 7 days before testing. Histamine control positive."
    flags = [f for f in check("Cetirizine was not held before skin testing.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["Cetirizine was not held"]


def test_an_arrow_to_a_stop_verb_is_the_drugs_outcome():
    note = ("HD2: Continue ceftriaxone + oseltamivir for now.\n"
            "HD5: Oseltamivir: 5-day course done after tonight's dose -> discontinue. Ceftriaxone day 5.")
    assert [f for f in check("Oseltamivir was stopped after a 5-day course.", note) if f.kind == "negation"] == []
    note = "HD2: Continue ceftriaxone + oseltamivir for now."
    assert [f.kind for f in check("Oseltamivir was stopped.", note) if f.kind == "negation"] == ["negation"]
