"""Evaluation in a pinned child process: ``python -m core.evaluate.worker (--run DIR | --adapter ID) ...``.

Like training, generation runs on the training CPUs with one OpenMP thread per CPU, bound: on a busy
machine unbound OpenMP threads wait on each other at every layer, and decoding slows by 10x or more.
The process is also free of IPEX-LLM's peft patches (the fine-tuning worker has them) and of tcmalloc
(OpenVINO's runtime aborts when tcmalloc is preloaded). Progress is printed as JSON lines.

With ``--run`` the run's held-out split and options are used and ``evaluation.json`` is written into the
run folder; with ``--adapter`` the adapter's own training file (or ``--data``) is used. Either way the
report is kept with the adapter and the evaluation is audited. With ``--finish-run`` (the fine-tuning worker
``exec``s this module once its adapter is registered) it also ends the run: status ``finished``, the
audit entry and the ``finished`` event — or, if the evaluation fails, a ``failed`` event that says the
adapter is registered without metrics.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path

from core import atomic
from core.errors import Cancelled, ChartBriefError
from core.workers import affinity
from core.workers import protocol as wp
from core.workers.affinity import training_cpus
from core.workers.spawn import spawn as spawn_worker

MODULE = "core.evaluate.worker"
log = logging.getLogger(MODULE)


def spawn(argv: list[str], cores: tuple[int, ...] | None, log_file: Path | None = None) -> subprocess.Popen:
    """Start the worker with ``argv``; its stdout yields JSON-line events, its stderr goes to ``log_file``
    (appended; default: inherited). Runs without tcmalloc (see :mod:`core.workers.spawn`)."""
    return spawn_worker(MODULE, argv, training_cpus(cores), preload_allocator=False, log_file=log_file)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m core.evaluate.worker")
    p.add_argument("--run", help="a fine-tuning run folder: its held-out split and evaluation options")
    p.add_argument("--adapter", help="adapter id (with --run: the run's registered adapter)")
    p.add_argument("--model", help="base model id when there is no adapter")
    p.add_argument("--data", help="pairs to evaluate on (default: the adapter's training file)")
    p.add_argument("--limit", type=int)
    p.add_argument("--engine")
    p.add_argument("--max-new-tokens", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--cores", help="CPU list (default: the core plan's training CPUs)")
    p.add_argument("--finish-run", action="store_true", help="with --run: end the fine-tuning run after evaluating")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    finishing = bool(args.finish_run and args.run)
    from core.finetune.rundir import RunDir

    run = RunDir.open(args.run) if finishing else None
    emit = wp.Emitter(run.events_file if run else None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        report = _run(args, emit)
        from core.evaluate.report import format_table

        emit(wp.Evaluation(adapter_id=report.get("adapter_id"), groups=report["groups"], table=format_table(report),
                           agreement=report.get("agreement")))
        if run is not None:
            from core.finetune.worker import finish_run

            finish_run(run, emit)
        return 0
    except Cancelled as exc:
        if run is not None:
            run.set_status("cancelled")
            emit(wp.Cancelled(run=run.id, message="Evaluation cancelled; the adapter is registered, without metrics."))
        else:
            emit(wp.Cancelled(message=exc.message))
        return 130
    except ChartBriefError as exc:
        emit(_failed(run, args, type(exc).__name__, exc.message, exc.hint))
        return 2
    except Exception as exc:
        log.exception("evaluation failed")
        emit(_failed(run, args, type(exc).__name__, f"{type(exc).__name__}: {str(exc)[:300]}", None))
        return 1


def _failed(run, args, kind: str, message: str, hint: str | None) -> wp.Failed:
    if run is None:
        return wp.Failed(type=kind, message=message, hint=hint)
    run.set_status("failed", error=kind)
    return wp.Failed(type=kind, run=run.id,
                     message=f"Evaluation failed ({message}); the adapter {args.adapter} is registered, without metrics.",
                     hint=f"Details are in {run.log_file}. Retry with: chartbrief evaluate --adapter {args.adapter}")


def _run(args, emit) -> dict:
    from core import hardware, runtime
    from core.finetune.options import TrainOptions
    from core.finetune.rundir import RunDir

    run = RunDir.open(args.run) if args.run else None
    opts = TrainOptions.from_dict(run.read_json(run.options_file)) if run else TrainOptions()
    if args.cores:
        opts = opts.replace(cores=hardware.parse_cpu_list(args.cores))
    cpus = training_cpus(opts.cores)
    affinity.pin_process(cpus)
    os.environ.update(affinity.omp_env(cpus))
    runtime.setup(role="training", cpus=cpus)  # before torch is imported

    from core.evaluate.runner import evaluate_pairs, record

    pairs, profile = _pairs_and_profile(run, args)
    from core.finetune.job_budget import EvaluationEta

    engine = args.engine or opts.eval_engine
    from core import adapters
    from core.models import registry

    base_id = adapters.get(args.adapter).base_model_id if args.adapter else registry.get(args.model).id
    eta = EvaluationEta(model_id=base_id, engine=engine,
                        max_new_tokens=args.max_new_tokens or opts.eval_max_new_tokens,
                        agreement=opts.eval_agreement if run else 0)

    def progress(phase: str, done: int, total: int) -> None:
        emit(wp.EvalProgress(phase=phase, done=done, total=total, job_eta_s=eta.update(phase, done, total)))

    report = evaluate_pairs(
        pairs, profile, adapter_id=args.adapter, model_id=args.model,
        limit=args.limit if args.limit is not None else opts.eval_limit,
        seed=args.seed if args.seed is not None else opts.seed, engine=engine,
        max_new_tokens=args.max_new_tokens or opts.eval_max_new_tokens, on_progress=progress,
        should_stop=run.cancel_file.exists if run else None,
        independent=opts.eval_independent if run else 0, agreement_notes=opts.eval_agreement if run else 0)
    if run:
        info = run.read_json(run.dataset_file)
        report.update(run_id=run.id, dataset_sha256=info["sha256"])
        atomic.write_json(run.evaluation_file, report)
    record(report)
    return report


def _pairs_and_profile(run, args):
    from core import adapters
    from core.data import load_pairs
    from core.finetune import dataset_record

    if run is not None:
        info = run.read_json(run.dataset_file)
        pairs = dataset_record.reload(info)
        return dataset_record.rows(info, pairs, "heldout_seen") + dataset_record.rows(info, pairs, "heldout_unseen"), info["profile"]
    profile = adapters.profile(args.adapter) if args.adapter else {}
    data = args.data or (adapters.get(args.adapter).training.get("dataset_path") if args.adapter else None)
    if not data:
        raise ChartBriefError("No data to evaluate on.", hint="Pass --data FILE with note→summary pairs.")
    return load_pairs(data), profile


if __name__ == "__main__":
    sys.exit(main())
