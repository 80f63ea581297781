"""``QLoraTrainer`` overrides three private ``transformers.Trainer`` methods, because no public callback or
argument does their job (reasons in :mod:`core.finetune.qlora_trainer`). These tests pin the exact
behaviour of the installed transformers and torch that the overrides rely on, so that an upgrade fails
here, by name, instead of in a user's resume after a crash."""

from __future__ import annotations

import inspect
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import transformers
from transformers import Trainer

from core.finetune.qlora_trainer import QLoraTrainer


def test_transformers_is_the_pinned_release():
    assert transformers.__version__ == "4.45.2"  # the lock file's pin; re-check the overrides before changing it


@pytest.mark.parametrize(("name", "signature"), [
    ("_save_checkpoint", "(self, model, trial, metrics=None)"),
    ("_load_from_checkpoint", "(self, resume_from_checkpoint, model=None)"),
    ("_load_rng_state", "(self, checkpoint)"),
])
def test_the_overridden_methods_keep_their_signatures(name, signature):
    assert str(inspect.signature(getattr(Trainer, name))) == signature
    assert getattr(QLoraTrainer, name) is not getattr(Trainer, name)


def test_a_checkpoint_is_written_under_args_output_dir():
    """The atomic save points ``args.output_dir`` at a staging folder for the stock save's duration."""
    assert "self._get_output_dir(trial=trial)" in inspect.getsource(Trainer._save_checkpoint)
    fake = SimpleNamespace(hp_search_backend=None, args=SimpleNamespace(output_dir="/runs/x/checkpoints"))
    assert Trainer._get_output_dir(fake, trial=None) == "/runs/x/checkpoints"


def test_resume_goes_through_the_overridden_loaders():
    source = inspect.getsource(Trainer.train) + inspect.getsource(Trainer._inner_training_loop)
    assert "self._load_from_checkpoint(resume_from_checkpoint" in source
    assert "self._load_rng_state(resume_from_checkpoint)" in source


def test_the_stock_rng_loader_cannot_read_a_numpy_state_but_ours_can(tmp_path):
    """torch.load's default (weights_only) refuses numpy's RNG state, which the stock loader reads with it."""
    assert "torch.load(rng_file)" in inspect.getsource(Trainer._load_rng_state)
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "cpu": torch.random.get_rng_state()}
    torch.save(state, tmp_path / "rng_state.pth")
    with pytest.raises(Exception, match="weights_only"):
        torch.load(tmp_path / "rng_state.pth")
    expected = np.random.rand()  # the draw right after the saved state
    np.random.seed(0)
    QLoraTrainer._load_rng_state(SimpleNamespace(args=SimpleNamespace(world_size=1, process_index=0)), str(tmp_path))
    assert np.random.rand() == expected


def test_several_processes_keep_one_rng_file_each_under_the_stock_name(tmp_path):
    """Under torchrun the stock save writes ``rng_state_<process index>.pth``; the override reads that name."""
    assert 'f"rng_state_{self.args.process_index}.pth"' in inspect.getsource(Trainer._save_rng_state)
    before = torch.random.get_rng_state()
    torch.manual_seed(123)
    wanted = torch.random.get_rng_state()
    torch.save({"python": random.getstate(), "numpy": np.random.get_state(), "cpu": wanted},
               tmp_path / "rng_state_1.pth")
    torch.random.set_rng_state(before)
    QLoraTrainer._load_rng_state(SimpleNamespace(args=SimpleNamespace(world_size=2, process_index=1)), str(tmp_path))
    assert torch.equal(torch.random.get_rng_state(), wanted)


def test_an_optimizer_saved_by_one_of_several_cpu_processes_loads_again(tmp_path):
    """accelerate gives each CPU process the device ``cpu:<index>`` and the stock resume loads the optimizer with
    that device as ``map_location``, which torch's own loader refuses; core.workers.distributed registers a
    loader (torch's public register_package) that reads such tensors as the CPU tensors they are."""
    from core.workers import distributed

    assert "map_location = self.args.device if self.args.world_size > 1" in inspect.getsource(
        Trainer._load_optimizer_and_scheduler)
    torch.save({"exp_avg": torch.arange(4.0)}, tmp_path / "optimizer.pt")
    distributed.accept_indexed_cpu_locations()
    loaded = torch.load(tmp_path / "optimizer.pt", map_location=torch.device("cpu", 0))
    assert torch.equal(loaded["exp_avg"], torch.arange(4.0))
