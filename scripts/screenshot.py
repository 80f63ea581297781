"""Open the real ChartBrief window, summarize a sample note, and save a PNG screenshot of the window.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--note FILE] [--engine openvino]
        [--styles handoff,discharge,brief,soap] [--max-new-tokens 120] [--timeout 1800]

With no DISPLAY it starts ``Xvfb`` on a free display itself (and stops it at the end); under
``xvfb-run`` give it a screen larger than ``--size`` (``-s "-screen 0 1600x1000x24"``: the default
1280-pixel screen clips the window). Styles are
tried in order until a summary has a sentence the note does not support (else the attempt with the
most grounding flags is shown), so that the screenshot shows the marks and a hover reason. Then a
sentence with sources in the note is clicked, as a user would, so that its sources are highlighted
in the note pane. The user's settings are not touched (a temporary settings file is used). Prints
one JSON line describing the result.
Exit codes: 0 saved, 3 no display (no Xvfb, or Qt's xcb plugin cannot load), 4 the summary failed or timed out.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NO_XVFB = 3
FAILED = 4


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    p.add_argument("--note", type=Path, default=ROOT / "resources" / "samples" / "cardiology_admission.txt")
    p.add_argument("--engine", default="openvino", help="auto, ipex_llm, openvino or reference")
    p.add_argument("--variant", default="default", help="engine variant, e.g. int4 or fp32")
    p.add_argument("--styles", default="handoff,discharge,brief,soap", help="styles to try, in order")
    p.add_argument("--max-new-tokens", type=int, default=120)
    p.add_argument("--timeout", type=float, default=1800, help="seconds for all attempts together")
    p.add_argument("--size", default="1440x900", help="window size")
    return p.parse_args(argv)


def start_xvfb(size: str) -> subprocess.Popen | None:
    """Start Xvfb on a free display when none is set; None if a display is already there."""
    if os.environ.get("DISPLAY"):
        return None
    exe = shutil.which("Xvfb")
    if exe is None:
        print("screenshot: no DISPLAY and Xvfb is not installed (apt-get install xvfb)", file=sys.stderr)
        raise SystemExit(NO_XVFB)
    for n in range(99, 160):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    w, h = size.split("x")
    proc = subprocess.Popen([exe, f":{n}", "-screen", "0", f"{int(w) + 80}x{int(h) + 80}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            print(f"screenshot: Xvfb :{n} did not start", file=sys.stderr)
            raise SystemExit(NO_XVFB)
        time.sleep(0.1)
    os.environ["DISPLAY"] = f":{n}"
    return proc


def check_xcb() -> None:
    """Exit with NO_XVFB if Qt's X11 plugin cannot start (it aborts the process otherwise)."""
    probe = "from PySide6.QtGui import QGuiApplication; QGuiApplication(['probe'])"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    if proc.returncode != 0:
        print("screenshot: Qt's xcb platform plugin cannot start; install its libraries, e.g. apt-get install "
              "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0", file=sys.stderr)
        raise SystemExit(NO_XVFB)


def run(args: argparse.Namespace) -> dict:
    os.environ["QT_QPA_PLATFORM"] = "xcb"  # a real X11 window, even when the caller ran offscreen
    from core import runtime

    runtime.setup()
    from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QToolTip

    from core.engines import GenerationSettings
    from gui import app as gui_app
    from gui import errors
    from gui.main_window import MainWindow
    from gui.settings_bridge import SettingsBridge

    app = QApplication(["chartbrief"])
    app.setWindowIcon(QIcon(str(gui_app.ICON)))
    gui_app.collect_garbage_on_gui_thread()  # as run_app does
    shown: list = []
    loop = QEventLoop()
    errors.set_presenter(lambda parent, msg: (shown.append(msg), loop.quit()))
    scratch = Path(tempfile.mkdtemp(prefix="chartbrief-shot-"))  # settings of this run only; removed at exit
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    settings = SettingsBridge(scratch / "settings.json")
    styles = [s.strip() for s in args.styles.split(",") if s.strip()]
    settings.update(engine=args.engine, qtype=args.variant, style=styles[0])
    window = MainWindow(settings)
    w, h = (int(v) for v in args.size.split("x"))
    window.setGeometry(20, 20, w, h)
    window.show()
    c = window.controller
    c.generation = GenerationSettings(max_new_tokens=args.max_new_tokens)
    c.summary_finished.connect(loop.quit)
    c.summary_stopped.connect(loop.quit)
    deadline = time.monotonic() + args.timeout
    timer = QTimer(singleShot=True)
    timer.timeout.connect(loop.quit)
    best, style, best_style = None, styles[0], styles[0]
    for i, style in enumerate(styles):
        window.style_box.setCurrentText(style)
        if i == 0:
            c.open_files([args.note])
        else:
            window.summarize()
        timer.start(int(max(1, deadline - time.monotonic()) * 1000))
        loop.exec()
        timer.stop()
        result = c.items[c.current].result
        if result is not None and (best is None or _rank(result) > _rank(best)):
            best, best_style = result, style
        if shown or result is None or unsupported(result) or time.monotonic() > deadline:
            break
    result, style = best, best_style
    outcome = {"png": None, "style": style, "flags": len(result.flags) if result else 0,
               "unsupported_sentences": unsupported(result) if result else 0, "clicked": None,
               "engine": window.status.engine.text(), "display": os.environ.get("DISPLAY"),
               "messages": [m.text for m in shown]}
    if result is None:
        window.close()
        return outcome
    if result is not c.items[c.current].result:  # an earlier style showed more: show it again
        c.items[c.current].result = result
        window.style_box.setCurrentText(style)
        window.summary_pane.show_result(result, c.items[c.current].checked)
    view = window.summary_pane.view
    app.processEvents()
    target = _sentence_to_click(view)
    if target is not None:  # click it as a user would: its sources light up in the note pane
        cursor = view.textCursor()
        cursor.setPosition((target[0] + target[1]) // 2)
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        app.processEvents()
        rect = view.cursorRect(cursor)
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(rect.left() - 1, rect.center().y()))
        selected = window.summary_pane.selected
        outcome["clicked"] = None if selected is None else {
            "status": selected.status, "sources": len(selected.sources),
            "highlighted": len(window.note_pane.source_spans())}
    if view.spans:  # show a flag's reason, as hovering it would: the last unsupported sentence's if any
        start, end, reason = next((s for s in reversed(view.spans) if s[2].startswith("this sentence")),
                                  view.spans[0])
        sentence = reason.startswith("this sentence")
        cursor = view.textCursor()
        cursor.setPosition(end if sentence else start + 1)  # under a sentence's last line, not over it
        rect = view.cursorRect(cursor)
        at = QPoint(24, rect.bottom() + 4) if sentence else rect.bottomRight()  # inside the window
        QToolTip.showText(view.viewport().mapToGlobal(at), reason, view.viewport())
    for _ in range(30):
        app.processEvents()
        time.sleep(0.02)
    frame = window.frameGeometry()
    shot = QGuiApplication.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if shot.isNull():
        shot = window.grab()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(f".{args.out.name}.tmp.png")
    if not shot.save(str(tmp), "PNG"):
        raise OSError(f"could not write {tmp}")
    os.replace(tmp, args.out)
    outcome["png"] = str(args.out)
    window.close()
    return outcome


def unsupported(result) -> int:
    """How many sentences of ``result`` the note does not support."""
    return sum(f.kind == "sentence" for f in result.flags)


def _rank(result) -> tuple[int, int]:
    return unsupported(result), len(result.flags)


def _sentence_to_click(view) -> tuple[int, int] | None:
    """Document span of the sentence to click: the longest supported one with sources (else any with sources)."""
    backed = sorted((x.status != "supported", -(e - s), s, e) for s, e, x in view.sentences if x.sources)
    return (backed[0][2], backed[0][3]) if backed else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    xvfb = start_xvfb(args.size)
    try:
        check_xcb()
        outcome = run(args)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)
    print(json.dumps(outcome))
    return 0 if outcome["png"] else FAILED


if __name__ == "__main__":
    sys.exit(main())
