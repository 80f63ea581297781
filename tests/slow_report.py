"""In CI, name every slow test the moment it ends, with the run's elapsed time.

pytest's ``--durations`` table comes only at the end of a run; a CI run stopped by its time limit never
prints it, and its log then shows dots and no reason. This plugin writes one line per test whose
set-up, call or tear-down took more than ``CHARTBRIEF_SLOW_S`` seconds (default 20), as it happens,
so a log cut short still says where the time went. Active when ``CI`` is set (as in tests/skip_policy.py).
"""

from __future__ import annotations

import os
import time

import pytest

from tests.skip_policy import in_ci

_run: dict[str, object] = {}  # the config and start time of this run


def threshold_s() -> float:
    return float(os.environ.get("CHARTBRIEF_SLOW_S", "20"))


def pytest_configure(config: pytest.Config) -> None:
    _run.update(config=config, start=time.monotonic())


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not in_ci() or report.duration < threshold_s() or "config" not in _run:
        return
    reporter = _run["config"].pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    elapsed = time.monotonic() - _run["start"]
    reporter.ensure_newline()
    reporter.write_line(f"slow: {report.when:8} {report.duration:6.1f} s at {elapsed / 60:5.1f} min  {report.nodeid}")
