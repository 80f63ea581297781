"""``transformers.Trainer`` for QLoRA on CPU: summary-only loss, a time-aware schedule, atomic checkpoints.

- Loss: the decoder runs once over prompt + summary, but ``lm_head`` (a 49k x 576 matrix for SmolLM2)
  runs only on the positions whose next token is a summary token; the prompt carries no loss anyway.
- Schedule: linear warm-up, then cosine decay to 10% over *progress*, the larger of the share of steps
  done and the share of the time budget used, so a time-limited run still ends at a low learning rate.
- Checkpoints: the Trainer writes into a staging folder which is then renamed to ``checkpoint-<step>``,
  so a SIGKILL leaves either a complete checkpoint or none; the newest two are kept.
- Resume: adapter weights load with peft's ``set_peft_model_state_dict`` (the Trainer then restores the
  optimizer, scheduler, RNG state and skips the rows already seen).
- Several processes (torchrun, :mod:`core.workers.distributed`): the Trainer wraps the model in DDP; the loss
  then goes through the wrapper's forward (DDP averages gradients only for a forward it ran), asking the
  model for the logits of the summary tail only (``num_logits_to_keep``); every process stops at the same
  step, and a checkpoint is renamed into place only after every process wrote its part.

Three private ``Trainer`` methods are overridden because no public callback or argument does their job;
``tests/core/finetune/test_trainer_internals.py`` pins the transformers behaviour each relies on:

- ``_save_checkpoint``: ``on_save`` runs only after the stock save has written ``checkpoint-<step>`` in
  place, so a kill mid-save would leave a half-written folder under the final name; the override points
  ``args.output_dir`` at a staging folder for the stock save, then fsyncs and renames.
- ``_load_from_checkpoint``: the stock loader (``PeftModel.load_adapter``) ignores LoRA tensors that are
  missing or unexpected, so a checkpoint of another shape would resume half-random; the override loads
  with peft's public ``set_peft_model_state_dict`` and refuses such a checkpoint.
- ``_load_rng_state``: the stock loader reads ``rng_state.pth`` with ``torch.load``'s default
  (``weights_only``), which refuses numpy's RNG state, so a resume would fail or lose determinism.

Imports torch and transformers: only the worker process imports this module.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from transformers import Trainer, TrainerCallback

from core import atomic
from core.finetune.dataset import IGNORE
from core.finetune.rundir import CHECKPOINT_PREFIX
from core.workers import distributed
from core.workers import protocol as wp

FLOOR = 0.1  # the learning rate ends at 10% of its peak
KEEP_CHECKPOINTS = 2


class Clock:
    """Training seconds, carried across resumes (model loading does not count)."""

    def __init__(self, prior: float = 0.0):
        self.prior = prior
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return self.prior + time.monotonic() - self.start


class Meter:
    """Tokens the model processed in this process, and in all training processes (for tokens/s)."""

    def __init__(self) -> None:
        self.tokens = 0
        self.target_tokens = 0
        self.total_tokens = 0  # all processes, as of the last step's agreement (core.workers.distributed)


class QLoraTrainer(Trainer):
    def __init__(self, *args, clock: Clock, meter: Meter, budget_s: float | None, warmup: int,
                 on_checkpoint: Callable[[int, Path], object], **kwargs):
        super().__init__(*args, **kwargs)
        self.clock, self.meter, self.budget_s, self.warmup = clock, meter, budget_s, warmup
        self.on_checkpoint = on_checkpoint

    # -- loss ---------------------------------------------------------------------------------
    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        labels, ids, mask = inputs["labels"], inputs["input_ids"], inputs["attention_mask"]
        shifted = labels[:, 1:]
        keep = shifted != IGNORE
        if isinstance(model, torch.nn.parallel.DistributedDataParallel):
            loss = self._ddp_loss(model, ids, mask, shifted, keep)
        else:
            base = model.get_base_model() if hasattr(model, "get_base_model") else model
            hidden = base.model(input_ids=ids, attention_mask=mask).last_hidden_state
            logits = base.lm_head(hidden[:, :-1][keep]).float()
            loss = F.cross_entropy(logits, shifted[keep])
        self.meter.tokens += int(mask.sum())
        self.meter.target_tokens += int(keep.sum())
        return (loss, {"loss": loss}) if return_outputs else loss

    @staticmethod
    def _ddp_loss(model, ids, mask, shifted, keep):
        """The same loss through DDP's forward: logits for the positions from the first summary token on."""
        positions = keep.any(dim=0).nonzero()
        first = int(positions[0]) if len(positions) else shifted.shape[1] - 1
        tail = shifted.shape[1] - first  # logits of positions first .. n-2 predict tokens first+1 .. n-1
        logits = model(input_ids=ids, attention_mask=mask, num_logits_to_keep=tail + 1).logits[:, :-1]
        return F.cross_entropy(logits[keep[:, first:]].float(), shifted[:, first:][keep[:, first:]])

    # -- schedule ------------------------------------------------------------------------------
    def create_scheduler(self, num_training_steps: int, optimizer=None):
        if getattr(self, "lr_scheduler", None) is None:  # Trainer sets it to None before calling this
            total, warmup, clock, budget = max(1, num_training_steps), self.warmup, self.clock, self.budget_s

            def factor(step: int) -> float:  # a plain function: LambdaLR does not pickle it with the state
                if step < warmup:
                    return (step + 1) / (warmup + 1)
                progress = (step - warmup) / max(1, total - warmup)
                if budget:
                    progress = max(progress, clock.elapsed() / budget)
                return FLOOR + (1 - FLOOR) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

            self.lr_scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer or self.optimizer, factor)
            self._created_lr_scheduler = True
        return self.lr_scheduler

    # -- checkpoints ---------------------------------------------------------------------------
    def _save_checkpoint(self, model, trial, metrics=None):
        root = Path(self.args.output_dir)
        staging = root / ".staging"
        writer = self.args.should_save  # the one process per run folder that renames and prunes
        if writer:
            shutil.rmtree(staging, ignore_errors=True)
        self.accelerator.wait_for_everyone()  # (no-op in one process) nobody writes into a folder being removed
        step = self.state.global_step
        self.args.output_dir = str(staging)
        try:
            super()._save_checkpoint(model, trial, metrics)
        finally:
            self.args.output_dir = str(root)
        self.accelerator.wait_for_everyone()  # every process's RNG state is in the folder before it is renamed
        if writer:
            self._publish(root, staging, step)
        self.accelerator.wait_for_everyone()

    def _publish(self, root: Path, staging: Path, step: int) -> None:
        src = staging / f"{CHECKPOINT_PREFIX}{step}"
        (src / "progress.json").write_text(json.dumps({
            "step": step, "elapsed_s": self.clock.elapsed(), "tokens": self.meter.tokens,
            "time": time.time()}))
        atomic.fsync_tree(src)
        final = root / src.name
        if final.exists():  # the same step saved twice (cancel right after a scheduled save)
            shutil.rmtree(final)
        os.replace(src, final)
        atomic.fsync_dir(root)
        shutil.rmtree(staging, ignore_errors=True)
        self._prune(root)
        self.on_checkpoint(step, final)

    def _prune(self, root: Path) -> None:
        steps = sorted(int(p.name[len(CHECKPOINT_PREFIX):]) for p in root.glob(f"{CHECKPOINT_PREFIX}*")
                       if p.name[len(CHECKPOINT_PREFIX):].isdigit())
        for old in steps[:-KEEP_CHECKPOINTS]:
            shutil.rmtree(root / f"{CHECKPOINT_PREFIX}{old}", ignore_errors=True)

    def _load_from_checkpoint(self, resume_from_checkpoint, model=None):
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        weights = load_file(str(Path(resume_from_checkpoint) / "adapter_model.safetensors"))
        result = set_peft_model_state_dict(model or self.model, weights)
        bad = [k for k in (*result.unexpected_keys, *result.missing_keys) if "lora_" in k]
        if bad:
            raise RuntimeError(f"checkpoint {Path(resume_from_checkpoint).name} does not fit the model "
                               f"({len(bad)} LoRA tensors missing or unexpected, e.g. {bad[0]})")

    def _load_rng_state(self, checkpoint):
        # Our own file: numpy's RNG state needs the full unpickler (torch.load defaults to weights_only).
        # One file per process under torchrun (the Trainer's own naming), else rng_state.pth.
        name = f"rng_state_{self.args.process_index}.pth" if self.args.world_size > 1 else "rng_state.pth"
        path = Path(checkpoint or "") / name
        if checkpoint is None or not path.is_file():
            return
        import random

        import numpy as np

        state = torch.load(path, weights_only=False)
        random.setstate(state["python"])
        np.random.set_state(state["numpy"])
        torch.random.set_rng_state(state["cpu"])


class Progress(TrainerCallback):
    """Turns Trainer logs into progress events; enforces the time budget; polls the cancel file."""

    def __init__(self, emit: Callable[..., object], clock: Clock, meter: Meter, budget_s: float | None,
                 cancel_file: Path, on_first_step: Callable[[], None] | None = None, after_s: float = 0.0):
        self.emit, self.clock, self.meter, self.budget_s = emit, clock, meter, budget_s
        self.after_s = after_s  # estimated seconds after training: registering and evaluating the adapter
        self.cancel_file, self.on_first_step = cancel_file, on_first_step
        self.stop_reason: str | None = None
        self._t0 = time.monotonic()
        self._first_step: int | None = None
        self._last = (time.monotonic(), 0)

    def on_train_begin(self, args, state, control, **kwargs):
        self._t0 = time.monotonic()
        self._first_step = state.global_step
        self._last = (self._t0, self.meter.total_tokens)

    def on_step_end(self, args, state, control, **kwargs):
        if self.on_first_step is not None:
            self.on_first_step()
            self.on_first_step = None
        cancel = self.cancel_file.exists()
        # the next step would end after the budget: stop within it
        late = bool(self.budget_s and self.clock.elapsed() + self._step_seconds(state) > self.budget_s)
        # Every process must stop at the same step (one alone would wait for the others forever); the cancel
        # file is on rank 0's machine, so its word reaches the others through the agreement.
        (cancel, late), self.meter.total_tokens = distributed.agree((cancel, late), self.meter.tokens)
        if cancel:
            self.stop_reason = "cancel"
            control.should_training_stop = True
            control.should_save = True
        elif late:
            self.stop_reason = "time"
            control.should_training_stop = True
        return control

    def _step_seconds(self, state) -> float:
        """Mean seconds per optimizer step so far in this process."""
        done = max(1, state.global_step - (self._first_step or 0))
        return (time.monotonic() - self._t0) / done

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or "loss" not in logs:
            return
        now = time.monotonic()
        t_prev, tok_prev = self._last
        self._last = (now, self.meter.total_tokens)
        eta = max(0, state.max_steps - state.global_step) * self._step_seconds(state)
        if self.budget_s:
            eta = min(eta, max(0.0, self.budget_s - self.clock.elapsed()))
        self.emit(wp.Step(step=state.global_step, max_steps=state.max_steps, epoch=round(state.epoch or 0, 4),
                          loss=round(float(logs["loss"]), 5), lr=float(logs.get("learning_rate", 0.0)),
                          tokens_per_s=round((self.meter.total_tokens - tok_prev) / max(1e-6, now - t_prev), 1),
                          eta_s=round(eta, 1), elapsed_s=round(self.clock.elapsed(), 1), rss_mb=rss_mb(),
                          job_eta_s=round(eta + self.after_s, 1)))


def rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return 0.0
