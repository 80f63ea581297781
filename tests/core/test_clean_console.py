"""A fresh home's first ``chartbrief summarize`` shows a clinician only ChartBrief's own lines: no
tokenizer "legacy behaviour" notice, no GGUF progress bar, no torch UserWarning, no optimum-intel
Path.replace message — those go to the log file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# ``  ✗ …`` / ``    → …``: a note that failed and what to do, in ``chartbrief summarize DIR --out OUT``'s
# closing list (core/cli/summarize_folder.py); its per-note lines are ``[done] …``/``[failed] …``. Its
# progress bar is drawn only on a terminal, so a captured stderr never shows one.
OWN_LINE = re.compile(
    r"^(?:\[\w+\] .+|— .+|  ⚑ .+|  ✗ .+|    → .+|(?:Loading|Converting|Measuring|Exporting|Quantizing|Using|Preparing|Reading|"
    r"Building|Checking|Saving|Loaded|The embedded model).+)$"
)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["reference", "openvino"])
def test_first_summarize_in_a_fresh_home_prints_only_chartbriefs_lines(tmp_path, engine):
    env = dict(os.environ, CHARTBRIEF_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "gui.launcher", "summarize",
                           str(ROOT / "resources" / "samples" / "orthopedics_clinic.md"), "--engine", engine],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    foreign = [line for line in proc.stderr.splitlines() if line.strip() and not OWN_LINE.match(line)]
    assert foreign == []
    log = (tmp_path / "home" / "log" / "chartbrief.log").read_text()
    assert "legacy behaviour" in log, "the library's notice went to the log file"
