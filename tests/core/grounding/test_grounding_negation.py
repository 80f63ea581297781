"""Negation scopes and findings (core/grounding/negation.py), and flipped negations end to end."""

from __future__ import annotations

from core.grounding import check, negation


def negated(text: str) -> list[str]:
    return [c.text for s, c in negation.concepts(text, negation.scopes(text)) if s.polarity == "negated"]


def test_a_finding_is_one_finding_whatever_its_function_words():
    note = "Headaches for two months, worse with stress. There is no aura and no headaches waking her from sleep."
    flags = [f for f in check("She reports headaches that wake her from sleep.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["headaches that wake"]
    assert [f for f in check("She has headaches but none wake her from sleep.", note) if f.kind == "negation"] == []


def test_a_negation_word_is_never_skipped_between_two_words():
    words = negation.Words("Right breast without masses.")
    assert words.occurrences(negation.stem("breast") + " " + negation.stem("mass")) == []
    assert negation.Words("breast with masses").occurrences("breast mass") != []


def test_list_item_with_its_own_verb_ends_the_scope():
    assert negated("UA showed no signs of infection, urine culture had no growth.") == ["infection", "growth"]


def test_passive_clause_ends_the_scope():
    assert negated("Walks a mile without symptoms, limited mainly by hip pain.") == ["symptoms"]


def test_not_needed_negates_what_comes_before():
    assert negated("Syndesmotic fixation was not needed.") == ["Syndesmotic fixation"]


def test_negation_flipped_against_its_source_when_the_note_says_both():
    note = "Last year: no chest pain, no dyspnea.\nToday: chest pain on exertion since Monday, relieved by rest.\n"
    flags = [f for f in check("Today he denies chest pain on exertion.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["chest pain"]
    note = "Two years ago: dyspnea on exertion.\nToday: no dyspnea, walks 2 miles daily.\n"
    flags = [f for f in check("Today she has dyspnea and walks 2 miles daily.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["dyspnea"]
    assert check("Today she walks 2 miles daily without dyspnea.", note) == []


def test_a_limit_is_not_a_negation():
    assert negated("Use ibuprofen on no more than two days a week.") == []
    assert negated("Use ibuprofen on no more than two days a week; no fever.") == ["fever"]


def test_slash_joins_list_items_but_not_a_compound_modifier():
    assert negated("Denies fever/chills, nausea/vomiting.") == ["fever", "chills", "nausea", "vomiting"]
    assert negated("No cough/cold medicines.") == ["cough/cold medicines"]


def test_a_note_stating_a_finding_both_ways_in_equal_sentences_supports_either():
    text = "\nIV no chest \nIV chest"  # found by test_grounding_properties (hypothesis)
    assert check(text, text) == []


def test_a_finding_is_matched_under_its_other_spellings():
    note = "He denies shortness of breath or chest pain. Ankle swelling for a week."
    assert [f.text for f in check("He reports dyspnea and ankle swelling for a week.", note)
            if f.kind == "negation"] == ["dyspnea"]
    assert [f.text for f in check("Febrile with cough for 3 days.", "No fever. Cough for 3 days.")
            if f.kind == "negation"] == ["Febrile"]
    assert negation.variants("fever") >= {"fever", "febril"}
    assert not any(v.startswith("no ") for v in negation.variants("fever"))


def test_a_negation_the_summary_itself_qualifies_is_not_flagged():
    note = "Mild shortness of breath when climbing stairs, none at rest."
    assert check("He has mild dyspnea climbing stairs but no SOB at rest.", note) == []


def test_an_exam_finding_the_table_knows_is_a_finding():
    note = "Lungs with crackles at the bases bilaterally."
    assert [f.text for f in check("Lungs clear without crackles.", note) if f.kind == "negation"] == ["without crackles"]
    assert check("No daughter at bedside.", "Daughter at bedside.") == []


def test_an_unchecked_box_negates_its_item_and_a_checked_one_reports_it():
    note = "ROS (unchecked items = patient denies)\nCardiovascular: [ ] chest pain [ ] palpitations [x] leg swelling\n"
    assert negated(note) == ["chest pain", "palpitations"]
    flags = [f for f in check("She reports chest pain.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["chest pain"]
    assert check("She reports leg swelling and denies chest pain or palpitations.", note) == []


def test_a_yes_no_question_is_negated_when_no_is_checked():
    assert negated("Loss of consciousness: [ ] yes [x] no\n") == ["Loss of consciousness"]
    assert negated("Loss of consciousness: [x] yes [ ] no\n") == []
    assert negated("[x] no falls since March\n") == []  # a checked box's "no" is no cue of its own line


def test_a_cue_after_its_finding_needs_no_verb():
    assert negated("ARDS not present - P/F 260.") == ["ARDS"]
    assert negated("EEG: photoparoxysmal response absent.") == ["photoparoxysmal response"]
    assert negated("Aspirin not yet started.") == ["Aspirin"]
    assert negated("Octreotide and ceftriaxone were deliberately not started.") == ["Octreotide", "ceftriaxone"]


def test_more_negation_cues():
    assert negated("Papule lacked arborizing telangiectasias.") == ["arborizing telangiectasias"]
    assert negated("She declined cardioversion.") == ["cardioversion"]
    assert negated("ROS: (-) chest pain. Strep (-) and flu (+).") == ["chest pain"]
    assert negated("GBS neg for GBS") == ["GBS"]
    assert negated("He did not lose consciousness.") == ["lose consciousness"]


def test_a_spaced_dash_ends_a_phrase():
    assert negated("Fluid PMN 40 cells/mm3 - SBP ruled out.") == ["SBP"]
    assert negated("No fever - cough since Monday.") == ["fever"]


def test_neither_nor_and_a_closing_parenthesis():
    assert negated("It neither itches nor bleeds.") == ["itches", "bleeds"]
    assert negated("Nitrile gloves (not latex) for hair dye handling.") == ["latex"]


def test_a_cue_after_but_negates_what_comes_before_the_but():
    assert negated("Straight cath ordered but not yet done.") == ["Straight cath ordered"]


def test_avoid_negates_and_an_opening_bracket_ends_a_phrase():
    assert negated("Avoid central line placement; a PICC should be avoided.") == ["central line placement", "PICC"]
    assert negated("Intubated (ARDS not present - P/F 260).") == ["ARDS"]


def test_a_denied_symptom_counts_however_everyday_its_name():
    note = "She is tolerating sips of water. She denies drooling, stridor, or difficulty breathing."
    flags = [f for f in check("Drooling, but no stridor.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["Drooling"]


def test_a_finding_denied_in_a_place_is_denied_there():
    note = "GI: [ ] abdominal pain [x] heartburn [ ] blood in stool\nBP 142/90, blood pressure high.\n"
    flags = [f for f in check("She reports heartburn and blood in her stool.", note) if f.kind == "negation"]
    assert [f.text for f in flags] == ["blood in her stool"]


def test_a_checklist_answer_none_denies_what_it_names():
    note = "Risk assessment: acute risk judged low. Firearms: none in the home (confirmed with partner)."
    flags = [f for f in check("Acute risk was judged low, and there are firearms in the home.", note)
             if f.kind == "negation"]
    assert [f.text for f in flags] == ["firearms"]


def test_an_irregular_verb_is_one_finding_in_any_tense():
    assert negation.stem("lost") == negation.stem("lose") and negation.stem("grew") == negation.stem("grow")
    assert negation.stem("left") != negation.stem("leave")  # a side, not only a verb


def test_what_a_patient_did_not_do_is_denied():
    note = "Throat tightness and wheeze, followed by lightheadedness. He did not lose consciousness."
    flags = [f for f in check("He had wheezing and lightheadedness, and briefly lost consciousness.", note)
             if f.kind == "negation"]
    assert [f.text for f in flags] == ["lost consciousness"]


def test_w_slash_o_and_avoiding_are_negation_cues():
    assert negated("Tension headache w/o nausea.") == ["nausea"]
    assert negated("She is avoiding caffeine and chocolate.") == ["caffeine", "chocolate"]
    note = "Plan: avoiding caffeine while on the new tablets."
    assert [f for f in check("Told to avoid caffeine.", note) if f.kind == "negation"] == []


def test_more_participles_after_the_thing_not_done():
    assert negated("A chest tube was not used.") == ["chest tube"]
    assert negated("Throat swab not taken.") == ["Throat swab"]
    assert negated("Deep sleep was not recorded.") == ["Deep sleep"]
    assert negated("Lumbar puncture will not be performed.") == ["Lumbar puncture"]


def test_a_trailing_cue_does_not_reach_past_a_clause_with_its_own_verb():
    assert negated("Goals were reviewed with the son, intubation will not be started.") == ["intubation"]
    assert negated("Heparin, aspirin, or clopidogrel were not given.") == ["Heparin", "aspirin", "clopidogrel"]


def test_a_stated_finding_after_a_negated_list_item_ends_the_scope():
    assert negated("Throat: no exudate, uvula soft, neck supple.") == ["exudate"]
    assert negated("Echo: no thrombus, normal wall motion, limited views.") == ["thrombus"]
    assert negated("Denies alcohol, currently active in sports.") == ["alcohol"]
    assert negated("No rash, and her brother has eczema.") == ["rash"]


def test_an_ing_verb_after_a_negated_list_starts_a_clause():
    assert negated("Not breastfeeding, hoping to conceive next year.") == ["breastfeeding"]
    assert negated("No fever, using a humidifier.") == ["fever"]
    assert negated("Denies cough, wheezing, or vomiting.") == ["cough", "wheezing", "vomiting"]
    assert negated("No numbness, tingling, or weakness in the legs.") == ["numbness", "tingling", "weakness"]


def test_no_one_is_no_negation():
    assert negated("No one at home smokes.") == []


def test_nontender_describing_a_noun_or_in_a_list_of_predicates_negates_nothing_before_it():
    assert negated("A firm non-tender nodule.") == []
    assert negated("Abdomen soft, nontender, nondistended.") == []
    assert negated("Shin soft and non-tender.") == []
    assert negated("Calf nontender.") == ["Calf"]


def test_a_test_reported_negative_agrees_with_an_undetectable_note():
    note = "Tox screen: salicylate undetectable."
    assert [f for f in check("The salicylate level was negative.", note) if f.kind == "negation"] == []
    assert [f.text for f in check("The salicylate level was elevated at admission.", note) if f.kind == "negation"] \
        == ["salicylate"]


def test_a_name_with_digits_is_a_finding_a_count_is_not():
    assert negated("Parents declined the HPV-9 vaccine.") == ["HPV-9 vaccine"]
    assert negated("No cough x 4 days.") == ["cough"]


def test_an_intervention_not_done_contradicts_a_summary_that_does_it():
    note = "Closure: a drain was not placed. Splint not used."
    assert [f.text for f in check("A drain was placed at closure.", note) if f.kind == "negation"] == ["drain"]
    assert [f.kind for f in check("She went home in a splint.", note)] == ["negation"]


def test_return_precautions_with_an_adverb_or_shorthand_are_conditional():
    note = "No stridor today. Return sooner for stridor or drooling."
    assert [f for f in check("RTC sooner for stridor.", note) if f.kind == "negation"] == []
    assert [f for f in check("Call if stridor.", note) if f.kind == "negation"] == []
    assert [f.text for f in check("Has stridor.", note) if f.kind == "negation"] == ["stridor"]


def test_a_refusal_in_the_next_clause_negates_what_was_offered():
    assert negated("Hepatitis A vaccine offered; declined.") == ["Hepatitis A vaccine"]
    assert negated("Physical therapy discussed; he refused given cost.") == ["Physical therapy"]
    note = "Shingles vaccine discussed; she declined given cost."
    assert [f.kind for f in check("She received the shingles vaccine.", note)] == ["negation"]


def test_not_recommended_or_advised_negates_what_comes_before():
    assert negated("Surgery was not recommended.") == ["Surgery"]
    assert negated("Antibiotics not advised.") == ["Antibiotics"]


def test_a_cue_opening_a_later_list_item_negates_only_that_item():
    assert negated("FEV1/FVC 0.46, no significant BD response, air trapping, and a DLCO of 52%.") == ["BD response"]
    assert negated("No lifting, no repetitive bending, alternate sitting and standing.") == ["lifting", "repetitive bending"]
    # a list that closes with "or" is one denied list; a verb cue governs its whole list
    assert negated("Afebrile, no cough, sputum, or dyspnea.") == ["cough", "sputum", "dyspnea"]
    assert negated("Tol clears, denies N/V, lightheadedness, CP.") == ["N", "V", "lightheadedness", "CP", "N/V", "N/V"]


def test_a_table_cell_ends_a_scope():
    note = "| BP 118/72 | Urine prot neg / gluc neg | Edema: none |"
    assert negated(note) == ["Edema"]
    assert [f for f in check("Urine was negative for protein.", note) if f.kind == "negation"] == []


def test_not_palpable_and_nonpalpable_negate_what_comes_before():
    assert negated("Radial pulse palpable; dorsalis pedis pulse nonpalpable.") == ["dorsalis pedis pulse"]
    assert negated("Posterior tibial pulse not palpable.") == ["Posterior tibial pulse"]
    note = "Vascular: DP palpable 1+ L, 2+ R; PT nonpalpable L, 1+ R. CFT 3 s L."
    assert [f for f in check("The left PT pulse was not palpable.", note) if f.kind == "negation"] == []


def test_a_finding_that_begins_in_the_cue_is_the_cues_object():
    note = "Plan:\n- Do not start donepezil now; neuropsych testing referral."
    assert [f for f in check("She has never started the donepezil.", note) if f.kind == "negation"] == []
    assert [f.kind for f in check("She started the donepezil.", note) if f.kind == "negation"] == ["negation"]


def test_havent_had_negates():
    assert negated("I haven't had any headaches or nosebleeds.") == ["headaches", "nosebleeds"]


def test_a_denied_pair_short_form_denies_each_of_its_findings():
    note = "Review: Denies N/V. Abd pain RUQ x2 d."
    assert [f.text for f in check("Reports nausea but no fever.", note) if f.kind == "negation"] == ["nausea"]
    assert [f for f in check("No nausea or vomiting.", note) if f.kind == "negation"] == []


def test_not_on_a_therapy_negates_the_therapy():
    assert negated("No RRT indication; not on CRRT.") == ["RRT indication", "CRRT"]
    note = "Cr 2.1 (peak 2.8). No RRT indication; not on CRRT. UOP 40 mL/h."
    assert [f.text for f in check("She was started on CRRT.", note) if f.kind == "negation"] == ["CRRT"]
    assert negated("No wheeze on exam.") == ["wheeze"]


def test_excluded_or_ruled_out_with_an_object_negates_the_object():
    assert negated("Left leg venous duplex excluded a DVT.") == ["DVT"]
    assert negated("CT ruled out appendicitis.") == ["appendicitis"]
    assert negated("PE was ruled out by CTA.") == ["PE"]
    note = "CT A/P: acute appendicitis, no perforation."
    assert [f.kind for f in check("CT ruled out appendicitis.", note) if f.kind == "negation"] == ["negation"]


def test_a_refusal_or_holding_off_after_a_dash_or_semicolon():
    assert negated("Influenza vaccine offered - mother declined.") == ["Influenza vaccine"]
    assert negated("Roflumilast discussed; held off given weight loss.") == ["Roflumilast"]
    note = "Immunizations today: MMR #1. Influenza vaccine offered - mother declined."
    assert [f for f in check("His mother declined the flu vaccine.", note) if f.kind == "negation"] == []
    assert [f.kind for f in check("He received the flu vaccine today.", note) if f.kind == "negation"] == ["negation"]


def test_never_on_a_place_negates_the_place():
    note = "Clobetasol ointment twice daily for flares, not on face or groin."
    assert [f for f in check("Clobetasol continues BID, never on the face or groin.", note)
            if f.kind == "negation"] == []


def test_a_graded_item_before_nontender_is_stated():
    assert negated("No fever, no dysuria, good urine output, graft site nontender.") == ["fever", "dysuria",
                                                                                         "graft site"]
    assert "navicular" in negated("Medial malleolus, 5th MT base, navicular, proximal fibula nontender.")
