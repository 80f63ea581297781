"""The model queue of ``chartbrief serve``: first come first served, bounded, cancellable."""

from __future__ import annotations

import threading
import time

import pytest

from core.serve.queue import ModelQueue, QueueFull

WAIT = 10


def blocker():
    """A job that holds the model until released; ``started`` is set once it runs."""
    started, release = threading.Event(), threading.Event()

    def work(should_stop):
        started.set()
        release.wait(WAIT)
        return "blocker"

    return work, started, release


def test_jobs_run_one_at_a_time_in_the_order_they_came():
    q = ModelQueue(5)
    order, running, overlap = [], [0], []
    lock = threading.Lock()
    work, started, release = blocker()
    first = q.submit(work)
    assert started.wait(WAIT)

    def job(name):
        def run(should_stop):
            with lock:
                running[0] += 1
                overlap.append(running[0])
            time.sleep(0.02)
            order.append(name)
            with lock:
                running[0] -= 1
            return name
        return run

    jobs = [q.submit(job(n)) for n in "abcde"]
    assert q.waiting == 5 and q.busy
    release.set()
    assert [j.future.result(WAIT) for j in jobs] == list("abcde")
    assert first.future.result(WAIT) == "blocker"
    assert order == list("abcde")
    assert max(overlap) == 1, "never two jobs on the model at once"
    q.close()


def test_a_full_queue_refuses_at_once_with_a_retry_time():
    q = ModelQueue(1)
    work, started, release = blocker()
    q.submit(work)
    assert started.wait(WAIT)
    q.submit(lambda stop: "waits")
    with pytest.raises(QueueFull) as err:
        q.submit(lambda stop: "refused")
    assert err.value.size == 1 and err.value.retry_after >= 1
    assert q.waiting == 1, "the refused job was not queued"
    release.set()
    q.close()


def test_a_job_cancelled_while_waiting_never_runs():
    q = ModelQueue(2)
    work, started, release = blocker()
    q.submit(work)
    assert started.wait(WAIT)
    ran = []
    job = q.submit(lambda stop: ran.append(1))
    job.cancel()
    release.set()
    after = q.submit(lambda stop: "next")
    assert after.future.result(WAIT) == "next"
    assert job.future.cancelled() and ran == []
    q.close()


def test_cancelling_a_running_job_turns_its_should_stop_true():
    q = ModelQueue(1)
    seen = threading.Event()

    def work(should_stop):
        deadline = time.monotonic() + WAIT
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.set()
        return should_stop()

    job = q.submit(work)
    time.sleep(0.1)
    job.cancel()
    assert job.future.result(WAIT) is True and seen.is_set()
    q.close()


def test_a_failing_job_hands_its_error_to_its_caller_and_the_queue_goes_on():
    q = ModelQueue(1)

    def boom(should_stop):
        raise ValueError("bad input")

    job = q.submit(boom)
    with pytest.raises(ValueError, match="bad input"):
        job.future.result(WAIT)
    assert q.submit(lambda stop: 42).future.result(WAIT) == 42
    q.close()


def test_close_cancels_what_waits_and_refuses_new_work():
    q = ModelQueue(3)
    work, started, release = blocker()
    running = q.submit(work)
    assert started.wait(WAIT)
    waiting = q.submit(lambda stop: "never")
    threading.Timer(0.2, release.set).start()
    q.close()
    assert waiting.future.cancelled()
    assert running.cancelled, "the running job was asked to stop"
    with pytest.raises(RuntimeError):
        q.submit(lambda stop: None)


def test_size_must_be_positive():
    with pytest.raises(ValueError):
        ModelQueue(0)
