"""Logging: registered note text never reaches the log file or a crash report."""

from __future__ import annotations

import logging
import re
import stat
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import logsafe

TOKEN = "zebracanary"  # appears only inside the canary note
CANARY = ("Patient reports zebracanary chest pain radiating to the left arm since this morning.\n"
          "History of hypertension; the zebracanary symptoms began after climbing stairs.")


@pytest.fixture
def logsafe_env(home, monkeypatch):
    """Undo what configure() and register_sensitive() did to this process."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setattr(logsafe, "_handler", None)
    logsafe.clear_sensitive()
    yield home
    logsafe.clear_sensitive()
    for h in list(root.handlers):
        h.removeFilter(logsafe.REDACT_FILTER)
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)


def _log_text(handler: logging.Handler) -> str:
    handler.flush()
    return open(handler.baseFilename, encoding="utf-8").read()


def test_canary_never_reaches_the_log(logsafe_env):
    assert logsafe.register_sensitive(CANARY)
    handler = logsafe.configure(logging.DEBUG)
    assert handler.baseFilename == str(logsafe_env / "log" / "chartbrief.log")
    log = logging.getLogger("chartbrief.test")
    log.info("summarizing %s", CANARY)
    log.debug("prompt=%r", CANARY)  # escaped newline and quotes
    log.warning(f"sentence: {CANARY.splitlines()[1].upper()}")  # case changed
    log.info("fragment %s", CANARY[16:60])
    log.info("rewrapped %s", " ".join(CANARY.split()).replace(" ", "\n  "))
    try:
        raise ValueError(f"could not parse: {CANARY}")
    except ValueError:
        log.exception("summarize failed")
    log.info("model loaded in %.1f s", 2.5)
    text = _log_text(handler)
    assert TOKEN not in text.lower()
    assert text.count(logsafe.REDACTED) == 5
    assert "model loaded in 2.5 s" in text and "summarize failed" in text and "ValueError" in text
    assert stat.S_IMODE((logsafe_env / "log" / "chartbrief.log").stat().st_mode) == 0o600


def test_unregistered_text_passes_and_identifiers_are_scrubbed(logsafe_env, tmp_path):
    handler = logsafe.configure(logging.INFO, log_file=tmp_path / "app.log")
    logging.getLogger("chartbrief.test").info("engine %s chosen for MRN: 00123456", "ipex")
    text = _log_text(handler)
    assert "engine ipex chosen for MRN: [MRN]" in text


def test_configure_twice_keeps_one_handler(logsafe_env, tmp_path):
    first = logsafe.configure(logging.INFO, log_file=tmp_path / "a.log")
    second = logsafe.configure(logging.INFO, log_file=tmp_path / "b.log")
    root = logging.getLogger()
    assert first not in root.handlers and second in root.handlers
    assert all(logsafe.REDACT_FILTER in h.filters for h in root.handlers)


def test_short_text_is_not_registered(logsafe_env):
    assert not logsafe.register_sensitive("No pain.")
    assert not logsafe.contains_sensitive("No pain. No pain.")


def test_oldest_texts_are_forgotten(logsafe_env, monkeypatch):
    monkeypatch.setattr(logsafe, "MAX_REGISTERED", 2)
    notes = ["Wound healing well, sutures intact, review in two weeks.",
             "Cough improving on amoxicillin; chest clear on auscultation.",
             "Knee swelling reduced after aspiration, continue physiotherapy."]
    for note in notes:
        logsafe.register_sensitive(note)
    assert [logsafe.contains_sensitive(n) for n in notes] == [False, True, True]


def _crash(note: str) -> None:
    local_note = note  # noqa: F841 - must not appear in the report
    raise ValueError(f"bad input: {note}")


def test_crash_report_has_no_canary(logsafe_env):
    logsafe.register_sensitive(CANARY)
    try:
        _crash(CANARY)
    except ValueError:
        path = logsafe.write_crash_report(*sys.exc_info())
    assert path.parent == logsafe_env / "log"
    assert re.fullmatch(r"crash-\d{8}T\d{6}-\d{6}Z\.txt", path.name)
    report = path.read_text()
    assert TOKEN not in report.lower()
    assert "ValueError" in report and "in _crash" in report and logsafe.REDACTED_LINE in report
    assert f"local_note = <str, length {len(CANARY)}>" in report
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_excepthook_writes_report_and_calls_back(logsafe_env, capsys):
    reports = []
    before = sys.excepthook, threading.excepthook
    uninstall = logsafe.install_excepthook(reports.append)
    try:
        logsafe.register_sensitive(CANARY)
        try:
            _crash(CANARY)
        except ValueError:
            sys.excepthook(*sys.exc_info())
        worker = threading.Thread(target=_crash, args=(CANARY,), name="summarizer")
        worker.start()
        worker.join()
    finally:
        uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    assert len(reports) == 2 and all(p.exists() for p in reports)
    assert all(TOKEN not in p.read_text().lower() for p in reports)
    err = capsys.readouterr().err
    assert "crash report" in err and TOKEN not in err


_sentence = st.lists(st.sampled_from("abcdefghij KLMNOP 0123,.;\n"), min_size=60, max_size=200).map("".join)


@settings(max_examples=300, deadline=None)
@given(note=_sentence, start=st.integers(0, 200), upper=st.booleans())
def test_any_long_enough_fragment_is_caught(note, start, upper):
    logsafe.clear_sensitive()
    if not logsafe.register_sensitive(note):
        return
    positions = [i for i, c in enumerate(note) if c.isalnum()]
    if len(positions) < 27:
        return
    first = positions[min(start, len(positions) - 27)]
    fragment = note[first:positions[positions.index(first) + 26] + 1]
    message = f"error near {fragment.upper() if upper else fragment!r} in row 3"
    assert logsafe.contains_sensitive(message)
    logsafe.clear_sensitive()
