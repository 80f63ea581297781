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

import json
import logging
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix

log = logging.getLogger(__name__)

TAIL_POLL_S = 0.5
WORKER_MODULE = b"core.finetune.worker"
_END = object()


# --- tasks (no Qt; each runs on a Worker thread) ---------------------------------------------------

def prepare_dataset(ctx, data: Path, options):
    """Load, validate, privacy-scan and split the pairs (:func:`core.finetune.prepare`)."""
    from core.finetune import prepare

    ctx.status(f"Checking {Path(data).name}…")
    return prepare(data, options)


def scrub_dataset(ctx, data: Path, options):
    """Write a copy of the pairs with identifiers replaced (``[NAME]``, ``[MRN]``, …) and check it.

    The copy goes to ``data_dir()/datasets/<name>.scrubbed.jsonl`` (JSON lines, the row's other fields
    kept); the original is not touched. Returns the copy's :class:`core.finetune.Prepared`.
    """
    from core import atomic, paths, privacy
    from core.data import load_pairs

    ctx.status(f"Removing likely identifiers from {Path(data).name}…")
    pairs = load_pairs(Path(data))
    lines = [json.dumps({**p.meta, "note": privacy.scrub_text(p.note), "summary": privacy.scrub_text(p.summary)},
                        ensure_ascii=False) for p in pairs]
    target = paths.data_dir() / "datasets" / f"{Path(data).stem}.scrubbed.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(target, "\n".join(lines) + "\n")
    return prepare_dataset(ctx, target, options)


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


# --- runs of earlier sessions ----------------------------------------------------------------------

def worker_alive(pid: int | None) -> bool:
    """Whether ``pid`` is a live fine-tuning worker (not some other process that got the number)."""
    if not pid:
        return False
    try:
        cmdline = Path(f"/proc/{int(pid)}/cmdline").read_bytes()
    except (OSError, ValueError):
        return False
    return WORKER_MODULE in cmdline


def worker_pid(events: Iterable[dict]) -> int | None:
    """The pid in the newest ``started`` event."""
    pids = [e.get("pid") for e in events if e.get("event") == "started"]
    return pids[-1] if pids and isinstance(pids[-1], int) else None


def unfinished_run():
    """The newest run if it did not finish: ``(RunDir, pid of its live worker or None)``, else None."""
    from core.finetune import list_runs

    runs = list_runs()
    if not runs or runs[-1].status().get("state") == "finished":
        return None
    run = runs[-1]
    pid = run.status().get("pid") or worker_pid(run.read_events())  # status: set before "started" is
    return run, pid if worker_alive(pid) else None


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
    from core.finetune.events import TERMINAL, parse

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
        events = [e for e in map(parse, lines) if e is not None]
        for i, event in enumerate(events):  # a cancel or error that a later resume superseded is history
            if event.get("event") not in TERMINAL or i == len(events) - 1:
                put(event)
        if events and events[-1].get("event") in TERMINAL:
            return
        if not data and not worker_alive(pid):
            put({"event": "error", "type": "WorkerExited", "message": "The fine-tuning worker is no longer running.",
                 "hint": "Resume the run to continue from its newest checkpoint."})
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
    pid = worker_pid(run.dir.read_events())
    deadline = time.monotonic() + timeout_s
    while worker_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not worker_alive(pid)
