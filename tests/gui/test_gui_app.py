"""run_app: the window opens, note files named on the command line are opened, and it exits cleanly."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gui import app as gui_app
from gui.controller import Controller


def _close_soon(seen: list):
    def close():
        seen.append(gc.isenabled())
        window = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "ChartBrief" and w.isVisible())
        seen.append(window)
        window.close()

    QTimer.singleShot(300, close)


def test_run_app_opens_and_exits(qapp, home, monkeypatch, messages):
    calls = []
    monkeypatch.setattr(Controller, "load_engine", lambda self: calls.append("load"))
    seen: list = []
    _close_soon(seen)
    before = gc.isenabled()
    assert gui_app.run_app([]) == 0
    gc_while_open, window = seen
    assert not gc_while_open and gc.isenabled() == before  # collected on the GUI thread only, while open
    assert calls == ["load"]  # the model starts loading in the background at once
    assert not any(w.is_running() for w in (window.controller.engine_worker, window.controller.reader,
                                            window.controller.catalog))
    assert not qapp.windowIcon().isNull()


def test_run_app_opens_files_named_on_the_command_line(qapp, home, monkeypatch, messages, tmp_path):
    opened = []
    monkeypatch.setattr(Controller, "open_files", lambda self, paths: opened.append(paths))
    _close_soon([])
    assert gui_app.run_app([str(tmp_path / "a.txt")]) == 0
    assert opened == [[Path(tmp_path / "a.txt")]]


def test_worker_threads_never_collect_gui_objects(qtbot):
    """A worker allocating heavily (a GGUF header parse) must not run the cyclic collector: it would
    destroy GUI-thread Qt objects from the wrong thread (CI once deadlocked so). The GUI timer does it."""
    from PySide6.QtCore import QObject

    class Cyclic(QObject):
        pass

    obj = Cyclic()
    obj.me = obj  # a cycle only the collector frees
    gone = weakref.ref(obj)
    del obj

    kept: list = []

    def churn():
        kept.extend([] for _ in range(50_000))  # the automatic collector would run here dozens of times

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    assert gone() is not None  # not collected on the worker thread
    qtbot.waitUntil(lambda: gone() is None, timeout=5_000)  # collected by the GUI thread's timer
