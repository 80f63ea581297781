"""gui.errors: the one exception-to-message mapping, and the crash hook's dialog."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

from core import logsafe
from core.errors import Cancelled, DocumentError, InsufficientMemory
from gui import errors
from gui.app import CrashNotifier, install_crash_hook

NOTE = "Patient reports crushing substernal chest pain radiating to the left arm since this morning."


def test_chartbrief_error_gives_its_message_and_hint():
    msg = errors.message_for(DocumentError("scan.exe: “.exe” files are not supported.", hint="Save it as .txt."))
    assert (msg.title, msg.text, msg.hint, msg.level) == (
        "The note could not be opened", "scan.exe: “.exe” files are not supported.", "Save it as .txt.", "error")
    assert errors.message_for(InsufficientMemory("Too big.", hint="Close programs.")).title == "Not enough memory"
    assert errors.message_for(Cancelled("Summary cancelled.")).level == "info"


def test_memory_and_os_errors_are_explained_without_tracebacks():
    assert "ran out of memory" in errors.message_for(MemoryError()).text
    missing = errors.message_for(FileNotFoundError(errno.ENOENT, "No such file", "/home/a/notes/x.docx"))
    assert missing.text == "“x.docx” could not be found." and "/home/a" not in missing.body()
    assert "permission denied" in errors.message_for(PermissionError(errno.EACCES, "denied", "y.pdf")).text
    assert errors.message_for(OSError(errno.ENOSPC, "No space left on device")).text == "The disk is full."
    assert "input/output error" in errors.message_for(OSError(errno.EIO, "Input/output error")).text


def test_unexpected_error_writes_a_crash_report_without_note_text(home):
    logsafe.register_sensitive(NOTE)
    try:
        raise KeyError(NOTE)
    except KeyError as exc:
        msg = errors.message_for(exc)
    assert msg.text == "Something went wrong." and msg.crash_report is not None
    assert str(msg.crash_report) in msg.hint
    assert "Traceback" not in msg.body() and NOTE not in msg.body()
    report = msg.crash_report.read_text()
    assert "KeyError" in report and "substernal chest pain radiating" not in report


def test_presenter_can_be_replaced_and_restored(messages):
    shown = errors.report(None, DocumentError("bad.rtf could not be read."))
    assert messages == [shown]


def test_uncaught_exception_in_any_thread_shows_the_crash_dialog(qtbot, home, messages):
    notifier = CrashNotifier()
    uninstall = install_crash_hook(notifier)
    try:
        with qtbot.waitSignal(notifier.crashed, timeout=10_000):
            t = threading.Thread(target=lambda: 1 / 0, name="boom")
            t.start()
            t.join()
        qtbot.waitUntil(lambda: bool(messages), timeout=5_000)
    finally:
        uninstall()
    assert messages[0].title == "Something went wrong"
    assert messages[0].crash_report is not None and messages[0].crash_report.exists()


def test_exception_in_a_slot_shows_the_crash_dialog(qtbot, home, messages):
    from PySide6.QtCore import QTimer

    notifier = CrashNotifier()
    uninstall = install_crash_hook(notifier)

    def broken_slot():
        raise RuntimeError("a bug in a slot")

    try:
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    finally:
        uninstall()
    assert messages[0].title == "Something went wrong" and messages[0].crash_report.exists()
    assert "a bug in a slot" not in messages[0].body()


def test_the_window_logs_only_through_the_redacting_file_handler(home, monkeypatch):
    import logging

    from gui.app import configure_logging

    root = logging.getLogger()
    before = list(root.handlers)
    monkeypatch.setattr(logsafe, "_handler", None)
    monkeypatch.setattr(root, "level", root.level)
    logsafe.clear_sensitive()
    try:
        assert logsafe.register_sensitive(NOTE)
        configure_logging()
        added = [h for h in root.handlers if h not in before]
        assert added == [logsafe._handler]
        logging.getLogger("gui.test").warning("summarizing %s", NOTE)
        added[0].flush()
        text = Path(added[0].baseFilename).read_text(encoding="utf-8")
        assert "substernal" not in text and logsafe.REDACTED in text
    finally:
        logsafe.clear_sensitive()
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
            h.close()
