"""Audit log: appends, hash chain, tamper detection naming the line, text refusal, CLI, two writers."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core import audit
from core.cli import main

REPO = Path(__file__).resolve().parents[2]
NOTE_HASH = audit.sha256_text("Patient seen for follow-up.")


@pytest.fixture
def log5(home) -> Path:
    """An audit log of five entries, at the default path."""
    audit.record("import-model", model_id="embedded:smollm2-135m")
    audit.record("summarize", note_sha256=NOTE_HASH, model_id="embedded:smollm2-135m", template="brief",
                 engine="ipex", duration_s=1.5, cores=[0, 1])
    audit.record("finetune-start", dataset_sha256=audit.sha256_text("rows"), cores=(2, 3))
    audit.record("finetune-finish", adapter_id="ad-1", steps=200)
    audit.record("adapter-activate", adapter_id="ad-1")
    return audit.default_path()


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


def _problems(path: Path) -> list[str]:
    result = audit.verify(path)
    assert not result.ok
    return result.problems


def test_sha256_text():
    assert audit.sha256_text("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_entries_chain_and_verify(log5, home):
    assert log5 == home / "data" / "audit.jsonl"
    assert audit.verify() == audit.VerifyResult(True, 5, [])
    entries = audit.read()
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev"] == audit.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after["prev"] == before["hash"]
    assert all(e["hash"] == audit.entry_hash(e) for e in entries)
    second = entries[1]
    assert second["action"] == "summarize" and second["note_sha256"] == NOTE_HASH
    assert second["time"].endswith("+00:00") and second["app_version"]
    assert entries[2]["cores"] == [2, 3]
    assert [e["seq"] for e in audit.read(limit=2)] == [4, 5]
    assert (log5.stat().st_mode & 0o777) == 0o600


def test_missing_log_verifies_empty(home):
    assert audit.verify() == audit.VerifyResult(True, 0, [])
    assert audit.read() == []


def test_edited_line_is_named(log5):
    lines = _lines(log5)
    lines[2] = lines[2].replace('"cores":[2,3]', '"cores":[2,3,4]')
    log5.write_text("".join(lines))
    problems = _problems(log5)
    assert len(problems) == 1 and problems[0].startswith("line 3 (seq 3)") and "edited" in problems[0]


def test_edited_and_rehashed_line_breaks_the_next_link(log5):
    lines = _lines(log5)
    entry = json.loads(lines[2])
    entry["steps"] = 1
    entry["hash"] = audit.entry_hash(entry)
    lines[2] = json.dumps(entry) + "\n"
    log5.write_text("".join(lines))
    problems = _problems(log5)
    assert len(problems) == 1 and problems[0].startswith("line 4") and "prev does not match" in problems[0]


def test_removed_line_is_named(log5):
    lines = _lines(log5)
    del lines[2]
    log5.write_text("".join(lines))
    problems = _problems(log5)
    assert len(problems) == 1 and problems[0].startswith("line 3 (seq 4)") and "removed" in problems[0]


def test_removed_first_line_is_named(log5):
    log5.write_text("".join(_lines(log5)[1:]))
    assert _problems(log5)[0].startswith("line 1 (seq 2)")


def test_swapped_lines_are_named(log5):
    lines = _lines(log5)
    lines[1], lines[2] = lines[2], lines[1]
    log5.write_text("".join(lines))
    problems = _problems(log5)
    assert [p.split(":")[0] for p in problems] == ["line 2 (seq 3)", "line 3 (seq 2)"]
    assert "reordered" in problems[1]


def test_truncated_last_line_is_named(log5):
    data = log5.read_bytes()
    log5.write_bytes(data[:-40])
    assert _problems(log5) == ["line 5: truncated last line (incomplete write)"]
    assert len(audit.read()) == 4


def test_garbled_line_is_named(log5):
    lines = _lines(log5)
    lines[1] = "\x00\x00garbage\n"
    log5.write_text("".join(lines))
    problems = _problems(log5)
    assert problems[0] == "line 2: garbled line (not an entry)"
    assert problems[1].startswith("line 3 (seq 3)")  # its prev names line 1, not the lost entry


def test_append_after_a_torn_write_starts_a_new_line(log5):
    log5.write_bytes(log5.read_bytes()[:-40])
    entry = audit.record("export", note_sha256=NOTE_HASH)
    assert entry["seq"] == 5  # continues from the last whole entry
    assert _problems(log5) == ["line 5: garbled line (not an entry)"]
    assert audit.read()[-1] == entry


@pytest.mark.parametrize("action, fields", [
    ("summarize", {"note": "short"}),
    ("summarize", {"text": "x"}),
    ("summarize", {"summary": "x"}),
    ("summarize", {"content": "x"}),
    ("summarize", {"raw_note": "x"}),
    ("summarize", {"model_id": "x" * 201}),
    ("summarize", {"template": "two\nlines"}),
    ("summarize", {"cores": ["x" * 300]}),
    ("summarize", {"note_sha256": "Patient has a cough"}),
    ("summarize", {"extra": {"nested": "dict"}}),
    ("summarize", {"seq": 7}),
    ("summarize", {"Bad-Key": 1}),
    ("summarize", {"ratio": float("nan")}),
    ("delete-everything", {}),
])
def test_text_like_fields_are_refused(home, action, fields):
    with pytest.raises(ValueError):
        audit.record(action, **fields)
    assert not audit.default_path().exists()


def test_cli_verify_exit_codes(log5, capsys):
    assert main(["audit", "verify", "--file", str(log5)]) == 0
    assert "OK: 5 entries" in capsys.readouterr().out
    lines = _lines(log5)
    lines[3] = lines[3].replace('"steps":200', '"steps":201')
    log5.write_text("".join(lines))
    assert main(["audit", "verify", "--file", str(log5)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "line 4 (seq 4)" in out


def test_cli_show(log5, capsys):
    assert main(["audit", "show", "--last", "2", "--json"]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["seq"] for e in shown] == [4, 5]
    assert main(["audit", "show"]) == 0
    out = capsys.readouterr().out
    assert "summarize" in out and "adapter-activate" in out and NOTE_HASH[:12] in out


_WRITER = """
import sys
from core import audit
for i in range(40):
    audit.record("evaluate", path=sys.argv[1], writer=int(sys.argv[2]), i=i)
"""


def test_two_processes_append_without_breaking_the_chain(tmp_path):
    path = tmp_path / "audit.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(n)], cwd=REPO) for n in (1, 2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert audit.verify(path) == audit.VerifyResult(True, 80, [])
    assert sorted((e["writer"], e["i"]) for e in audit.read(path)) == [(w, i) for w in (1, 2) for i in range(40)]
