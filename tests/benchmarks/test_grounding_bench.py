"""The planted-error set is well formed, and the grounding benchmark scores what it says it scores."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.grounding import KINDS, SPLITS, assemble, load, score
from core.grounding import Flag, Report


@pytest.mark.parametrize(("split", "pairs", "per_kind"), [("dev", 20, 4), ("dev2", 40, 3), ("test", 40, 8),
                                                               ("test3", 40, 8), ("test4", 40, 10), ("dev3", 40, 14),
                                                               ("dev4", 40, 14), ("test6", 40, 14), ("dev5", 40, 15),
                                                               ("test7", 40, 15)])
def test_planted_sets_are_well_formed(split, pairs, per_kind):
    records = load(split)
    assert len(records) >= pairs
    assert len({r["id"] for r in records}) == len(records)
    kinds = Counter()
    for r in records:
        summary, spans = assemble(r)
        assert r["summary_format"] in ("prose", "lines")
        for start, end, error in spans:
            if error is not None:
                assert error["kind"] in KINDS
                assert error["span"] in summary[start:end], r["id"]
                kinds[error["kind"]] += 1
    assert set(kinds) == set(KINDS)
    assert min(kinds.values()) >= per_kind, kinds


def test_dev_and_test_share_no_note():
    dev = {r["note"] for split in SPLITS if split.startswith("dev") for r in load(split)}
    assert not dev & {r["note"] for split in SPLITS if split.startswith("test") for r in load(split)}


def test_score_counts_a_planted_error_as_caught_only_when_a_flag_overlaps_it():
    record = {"id": "x", "summary_format": "prose", "note": "n/a", "summary": [
        {"text": "Aspirin 81 mg daily.", "error": None},
        {"text": "Warfarin 5 mg daily.", "error": {"kind": "invented_drug", "span": "Warfarin", "correct": ""}},
        {"text": "Left knee pain.", "error": {"kind": "wrong_side", "span": "Left", "correct": "right"}},
    ]}
    summary, _ = assemble(record)

    def fake(summary_text, note):  # flags the invented drug and, wrongly, the correct first sentence
        w = summary_text.index("Warfarin")
        return Report((Flag(0, 7, "term", "Aspirin", "x"), Flag(w, w + 8, "medication", "Warfarin", "x")), ())

    result = score([record], fake)
    assert result["recall"]["invented_drug"] == {"caught": 1, "planted": 1, "recall": 1.0}
    assert result["recall"]["wrong_side"] == {"caught": 0, "planted": 1, "recall": 0.0}
    assert result["correct_sentences"] == 1 and result["false_flag_rate"] == 1.0
    assert summary.startswith("Aspirin 81 mg daily. Warfarin")
