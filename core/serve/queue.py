"""One model, one request at a time: a bounded first-come-first-served queue in front of it.

:class:`ModelQueue` owns one worker thread. :meth:`ModelQueue.submit` puts a job at the back of the line
or raises :class:`QueueFull` at once when ``size`` jobs are already waiting (the one running does not
count). The worker takes jobs strictly in the order they came, and runs each as ``fn(should_stop)``;
``should_stop()`` turns true when the job is cancelled (the client went away), and the engines stop
generating within one token of that (:mod:`core.engines.streaming`). A job cancelled while it waits is
never started.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

log = logging.getLogger(__name__)

StopCheck = Callable[[], bool]
Work = Callable[[StopCheck], Any]

FIRST_GUESS_S = 10.0
"""What a job is assumed to take before any has finished (for Retry-After)."""


class QueueFull(Exception):
    """``size`` requests are already waiting; ``retry_after`` is a guess in whole seconds."""

    def __init__(self, size: int, retry_after: int):
        self.size, self.retry_after = size, retry_after
        super().__init__(f"{size} request(s) are already waiting for the model")


class Job:
    """A piece of work in the line: its result is :attr:`future`; :meth:`cancel` asks it to stop."""

    def __init__(self, fn: Work, kind: str):
        self.fn, self.kind = fn, kind
        self.future: Future = Future()
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class ModelQueue:
    def __init__(self, size: int, *, on_done: Callable[[Job, float], None] | None = None):
        if size < 1:
            raise ValueError(f"the queue must hold at least 1 waiting request, not {size}")
        self.size = size
        self._on_done = on_done
        self._waiting: deque[Job] = deque()
        self._running: Job | None = None
        self._cond = threading.Condition()
        self._closed = False
        self._mean_s = FIRST_GUESS_S
        self._finished = 0
        self._thread = threading.Thread(target=self._work, name="chartbrief-serve-model", daemon=True)
        self._thread.start()

    # -- what clients see ------------------------------------------------------------------
    def submit(self, fn: Work, kind: str = "job") -> Job:
        """Queue ``fn``; raises :class:`QueueFull` (nothing queued) or RuntimeError after :meth:`close`."""
        job = Job(fn, kind)
        with self._cond:
            if self._closed:
                raise RuntimeError("the model queue is closed")
            if len(self._waiting) >= self.size:
                raise QueueFull(self.size, self.retry_after(locked=True))
            self._waiting.append(job)
            self._cond.notify()
        return job

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._running is not None

    def retry_after(self, *, locked: bool = False) -> int:
        """Seconds until a place in the line is likely free: a place frees when the running job ends, so
        the mean time of the recent jobs (whole seconds, at least 1)."""
        if not locked:
            with self._cond:
                return self.retry_after(locked=True)
        return max(1, math.ceil(self._mean_s))

    def close(self, timeout: float = 10.0) -> None:
        """Cancel what waits and what runs, and stop the worker (waits up to ``timeout`` for it)."""
        with self._cond:
            self._closed = True
            dropped = list(self._waiting)
            self._waiting.clear()
            if self._running is not None:
                self._running.cancel()
            self._cond.notify_all()
        for job in dropped:
            job.cancel()
            job.future.cancel()
        self._thread.join(timeout)

    # -- the worker ------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                job = self._waiting.popleft()
                self._running = job
            try:
                self._run(job)
            finally:
                with self._cond:
                    self._running = None

    def _run(self, job: Job) -> None:
        if job.cancelled or not job.future.set_running_or_notify_cancel():
            job.future.cancel()
            return
        t0 = time.perf_counter()
        try:
            result = job.fn(lambda: job.cancelled)
        except BaseException as exc:  # noqa: BLE001 - handed to the request that asked for it (Cancelled too)
            job.future.set_exception(exc)
        else:
            job.future.set_result(result)
        seconds = time.perf_counter() - t0
        with self._cond:
            self._finished += 1
            self._mean_s += (seconds - self._mean_s) / min(self._finished, 10)  # mean of the last ~10
        if self._on_done is not None:
            try:
                self._on_done(job, seconds)
            except Exception:
                log.exception("queue callback failed")
