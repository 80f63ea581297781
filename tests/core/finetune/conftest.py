"""Fixtures for fine-tuning tests: short data and quick options for the tiny random Llama (``tiny_id`` and
``tiny_model_dir`` come from tests/model_fixtures.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import tiny_model


@pytest.fixture
def small_data(tmp_path) -> Path:
    return tiny_model.small_dataset(tmp_path / "pairs.jsonl")


@pytest.fixture
def train_cpu() -> int:
    """One CPU that is not the first one we may use (so pinning to it is a real restriction)."""
    allowed = sorted(os.sched_getaffinity(0))
    return allowed[-1]


def quick_options(model_id: str, **changes):
    from core.finetune import TrainOptions

    base = {"model_id": model_id, "max_length": 512, "batch_size": 1, "grad_accum": 1, "checkpoint_every": 2,
            "warmup_steps": 1, "eval_limit": 0, "eval_engine": "reference", "eval_max_new_tokens": 8,
            "eval_independent": 0, "eval_agreement": 0}
    return TrainOptions(**{**base, **changes})


def follow(run, until=None, timeout: float = 240.0) -> list[dict]:
    """Collect a run's events until ``until(event)`` is true (then stop reading) or the worker ends."""
    import time

    out: list[dict] = []
    deadline = time.monotonic() + timeout
    for event in run.events():
        out.append(event)
        if until is not None and until(event):
            break
        if time.monotonic() > deadline:
            run.kill()
            raise AssertionError(f"run did not finish in {timeout}s; last events: {out[-3:]}")
    return out
