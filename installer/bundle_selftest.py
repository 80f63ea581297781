"""Check a frozen bundle end to end in its real window: ``ChartBrief --run-module bundle_selftest NOTE``.

Opens the window exactly as ``ChartBrief`` does (:func:`gui.app.run_app` with the note, which loads the
engine and summarizes it), and prints JSON lines: ``painted`` when the window first paints (seconds since
the process started), then ``summary`` with the summary pane's text, or ``failed``. Exit status 0 when a
summary appeared, 4 otherwise. ``--engine`` sets the engine in a settings file under ``CHARTBRIEF_HOME``
(a temporary folder when unset, so a user's own settings are never touched). Shipped in the bundle by
installer/chartbrief.spec; tests/installer/test_bundle.py runs it under Xvfb.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

FAILED = 4


def _say(**event) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="ChartBrief --run-module bundle_selftest", description=__doc__.split("\n")[0])
    p.add_argument("note", type=Path)
    p.add_argument("--engine", default=None, help="auto, ipex_llm, openvino or reference (default: the settings')")
    p.add_argument("--timeout", type=float, default=1500, help="seconds until the summary must be there")
    args = p.parse_args(argv)
    if not os.environ.get("CHARTBRIEF_HOME"):
        os.environ["CHARTBRIEF_HOME"] = tempfile.mkdtemp(prefix="chartbrief-selftest-")

    import psutil
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from core import settings

    if args.engine:
        settings.save(settings.Settings(engine=args.engine))
    started = psutil.Process().create_time()
    app = QApplication(["chartbrief"])

    from gui import app as gui_app
    from gui import errors
    from gui.main_window import MainWindow

    state: dict = {"window": None, "painted": False, "code": FAILED}

    def finish(event: dict, code: int) -> None:
        if state.get("done"):
            return
        state["done"], state["code"] = True, code
        _say(**event)
        QTimer.singleShot(0, app.quit)

    def summarized(*_args) -> None:
        window = state["window"]
        text = window.summary_pane.view.toPlainText()
        finish({"event": "summary", "text": text, "engine": window.status.engine.text(),
                "since_start_s": round(time.time() - started, 2)}, 0 if text.strip() else FAILED)

    def stopped(_row, why) -> None:
        finish({"event": "failed", "why": f"summary stopped: {why}"}, FAILED)

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if isinstance(obj, MainWindow):
                if event.type() == QEvent.Type.Show and state["window"] is None:
                    state["window"] = obj
                    obj.controller.summary_finished.connect(summarized)
                    obj.controller.summary_stopped.connect(stopped)
                elif event.type() == QEvent.Type.Paint and not state["painted"]:
                    state["painted"] = True
                    _say(event="painted", since_start_s=round(time.time() - started, 2),
                         platform=QApplication.platformName())
            return False

    watch = Watch()
    app.installEventFilter(watch)
    errors.set_presenter(lambda _parent, msg: finish({"event": "failed", "why": f"message: {msg.text}"}, FAILED))
    timer = QTimer(singleShot=True)
    timer.timeout.connect(lambda: finish({"event": "failed", "why": f"no summary in {args.timeout:.0f} s"}, FAILED))
    timer.start(int(args.timeout * 1000))
    gui_app.run_app([str(args.note)])
    return state["code"]


if __name__ == "__main__":
    sys.exit(main())
