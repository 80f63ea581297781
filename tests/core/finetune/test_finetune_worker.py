"""The worker process on the tiny model: thread pinning, cancel, SIGKILL + resume, finishing a run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import follow, quick_options

from core.finetune import RunDir, launcher, prepare, resume, start


def _start(data, opts):
    return start(data, opts, prepared=prepare(data, opts))


def _status_masks(pid: int) -> dict[str, str]:
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("Cpus_allowed_list:"):
                out[task.name] = line.split(":", 1)[1].strip()
    return out


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="pinning to one CPU restricts nothing on a 1-CPU machine")
def test_every_worker_thread_runs_on_the_training_cpu_and_cancel_keeps_a_checkpoint(tiny_id, small_data, train_cpu):
    run = _start(small_data, quick_options(tiny_id, max_steps=500, checkpoint_every=50, cores=(train_cpu,)))
    try:
        events = follow(run, until=lambda e: e["event"] == "step" and e["step"] >= 2)
        started = next(e for e in events if e["event"] == "started")
        assert started["pid"] == run.pid and started["threads"] == 1 and started["cpus"] == str(train_cpu)
        assert started["allocator"] == "tcmalloc"
        masks = _status_masks(run.pid)  # read while the worker is training
        assert len(masks) >= 2, masks
        assert set(masks.values()) == {str(train_cpu)}, masks
        environ = Path(f"/proc/{run.pid}/environ").read_bytes().split(b"\0")
        assert b"OMP_NUM_THREADS=1" in environ and f"OMP_PLACES={{{train_cpu}}}".encode() in environ
        reported = next(e for e in events if e["event"] == "affinity")
        assert reported["ok"] and set(reported["threads"].values()) == {str(train_cpu)}

        run.cancel()
        rest = follow(run)
    finally:
        run.kill()
    assert rest[-1]["event"] == "cancelled", rest[-3:]
    assert run.wait() == 130
    stopped_at = max(e["step"] for e in events + rest if e["event"] == "step")
    checkpoint = RunDir.open(run.id).latest_checkpoint()
    assert checkpoint is not None and checkpoint.name == f"checkpoint-{stopped_at}"  # saved at the stop
    assert (checkpoint / "adapter_model.safetensors").is_file() and (checkpoint / "optimizer.pt").is_file()
    assert RunDir.open(run.id).status()["state"] == "cancelled"


def test_sigkill_then_resume_repeats_at_most_one_checkpoint_interval(tiny_id, small_data):
    every = 3
    opts = quick_options(tiny_id, max_steps=8, checkpoint_every=every)
    run = _start(small_data, opts)
    try:
        first = follow(run, until=lambda e: e["event"] == "step" and e["step"] == 5)
    finally:
        run.kill()  # SIGKILL to the worker's process group, mid-run
    assert RunDir.open(run.id).latest_checkpoint().name == "checkpoint-3"
    killed_at = max(e["step"] for e in first if e["event"] == "step")

    again = resume(run.id)
    second = follow(again)
    assert second[-1]["event"] == "finished", second[-3:]
    started = next(e for e in second if e["event"] == "started")
    assert started["resumed_from"] == 3
    steps2 = [e["step"] for e in second if e["event"] == "step"]
    assert steps2 == list(range(4, 9))
    repeated = [s for s in steps2 if s <= killed_at]
    assert len(repeated) <= every
    # Same data, weights, optimizer and RNG after resuming: the repeated step computes the same loss.
    loss1 = {e["step"]: e["loss"] for e in first if e["event"] == "step"}
    loss2 = {e["step"]: e["loss"] for e in second if e["event"] == "step"}
    assert loss2[4] == pytest.approx(loss1[4], rel=1e-3)
    assert RunDir.open(run.id).status()["state"] == "finished"


def test_worker_env_preloads_tcmalloc_and_binds_threads(tiny_id):
    env = launcher.worker_env(quick_options(tiny_id, cores=(0,)), base={})
    assert env["LD_PRELOAD"].endswith("libtcmalloc.so")
    assert env["OMP_NUM_THREADS"] == "1" and env["OMP_PLACES"] == "{0}" and env["OMP_PROC_BIND"] == "close"


def test_time_budget_ends_training_within_it(tiny_id, small_data):
    budget_s = 12
    run = _start(small_data, quick_options(tiny_id, minutes=budget_s / 60, max_steps=100_000, checkpoint_every=1000))
    events = follow(run)
    trained = next(e for e in events if e["event"] == "trained")
    assert trained["reason"] == "time" and trained["steps"] >= 2
    assert trained["train_seconds"] <= budget_s
    lrs = [e["lr"] for e in events if e["event"] == "step"]
    assert lrs[-1] < max(lrs)  # the schedule decays with the time used, not only with steps
    assert events[-1]["event"] == "finished"


def _started(argv):
    """A child whose command line the kernel shows already: between a vfork'd child's exec and the kernel
    setting up its arguments, /proc/PID/cmdline reads empty (seen in CI under load)."""
    import subprocess
    import time

    import psutil

    proc = subprocess.Popen(argv)
    deadline = time.monotonic() + 10
    while not psutil.Process(proc.pid).cmdline() and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc


def test_worker_alive_knows_a_worker_from_another_process_with_its_number():
    import sys

    from core.finetune.launcher import worker_alive

    other = _started([sys.executable, "-c", "import time; time.sleep(30)"])
    worker = _started([sys.executable, "-c", "import time; time.sleep(30)", "core.finetune.worker"])
    try:
        assert worker_alive(worker.pid) and not worker_alive(other.pid)
        assert not worker_alive(None) and not worker_alive(0)
    finally:
        for p in (other, worker):
            p.kill()
            p.wait()
    assert not worker_alive(worker.pid)


def test_an_unfinished_run_is_found_with_its_live_worker(home):
    import sys

    from core.finetune import launcher
    from core.finetune.rundir import RunDir
    from core.workers import protocol

    assert launcher.unfinished_run() is None  # no runs yet
    run = RunDir.create()
    run.options_file.write_text("{}")
    assert run.worker_pid() is None
    worker = _started([sys.executable, "-c", "import time; time.sleep(30)", "core.finetune.worker"])
    try:
        started = protocol.Started(run=run.id, pid=worker.pid, cpus="1", threads=1, dtype="fp32", allocator=None,
                                   train_rows=4, max_steps=2, resumed_from=None, budget_s=None, model_id="m")
        run.events_file.write_text(protocol.encode(started))  # no pid in status.json: the event has it
        assert run.worker_pid() == worker.pid
        assert launcher.unfinished_run() == (run, worker.pid)
    finally:
        worker.kill()
        worker.wait()
    assert launcher.unfinished_run() == (run, None)  # unfinished, its worker gone: offer Resume
    run.set_status("finished")
    assert launcher.unfinished_run() is None


def test_the_training_process_is_gone_before_the_evaluation_starts(tiny_id, small_data):
    """After registering the adapter the worker execs the evaluation worker: same pid and event stream, but a
    fresh interpreter without the training's memory, IPEX-LLM (its peft patches) or tcmalloc."""
    allowed = sorted(os.sched_getaffinity(0))
    run = _start(small_data, quick_options(tiny_id, max_steps=2, eval_limit=2, eval_independent=1,
                                           cores=(allowed[-1],)))
    try:
        before = follow(run, until=lambda e: e["event"] == "step")
        training_maps = Path(f"/proc/{run.pid}/maps").read_text()
        training_cpus = _status_masks(run.pid)
        events = follow(run, until=lambda e: e["event"] == "eval")
        cmdline = Path(f"/proc/{run.pid}/cmdline").read_bytes().split(b"\0")
        maps = Path(f"/proc/{run.pid}/maps").read_text()
        eval_env = Path(f"/proc/{run.pid}/environ").read_bytes().split(b"\0")
        from core.finetune.launcher import worker_alive

        alive = worker_alive(run.pid)
        rest = follow(run)
    finally:
        run.kill()
    assert "libtcmalloc" in training_maps and "ipex_llm" in training_maps  # the training process had both
    assert b"core.evaluate.worker" in cmdline and b"core.finetune.worker" not in cmdline
    assert "libtcmalloc" not in maps and "ipex_llm" not in maps
    from core.hardware import format_cpu_list

    # training on its one CPU; the evaluation on every CPU the job may use (eval_cores "all", the default)
    assert set(training_cpus.values()) == {str(allowed[-1])}
    places = ",".join(f"{{{c}}}" for c in allowed).encode()  # OpenMP binds one thread to each
    assert f"OMP_NUM_THREADS={len(allowed)}".encode() in eval_env and b"OMP_PLACES=" + places in eval_env
    assert b"--cores" in cmdline and format_cpu_list(allowed).encode() in cmdline
    assert alive  # the window and the CLI still see a live worker for the run
    kinds = [e["event"] for e in before + events + rest]
    assert kinds.index("registered") < kinds.index("eval") < kinds.index("evaluation") < kinds.index("finished")
    assert kinds[-1] == "finished" and run.wait() == 0
    status = RunDir.open(run.id).status()
    assert status["state"] == "finished" and (RunDir.open(run.id).evaluation_file).is_file()
    import json

    groups = json.loads(RunDir.open(run.id).evaluation_file.read_text())["groups"]
    assert groups["independent"]["base"]["notes"] == 1 and groups["all"]["base"]["notes"] == 2
    from core import adapters

    assert adapters.get(status["adapter_id"]).metrics  # the metrics are kept with the adapter
