"""The built wheel is a real package: it holds every package folder and all shipped data, and once installed
in a fresh virtual environment outside the checkout, ``chartbrief summarize`` works from it.

The fresh environment gets ChartBrief from the wheel only; its third-party dependencies (torch, OpenVINO …,
several GB) are borrowed from this test run's environment through a ``.pth`` line, which adds that
``site-packages`` folder to ``sys.path`` *after* the fresh one without running its ``.pth`` files — so the
checkout's editable install stays invisible, and a missing file in the wheel fails the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _package_folders() -> set[str]:
    found = {str(p.parent.relative_to(ROOT)).replace(os.sep, ".")
             for top in ("core", "gui", "benchmarks") for p in (ROOT / top).rglob("__init__.py")}
    return found | {"chartbrief_resources"}


def test_pyproject_lists_every_package_folder():
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    assert sorted(listed) == sorted(_package_folders())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", "-w", str(out)], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (built,) = out.glob("chartbrief-*.whl")
    return built


def _shipped_files() -> set[str]:
    tracked = subprocess.run(["git", "ls-files", "resources"], cwd=ROOT, capture_output=True, text=True,
                             check=False).stdout.split()
    if not tracked:  # not a git checkout (a source archive): every file there
        tracked = [str(p.relative_to(ROOT)) for p in (ROOT / "resources").rglob("*") if p.is_file()
                   and "__pycache__" not in p.parts]
    return {"chartbrief_resources/" + f.removeprefix("resources/") for f in tracked}


@pytest.mark.slow
def test_wheel_holds_all_code_and_shipped_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing_data = sorted(_shipped_files() - names)
    assert missing_data == []
    code = {str(p.relative_to(ROOT)) for top in ("core", "gui", "benchmarks") for p in (ROOT / top).rglob("*.py")}
    assert sorted(code - names) == []
    assert not any(n.startswith(("tests/", "resources/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_summarizes_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           "-q", str(wheel)], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    fresh_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                     capture_output=True, text=True, check=True).stdout.strip())
    (fresh_site / "borrowed-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    note = work / "note.md"
    note.write_text((ROOT / "resources" / "samples" / "orthopedics_clinic.md").read_text())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["CHARTBRIEF_HOME"] = str(tmp_path / "home")

    probe = "import core, gui, chartbrief_resources; from core import paths; print(core.__file__, paths.RESOURCES)"
    where = subprocess.run([str(python), "-c", probe], cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(p).is_relative_to(fresh_site) for p in where), where

    # OpenVINO: its export runs as a child process, which must find the installed module too.
    run = subprocess.run([str(venv / "bin" / "chartbrief"), "summarize", str(note), "--engine", "openvino"],
                         cwd=work, env=env, capture_output=True, text=True, timeout=1500, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert re.search(r"(?i)meniscus|knee", run.stdout), run.stdout
    assert str(ROOT) not in run.stderr
