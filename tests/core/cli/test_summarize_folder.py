"""``chartbrief summarize DIR --out OUT``: exit status, the closing list of failed notes, resume without
loading the model, Ctrl-C, --json, the requests it refuses; and once with the real model in a fresh home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import engines
from core.cli import main
from tests.core.test_clean_console import OWN_LINE
from tests.stub_engine import StubEngine

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "resources" / "samples"


@pytest.fixture
def loads(monkeypatch):
    """The engines the command loads (a stub each time)."""
    loaded = []

    def load(name="auto", model_id=None, variant=None, adapter=None, on_status=None):
        loaded.append(StubEngine())
        return loaded[-1]

    monkeypatch.setattr(engines, "load", load)
    return loaded


@pytest.fixture
def notes(tmp_path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "cardiology.txt").write_text((SAMPLES / "cardiology_admission.txt").read_text())
    (folder / "ortho.md").write_text((SAMPLES / "orthopedics_clinic.md").read_text())
    return folder


def own_lines_only(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not OWN_LINE.match(line)]


def test_a_folder_is_summarized_and_a_rerun_loads_no_model(notes, tmp_path, home, loads, capsys):
    out = tmp_path / "out"
    assert main(["summarize", str(notes), "--out", str(out), "--engine", "reference"]) == 0
    err = capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["cardiology.txt.brief.summary.md", "ortho.md.brief.summary.md"]
    assert "[done] 1/2 cardiology.txt → cardiology.txt.brief.summary.md" in err
    assert "— 2 written, 0 already up to date, 0 failed" in err and own_lines_only(err) == []
    assert len(loads) == 1
    assert main(["summarize", str(notes), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "[skipped] 2 note(s) already summarized" in err and "— 0 written, 2 already up to date" in err
    assert len(loads) == 1


def test_bad_notes_are_listed_with_what_to_do_and_the_exit_status_says_so(notes, tmp_path, home, loads, capsys):
    (notes / "empty.txt").write_bytes(b"")
    (notes / "broken.docx").write_bytes(b"PK\x03\x04 definitely not a real zip")
    (notes / "scan.jpg").write_bytes(b"\xff\xd8\xff")
    out = tmp_path / "out"
    assert main(["summarize", str(notes), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["cardiology.txt.brief.summary.md", "ortho.md.brief.summary.md"]
    lines = err.splitlines()
    i = lines.index("  ✗ empty.txt contains no text.")
    assert lines[i + 1].startswith("    → Check that you chose the right file")
    assert any(line.startswith("  ✗ broken.docx ") for line in lines)
    assert "[ignored] 1 file(s) that are not notes" in err and "scan.jpg" in err
    assert "— 2 written, 0 already up to date, 2 failed" in err
    assert own_lines_only(err) == []


def test_ctrl_c_exits_130_with_no_partial_file_and_a_rerun_continues(notes, tmp_path, home, monkeypatch, capsys):
    stub = StubEngine(interrupt_on="substernal")  # the cardiology note's prompt, the first of the two
    monkeypatch.setattr(engines, "load", lambda *a, **k: stub)
    out = tmp_path / "out"
    assert main(["summarize", str(notes), "--out", str(out)]) == 130
    assert "— stopped: 0 of 2 summaries written" in capsys.readouterr().err
    assert os.listdir(out) == []
    stub.interrupt_on = None
    assert main(["summarize", str(notes), "--out", str(out)]) == 0
    assert len(os.listdir(out)) == 2


def test_json_writes_json_summaries_and_a_report_on_stdout(notes, tmp_path, home, loads, capsys):
    (notes / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert main(["summarize", str(notes), "--out", str(out), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(r["file"], r["status"]) for r in report["notes"]] == [
        ("cardiology.txt", "written"), ("empty.txt", "failed"), ("ortho.md", "written")]
    assert report["notes"][1]["error"] == "empty.txt contains no text." and report["notes"][1]["hint"]
    summary = json.loads((out / "ortho.md.brief.summary.json").read_text())
    assert summary["source"]["file"] == "ortho.md" and "ibuprofen" in summary["summary"]


def test_one_file_with_out_is_written_to_the_folder(notes, tmp_path, home, loads, capsys):
    out = tmp_path / "out"
    assert main(["summarize", str(notes / "ortho.md"), "--out", str(out), "--style", "soap"]) == 0
    assert os.listdir(out) == ["ortho.md.soap.summary.md"]


@pytest.mark.parametrize("args, message", [
    (["{notes}"], "is a folder: its summaries need a folder to go to"),
    (["{notes}", "--out", "{notes}"], "is the folder the notes are in"),
    (["-", "--out", "{out}"], "not standard input"),
    (["{notes}/ortho.md", "--redo"], "--redo is for --out"),
    (["{empty}", "--out", "{out}"], "has no note files"),
])
def test_requests_it_cannot_do_are_refused_with_exit_2_and_no_model_loaded(notes, tmp_path, home, loads, capsys,
                                                                          args, message):
    (tmp_path / "empty").mkdir()
    argv = [a.format(notes=notes, out=tmp_path / "out", empty=tmp_path / "empty") for a in args]
    assert main(["summarize", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "\n  → " in err
    assert loads == []


@pytest.mark.slow
def test_the_real_command_summarizes_two_samples_in_a_fresh_home(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in ("cardiology_admission.txt", "orthopedics_clinic.md"):
        (notes / name).write_bytes((SAMPLES / name).read_bytes())
    env = dict(os.environ, CHARTBRIEF_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-m", "gui.launcher", "summarize", str(notes), "--out", str(tmp_path / "out"),
               "--engine", "reference"]
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert own_lines_only(proc.stderr) == []
    written = sorted(os.listdir(tmp_path / "out"))
    assert written == ["cardiology_admission.txt.brief.summary.md", "orthopedics_clinic.md.brief.summary.md"]
    assert "ticagrelor" in (tmp_path / "out" / written[0]).read_text()
    audit_log = (tmp_path / "home").rglob("audit*")
    entries = [json.loads(line) for p in audit_log if p.is_file() for line in p.read_text().splitlines()]
    assert [e["action"] for e in entries] == ["summarize", "summarize"]
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0 and "[skipped] 2 note(s) already summarized" in again.stderr
