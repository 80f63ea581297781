"""GUI fixtures: a window with its own settings file, captured messages, and the real model loaded once."""

from __future__ import annotations

import threading

import pytest

from gui import errors, qtcompat  # noqa: F401 - qtcompat: emit() reference-count fix

SHUTDOWN_MS = 180_000
_STUCK: list = []  # windows whose workers never ended (kept alive; see stop_window)

SHORT_NOTE = (
    "CHIEF COMPLAINT: chest pressure for two days.\n"
    "HISTORY: 64-year-old with hypertension and type 2 diabetes. No syncope.\n"
    "MEDICATIONS: metformin 1000 mg twice daily, lisinopril 20 mg daily.\n"
    "EXAM: BP 152/88 mmHg, HR 96 bpm. Left leg swelling.\n"
    "PLAN: troponin, ECG, cardiology review.\n"
)


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread(qapp):
    """As in the app (gui.app.run_app): worker threads never run the cyclic collector."""
    from gui.app import collect_garbage_on_gui_thread

    undo = collect_garbage_on_gui_thread()
    yield
    undo()


@pytest.fixture
def messages():
    """Messages the window would show in a dialog, captured instead (no modal dialog in tests)."""
    shown: list[errors.UserMessage] = []
    previous = errors.set_presenter(lambda parent, msg: shown.append(msg))
    yield shown
    errors.set_presenter(previous)


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "config" / "settings.json"


@pytest.fixture
def make_window(qtbot, settings_file, messages):
    """Build main windows on one settings file; every one is shut down (threads joined) at the end."""
    from gui.main_window import MainWindow
    from gui.settings_bridge import SettingsBridge

    made = []

    def make():
        window = MainWindow(SettingsBridge(settings_file))
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        stop_window(window)


def stop_window(window) -> None:
    """Shut a window's workers down, bounded: a worker that does not end fails the test with every
    thread's stack printed (a forever-wait would hang the whole run with no clue where). The window is
    then kept alive, because destroying a QThread that still runs aborts the process."""
    import faulthandler
    import sys

    if window.controller.shutdown(timeout_ms=SHUTDOWN_MS):
        return
    _STUCK.append(window)
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    pytest.fail(f"a worker thread was still busy {SHUTDOWN_MS // 1000} s after the window's shutdown")


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture(scope="session")
def reference_engine():
    """The embedded model on the reference engine, loaded once per test session."""
    from tests.model_fixtures import engine

    return engine("reference")


@pytest.fixture
def ready_window(window, reference_engine):
    """A shown window using the session's loaded engine, writing short summaries."""
    from core.engines import GenerationSettings

    window.settings.update(engine="reference", qtype="fp32")
    window.controller.use_engine(reference_engine)
    window.controller.generation = GenerationSettings(max_new_tokens=24)
    window.show()
    return window


@pytest.fixture
def note_file(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(SHORT_NOTE, encoding="utf-8")
    return path


def generation_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "chartbrief-generate"]
