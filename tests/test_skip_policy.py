"""tests/skip_policy.py: in CI an unlisted skip fails; listed ones (any parametrization) and xfails do not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import skip_policy

REPO = Path(__file__).resolve().parents[1]

SAMPLE = '''
import pytest

def test_listed():
    pytest.skip("needs a thing CI lacks")

def test_unlisted():
    pytest.skip("needs a thing CI lacks")

@pytest.mark.skipif(True, reason="skipped at setup")
def test_unlisted_mark():
    pass

@pytest.mark.parametrize("n", [1, 2])
def test_listed_param(n):
    pytest.skip("any parametrization is covered")

@pytest.mark.xfail(strict=True, reason="a known bug")
def test_known_bug():
    assert False

def test_runs():
    assert True
'''


def _run(tmp_path: Path, allow: str, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "allowed.txt").write_text(allow)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(PYTHONPATH=str(REPO), CHARTBRIEF_SKIPS_ALLOWED=str(tmp_path / "allowed.txt"))
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.skip_policy",
                           "-rfEs", "test_sample.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


ALLOW = ("# comment\n\ntest_sample.py::test_listed | CI has no such thing\n"
         "test_sample.py::test_listed_param | neither here\n")


def test_in_ci_an_unlisted_skip_fails(tmp_path):
    proc = _run(tmp_path, ALLOW, ci="true")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert "1 failed" in last and "1 passed" in last and "3 skipped" in last and "1 xfailed" in last
    assert "1 error" in last  # the skipif mark skips at setup
    assert "test_unlisted - skipped in CI" in proc.stdout and "not in" in proc.stdout
    assert "ERROR test_sample.py::test_unlisted_mark" in proc.stdout


def test_outside_ci_skips_stay_skips(tmp_path):
    proc = _run(tmp_path, ALLOW, ci=None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 skipped" in proc.stdout.strip().splitlines()[-1]


def test_an_entry_without_a_reason_is_refused(tmp_path):
    proc = _run(tmp_path, "test_sample.py::test_listed\n", ci="1")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    assert "allowed.txt:1: an allowed skip needs '<test id> | <reason>'" in proc.stderr


def test_the_allow_list_names_real_tests_with_reasons():
    allowed = skip_policy.read_allow_list(skip_policy.DEFAULT_ALLOW_LIST)
    assert allowed
    for test_id, reason in allowed.items():
        path, _, name = test_id.partition("::")
        assert f"def {name}(" in (REPO / path).read_text(encoding="utf-8"), test_id
        assert len(reason.split()) >= 5, test_id
