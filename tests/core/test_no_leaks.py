"""A canary sentence in a note must never appear in logs, crash reports, settings, the audit log, cache
files, temp files left behind, file names, or process command lines — after summarizing, and after
fine-tuning and evaluating on notes that carry it (the worker processes included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


def _worker_cmdlines(parent_done) -> list[bytes]:
    """Command lines of ChartBrief worker processes seen while ``parent_done()`` is false: one per process and
    command (the fine-tuning worker execs the evaluation worker in the same process)."""
    seen: dict[tuple[int, bytes], bytes] = {}
    while not parent_done():
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    cmd = (d / "cmdline").read_bytes()
                    comm = (d / "comm").read_bytes()
                except OSError:
                    continue
                if (b"core.finetune.worker" in cmd or b"core.evaluate.worker" in cmd) and (int(d.name), cmd) not in seen:
                    seen[int(d.name), cmd] = cmd + b"\0" + comm
        time.sleep(0.1)
    return list(seen.values())


@pytest.mark.slow
def test_canary_never_leaves_the_training_data(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    tmp.mkdir()
    data = tmp_path / "input" / "pairs.jsonl"
    data.parent.mkdir()
    rows = [json.loads(x) for x in (ROOT / "resources/datasets/synthetic_notes.jsonl").read_text().splitlines()]
    with data.open("w") as f:
        for row in rows:
            row["note"] += f"\nSOCIAL HISTORY: {CANARY}.\n"
            row["summary"] += f" {CANARY}."
            f.write(json.dumps(row) + "\n")
    env = dict(os.environ, CHARTBRIEF_HOME=str(home), TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp))
    proc = subprocess.Popen([sys.executable, "-m", "gui.launcher", "-v", "finetune", str(data), "--max-steps", "2",
                             "--max-length", "1152", "--yes", "--eval-limit", "2", "--max-new-tokens", "16",
                             "--eval-engine", "openvino", "--eval-independent", "1", "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers = _worker_cmdlines(lambda: proc.poll() is not None)
    out, err = proc.communicate(timeout=1800)
    assert proc.returncode == 0, err[-3000:].decode(errors="replace")
    events = [json.loads(x) for x in out.decode().splitlines() if x.startswith("{")]
    assert any(e["event"] == "evaluation" for e in events) and any(e["event"] == "finished" for e in events)
    assert any(b"core.finetune.worker" in w for w in workers) and any(b"core.evaluate.worker" in w for w in workers), \
        "the training and evaluation workers were seen (and their command lines checked)"
    assert all(CANARY.encode() not in w for w in workers)
    assert CANARY.encode() not in out + err, "progress events and debug logging must not carry note text"
    hits = scan(home, CANARY) + scan(tmp, CANARY)
    assert hits == [], hits
    assert list((home / "data").rglob("worker.log")), "the worker log was written (and scanned)"
    assert list((home / "data").rglob("adapter_model.safetensors")), "the adapter was saved (and scanned)"
