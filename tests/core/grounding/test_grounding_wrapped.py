"""A note hard-wrapped in the middle of a sentence ("She denies" / "locking, giving way, …") is one sentence
on the note side: the summary that copies it is neither flagged for negation nor unsupported (the bundled
orthopedics sample showed four false negation flags on a verbatim copy of its own sentence)."""

from __future__ import annotations

from core.grounding import analyze, sentences

NOTE = ("## History of present illness\n\nShe has had medial-sided knee pain, worse with\nstairs. She denies\n"
        "locking, giving way, numbness, or tingling. No fever or redness.\n\n## Plan\n\n"
        "1. Return visit on June 13, 2024, or sooner for locking, giving way, or calf swelling.\n")


def test_a_hard_wrapped_sentence_is_one_sentence_but_list_items_and_capitals_still_split():
    text = "She denies\nlocking, or tingling. No fever.\n- no chills\n- pain\nNeuro: intact\nalert."
    assert [text[a:b] for a, b in sentences.split(text)] == [
        "She denies\nlocking, or tingling.", "No fever.", "no chills", "pain", "Neuro: intact\nalert."]


def test_a_verbatim_copy_of_a_wrapped_negated_sentence_is_not_flagged():
    report = analyze("She denies locking, giving way, numbness, or tingling.", NOTE)
    assert [f.kind for f in report.flags] == []
    assert [s.status for s in report.sentences] == ["supported"]


def test_the_flip_is_still_caught():
    report = analyze("She reports locking and numbness.", NOTE)
    assert "negation" in {f.kind for f in report.flags}
