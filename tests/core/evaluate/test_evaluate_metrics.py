"""Metrics on known strings: ROUGE (stemmed F1, points), fact recall, aggregation, the report table."""

from __future__ import annotations

import pytest

from core.evaluate import aggregate, fact_recall, format_table, key_terms, rouge, score
from core.evaluate.facts import recall_counts
from core.evaluate.metrics import NoteScore
from core.evaluate.report import build, headline


def test_rouge_identical_disjoint_and_partial():
    assert rouge("the cat sat on the mat", "the cat sat on the mat") == {"rouge1": 100.0, "rouge2": 100.0,
                                                                         "rougeL": 100.0}
    assert rouge("alpha beta", "gamma delta")["rougeL"] == 0.0
    r = rouge("the cat sat", "the cat ran")  # 2 of 3 unigrams, 1 of 2 bigrams, LCS 2
    assert r["rouge1"] == pytest.approx(66.667, abs=0.01)
    assert r["rouge2"] == pytest.approx(50.0)
    assert r["rougeL"] == pytest.approx(66.667, abs=0.01)


def test_rouge_uses_the_stemmer():
    assert rouge("the patient was running", "the patients run")["rouge1"] > 80


def test_key_terms_are_quantities_with_units_medications_and_sides():
    terms = key_terms("Left knee pain. BP 121/84 mmHg, HR 108 bpm. Started metoprolol 25 mg; seen 3 times.")
    kinds = {(t.kind, t.text) for t in terms}
    assert ("side", "Left knee") in kinds and ("medication", "metoprolol") in kinds
    assert {("quantity", "121/84 mmHg"), ("quantity", "108 bpm"), ("quantity", "25 mg")} <= kinds
    assert not any(t.text == "3" for t in terms)  # a bare number is not a key term


def test_fact_recall_normalizes_units_and_brand_names():
    reference = "Acetaminophen 1 g; right hip pain; BP 140/90 mmHg."
    assert fact_recall("Tylenol 1000 mg for right hip pain, BP 140/90 mmHg", reference) == 1.0
    found, total = recall_counts("acetaminophen 500 mg, left hip", reference)
    assert total == 4 and found == 1  # only the drug name; the dose, side and BP are wrong or missing
    assert fact_recall("anything", "No numbers or drugs here.") is None


def test_score_counts_grounding_flags():
    note = "Started metoprolol 25 mg daily."
    s = score("Started metoprolol 50 mg daily and warfarin.", "Metoprolol 25 mg daily.", note,
              note_sha256="0" * 64, group="seen")
    assert s.flags.get("medication") == 1 and s.flags.get("dose") == 1
    assert s.facts_total == 2 and s.facts_found == 1 and s.fact_recall == 0.5


def _s(group, rl, found, total, tags=(), flags=None):
    return NoteScore("0" * 64, group, rl, rl / 2, rl, found, total, flags or {}, 10, 1.0, list(tags))


def test_aggregate_and_report_deltas():
    base = [_s("seen", 20, 1, 4), _s("unseen", 10, 0, 4, ["unseen:layout"], {"dose": 2})]
    tuned = [_s("seen", 40, 3, 4), _s("unseen", 30, 2, 4, ["unseen:layout"])]
    agg = aggregate(base)
    assert agg["notes"] == 2 and agg["rougeL"] == 15 and agg["fact_recall"] == 0.125 and agg["flags"] == 2
    report = build(base, tuned, model_id="m", adapter_id="a", engine="reference", variant="fp32",
                   max_new_tokens=8, style="brief")
    assert report["groups"]["seen"]["delta"]["rougeL"] == 20
    assert report["groups"]["unseen"]["delta"]["fact_recall"] == 0.5
    assert report["groups"]["unseen:layout"]["base"]["notes"] == 1
    assert "unseen:specialty" not in report["groups"]
    assert report["groups"]["unseen"]["delta"]["flags_per_note"] == -2
    table = format_table(report)
    assert "seen (1 notes)" in table and "+20.0" in table and "+0.500" in table
    assert headline(report)["unseen"]["adapter_rougeL"] == 30
