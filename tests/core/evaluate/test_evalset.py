"""``chartbrief evaluate --set``: an independent set is read with clear errors, facts are matched in any
spelling the grounding check accepts, and the report holds scores, not text."""

from __future__ import annotations

import json

import pytest

from core.cli import main
from core.errors import ChartBriefError
from core.evaluate import evalset
from core.grounding import medications, support
from tests.core.evaluate.test_evaluate_runner import FakeEngine, fake_engines  # noqa: F401


def found(fact: str, summary: str) -> bool:
    return evalset.fact_found(fact, support.Indexed(summary, medications.find(summary)))


@pytest.mark.parametrize(("fact", "summary", "expected"), [
    ("furosemide 40 mg", "Lasix 40 mg IV given.", True),
    ("twice daily", "Metformin 500 mg BID.", True),
    ("hypertension", "History of HTN.", True),
    ("1,000 mg", "Metformin 1000 mg.", True),
    ("metoprolol 25 mg", "Metoprolol 50 mg.", False),
    ("atrial fibrillation", "Sinus rhythm.", False),
])
def test_facts_are_found_in_any_accepted_spelling(fact, summary, expected):
    assert found(fact, summary) is expected


def test_the_shipped_sets_load():
    from core.paths import RESOURCES

    dev = evalset.load(RESOURCES / "evalsets" / "summaries" / "dev.jsonl")
    test = evalset.load(RESOURCES / "evalsets" / "summaries" / "test.jsonl")
    assert len(dev) >= 10 and len(test) >= 20
    assert sum(i.long for i in test) >= 2
    assert not {i.note for i in dev} & {i.note for i in test}


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "line 2: not valid JSON"),
    ('{"id": "x", "note": "n"}', "line 2: missing facts, reference"),
    ('{"id": "x", "note": 3, "facts": [], "reference": "r"}', "line 2: 'note' must be text"),
])
def test_a_bad_line_is_named(tmp_path, line, message):
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "ok", "note": "n", "facts": ["a"], "reference": "r"}\n' + line + "\n")
    with pytest.raises(ChartBriefError, match=message):
        evalset.load(path)


def test_evaluate_set_scores_every_note_and_style(tmp_path, capsys, fake_engines):  # noqa: F811
    path, out = tmp_path / "set.jsonl", tmp_path / "report.json"
    rows = [{"id": f"n{i}", "note": f"Note {i}: metoprolol 25 mg daily. Denies chest pain. " * 20,
             "facts": ["metoprolol 25 mg", "daily", "warfarin"], "reference": {"brief": "Metoprolol 25 mg daily."}}
            for i in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert main(["evaluate", "--set", str(path), "--styles", "brief,handoff", "--engine", "reference",
                 "--adapter", "none", "--out", str(out)]) == 0
    table = capsys.readouterr().out
    # a heading-less note: facts mode shows its first sentences ("metoprolol 25 mg daily"; no warfarin)
    assert "| brief | fake fp32 | 3 | 0.667 |" in table
    report = json.loads(out.read_text())
    assert [r["style"] for r in report["summary"]] == ["brief", "handoff"]
    assert len(report["scores"]) == 6 and all(s["facts_total"] == 3 for s in report["scores"])
    assert "metoprolol" not in out.read_text().lower(), "the report holds no text"


def test_a_medication_change_counts_only_with_its_change():
    summary = "Medication changes:\n- STARTED Eliquis 5 mg BID\n- Metformin HELD for contrast\n- lisinopril 20 mg"
    assert evalset.change_found("apixaban", "started", summary)  # brand in the summary, generic in the set
    assert evalset.change_found("metformin", "held", summary)
    assert not evalset.change_found("metformin", "stopped", summary)
    assert evalset.change_found("lisinopril", "continued", summary)
    assert not evalset.change_found("lisinopril", "changed", summary)
    assert not evalset.change_found("warfarin", "continued", summary)


def test_change_found_reads_the_notes_drug_abbreviations():
    from core.evaluate.evalset import change_found

    assert change_found("methotrexate", "changed", "Medication changes:\n- CHANGED MTX 15 -> 20 mg PO qwk (Fri).")
    assert not change_found("methotrexate", "stopped", "Medication changes:\n- CHANGED MTX 15 -> 20 mg PO qwk (Fri).")


def test_change_found_accepts_a_more_specific_form_of_the_drug():
    """A summary that names a more specific form of the set's drug keeps its change ("insulin glargine" for
    "insulin", "Zosyn" for "piperacillin"); two products that only share a salt are not one drug."""
    from core.evaluate.evalset import change_found

    assert change_found("insulin", "started", "Medication changes:\n- STARTED insulin glargine 10 units nightly")
    assert change_found("piperacillin", "stopped", "Medication changes:\n- STOPPED Zosyn 4.5 g IV q6h")
    assert not change_found("sodium bicarbonate", "started", "Medication changes:\n- STARTED sodium chloride 1 g TID")
    assert not change_found("insulin lispro", "started", "Medication changes:\n- STARTED insulin glargine 10 units")
