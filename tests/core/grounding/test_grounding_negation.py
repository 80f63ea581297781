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
