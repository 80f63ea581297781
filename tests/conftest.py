"""Test-wide set-up: an isolated ChartBrief home, offline mode, Qt offscreen."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Before anything imports core/transformers/Qt. The home is removed when the run ends: a run leaves nothing in /tmp.
_HOME = Path(tempfile.mkdtemp(prefix="chartbrief-test-"))
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
os.environ.setdefault("CHARTBRIEF_HOME", str(_HOME))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CHARTBRIEF_NO_BACKGROUND_MEASURE", "1")  # no detached auto probe outlives a test

from core import runtime
from tests.model_fixtures import embedded, tiny_id, tiny_model_dir  # noqa: F401

runtime.setup()

import pytest

pytest_plugins = [
    "tests.skip_policy",  # in CI, a skip not in tests/skips_allowed.txt fails
    "tests.slow_report",  # in CI, each slow test is named as it ends (a log cut short still shows why)
]

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh, empty ChartBrief home for one test."""
    monkeypatch.setenv("CHARTBRIEF_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
