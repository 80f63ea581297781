"""The fine-tuning worker: ``python -m core.finetune.worker --run DIR [--resume]``.

Runs in its own process (and session) so a crash or a kill cannot take the window down, and so the
global patches that IPEX-LLM's QLoRA import applies to peft stay out of the app. In order:

1. pin this process to the training CPUs and set OpenMP/MKL threads and binding, before torch loads
   (the launcher already put the same variables and ``LD_PRELOAD`` of IPEX-LLM's tcmalloc in the env);
2. train (:mod:`core.finetune.train`), resuming from the newest checkpoint with ``--resume``;
3. register the adapter (:mod:`core.adapters`), then *become* the evaluation worker (``exec``: same
   process id, same event stream, a fresh interpreter without IPEX-LLM's peft patches or tcmalloc), so
   the training process and its memory are gone before the evaluation starts; the evaluation worker
   records the metrics with the adapter and finishes the run (:func:`core.evaluate.worker.finish_run`).

Progress goes to stdout as JSON lines (:mod:`core.workers.protocol`); exit status 0 finished,
130 cancelled, 2 a user-facing error, 1 a bug (traceback in ``worker.log``).

Under ``torchrun`` (``--nproc-per-node``/``--nnodes``, :mod:`core.workers.distributed`) every process runs
this same module on its own share of the training CPUs and trains its share of each optimizer step; only
rank 0 reports progress, writes the run's status, saves, registers and evaluates the adapter. Another
machine's first process ends with a ``peer-done`` event; the other processes report nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from core import audit, hardware
from core.errors import Cancelled, ChartBriefError
from core.finetune.options import TrainOptions, resolve_dtype
from core.finetune.rundir import RunDir
from core.workers import affinity, spawn
from core.workers import protocol as wp
from core.workers.affinity import training_cpus
from core.workers.distributed import Rank, process_cpus

log = logging.getLogger("core.finetune.worker")
# Started by module name, not imported: core.evaluate sits above core.finetune in the house plan
# (it reads a run's split and options), and the evaluation must run in a fresh interpreter anyway.
EVALUATION_WORKER = "core.evaluate.worker"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.finetune.worker")
    # --run-dir: torchrun's own parser reads an abbreviated "--run" as its --run-path
    parser.add_argument("--run", "--run-dir", dest="run", required=True,
                        help="run folder (created by core.finetune.launcher)")
    parser.add_argument("--resume", action="store_true", help="continue from the newest checkpoint")
    args = parser.parse_args(argv)
    run = RunDir.open(args.run)
    rank = Rank.from_env()
    # Rank 0 alone writes the run's events; another machine's first process writes only its final line.
    emit: wp.Emitter = wp.Emitter(run.events_file) if rank.main else wp.Emitter(None, discard=rank.local_rank != 0)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s %(name)s"
                                                   f"{f' [rank {rank.rank}]' if rank.distributed else ''}: %(message)s")
    try:
        opts = TrainOptions.from_dict(run.read_json(run.options_file))
        cpus = process_cpus(training_cpus(opts.cores), rank.local_rank, rank.local_world_size)
        launch_cpus = affinity.allowed_cpus()  # before pinning: what the evaluation may use afterwards
        affinity.pin_process(cpus)
        os.environ.update(affinity.omp_env(cpus))
        from core import runtime

        runtime.setup(role="training", cpus=cpus)  # offline env; before torch is imported
        if not rank.main:
            return _peer(run, opts, cpus, emit, args.resume, rank)
        return _pipeline(run, opts, cpus, emit, args.resume, launch_cpus)
    except Cancelled as exc:
        if not rank.main:
            return 130
        run.set_status("cancelled")
        latest = run.latest_checkpoint()
        emit(wp.Cancelled(run=run.id, message=exc.message, checkpoint=str(latest) if latest else None,
                          step=int(latest.name.rsplit("-", 1)[1]) if latest else 0))
        return 130
    except ChartBriefError as exc:
        if rank.main:
            run.set_status("failed", error=type(exc).__name__)
        emit(wp.Failed(run=run.id, type=type(exc).__name__, message=exc.message, hint=exc.hint))
        return 2
    except Exception as exc:  # a bug: the traceback goes to worker.log, the event names where to look
        log.exception("fine-tuning worker failed")
        if rank.main:
            run.set_status("failed", error=type(exc).__name__)
        emit(wp.Failed(run=run.id, type=type(exc).__name__, message=f"{type(exc).__name__}: {str(exc)[:300]}",
                       hint=f"Details are in {run.log_file}."))
        return 1


def _pipeline(run: RunDir, opts: TrainOptions, cpus: tuple[int, ...], emit: wp.Emitter, resume: bool,
              launch_cpus: tuple[int, ...] | None = None) -> int:
    status = run.status()
    if "training" not in status or not run.adapter_dir.is_dir():
        run.set_status("running", pid=os.getpid())
        from core.finetune.train import train

        summary = train(run, opts, cpus, _dtype(opts), emit, resume)
        run.set_status("trained", training=summary)
        emit(wp.Trained(run=run.id, adapter=str(run.adapter_dir), **summary))
        audit.record("finetune-stop", run_id=run.id, reason=summary["reason"], steps=summary["steps"])
        status = run.status()
    training = status["training"]
    adapter_id = status.get("adapter_id") or _register(run, opts, training)
    run.set_status("registered", adapter_id=adapter_id)
    emit(wp.Registered(run=run.id, adapter_id=adapter_id))
    notes = run.status().get("eval_notes", opts.eval_limit)  # the time budget's share (core.finetune.job_budget)
    if notes:
        eval_cpus = launch_cpus if opts.eval_cores == "all" and launch_cpus else training_cpus(opts.cores)
        _become_evaluation(run, opts, adapter_id, emit, notes, eval_cpus)  # does not return
    finish_run(run, emit)
    return 0


def finish_run(run: RunDir, emit: wp.Emitter) -> None:
    """End a run whose adapter is registered (and evaluated, if asked): status, audit entry, ``finished`` event.
    The evaluation worker calls it too, after evaluating a run it was exec'd for."""
    status = run.status()
    training, adapter_id = status.get("training", {}), status["adapter_id"]
    run.set_status("finished")
    audit.record("finetune-finish", run_id=run.id, adapter_id=adapter_id, steps=training.get("steps"),
                 train_seconds=training.get("train_seconds"))
    emit(wp.Finished(run=run.id, adapter_id=adapter_id, train_seconds=training.get("train_seconds"),
                     tokens_per_s=training.get("tokens_per_s"), steps=training.get("steps")))


def _peer(run: RunDir, opts: TrainOptions, cpus: tuple[int, ...], emit: wp.Emitter, resume: bool, rank: Rank) -> int:
    """A process other than rank 0: train its share, then stop (rank 0 saves, registers and evaluates)."""
    from core.finetune.train import train

    summary = train(run, opts, cpus, _dtype(opts), emit, resume)
    emit(wp.PeerDone(run=run.id, rank=rank.rank, world_size=rank.world_size, steps=summary["steps"]))
    return 0


def _dtype(opts: TrainOptions) -> str:
    from core.finetune import dtype_choice

    return resolve_dtype(opts.compute_dtype, hardware.detect().bf16_native, dtype_choice.compute_dtype())


def _register(run: RunDir, opts: TrainOptions, training: dict) -> str:
    from core import adapters

    info = run.read_json(run.dataset_file)
    record = adapters.register(run.adapter_dir, base_model_id=info.get("model_id") or opts.model_id,
                               dataset_sha256=info["sha256"], hyperparameters=opts.hyperparameters(),
                               run_id=run.id, profile=info.get("profile"),
                               training={**training, "train_rows": len(info["train"]), "dataset_path": info["path"],
                                         "holdout_groups": info.get("holdout_groups")})
    return record.id


def _become_evaluation(run: RunDir, opts: TrainOptions, adapter_id: str, emit: wp.Emitter, notes: int,
                       cpus: tuple[int, ...]) -> None:
    """Replace this process with the evaluation worker (``exec``), which evaluates and finishes the run.

    Same process id (the launcher, the window and torchrun keep following it) and the same event stream (fd 1
    is given back to the event pipe first); the new interpreter starts without this one's memory, IPEX-LLM's
    peft patches or tcmalloc (OpenVINO's runtime aborts under it)."""
    argv = ["--run", str(run.path), "--adapter", adapter_id, "--limit", str(notes), "--finish-run",
            "--cores", hardware.format_cpu_list(cpus)]
    command = spawn.command(EVALUATION_WORKER, argv)
    env = spawn.environment(cpus, preload_allocator=False)
    affinity.pin_process(cpus)  # widen this process's CPUs (the training ones) to the evaluation's before exec
    run.set_status("evaluating", adapter_id=adapter_id, pid=os.getpid())
    log.info("training done; this process continues as the evaluation worker")
    logging.shutdown()  # flush the log before the image is replaced
    emit.give_back_stdout()
    sys.stderr.flush()
    os.execve(command[0], command, env)


if __name__ == "__main__":
    sys.exit(main())
