"""In CI, a skipped test fails unless ``tests/skips_allowed.txt`` lists it with a reason.

A skip hides a test that did not run; outside CI that is a developer's business, but a CI run must not
pass on tests that silently did not run (a missing X server, a missing extra). Loaded as a plugin by
tests/conftest.py; active when the ``CI`` environment variable is set (``.ci/run`` sets it).
``CHARTBRIEF_SKIPS_ALLOWED`` names another allow-list file (the plugin's own tests use it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DEFAULT_ALLOW_LIST = Path(__file__).with_name("skips_allowed.txt")
_ALLOWED = pytest.StashKey[dict[str, str] | None]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def allow_list_path() -> Path:
    return Path(os.environ.get("CHARTBRIEF_SKIPS_ALLOWED") or DEFAULT_ALLOW_LIST)


def read_allow_list(path: Path) -> dict[str, str]:
    """{test id: reason}; an entry without a reason is an error."""
    allowed: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        test_id, _, reason = (part.strip() for part in line.partition("|"))
        if not test_id or not reason:
            raise pytest.UsageError(f"{path}:{n}: an allowed skip needs '<test id> | <reason>'")
        allowed[test_id] = reason
    return allowed


def is_allowed(nodeid: str, allowed: dict[str, str]) -> bool:
    """Whether ``nodeid`` (any parametrization of it) is on the list."""
    return nodeid in allowed or nodeid.split("[", 1)[0] in allowed


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_ALLOWED] = read_allow_list(allow_list_path()) if in_ci() else None


def _fail_unlisted(config: pytest.Config, report: pytest.CollectReport | pytest.TestReport) -> None:
    allowed = config.stash.get(_ALLOWED, None)
    if allowed is None or not report.skipped or hasattr(report, "wasxfail") or is_allowed(report.nodeid, allowed):
        return
    why = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (f"skipped in CI ({why}), and {report.nodeid} is not in {allow_list_path()}: "
                       "make it run, or add it there with the reason")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    _fail_unlisted(item.config, outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    _fail_unlisted(collector.config, outcome.get_result())

