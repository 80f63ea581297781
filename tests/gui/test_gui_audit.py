"""The audit view: entries recorded with core.audit (ids and hashes only), Verify, and a tampered line."""

from __future__ import annotations

import pytest

from core import audit
from gui.audit_view import AuditView

NOTE = "Patient reports chest pain since Tuesday."


@pytest.fixture
def log_entries(home):
    audit.record("summarize", note_sha256=audit.sha256_text(NOTE), model_id="embedded:smollm2-135m")
    audit.record("adapter-activate", adapter_id="smollm2-135m-v1", model_id="embedded:smollm2-135m")
    audit.record("finetune-start", run_id="20300101-000000-beef", dataset_sha256="ab" * 32, train_rows=20)
    return audit.default_path()


def _rows(view) -> list[list[str]]:
    t = view.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_entries_are_listed_newest_first_without_text(qtbot, log_entries):
    view = AuditView()
    qtbot.addWidget(view)
    rows = _rows(view)
    assert [r[0] for r in rows] == ["3", "2", "1"]
    assert [r[2] for r in rows] == ["finetune-start", "adapter-activate", "summarize"]
    assert rows[0][3] == "dataset_sha256=abababababab…, run_id=20300101-000000-beef, train_rows=20"
    assert rows[2][3].startswith("model_id=embedded:smollm2-135m, note_sha256=")
    assert all(len(r[4]) == 13 and r[4].endswith("…") for r in rows)
    assert view.count.text() == "3 entries"
    assert not any("chest pain" in cell for row in rows for cell in row)
    audit.record("export", adapter_id=None)
    view.refresh_button.click()
    assert len(_rows(view)) == 4


def test_verify_says_ok_then_names_a_tampered_line(qtbot, log_entries):
    view = AuditView()
    qtbot.addWidget(view)
    view.verify_button.click()
    assert view.result.text().startswith("OK: 3 entries") and not view.problems.isVisibleTo(view)
    lines = log_entries.read_text().splitlines()
    lines[1] = lines[1].replace("smollm2-135m-v1", "smollm2-135m-v7")
    log_entries.write_text("\n".join(lines) + "\n")
    view.verify_button.click()
    problems = [view.problems.item(i).text() for i in range(view.problems.count())]
    assert view.result.text().startswith("1 problem(s) found") and view.problems.isVisibleTo(view)
    assert problems[0].startswith("line 2 (seq 2): hash mismatch")
    assert [r[3] for r in _rows(view)][1].startswith("adapter_id=smollm2-135m-v7")  # the table shows what is there


def test_empty_log_shows_nothing_and_verifies(qtbot, home):
    view = AuditView()
    qtbot.addWidget(view)
    assert view.table.rowCount() == 0 and view.verify().ok and view.result.text().startswith("OK: 0 entries")
