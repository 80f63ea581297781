"""split: seeded, order-independent, held-out groups never reach training; dataset hash."""

from __future__ import annotations

import random

import pytest

from core.data import Pair, dataset_sha256, default_holdout_groups, split
from core.errors import DatasetError

SPECIALTIES = ["cardiology", "psychiatry", "neurology", "nephrology"]
LAYOUTS = ["soap", "narrative", "hp"]


def make(n: int = 120) -> list[Pair]:
    return [Pair(f"note {i}", f"summary {i}", "d.jsonl", i + 1,
                 {"specialty": SPECIALTIES[i % 4], "layout": LAYOUTS[i % 3]}) for i in range(n)]


def lines(pairs: list[Pair]) -> list[int]:
    return [p.line for p in pairs]


def test_deterministic_and_order_independent():
    pairs = make()
    a, b = split(pairs, seed=3), split(pairs, seed=3)
    assert a == b
    shuffled = pairs[:]
    random.Random(1).shuffle(shuffled)
    c = split(shuffled, seed=3)
    assert sorted(lines(c.heldout_seen)) == sorted(lines(a.heldout_seen))
    assert lines(split(pairs, seed=4).heldout_seen) != lines(a.heldout_seen)


def test_fraction_and_partition():
    pairs = make()
    s = split(pairs, seed=0, holdout_fraction=0.25)
    assert len(s.heldout_seen) == 30 and len(s.train) == 90 and not s.heldout_unseen
    assert sorted(lines(s.train + s.heldout_seen)) == lines(pairs)
    assert split(pairs, holdout_fraction=0).heldout_seen == []


def test_unseen_groups_never_in_train():
    pairs = make()
    groups = {"specialty": {"psychiatry"}, "layout": {"narrative"}}
    s = split(pairs, seed=0, holdout_groups=groups)
    for part in (s.train, s.heldout_seen):
        assert all(p.meta["specialty"] != "psychiatry" and p.meta["layout"] != "narrative" for p in part)
    assert all(p.meta["specialty"] == "psychiatry" or p.meta["layout"] == "narrative" for p in s.heldout_unseen)
    assert len(s.train) + len(s.heldout_seen) + len(s.heldout_unseen) == len(pairs)
    assert s.counts()["heldout_unseen"] == len(s.heldout_unseen) == 60  # 30 psychiatry + 40 narrative - 10 both


def test_copies_of_a_note_stay_on_one_side():
    pairs = make(40) + [Pair(f"note {i}", "another summary", "d.jsonl", 100 + i, {}) for i in range(40)]
    for seed in range(5):
        s = split(pairs, seed=seed, holdout_fraction=0.3)
        assert not {p.note for p in s.train} & {p.note for p in s.heldout_seen}


def test_unknown_group_value_is_an_error():
    with pytest.raises(DatasetError, match="psychiatri"):
        split(make(), holdout_groups={"specialty": {"psychiatri"}})


def test_nothing_left_for_training():
    with pytest.raises(DatasetError):
        split(make(), holdout_groups={"specialty": set(SPECIALTIES)})


def test_bad_fraction():
    with pytest.raises(ValueError):
        split(make(), holdout_fraction=1.0)


def test_default_holdout_groups():
    pairs = make(119)  # nephrology (29 rows) and hp (39 rows) are the least frequent
    groups = default_holdout_groups(pairs)
    assert groups == {"specialty": {"nephrology"}, "layout": {"hp"}}
    assert default_holdout_groups(make(120)) == {"specialty": {"cardiology"}, "layout": {"hp"}}  # ties: by name
    assert default_holdout_groups(list(reversed(pairs))) == groups
    assert default_holdout_groups([Pair("a", "b", "f", 1, {})]) == {}
    one = [Pair(str(i), "b", "f", 1, {"specialty": "x"}) for i in range(5)]
    assert default_holdout_groups(one) == {}


def test_dataset_sha256_is_stable_and_content_only():
    pairs = make(5)
    h = dataset_sha256(pairs)
    assert h == dataset_sha256(make(5)) and len(h) == 64
    moved = [Pair(p.note, p.summary, "other.csv", 0, {}) for p in pairs]
    assert dataset_sha256(moved) == h
    assert dataset_sha256(pairs[::-1]) != h
    assert dataset_sha256([Pair("ab", "c", "f", 1)]) != dataset_sha256([Pair("a", "bc", "f", 1)])
