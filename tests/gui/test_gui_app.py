"""run_app: the window opens, note files named on the command line are opened, and it exits cleanly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gui import app as gui_app
from gui.controller import Controller


def _close_soon(seen: list):
    def close():
        window = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "ChartBrief" and w.isVisible())
        seen.append(window)
        window.close()

    QTimer.singleShot(300, close)


def test_run_app_opens_and_exits(qapp, home, monkeypatch, messages):
    calls = []
    monkeypatch.setattr(Controller, "load_engine", lambda self: calls.append("load"))
    seen: list = []
    _close_soon(seen)
    assert gui_app.run_app([]) == 0
    window = seen[0]
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
