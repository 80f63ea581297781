"""gui.workers: tasks run off the GUI thread, one at a time, report through signals, and stop cleanly."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread, QTimer

from core.errors import Cancelled
from gui.workers import Worker


@pytest.fixture
def worker():
    w = Worker("test")
    yield w
    w.shutdown()


def test_task_runs_on_another_thread_and_reports(qtbot, worker):
    seen = {}
    statuses, tokens = [], []
    worker.status.connect(statuses.append)
    worker.token.connect(tokens.append)

    def task(ctx):
        seen["thread"] = threading.current_thread()
        ctx.status("working")
        for piece in ("a", "b", "c"):
            ctx.token(piece)
        return 42

    with qtbot.waitSignal(worker.finished, timeout=10_000) as blocker:
        assert worker.submit("t", task)
    assert blocker.args == [42]
    assert seen["thread"] is not threading.main_thread()
    assert statuses == ["working"] and tokens == ["a", "b", "c"]
    assert not worker.busy


def test_one_task_at_a_time(qtbot, worker):
    gate = threading.Event()
    assert worker.submit("slow", lambda ctx: gate.wait(10))
    assert worker.busy and worker.task == "slow"
    assert not worker.submit("second", lambda ctx: None)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        gate.set()
    assert worker.submit("second", lambda ctx: None)


def test_failure_and_cancel_are_signalled(qtbot, worker):
    with qtbot.waitSignal(worker.failed, timeout=10_000) as blocker:
        worker.submit("bad", lambda ctx: 1 / 0)
    assert isinstance(blocker.args[0], ZeroDivisionError)

    def until_stopped(ctx):
        while not ctx.should_stop():
            time.sleep(0.01)
        raise Cancelled("stopped")

    with qtbot.waitSignal(worker.cancelled, timeout=10_000):
        worker.submit("loop", until_stopped)
        QTimer.singleShot(100, worker.cancel)


def test_event_loop_keeps_running_during_a_task(qtbot, worker):
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.submit("sleep", lambda ctx: time.sleep(1.0))
    timer.stop()
    assert len(ticks) >= 10


def test_shutdown_stops_the_task_and_ends_the_thread(worker):
    started = threading.Event()

    def task(ctx):
        started.set()
        while not ctx.should_stop():
            time.sleep(0.01)
        raise Cancelled("stopped")

    worker.submit("loop", task)
    assert started.wait(5)
    assert worker.shutdown(timeout_ms=5_000)
    assert not worker.is_running()
    assert worker._thread.isFinished() and QThread.currentThread() is not worker._thread
    assert not worker.submit("after", lambda ctx: None)


def test_emitting_many_signals_keeps_true_alive(qtbot, worker):
    """PySide6 6.12 + Python 3.11 drop a reference to True per emit(); gui.qtcompat repays it."""
    import sys

    tokens = []
    worker.token.connect(tokens.append)
    before = sys.getrefcount(True)
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        worker.submit("many", lambda ctx: [ctx.token("x") for _ in range(3000)])
    qtbot.waitUntil(lambda: len(tokens) == 3000)
    assert sys.getrefcount(True) >= before - 50
