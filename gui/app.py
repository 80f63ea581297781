"""Start the window: logging, the crash hook, the QApplication, the main window, and a clean exit."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from core import logsafe
from core.paths import RESOURCES
from gui import errors, qtcompat  # noqa: F401 - qtcompat: emit() reference-count fix

log = logging.getLogger(__name__)

ICON = RESOURCES / "icons" / "chartbrief.svg"


class CrashNotifier(QObject):
    """Carries crash-report paths from any thread to a dialog on the GUI thread."""

    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)  # after the hook returns

    def notify(self, path: Path) -> None:  # called by core.logsafe's hook, on any thread
        self.crashed.emit(str(path))

    @Slot(str)
    def _show(self, path: str) -> None:
        errors.show(QApplication.activeWindow(), errors.crash_message(Path(path) if path else None))


def install_crash_hook(notifier: CrashNotifier):
    """Write a crash report (no note text) for any uncaught exception and tell the user; returns an
    uninstall function."""
    return logsafe.install_excepthook(on_crash=notifier.notify)


def configure_logging() -> None:
    """The redacted log file (:func:`core.logsafe.configure`); there is no unredacted fallback."""
    logsafe.configure()


def collect_garbage_on_gui_thread():
    """Run Python's cyclic garbage collector only on the GUI thread; returns a function that undoes it.

    The collector otherwise runs wherever an allocation crosses its threshold: in a worker thread
    (destroying GUI-thread Qt objects from the wrong thread), or on the GUI thread in the middle of a
    Qt call that holds a signal-slot lock — ``QObject::connect``/``disconnect`` asks PySide for a
    Python override, that allocates, the collector deletes a QObject, and its destructor waits for the
    same lock forever (CI hung 20 min in a model import; py-spy showed exactly this stack). pyqtgraph's
    collector disables the automatic one and collects from a GUI-thread timer, between Qt calls.
    """
    import gc

    from pyqtgraph.util.garbage_collector import GarbageCollector

    was_enabled = gc.isenabled()
    collector = GarbageCollector(interval=0.5)

    def undo() -> None:
        collector.timer.stop()
        collector.timer = None  # its QObject dies now, while the automatic collector is still off
        if was_enabled:  # nested (a test around run_app): the outer one keeps it off
            gc.collect()  # from Python, outside any Qt call
            gc.enable()

    return undo


def _preload_grounding() -> None:
    """Load the grounding check's dictionaries and the fact extractor's medspaCy pipeline while the user
    pastes a note (the model loads meanwhile)."""
    import threading

    from core import facts, grounding

    def preload() -> None:
        grounding.preload()
        facts.preload()

    threading.Thread(target=preload, name="grounding-preload", daemon=True).start()


def run_app(argv: list[str] | None = None) -> int:
    """Open the window; note files named in ``argv`` are opened and summarized. Returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from core import runtime

    runtime.setup()
    configure_logging()
    app = QApplication.instance() or QApplication(["chartbrief", *[a for a in argv if a.startswith("-")]])
    app.setApplicationName("ChartBrief")
    app.setDesktopFileName("chartbrief")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    notifier = CrashNotifier(app)
    uninstall = install_crash_hook(notifier)
    gc_on_gui_thread = collect_garbage_on_gui_thread()
    from gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    _preload_grounding()
    app.aboutToQuit.connect(lambda: window.controller.shutdown())
    files = [Path(a) for a in argv if not a.startswith("-")]
    if files:
        window.controller.open_files(files)
    else:
        window.controller.load_engine()
    try:
        code = app.exec()
    finally:
        window.controller.shutdown()
        uninstall()
        gc_on_gui_thread()
        auto = sys.modules.get("core.engines.auto")
        if auto is not None:  # the window ran on auto's unmeasured default: measure now, detached
            auto.measure_later()
    log.info("window closed (exit code %s)", code)
    return int(code)
