"""The installer: idempotent, clear failures, CPU-only torch, and the air-gapped wheelhouse path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "installer" / "install.sh"
VENV = Path(sys.executable).parent.parent


def run(args, env=None, timeout=1800):
    return subprocess.run(["bash", *map(str, args)], check=False, cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def fake_bin(tmp_path: Path, name: str, script: str) -> Path:
    d = tmp_path / "bin"
    d.mkdir(exist_ok=True)
    f = d / name
    f.write_text("#!/bin/sh\n" + script)
    f.chmod(0o755)
    return d


def test_wrong_python_version_is_refused_clearly(tmp_path):
    fake = fake_bin(tmp_path, "python3.10", 'echo 3.10\n')
    proc = run([INSTALL], {"CHARTBRIEF_PYTHON": str(fake / "python3.10"), "CHARTBRIEF_VENV": str(tmp_path / "v")})
    assert proc.returncode != 0
    assert "needs Python 3.11" in proc.stderr and "Python 3.10" in proc.stderr
    assert not (tmp_path / "v").exists()


def test_full_disk_is_refused_clearly(tmp_path):
    d = fake_bin(tmp_path, "df", 'echo "Filesystem 1M-blocks Used Available Capacity Mounted"\n'
                                 'echo "/dev/x 1000 900 100 90% /"\n')
    proc = run([INSTALL], {"PATH": f"{d}:{os.environ['PATH']}", "CHARTBRIEF_VENV": str(tmp_path / "v"),
                           "CHARTBRIEF_PYTHON": sys.executable if sys.version_info[:2] == (3, 11) else "python3.11"})
    assert proc.returncode != 0
    assert "only 100 MB free" in proc.stderr


def test_second_run_is_fast_and_changes_nothing():
    if Path(sys.prefix) != VENV or not (VENV / ".chartbrief-install").exists():
        pytest.skip("tests are not running from an installer-made venv")
    before = (VENV / ".chartbrief-install").read_text()
    proc = run([INSTALL, "--dev"], {"CHARTBRIEF_VENV": str(VENV)})
    assert proc.returncode == 0, proc.stderr
    assert "already installed" in proc.stderr
    assert (VENV / ".chartbrief-install").read_text() == before


def test_venv_has_cpu_torch_and_no_cuda_packages():
    out = subprocess.run([sys.executable, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True,
                         check=True).stdout
    assert "torch==2.13.0+cpu" in out
    assert not [line for line in out.splitlines() if line.lower().startswith("nvidia-")]


@pytest.mark.slow
def test_air_gapped_install_from_a_wheelhouse(tmp_path):
    """Build the wheelhouse (from the registry, mostly pip's cache), then install with no index at all."""
    wh, venv = tmp_path / "wheels", tmp_path / "venv"
    proc = run([ROOT / "installer" / "build_wheelhouse.sh", wh, "--dev"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    env = {"CHARTBRIEF_VENV": str(venv), "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_FIND_LINKS": "",
           "PIP_EXTRA_INDEX_URL": "", "PIP_RETRIES": "0", "PIP_TIMEOUT": "2"}
    proc = run([INSTALL, "--dev", "--wheelhouse", wh], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "installing from the wheelhouse" in proc.stderr
    doctor = subprocess.run([str(venv / "bin" / "chartbrief"), "doctor", "--json"], check=False,
                            capture_output=True, text=True)
    assert doctor.returncode == 0 and '"ipex_llm_kernel"' in doctor.stdout
