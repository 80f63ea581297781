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
