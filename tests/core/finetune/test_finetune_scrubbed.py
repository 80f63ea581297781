"""The scrubbed copy a user may train on when the privacy scan found identifiers; the CLI's --scrub."""

from __future__ import annotations

import json

from core.finetune import scrubbed

ROWS = [{"note": "Pt John Smith, MRN 12345678, seen for cough.", "summary": "Cough; MRN 12345678.", "site": "a"},
        {"note": "No identifiers here, knee pain for two weeks.", "summary": "Knee pain.", "site": "b"}]


def test_the_copy_replaces_identifiers_and_keeps_other_fields(tmp_path, home):
    data = tmp_path / "pairs.jsonl"
    original = "".join(json.dumps(r) + "\n" for r in ROWS)
    data.write_text(original)
    copy = scrubbed.write_copy(data)
    assert copy == scrubbed.target_for(data) and copy.name == "pairs.scrubbed.jsonl"
    rows = [json.loads(line) for line in copy.read_text().splitlines()]
    assert [r["site"] for r in rows] == ["a", "b"]
    assert "12345678" not in copy.read_text() and "[MRN]" in rows[0]["note"]
    assert rows[1]["note"] == ROWS[1]["note"]
    assert data.read_text() == original  # the original is never touched
