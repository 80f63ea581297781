"""Fine-tuning with several processes under PyTorch's own launcher (torchrun, DDP over gloo) on the tiny model.

The two-process run is compared with the single-process run on the same data and the same number of optimizer
steps, each step taking the same number of rows (two processes x 1 row against 1 process x 2 accumulated rows).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import follow, quick_options

from core.finetune import RunDir, prepare, resume, start
from core.workers import distributed

STEPS = 12

needs_two_cpus = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2,
                                    reason="two training processes need two CPUs (one each)")


def _run(data, opts) -> tuple[object, list]:
    run = start(data, opts, prepared=prepare(data, opts))
    try:
        events = follow(run, timeout=420)
    finally:
        run.kill()
    return run, events


def _mean_last(events, n: int = 4) -> float:
    losses = [e["loss"] for e in events if e["event"] == "step"]
    return sum(losses[-n:]) / n


@needs_two_cpus
def test_two_processes_train_like_one_with_the_same_rows_per_step(tiny_id, small_data, capsys):
    cpus = tuple(sorted(os.sched_getaffinity(0))[:2])
    common = {"max_steps": STEPS, "checkpoint_every": 5, "learning_rate": 2e-3, "cores": cpus}
    _, one = _run(small_data, quick_options(tiny_id, grad_accum=2, **common))
    two_run, two = _run(small_data, quick_options(tiny_id, nproc_per_node=2, **common))

    assert one[-1]["event"] == "finished" and two[-1]["event"] == "finished", (one[-2:], two[-2:])
    started = next(e for e in two if e["event"] == "started")
    assert started["processes"] == 2 and started["threads"] == 1  # each process on its own CPU
    assert started["cpus"] == str(cpus[0])
    steps_one = [e["step"] for e in one if e["event"] == "step"]
    steps_two = [e["step"] for e in two if e["event"] == "step"]
    assert steps_one == steps_two == list(range(1, STEPS + 1))  # one report per step: rank 0 alone reports
    trained = {name: next(e for e in events if e["event"] == "trained") for name, events in (("one", one), ("two", two))}
    assert trained["two"]["processes"] == 2 and trained["one"]["processes"] == 1
    assert trained["one"]["tokens_per_s"] > 0 and trained["two"]["tokens_per_s"] > 0
    first_one, first_two = one[next(i for i, e in enumerate(one) if e["event"] == "step")]["loss"], \
        two[next(i for i, e in enumerate(two) if e["event"] == "step")]["loss"]
    last_one, last_two = _mean_last(one), _mean_last(two)
    assert last_one < first_one and last_two < first_two  # both learned
    assert abs(last_one - last_two) <= 0.15 * last_one, (last_one, last_two)
    with capsys.disabled():  # the comparison the issue asks for, in the test log
        print(f"\ntorchrun test: 1 process  loss {first_one:.3f} -> {last_one:.3f}, "
              f"{trained['one']['tokens_per_s']} tok/s, {trained['one']['train_seconds']} s; "
              f"2 processes loss {first_two:.3f} -> {last_two:.3f}, {trained['two']['tokens_per_s']} tok/s, "
              f"{trained['two']['train_seconds']} s")

    # Rank 0 alone saved and registered the adapter; every process left its RNG state in each checkpoint.
    run = RunDir.open(two_run.id)
    assert run.status()["state"] == "finished" and (run.adapter_dir / "adapter_model.safetensors").is_file()
    checkpoint = run.latest_checkpoint()
    assert checkpoint is not None and checkpoint.name == f"checkpoint-{STEPS}"
    assert {p.name for p in checkpoint.glob("rng_state*")} == {"rng_state_0.pth", "rng_state_1.pth"}
    assert not (run.checkpoints / ".staging").exists()


@needs_two_cpus
def test_a_two_process_run_cancels_together_and_resumes(tiny_id, small_data):
    cpus = tuple(sorted(os.sched_getaffinity(0))[:2])
    opts = quick_options(tiny_id, nproc_per_node=2, max_steps=400, checkpoint_every=100, cores=cpus)
    job = start(small_data, opts, prepared=prepare(small_data, opts))
    try:
        follow(job, until=lambda e: e["event"] == "step" and e["step"] >= 2)
        job.cancel()  # the cancel file is read by rank 0's process; both must stop at the same step
        rest = follow(job)
    finally:
        job.kill()
    assert rest[-1]["event"] == "cancelled", rest[-3:]
    stopped = rest[-1]["step"]
    checkpoint = RunDir.open(job.id).latest_checkpoint()
    assert checkpoint is not None and checkpoint.name == f"checkpoint-{stopped}"
    assert {p.name for p in checkpoint.glob("rng_state*")} == {"rng_state_0.pth", "rng_state_1.pth"}

    again = resume(job.id)
    try:
        events = follow(again, until=lambda e: e["event"] == "step")
        again.cancel()
        follow(again)
    finally:
        again.kill()
    started = next(e for e in events if e["event"] == "started")
    assert started["resumed_from"] == stopped and started["processes"] == 2
    assert next(e for e in events if e["event"] == "step")["step"] == stopped + 1


def test_each_process_gets_its_own_cpus():
    assert distributed.process_cpus((0, 1), 0, 2) == (0,)
    assert distributed.process_cpus((0, 1), 1, 2) == (1,)
    assert distributed.process_cpus((4, 2, 3, 5, 6), 0, 2) == (2, 3, 4)
    assert distributed.process_cpus((4, 2, 3, 5, 6), 1, 2) == (5, 6)
    with pytest.raises(Exception, match="need at least 3 CPUs"):
        distributed.process_cpus((0, 1), 0, 3)


def test_torchrun_arguments_for_one_machine_and_several():
    one = distributed.torchrun_argv("core.finetune.worker", ["--run-dir", "R"], nproc_per_node=2, nnodes=1,
                                    rdzv=None, rdzv_id="x")
    assert "--standalone" in one and one[-4:] == ["-m", "core.finetune.worker", "--run-dir", "R"]
    many = distributed.torchrun_argv("core.finetune.worker", ["--run-dir", "R"], nproc_per_node=1, nnodes=3,
                                     rdzv="10.0.0.5:29400", rdzv_id="chartbrief-abc")
    assert {"--nnodes=3", "--rdzv-backend=c10d", "--rdzv-endpoint=10.0.0.5:29400", "--rdzv-id=chartbrief-abc"} <= set(many)
    assert "--standalone" not in many
    assert distributed.rendezvous_id("sha", {"a": 1}) == distributed.rendezvous_id("sha", {"a": 1})


def test_several_machines_need_a_meeting_point():
    from core.finetune import TrainOptions
    from core.finetune.options import OptionError

    with pytest.raises(OptionError, match="rdzv"):
        TrainOptions(nnodes=2)
    with pytest.raises(OptionError, match="rdzv"):
        TrainOptions(rdzv="no-port")
    assert TrainOptions(nnodes=2, rdzv="10.0.0.5:29400").world_size == 2


def test_cli_passes_the_torchrun_options(tmp_path: Path):
    import argparse

    from core.cli import finetune as cli

    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["finetune", "d.jsonl", "--nproc-per-node", "2", "--nnodes", "2", "--rdzv", "h:29400"])
    opts = cli.build_options(args)
    assert (opts.nproc_per_node, opts.nnodes, opts.rdzv) == (2, 2, "h:29400")
