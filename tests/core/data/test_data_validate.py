"""validate: counts of blank, duplicate, conflicting and too-long rows; histogram; exclusions."""

from __future__ import annotations

import json

import pytest

from core.data import Pair, validate
from core.errors import DatasetError


def words(text: str) -> int:
    return len(text.split())


def p(note: str, summary: str, line: int) -> Pair:
    return Pair(note, summary, "d.jsonl", line, {})


PAIRS = [
    p("a b c", "x", 1),
    p("  ", "x", 2),  # blank note
    p("d e", "", 3),  # blank summary
    p("a b c", "x", 4),  # exact duplicate of line 1
    p("a b c", "other", 5),  # same note, different summary
    p(" ".join(["w"] * 30), "y", 6),  # 31 words: too long for max_length 20
    p("f g", "z", 7),
]


def test_counts_and_exclusions():
    r = validate(PAIRS, words, max_length=20, context=64)
    assert r.total == 7
    assert r.empty == ["line 2", "line 3"]
    assert r.duplicates == [("line 4", "line 1")]
    assert r.conflicting == [("line 5", "line 1")]
    assert r.too_long == [("line 6", 31)]
    assert r.excluded == {1: "blank", 2: "blank", 3: "duplicate", 5: "too long"}
    assert r.usable == 3
    assert [x.line for x in r.usable_pairs(PAIRS)] == [1, 5, 7]


def test_histogram_covers_every_measured_row():
    r = validate(PAIRS, words, max_length=20, context=64)
    assert sum(n for *_, n in r.histogram) == 5  # all non-blank rows, duplicates included
    assert (0, 20, 4) in r.histogram and (20, 64, 1) in r.histogram and r.histogram[-1] == (64, None, 0)
    assert r.lengths == {"min": 3, "median": 4, "max": 31}


def test_beyond_context_lands_in_last_bin():
    r = validate([p("w " * 100, "s", 1)], words, max_length=64, context=64)
    assert r.histogram[-1] == (64, None, 1) and r.usable == 0


def test_format_and_as_dict():
    r = validate(PAIRS, words, max_length=20, context=64)
    text = r.format()
    assert "7 rows; 3 usable" in text
    assert "(EXCLUDED, never truncated): 1 — line 6 (31 tokens)" in text
    assert "line 4 (same as line 1)" in text
    d = json.loads(json.dumps(r.as_dict()))
    assert d["usable"] == 3 and d["excluded"][0] == {"index": 1, "reason": "blank"}
    for pair in PAIRS:  # no note text in the report
        if len(pair.note.strip()) > 3:
            assert pair.note.strip() not in text


def test_several_sources_are_named():
    pairs = [Pair("a", "b", "one.jsonl", 1, {}), Pair("", "b", "two.txt", 0, {})]
    assert validate(pairs, words, 10, 10).empty == ["two.txt"]


def test_max_length_beyond_context_is_rejected():
    with pytest.raises(DatasetError):
        validate(PAIRS, words, max_length=100, context=64)


def test_empty_list():
    r = validate([], words, 16, 16)
    assert r.usable == 0 and "0 rows" in r.format()
