"""QLoRA training inside the worker process: int4 base (IPEX-LLM sym_int4), LoRA adapters, Trainer.

Called by :mod:`core.finetune.worker` after it pinned the process and set the OpenMP environment.
Importing ``ipex_llm.transformers.qlora`` patches peft globally, which is why this runs only in the
worker; the adapter it writes uses stock ``peft.LoraConfig`` fields so stock peft loads it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path

from core import atomic
from core.errors import Cancelled, DatasetError
from core.finetune import dataset_record, job_budget
from core.finetune.dataset import Formatter, collate, pad_id
from core.finetune.options import TrainOptions
from core.finetune.rundir import RunDir
from core.workers import affinity
from core.workers import protocol as wp
from core.workers.distributed import Rank

log = logging.getLogger(__name__)


def plan_steps(rows: int, opts: TrainOptions) -> int:
    """Optimizer steps the Trainer will run (its own arithmetic: ``max_steps`` if set, else whole
    accumulation groups per epoch times epochs; with several processes each sees its share of the rows).
    A time budget may stop it earlier."""
    if opts.max_steps:
        return opts.max_steps
    per_epoch = max(1, math.ceil(math.ceil(rows / opts.world_size) / opts.batch_size) // opts.grad_accum)
    return math.ceil(opts.epochs * per_epoch)


def train(run: RunDir, opts: TrainOptions, cpus: tuple[int, ...], dtype: str, emit: Callable[[wp.Event], object],
          resume: bool) -> dict:
    """Train, save the adapter into ``run.adapter_dir``; returns a summary dict. Raises Cancelled."""
    import torch
    from transformers import AutoTokenizer, TrainingArguments

    from core import runtime
    from core.finetune.qlora_trainer import Clock, Meter, Progress, QLoraTrainer
    from core.models import registry
    from core.models.convert import hf_folder

    runtime.apply_torch_threads()
    rank = Rank.from_env()
    if rank.distributed:
        from core.workers.distributed import accept_indexed_cpu_locations

        accept_indexed_cpu_locations()
    record = registry.get(opts.model_id)
    folder = hf_folder(record)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    fmt = Formatter.for_tokenizer(tokenizer)
    info = run.read_json(run.dataset_file)
    rows = [fmt.encode(p) for p in dataset_record.rows(info, dataset_record.reload(info), "train")]
    too_long = sum(len(r["input_ids"]) > opts.max_length for r in rows)
    if too_long:
        raise DatasetError(f"{too_long} training rows are longer than max length {opts.max_length}.",
                           hint="The tokenizer changed since the run started; start a new run.")

    model = load_model(folder, opts, dtype)
    checkpoint = run.latest_checkpoint() if resume else None
    prior = json.loads((checkpoint / "progress.json").read_text())["elapsed_s"] if checkpoint else 0.0
    clock, meter = Clock(prior), Meter()
    shares = job_budget.split(opts.minutes, eval_notes=opts.eval_limit, model_id=record.id, engine=opts.eval_engine,
                              independent=opts.eval_independent, agreement=opts.eval_agreement,
                              max_new_tokens=opts.eval_max_new_tokens)
    budget = shares.train_s if shares else None  # the evaluation after training gets the rest (job_budget)
    if rank.main:
        run.set_status("running", pid=os.getpid(), eval_notes=shares.eval_notes if shares else opts.eval_limit)
    max_steps = plan_steps(len(rows), opts)

    def on_first_step() -> None:
        masks = affinity.pin_threads(cpus)  # OpenMP's pool exists now; confine anything that escaped
        emit(wp.Affinity(cpus=affinity.format_cpu_list(cpus), threads={str(k): v for k, v in masks.items()},
                         ok=affinity.masks_ok(masks, cpus)))

    notes = shares.eval_notes if shares else opts.eval_limit
    after = (shares.eval_s if shares else job_budget.evaluation_s(
        notes, model_id=record.id, engine=opts.eval_engine, max_new_tokens=opts.eval_max_new_tokens,
        independent=opts.eval_independent, agreement=opts.eval_agreement)) + job_budget.REGISTER_S
    progress = Progress(emit, clock, meter, budget, run.cancel_file, on_first_step, after_s=after)
    args = TrainingArguments(
        output_dir=str(run.checkpoints), per_device_train_batch_size=opts.batch_size,
        gradient_accumulation_steps=opts.grad_accum, learning_rate=opts.learning_rate,
        num_train_epochs=opts.epochs, max_steps=opts.max_steps or -1, weight_decay=0.0, max_grad_norm=1.0,
        logging_strategy="steps", logging_steps=1, save_strategy="steps", save_steps=opts.checkpoint_every,
        seed=opts.seed, data_seed=opts.seed, use_cpu=True, bf16=dtype == "bf16", report_to=[],
        disable_tqdm=True, dataloader_num_workers=0, remove_unused_columns=False, optim="adamw_torch",
        save_safetensors=True, log_level="warning", gradient_checkpointing=False,
        # torchrun (several processes): DDP over gloo; every LoRA weight takes part in every step; with
        # several machines each one's first process keeps a whole checkpoint in its own run folder.
        ddp_backend="gloo" if rank.distributed else None, ddp_find_unused_parameters=False,
        save_on_each_node=opts.nnodes > 1)
    trainer = QLoraTrainer(model=model, args=args, train_dataset=rows, data_collator=collate(pad_id(tokenizer)),
                           callbacks=[progress], clock=clock, meter=meter, budget_s=budget,
                           warmup=opts.warmup_steps,
                           on_checkpoint=lambda step, path: emit(wp.Checkpoint(step=step, path=str(path))))
    emit(wp.Started(run=run.id, pid=os.getpid(), cpus=affinity.format_cpu_list(cpus),
                    threads=torch.get_num_threads(), dtype=dtype, allocator=affinity.allocator_loaded(),
                    train_rows=len(rows), max_steps=max_steps, resumed_from=_step_of(checkpoint),
                    budget_s=budget, model_id=record.id, job_budget_s=shares.total_s if shares else None,
                    eval_estimate_s=shares.eval_s if shares else None,
                    eval_notes=shares.eval_notes if shares else opts.eval_limit, processes=rank.world_size))
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    steps = trainer.state.global_step
    elapsed = clock.elapsed()
    if rank.distributed:  # every process is done with the others; rank 0 goes on alone
        trainer.accelerator.wait_for_everyone()
        import torch.distributed as dist

        dist.destroy_process_group()
    if progress.stop_reason == "cancel":
        latest = run.latest_checkpoint()
        raise Cancelled(f"Fine-tuning cancelled at step {steps}; checkpoint {latest.name if latest else 'none'} kept.")
    if rank.main:
        save_adapter(trainer.model, run.adapter_dir, base_ref=str(folder))
    return {"reason": progress.stop_reason or "done", "steps": steps, "max_steps": max_steps,
            "train_seconds": round(elapsed, 1), "dtype": dtype, "cpus": affinity.format_cpu_list(cpus),
            "tokens_per_s": round(meter.total_tokens / max(1e-6, elapsed - prior), 1),
            "final_loss": _last_loss(trainer), "processes": rank.world_size}


def load_model(folder: Path, opts: TrainOptions, dtype: str):
    import torch
    from ipex_llm.transformers import AutoModelForCausalLM
    from ipex_llm.transformers.qlora import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    torch.manual_seed(opts.seed)
    # lm_head stays full precision: SmolLM2's int4 tied head turns greedy output into unrelated text.
    model = AutoModelForCausalLM.from_pretrained(
        str(folder), load_in_low_bit="sym_int4", optimize_model=False, modules_to_not_convert=["lm_head"],
        torch_dtype=torch.bfloat16 if dtype == "bf16" else torch.float32, trust_remote_code=False)
    model.config.use_cache = False
    model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=opts.gradient_checkpointing)
    config = LoraConfig(r=opts.lora_r, lora_alpha=opts.lora_alpha, lora_dropout=opts.lora_dropout,
                        target_modules=list(opts.target_modules), bias="none", task_type="CAUSAL_LM",
                        training_mode="qlora")
    model = get_peft_model(model, config)
    model.train()
    return model


def save_adapter(model, target: Path, *, base_ref: str) -> None:
    """Stock PEFT files: ``adapter_model.safetensors`` + an ``adapter_config.json`` of peft's own LoraConfig."""
    import peft
    import torch
    from safetensors.torch import save_file

    cfg = model.peft_config["default"]
    init = {f.name for f in dataclasses.fields(peft.LoraConfig) if f.init}
    stock = peft.LoraConfig(**{k: v for k, v in vars(cfg).items() if k in init})
    stock.base_model_name_or_path = base_ref
    weights = {k: v.detach().to(torch.float32).contiguous()
               for k, v in peft.get_peft_model_state_dict(model).items()}
    if not weights:
        raise RuntimeError("the trained model has no LoRA weights to save")
    with atomic.atomic_dir(target) as tmp:
        stock.save_pretrained(str(tmp))
        save_file(weights, str(tmp / "adapter_model.safetensors"), metadata={"format": "pt"})


def _step_of(checkpoint: Path | None) -> int | None:
    return int(checkpoint.name.rsplit("-", 1)[1]) if checkpoint else None


def _last_loss(trainer) -> float | None:
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return round(float(losses[-1]), 5) if losses else None
