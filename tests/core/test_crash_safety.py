"""SIGKILL a process while it saves settings or appends to the audit log: files stay usable."""

from __future__ import annotations

import base64
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from core import audit, settings

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 8

_SAVER = """
import base64, os, sys
from core import settings
size, i = 1024, 0
while True:
    geometry = base64.b64encode(os.urandom(size)).decode()
    settings.save(settings.Settings(font_size=6 + i % 40, window_geometry=geometry), sys.argv[1])
    if i == 0:
        print("ready", flush=True)
    size, i = (size * 2 if size < 512 * 1024 else 1024), i + 1
"""

_APPENDER = """
import sys
from core import audit
print("ready", flush=True)
for i in range(10 ** 9):
    audit.record("evaluate", path=sys.argv[1], i=i, model_id="m" * (i % 200))
"""


def _run_and_kill(code: str, path: Path, rng: random.Random) -> None:
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.3))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()


def test_settings_survive_sigkill_mid_save(tmp_path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    path = tmp_path / "settings.json"
    for n in range(ROUNDS):
        _run_and_kill(_SAVER, path, rng)
        result = settings.load(path)
        assert result.warning is None, (seed, n, result.warning)
        assert 6 <= result.settings.font_size <= 45
        assert base64.b64decode(result.settings.window_geometry)
    assert not list(tmp_path.glob("*.corrupt-*"))
    # Temp files of killed saves are ignored above; once stale they are removed on load.
    leftovers = list(tmp_path.glob(".settings.json.*.tmp"))
    old = time.time() - settings.STALE_TMP_SECONDS - 1
    for tmp in leftovers:
        os.utime(tmp, (old, old))
    assert settings.load(path).warning is None
    assert not list(tmp_path.glob(".settings.json.*.tmp"))


def test_audit_log_survives_sigkill_mid_append(tmp_path):
    rng = random.Random()
    path = tmp_path / "audit.jsonl"
    for _ in range(ROUNDS // 2):
        _run_and_kill(_APPENDER, path, rng)
        result = audit.verify(path)
        # a kill can at most leave a torn last line, which the next append steps over
        assert all("truncated last line" in p for p in result.problems), result.problems
        audit.record("evaluate", path=path, i=-1)
    assert all("garbled line" in p for p in audit.verify(path).problems)
    assert [e["seq"] for e in audit.read(path)] == list(range(1, len(audit.read(path)) + 1))
