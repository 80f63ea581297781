"""One background worker per long task: a QObject on its own QThread that runs one task at a time.

A task is a plain function ``fn(ctx) -> value`` (see :mod:`gui.tasks`). It reports through ``ctx``
(status text, stages, tokens) and stops when ``ctx.should_stop()`` turns true; the reports arrive
as signals on the GUI thread. Cancel sets a :class:`threading.Event`; :meth:`Worker.shutdown` sets
it, lets the running task reach its next safe point, and waits for the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QObject, QThread, Signal, Slot

from core.errors import Cancelled
from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix

log = logging.getLogger(__name__)


class TaskContext:
    """What a running task may use; every method is safe to call from the worker thread."""

    def __init__(self, runner: _Runner, stop: threading.Event):
        self._runner, self._stop = runner, stop

    def should_stop(self) -> bool:
        return self._stop.is_set()

    def status(self, text: str) -> None:
        self._runner.status.emit(str(text))

    def stage(self, event: object) -> None:
        self._runner.stage.emit(event)

    def token(self, text: str) -> None:
        self._runner.token.emit(text)


class _Runner(QObject):
    """Lives on the worker thread and runs the task it is handed."""

    status = Signal(str)
    stage = Signal(object)
    token = Signal(str)
    done = Signal(object, object)  # (value, error)

    @Slot(object)
    def run(self, job: tuple[str, Callable[[TaskContext], Any], TaskContext]) -> None:
        name, fn, ctx = job
        try:
            value = fn(ctx)
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which maps it to a message
            if not isinstance(exc, Cancelled):
                log.warning("task %s failed: %s", name, type(exc).__name__)
            self.done.emit(None, exc)
        else:
            self.done.emit(value, None)


class Worker(QObject):
    """A QThread with a task runner on it; the signals below are delivered on the GUI thread."""

    status = Signal(str)
    stage = Signal(object)
    token = Signal(str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    busy_changed = Signal(bool)
    _request = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self._stop = threading.Event()
        self._busy = False
        self._closed = False
        self._task: str | None = None
        self._thread = QThread()
        self._thread.setObjectName(f"chartbrief-{name}")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._request.connect(self._runner.run)
        self._runner.status.connect(self.status)
        self._runner.stage.connect(self.stage)
        self._runner.token.connect(self.token)
        self._runner.done.connect(self._on_done)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def task(self) -> str | None:
        """The name of the running task, or None."""
        return self._task

    def is_running(self) -> bool:
        """Whether the worker's thread is still alive."""
        return self._thread.isRunning()

    def submit(self, name: str, fn: Callable[[TaskContext], Any]) -> bool:
        """Start ``fn`` on the worker thread; False (and nothing started) while a task runs."""
        if self._busy or self._closed:
            return False
        self._stop.clear()
        self._busy, self._task = True, name
        self.busy_changed.emit(True)
        self._request.emit((name, fn, TaskContext(self._runner, self._stop)))
        return True

    def cancel(self) -> None:
        """Ask the running task to stop at its next safe point."""
        self._stop.set()

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Stop the task, end the thread and wait for it; True when the thread has ended."""
        self._closed = True
        self._stop.set()
        self._thread.quit()
        deadline = QDeadlineTimer(QDeadlineTimer.ForeverConstant.Forever) if timeout_ms is None \
            else QDeadlineTimer(timeout_ms)
        ended = self._thread.wait(deadline)
        if not ended:
            log.warning("worker %s still busy after %s ms", self.name, timeout_ms)
        return ended

    @Slot(object, object)
    def _on_done(self, value: object, error: object) -> None:
        self._busy, self._task = False, None
        self.busy_changed.emit(False)
        if error is None:
            self.finished.emit(value)
        elif isinstance(error, Cancelled):
            self.cancelled.emit()
        else:
            self.failed.emit(error)
