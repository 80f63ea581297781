"""Held-out selection: training notes are skipped; unseen groups are tagged; picks are balanced."""

from __future__ import annotations

from core.data import Pair, train_profile
from core.evaluate import classify, pick


def _pair(i, specialty, layout):
    return Pair(f"note {i}", f"summary {i}", "d.jsonl", i, {"specialty": specialty, "layout": layout})


def test_classify_skips_training_notes_and_tags_novelty():
    train = [_pair(1, "cardiology", "soap"), _pair(2, "neurology", "hp")]
    profile = train_profile(train)
    assert profile["groups"] == {"layout": ["hp", "soap"], "specialty": ["cardiology", "neurology"]}
    rows = classify(train + [_pair(3, "cardiology", "hp"), _pair(4, "psychiatry", "soap"),
                             _pair(5, "psychiatry", "consult"), _pair(3, "cardiology", "hp")], profile)
    assert [(h.pair.line, h.group, h.tags) for h in rows] == [
        (3, "seen", ()), (4, "unseen", ("unseen:specialty",)),
        (5, "unseen", ("unseen:specialty", "unseen:layout"))]


def test_pick_takes_half_from_each_group_and_rotates_novelty():
    profile = train_profile([_pair(0, "cardiology", "soap")])
    pairs = ([_pair(i, "cardiology", "soap") for i in range(1, 11)]
             + [_pair(i, "neurology", "soap") for i in range(11, 21)]
             + [_pair(i, "cardiology", "hp") for i in range(21, 31)]
             + [_pair(i, "neurology", "hp") for i in range(31, 41)])
    chosen = pick(classify(pairs, profile), 12)
    assert sum(h.group == "seen" for h in chosen) == 6 and sum(h.group == "unseen" for h in chosen) == 6
    assert {h.tags for h in chosen if h.group == "unseen"} == {
        ("unseen:specialty",), ("unseen:layout",), ("unseen:specialty", "unseen:layout")}
    assert pick(classify(pairs, profile), 12) == chosen  # deterministic


def test_pick_fills_from_the_other_group():
    profile = train_profile([_pair(0, "cardiology", "soap")])
    rows = classify([_pair(1, "cardiology", "soap")] + [_pair(i, "neurology", "hp") for i in range(2, 10)], profile)
    chosen = pick(rows, 6)
    assert len(chosen) == 6 and sum(h.group == "seen" for h in chosen) == 1
