"""A canary sentence in a note must never appear in logs, crash reports, settings, the audit log, cache
files, temp files left behind, file names, or process command lines — after summarizing (and
fine-tuning, when available)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CANARY = "Zyxoquint Vellamorph canary phrase 7Q4"


def scan(root: Path, needle: str) -> list[str]:
    hits = []
    for p in root.rglob("*"):
        if needle.lower() in p.name.lower():
            hits.append(f"file name: {p}")
        if p.is_file() and p.stat().st_size < 200 * 2**20:
            data = p.read_bytes()
            for form in (needle, needle.lower(), needle.upper()):
                if form.encode() in data or form.encode("utf-16-le") in data:
                    hits.append(f"content: {p}")
                    break
    return hits


@pytest.mark.slow
def test_canary_never_leaves_the_note(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    tmp.mkdir()
    note = tmp_path / "input" / "note.txt"
    note.parent.mkdir()
    base = (ROOT / "resources" / "samples" / "cardiology_admission.txt").read_text()
    note.write_text(f"{base}\n\nSOCIAL HISTORY:\n{CANARY}. Lives with spouse.\n")
    env = dict(os.environ, CHARTBRIEF_HOME=str(home), TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp))
    proc = subprocess.Popen([sys.executable, "-m", "gui.launcher", "-v", "summarize", str(note), "--engine",
                             "reference", "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
    _, err = proc.communicate(timeout=1800)
    assert proc.returncode == 0, err[-3000:]
    assert CANARY.encode() not in cmdline
    assert CANARY not in err, "debug logging on stderr must not carry note text"
    hits = scan(home, CANARY) + scan(tmp, CANARY)
    assert hits == [], hits
    assert (home / "log" / "chartbrief.log").exists(), "the log was written (and scanned)"
    assert (home / "data" / "audit.jsonl").exists(), "the audit log was written (and scanned)"
