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
