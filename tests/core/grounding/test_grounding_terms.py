"""Terms not in the note (core/grounding/terms.py): which words of a summary make a claim."""

from __future__ import annotations

from core.grounding import check, terms


def test_a_rare_relational_adjective_names_a_site_or_cause():
    assert terms.is_term("duodenal") and terms.is_term("streptococcal") and terms.is_term("pericardial")
    assert not terms.is_term("purulent") and not terms.is_term("persistent") and not terms.is_term("initially")


def test_a_site_the_note_does_not_give_is_flagged():
    note = "EGD today: 2 cm clean-based gastric ulcer, no varices."
    flags = [f for f in check("EGD showed a 2 cm clean-based duodenal ulcer.", note) if f.kind == "term"]
    assert [f.text for f in flags] == ["duodenal"]
    assert [f for f in check("EGD showed a 2 cm clean-based gastric ulcer.", note) if f.kind == "term"] == []


def test_a_descriptive_adjective_is_wording():
    note = "Four days of cough productive of thick yellow sputum, and fever."
    assert [f for f in check("Four days of purulent cough and fever.", note) if f.kind == "term"] == []


def test_a_modifier_the_note_gives_the_same_thing_differently_is_flagged():
    note = "ECG: atrial fibrillation, ventricular rate 94. TTE: mild left atrial enlargement. Shave biopsy done."
    flags = [f for f in check("TTE showed mild left ventricular enlargement. Punch biopsy done.", note)
             if f.kind == "term"]
    assert [f.text for f in flags] == ["ventricular", "Punch"]
    assert [f for f in check("TTE showed mild left atrial enlargement, ventricular rate 94.", note)
            if f.kind == "term"] == []


def test_a_word_of_a_group_alone_against_another_of_its_group():
    note = "Bone biopsy grew MSSA. Mother with bipolar II disorder."
    flags = [f for f in check("Bone biopsy grew MRSA. Mother with bipolar I disorder.", note) if f.kind == "term"]
    assert [f.text for f in flags] == ["MRSA", "I"]
    flags = check("Lap sites C/D/I.", "Lap sites clean and dry. Mother with bipolar II disorder.")
    assert [f for f in flags if "the note says" in f.reason] == []  # one letter alone is no "bipolar I"


def test_a_noun_next_to_a_treatment_verb_is_a_claimed_procedure():
    note = "Six teeth, brushed with a smear of fluoride toothpaste."
    flags = [f for f in check("Fluoride varnish applied.", note) if f.kind == "term"]
    assert [f.text for f in flags] == ["varnish"]


def test_a_clinical_phrase_of_everyday_words_the_note_never_states_is_flagged():
    note = "Specimen retrieved in an endocatch bag and sent to pathology. Section of the report pending."
    flags = [f.text for f in check("Specimen sent to pathology with frozen section.", note) if f.kind == "term"]
    assert flags == ["frozen"]
    note_fs = "Specimen sent to pathology; intraoperative frozen section benign."
    assert [f for f in check("Specimen sent with frozen section.", note_fs) if f.kind == "term"] == []
    # "history of" is a table spelling too, but of one content word: no claim of its own
    assert [f for f in check("No history of thrombosis.", "Never had a blood clot.") if f.kind == "term"] == []


def test_an_abbreviations_plural_is_the_abbreviation():
    from core.grounding import check, vocabulary

    assert [t.key for t in vocabulary.tokens("TMs LFTs GBS")] == ["tm", "lft", "gbs"]
    note = "Otoscopy: clear canals, intact TMs bilaterally."
    assert [f for f in check("The ear canals were clear with intact eardrums.", note) if f.kind == "term"] == []


def test_a_noun_and_the_adjective_made_from_it_back_each_other():
    from core.grounding import check

    note = "Falls: multifactorial - orthostatic BP drop 22 mmHg, nocturia x3."
    assert [f for f in check("The falls were multifactorial, from orthostasis and nocturia.", note)
            if f.kind == "term"] == []
    assert [f for f in check("Septal deviation noted.", "There is a deviated septum.") if f.kind == "term"] == []
    assert [f.text for f in check("There is pericardial tamponade.", "There is a deviated septum.")
            if f.kind == "term"] != []


def test_a_phrase_english_also_says_in_one_everyday_word_claims_nothing():
    from core.grounding import check

    note = "History: recurrent calcium oxalate stones. Left URS with laser lithotripsy 06/2033."
    assert [f for f in check("Recurrent calcium oxalate stones, status post left URS in 06/2033.", note)
            if f.kind == "term"] == []
    # an abbreviation that is also a short English word ("OR") still names its clinical thing
    assert [f.text for f in check("Taken to the operating room.", "Admitted for observation.")
            if f.kind == "term"] == ["operating room"]
