"""The real window under X11 (Xvfb): scripts/screenshot.py summarizes a sample note and saves a PNG."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshot.py"
NO_DISPLAY = 3

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def _distinct_colors(image: QImage, step: int = 7) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_screenshot_of_a_summarized_note(tmp_path):
    if not os.environ.get("DISPLAY") and shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb) and there is no DISPLAY")
    out = tmp_path / "shot.png"
    short_note = tmp_path / "note.txt"
    sample = ROOT / "resources" / "samples" / "cardiology_admission.txt"
    short_note.write_text(sample.read_text(encoding="utf-8")[:1200], encoding="utf-8")
    cmd = [sys.executable, str(SCRIPT), "--out", str(out), "--note", str(short_note), "--engine", "reference",
           "--styles", "brief", "--max-new-tokens", "24", "--timeout", "700", "--size", "1200x760"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=800, check=False)
    if proc.returncode == NO_DISPLAY:
        pytest.skip(proc.stderr.strip().splitlines()[-1])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert outcome["png"] == str(out) and not outcome["messages"]
    assert outcome["engine"].startswith("reference fp32")
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 1000 and image.height() >= 600
    assert out.stat().st_size > 20_000
    assert _distinct_colors(image) > 30  # text, widgets and highlight, not a blank frame
