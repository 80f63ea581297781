"""Fine-tuning for the window, without widgets: task functions that call ``core.finetune``, and a feed
that brings a run's progress events to the GUI thread as signals.

The task functions run on a :class:`gui.workers.Worker` thread (``ctx`` has ``status(text)`` and
``should_stop()``). :class:`EventFeed` reads events off the GUI thread: from the worker's stdout
(:meth:`core.finetune.Run.events`) for a run this window started, or from the run's ``events.jsonl``
for a run left training in the background by an earlier session.

Why a daemon thread and not a QThread: reading the worker's stdout blocks until its next line, and the
user may close the window and leave the training running. A QThread blocked in that read could not be
ended, and Qt aborts the process when a running QThread is destroyed; a daemon thread just ends with
the process (the worker then keeps writing its events file). The thread touches no Qt object: it puts
events on a queue, and a QTimer on the GUI thread takes them off and emits them.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.finetune.launcher import worker_alive
from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix

log = logging.getLogger(__name__)

TAIL_POLL_S = 0.5
_END = object()


# --- tasks (no Qt; each runs on a Worker thread) ---------------------------------------------------

def prepare_dataset(ctx, data: Path, options):
    """Load, validate, privacy-scan and split the pairs (:func:`core.finetune.prepare`)."""
    from core.finetune import prepare

    ctx.status(f"Checking {Path(data).name}…")
    return prepare(data, options)


def scrub_dataset(ctx, data: Path, options):
    """Write a copy of the pairs with identifiers replaced (:func:`core.finetune.scrubbed.write_copy`) and
    check it; returns the copy's :class:`core.finetune.Prepared`."""
    from core.finetune import scrubbed

    ctx.status(f"Removing likely identifiers from {Path(data).name}…")
    return prepare_dataset(ctx, scrubbed.write_copy(data), options)


def start_run(ctx, data: Path, options, prepared=None):
    """Start the fine-tuning worker process (re-checking the data unless ``prepared`` fits ``options``)."""
    from core.errors import Cancelled
    from core.finetune import launcher

    if prepared is None:
        prepared = prepare_dataset(ctx, data, options)
    if ctx.should_stop():
        raise Cancelled("Fine-tuning was not started.")
    ctx.status("Starting the fine-tuning worker…")
    return launcher.start(data, options, prepared=prepared)


def resume_run(ctx, run_id: str):
    """Continue a cancelled, failed or killed run from its newest checkpoint."""
    from core.finetune import launcher

    ctx.status(f"Resuming run {run_id}…")
    return launcher.resume(run_id)


# --- the feed --------------------------------------------------------------------------------------

class EventFeed(QObject):
    """Delivers one run's progress events as :attr:`event` signals; :attr:`ended` after the last."""

    event = Signal(object)  # a dict (core.finetune.events)
    ended = Signal()

    def __init__(self, parent: QObject | None = None, interval_ms: int = 100):
        super().__init__(parent)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._generation = 0
        self.active = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._drain)

    def follow(self, run) -> None:
        """Read ``run.events()`` (the worker's stdout) until the worker exits."""
        self._start(lambda put, current: _read_events(run.events(), put), f"run-{run.id}")

    def tail(self, events_file: Path, pid: int | None) -> None:
        """Replay ``events_file`` and follow what the worker ``pid`` appends, until it ends."""
        self._start(lambda put, current: _tail(Path(events_file), pid, put, current), "tail")

    def stop(self) -> None:
        """Stop delivering; a reader thread still draining a worker's stdout drops what it reads."""
        self._generation += 1
        self.active = False
        self._timer.stop()

    def _start(self, body: Callable, name: str) -> None:
        self.stop()
        generation = self._generation

        def current() -> bool:
            return generation == self._generation

        def put(item) -> None:
            if current():
                self._queue.put((generation, item))

        def run() -> None:
            try:
                body(put, current)
            except Exception as exc:  # noqa: BLE001 - reported as an event; the feed still ends
                log.error("reading fine-tuning progress failed (%s)", type(exc).__name__)
                put({"event": "error", "type": type(exc).__name__,
                     "message": "ChartBrief stopped receiving the run's progress.",
                     "hint": "The run may still be going; its progress is in its events.jsonl file."})
            finally:
                put(_END)

        self.active = True
        threading.Thread(target=run, name=f"chartbrief-feed-{name}", daemon=True).start()
        self._timer.start()

    @Slot()
    def _drain(self) -> None:
        while True:
            try:
                generation, item = self._queue.get_nowait()
            except queue.Empty:
                return
            if generation != self._generation:
                continue
            if item is _END:
                self.stop()
                self.ended.emit()
                return
            self.event.emit(item)


def _read_events(events: Iterable[dict], put: Callable) -> None:
    for event in events:
        put(event)


def _tail(path: Path, pid: int | None, put: Callable, current: Callable[[], bool]) -> None:
    from core.workers import protocol

    offset, partial = 0, b""
    while current():
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read()
        except FileNotFoundError:
            data = b""
        offset += len(data)
        *lines, partial = (partial + data).split(b"\n")
        events = [e for e in map(protocol.read, lines) if e is not None]
        for i, event in enumerate(events):  # a cancel or error that a later resume superseded is history
            if event.KIND not in protocol.TERMINAL or i == len(events) - 1:
                put(event)
        if events and events[-1].KIND in protocol.TERMINAL:
            return
        if not data and not worker_alive(pid):
            put(protocol.Failed(type="WorkerExited", message="The fine-tuning worker is no longer running.",
                                hint="Resume the run to continue from its newest checkpoint."))
            return
        time.sleep(TAIL_POLL_S)


def wait_for_exit(run, timeout_s: float) -> bool:
    """Wait up to ``timeout_s`` for a run's worker to exit; True when it has."""
    if run.proc is not None:
        try:
            run.proc.wait(timeout=timeout_s)
            return True
        except subprocess.TimeoutExpired:
            return False
    pid = run.dir.worker_pid()
    deadline = time.monotonic() + timeout_s
    while worker_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not worker_alive(pid)
