"""A compact training-step harness: one fine-tuning variant in its own process.

``python -m benchmarks.train_worker JOB.json``. Every variant trains on the same rows: the synthetic
set's note → summary pairs as ChartBrief's fine-tuning encodes them (the summarizer's own "brief" prompt,
then the reference summary; :class:`core.finetune.dataset.Formatter`), in file order, batch 1 — the
shape of a real fine-tuning run, not fixed-length blocks. Variants:

- ``lora``: the baseline a user would write from the seed articles: ``transformers.Trainer`` + ``peft``
  LoRA (r=8, alpha 16, dropout 0.05, all attention and MLP projections) on the unquantized fp32 model,
  with the model's own loss (the LM head over every position).
- ``stock``: the measured alternative (the issue's "stock-PyTorch bf16 LoRA"): ChartBrief's trainer and
  LoRA options on a bf16 base with stock peft, no ipex-llm.
- ``qlora``: ChartBrief's own fine-tuning code: the model as :func:`core.finetune.train.load_model`
  builds it (IPEX-LLM ``sym_int4`` base, full-precision ``lm_head``, ChartBrief's default LoRA options)
  and :class:`core.finetune.qlora_trainer.QLoraTrainer`'s loss (the LM head only where a summary token is
  predicted); ``bf16`` compute loads with ``torch_dtype=bfloat16`` and trains with ``Trainer(bf16=True)``.

Step times and each step's token count come from a Trainer callback; the first ``warmup_steps`` are
excluded; tokens/s is tokens processed (prompt + summary) per second. TCMalloc (``LD_PRELOAD``) and CPU
pinning are set by the parent before this process starts; this process only reports whether they are in
effect.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import ClassVar

from benchmarks.infer_worker import Recorder

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
PROBE_TOKENS = 16


def product_rows(tokenizer, count: int) -> list[dict[str, list[int]]]:
    """The first ``count`` synthetic pairs that fit ChartBrief's default max length, encoded as its
    fine-tuning encodes them (``input_ids``; ``labels`` -100 over the prompt)."""
    from benchmarks.notes import NOTES_FILE
    from core.data import Pair
    from core.finetune.dataset import Formatter
    from core.finetune.options import TrainOptions

    fmt, limit = Formatter.for_tokenizer(tokenizer), TrainOptions().max_length
    rows: list[dict[str, list[int]]] = []
    with open(NOTES_FILE, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            row = json.loads(line)
            enc = fmt.encode(Pair(note=row["note"], summary=row["summary"], source=NOTES_FILE.name, line=number))
            if len(enc["input_ids"]) <= limit:
                rows.append(enc)
            if len(rows) >= count:
                break
    return rows


def build(variant: dict, folder: str):
    import torch

    if variant["method"] == "lora":
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
        return get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, target_modules=TARGETS,
                                                task_type="CAUSAL_LM"))
    from core.finetune.options import TrainOptions

    opts = TrainOptions(gradient_checkpointing=variant["grad_ckpt"])
    if variant["method"] == "stock":
        return stock_bf16(folder, opts)
    from core.finetune.train import load_model

    return load_model(Path(folder), opts, variant["compute"])


def stock_bf16(folder: str, opts):
    """The measured alternative to ipex-llm QLoRA: the base in bf16 (no quantization, no ipex-llm), stock
    peft with ChartBrief's LoRA options, the LoRA weights in fp32 (AdamW on bf16 weights loses updates)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.bfloat16)
    model.config.use_cache = False
    if opts.gradient_checkpointing:
        model.gradient_checkpointing_enable()
        model.enable_input_require_grads()
    model = get_peft_model(model, LoraConfig(r=opts.lora_r, lora_alpha=opts.lora_alpha,
                                             lora_dropout=opts.lora_dropout, target_modules=list(opts.target_modules),
                                             bias="none", task_type="CAUSAL_LM"))
    for p in model.parameters():
        if p.requires_grad:
            p.data = p.data.float()
    return model


def probe_step_s(model, ids: list[int], tokens: float, bf16: bool) -> float:
    """Seconds one training step of ``tokens`` tokens should take, from a forward+backward on a few
    tokens (linear scaling)."""
    import torch

    x = torch.tensor([ids[:PROBE_TOKENS]])
    t0 = time.perf_counter()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        loss = model(input_ids=x, labels=x).loss
    loss.backward()
    model.zero_grad(set_to_none=True)
    return (time.perf_counter() - t0) * tokens / PROBE_TOKENS


def trainer_class(method: str):
    """The Trainer the variant uses, counting the tokens of each step's batch: the stock one for the
    baseline, ChartBrief's ``QLoraTrainer`` for ``qlora``."""
    from transformers import Trainer

    from core.finetune.qlora_trainer import QLoraTrainer

    base = Trainer if method == "lora" else QLoraTrainer

    class Counted(base):  # type: ignore[misc, valid-type]
        batch_tokens: ClassVar[list[int]] = []  # one list per class: one Trainer per process

        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            self.batch_tokens.append(int(inputs["attention_mask"].sum()))
            return super().compute_loss(model, inputs, return_outputs, **kwargs)

    return Counted


def train(job: dict, rec: Recorder) -> None:
    from transformers import AutoTokenizer, TrainerCallback, TrainingArguments

    from core.finetune.dataset import collate, pad_id
    from core.finetune.qlora_trainer import Clock, Meter

    variant = job["variant"]
    total_steps = int(job["warmup_steps"]) + int(job["steps"])
    deadline = time.perf_counter() + float(job["budget_s"])
    tok = AutoTokenizer.from_pretrained(job["folder"])
    rows = product_rows(tok, total_steps)
    mean_tokens = sum(len(r["input_ids"]) for r in rows) / len(rows)
    rec.put("rows", len(rows))
    rec.put("mean_row_tokens", round(mean_tokens, 1))
    t0 = time.perf_counter()
    model = build(variant, job["folder"])
    rec.put("load_s", round(time.perf_counter() - t0, 2))
    rec.put("trainable_params", sum(p.numel() for p in model.parameters() if p.requires_grad))
    bf16 = variant["compute"] == "bf16"
    guess = probe_step_s(model, rows[0]["input_ids"], mean_tokens, bf16)
    rec.put("probe_step_s", round(guess, 2))
    left = deadline - time.perf_counter()
    needed = int(job["warmup_steps"]) + 1  # at least one timed step; the deadline may stop it after that
    if guess * needed > left:
        rec.put("skipped", f"{needed} steps predicted {guess * needed:.0f}s from a {PROBE_TOKENS}-token "
                           f"probe ({guess:.0f}s/step); {left:.0f}s of the {job['budget_s']}s budget left")
        rec.put("estimated_tokens_per_s", round(mean_tokens / guess, 3))
        return

    times: list[dict] = []
    cls = trainer_class(variant["method"])

    class StepClock(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            self.t, self.c, self.n = time.perf_counter(), time.process_time(), len(cls.batch_tokens)

        def on_step_end(self, args, state, control, **kw):
            times.append({"wall_s": round(time.perf_counter() - self.t, 3),
                          "cpu_s": round(time.process_time() - self.c, 3),
                          "tokens": sum(cls.batch_tokens[self.n:])})
            rec.put("step_times", times)
            if time.perf_counter() > deadline:
                control.should_training_stop = True

    extra = {} if variant["method"] == "lora" else {
        "clock": Clock(), "meter": Meter(), "budget_s": None, "warmup": 0, "on_checkpoint": lambda step, path: None}
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, max_steps=total_steps, per_device_train_batch_size=1,
                                 learning_rate=2e-4, logging_steps=1, save_strategy="no", report_to=[],
                                 use_cpu=True, bf16=bf16, optim="adamw_torch", dataloader_num_workers=0,
                                 remove_unused_columns=False, disable_tqdm=True, seed=0)
        trainer = cls(model=model, args=args, train_dataset=rows, data_collator=collate(pad_id(tok)),
                      callbacks=[StepClock()], **extra)
        trainer.train()
    rec.put("losses", [round(h["loss"], 4) for h in trainer.state.log_history if "loss" in h])


def _preloaded(name: str) -> bool:
    try:
        return name in Path("/proc/self/maps").read_text()
    except OSError:
        return False


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text())
    rec = Recorder(Path(job["result"]))
    from core import runtime

    runtime.setup(role="training")
    import torch

    torch.set_num_threads(int(job["threads"]))
    rec.put("threads", torch.get_num_threads())
    rec.put("affinity", sorted(os.sched_getaffinity(0)))
    rec.put("tcmalloc_loaded", _preloaded("libtcmalloc"))
    train(job, rec)
    rec.put("done", True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
