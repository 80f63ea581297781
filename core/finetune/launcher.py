"""Start, follow, cancel, resume and kill fine-tuning runs (the worker is a child process).

    prepared = prepare(data, options)          # dataset report + privacy scan, nothing started yet
    run = start(data, options, prepared=prepared)
    for event in run.events():                 # plain dicts (core.finetune.events); ends with the worker
        ...
    run.cancel()                               # the worker checkpoints at the next step and exits
    run = resume(run.id)                       # continues from the newest checkpoint

The GUI may instead run :func:`worker_command` in a ``QProcess`` with :func:`worker_env` and read the same
JSON lines from its stdout.

With ``nproc_per_node``/``nnodes`` above 1 the worker runs under PyTorch's own launcher, torchrun
(:mod:`core.workers.distributed`): the process followed here is torchrun, and rank 0 writes the events.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

from core import atomic, audit
from core.errors import ChartBriefError
from core.finetune.dataset_record import Prepared, prepare
from core.finetune.options import TrainOptions
from core.finetune.rundir import RunDir
from core.workers import distributed, spawn
from core.workers import protocol as wp
from core.workers.affinity import training_cpus

log = logging.getLogger(__name__)
WORKER_MODULE = "core.finetune.worker"
EVALUATION_MODULE = "core.evaluate.worker"  # what the worker becomes once its adapter is registered


def worker_alive(pid: int | None) -> bool:
    """Whether ``pid`` is a live fine-tuning worker, not some other process that got the number (psutil: the
    same answer on Linux, Windows and macOS)."""
    import psutil

    if not pid:
        return False
    try:
        proc = psutil.Process(int(pid))
        # after training the worker process continues as the evaluation worker (exec, same pid)
        return proc.status() != psutil.STATUS_ZOMBIE and any(
            module in part for part in proc.cmdline() for module in (WORKER_MODULE, EVALUATION_MODULE))
    except (psutil.Error, ValueError):
        return False



def unfinished_run() -> tuple[RunDir, int | None] | None:
    """The newest run if it did not finish: ``(run, pid of its live worker or None)``; else None."""
    from core.finetune.rundir import list_runs

    runs = list_runs()
    if not runs or runs[-1].status().get("state") == "finished":
        return None
    run = runs[-1]
    pid = run.worker_pid()
    return run, pid if worker_alive(pid) else None


def _worker_argv(run: RunDir, resume: bool) -> list[str]:
    return ["--run-dir", str(run.path), *(["--resume"] if resume else [])]


def _entry(run: RunDir, options: TrainOptions, resume: bool) -> tuple[str, list[str]]:
    """The module to start and its arguments: the worker itself, or torchrun around it."""
    argv = _worker_argv(run, resume)
    if options.world_size == 1:
        return WORKER_MODULE, argv
    import sys

    if getattr(sys, "frozen", False):
        raise ChartBriefError("Training with several processes (torchrun) needs ChartBrief installed with pip, not "
                              "the desktop bundle.", hint="Leave --nproc-per-node and --nnodes at 1, or install "
                                                          "the Python package (README).")
    info = run.read_json(run.dataset_file)
    rdzv_id = distributed.rendezvous_id(info["sha256"], options.hyperparameters())
    return distributed.LAUNCHER_MODULE, distributed.torchrun_argv(
        WORKER_MODULE, argv, nproc_per_node=options.nproc_per_node, nnodes=options.nnodes, rdzv=options.rdzv,
        rdzv_id=rdzv_id)


def worker_command(run: RunDir, resume: bool = False) -> list[str]:
    options = TrainOptions.from_dict(run.read_json(run.options_file))
    return spawn.command(*_entry(run, options, resume))


def worker_env(options: TrainOptions, base: dict[str, str] | None = None) -> dict[str, str]:
    """The worker's environment: OpenMP threads bound to the training CPUs, tcmalloc preloaded."""
    return spawn.environment(training_cpus(options.cores), preload_allocator=True, base=base)


class Run:
    """A running (or finished) worker process and its run folder."""

    def __init__(self, run: RunDir, proc: subprocess.Popen | None):
        self.dir, self.proc = run, proc
        self.last: wp.Event | None = None

    @property
    def id(self) -> str:
        return self.dir.id

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def events(self) -> Iterator[wp.Event]:
        """Progress events as the worker emits them, until it exits.

        If it exits without a final event (killed, crashed), one ``error`` event says so.
        """
        if self.proc is None or self.proc.stdout is None:
            return
        for raw in self.proc.stdout:
            event = wp.read(raw)
            if event is not None:
                self.last = event
                yield event
        code = self.proc.wait()
        if self.last is None or self.last.KIND not in wp.TERMINAL:
            self.last = wp.Failed(type="WorkerExited", run=self.id,
                                  message=f"the fine-tuning worker stopped unexpectedly (exit status {code})",
                                  hint=f"Resume with: chartbrief finetune --resume {self.id} (log: {self.dir.log_file})")
            yield self.last

    def cancel(self) -> None:
        """Ask the worker to stop: it saves a checkpoint at the end of the current step and exits."""
        atomic.write_text(self.dir.cancel_file, "cancel\n")

    def kill(self) -> None:
        """SIGKILL the worker and its children (its own process group; torchrun's training processes, which
        torchrun starts in sessions of their own, by name); checkpoints stay."""
        if self.proc is not None and self.proc.poll() is None:
            import psutil

            try:
                children = psutil.Process(self.proc.pid).children(recursive=True)
            except psutil.Error:
                children = []
            for child in children:
                try:
                    child.kill()
                except psutil.Error:
                    pass
            try:
                if hasattr(os, "killpg"):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                else:  # Windows: no process groups or SIGKILL; TerminateProcess on the worker
                    self.proc.kill()
            except ProcessLookupError:
                pass
            self.proc.wait()

    def wait(self) -> int:
        return self.proc.wait() if self.proc else 0


def start(data: Path | str, options: TrainOptions, *, prepared: Prepared | None = None) -> Run:
    """Validate the data (unless already ``prepared``), create the run folder, start the worker."""
    cpus = training_cpus(options.cores)  # refuse CPUs this process may not use before any work
    distributed.process_cpus(cpus, 0, options.nproc_per_node)  # and too many processes for them
    prepared = prepared or prepare(data, options)
    if not prepared.info["train"]:
        raise ChartBriefError("No training rows are left after validation and the held-out split.",
                              hint="Add rows, or check the dataset report.")
    run = RunDir.create()
    atomic.write_json(run.options_file, options.to_dict())
    atomic.write_json(run.dataset_file, prepared.info)
    run.set_status("created")
    audit.record("finetune-start", run_id=run.id, dataset_sha256=prepared.info["sha256"],
           model_id=prepared.info.get("model_id"), train_rows=len(prepared.info["train"]))
    return _spawn(run, options, resume=False)


def resume(run_id: str | Path) -> Run:
    """Continue a cancelled, killed or failed run from its newest checkpoint."""
    run = RunDir.open(run_id)
    state = run.status().get("state")
    if state == "finished":
        raise ChartBriefError(f"Run {run.id} already finished.", hint="Start a new run to train again.")
    options = TrainOptions.from_dict(run.read_json(run.options_file))
    run.cancel_file.unlink(missing_ok=True)
    return _spawn(run, options, resume=True)


def _spawn(run: RunDir, options: TrainOptions, *, resume: bool) -> Run:
    module, argv = _entry(run, options, resume)
    proc = spawn.spawn(module, argv, training_cpus(options.cores), preload_allocator=True, log_file=run.log_file,
                       new_session=True, bind=module == WORKER_MODULE)  # torchrun's workers bind their own share
    log.info("fine-tuning worker %d started for run %s", proc.pid, run.id)
    return Run(run, proc)
