"""A compact training-step harness: one fine-tuning variant in its own process.

``python -m benchmarks.train_worker JOB.json``. Variants:

- ``lora``: the baseline a user would write from the seed articles: ``transformers.Trainer`` + ``peft``
  LoRA on the unquantized fp32 model.
- ``qlora``: IPEX-LLM QLoRA: the base loaded as ``sym_int4`` (NF4 does not run on CPU in ipex-llm) with
  ``lm_head`` kept full precision, ``prepare_model_for_kbit_training`` and ipex-llm's ``get_peft_model``;
  ``bf16`` compute loads with ``torch_dtype=bfloat16`` and trains with ``Trainer(bf16=True)`` autocast.

Both use the same LoRA (r=8, alpha 16, all attention and MLP projections), the same packed token blocks
from the synthetic notes, batch 1, and the same number of steps. Step times come from a Trainer
callback; the first ``warmup_steps`` are excluded. TCMalloc (``LD_PRELOAD``) and CPU pinning are set by
the parent before this process starts; this process only reports whether they are in effect.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.infer_worker import Recorder

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
PROBE_TOKENS = 16


def token_blocks(tokenizer, seq_len: int, count: int) -> list[list[int]]:
    """``count`` blocks of exactly ``seq_len`` tokens from note→summary chats, packed back to back."""
    from benchmarks.notes import NOTES_FILE

    ids: list[int] = []
    with open(NOTES_FILE, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            chat = [{"role": "user", "content": "Summarize this clinical note.\n\n" + row["note"]},
                    {"role": "assistant", "content": row["summary"]}]
            ids += tokenizer.apply_chat_template(chat, tokenize=True)
            if len(ids) >= seq_len * count:
                break
    return [ids[i * seq_len:(i + 1) * seq_len] for i in range(count)]


def build(variant: dict, folder: str):
    import torch

    if variant["method"] == "lora":
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
        return get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, target_modules=TARGETS,
                                                task_type="CAUSAL_LM"))
    from ipex_llm.transformers import AutoModelForCausalLM
    from ipex_llm.transformers.qlora import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    dtype = torch.bfloat16 if variant["compute"] == "bf16" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(folder, load_in_low_bit="sym_int4", optimize_model=False,
                                                 torch_dtype=dtype, modules_to_not_convert=["lm_head"])
    model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=variant["grad_ckpt"])
    return get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, target_modules=TARGETS,
                                            task_type="CAUSAL_LM", training_mode="qlora"))


def probe_step_s(model, block: list[int], seq_len: int, bf16: bool) -> float:
    """Seconds one training step should take, from a forward+backward on a few tokens (linear scaling)."""
    import torch

    x = torch.tensor([block[:PROBE_TOKENS]])
    t0 = time.perf_counter()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        loss = model(input_ids=x, labels=x).loss
    loss.backward()
    model.zero_grad(set_to_none=True)
    return (time.perf_counter() - t0) * seq_len / PROBE_TOKENS


def train(job: dict, rec: Recorder) -> None:
    import torch
    from transformers import AutoTokenizer, Trainer, TrainerCallback, TrainingArguments

    variant, seq_len = job["variant"], int(job["seq_len"])
    total_steps = int(job["warmup_steps"]) + int(job["steps"])
    deadline = time.perf_counter() + float(job["budget_s"])
    tok = AutoTokenizer.from_pretrained(job["folder"])
    blocks = token_blocks(tok, seq_len, total_steps)
    t0 = time.perf_counter()
    model = build(variant, job["folder"])
    rec.put("load_s", round(time.perf_counter() - t0, 2))
    rec.put("trainable_params", sum(p.numel() for p in model.parameters() if p.requires_grad))
    bf16 = variant["compute"] == "bf16"
    guess = probe_step_s(model, blocks[0], seq_len, bf16)
    rec.put("probe_step_s", round(guess, 2))
    left = deadline - time.perf_counter()
    needed = int(job["warmup_steps"]) + 1  # at least one timed step; the deadline may stop it after that
    if guess * needed > left:
        rec.put("skipped", f"{needed} steps predicted {guess * needed:.0f}s from a {PROBE_TOKENS}-token "
                           f"probe ({guess:.0f}s/step); {left:.0f}s of the {job['budget_s']}s budget left")
        rec.put("estimated_tokens_per_s", round(seq_len / guess, 3))
        return

    times: list[dict] = []

    class Clock(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            self.t, self.c = time.perf_counter(), time.process_time()

        def on_step_end(self, args, state, control, **kw):
            times.append({"wall_s": round(time.perf_counter() - self.t, 3),
                          "cpu_s": round(time.process_time() - self.c, 3)})
            rec.put("step_times", times)
            if time.perf_counter() > deadline:
                control.should_training_stop = True

    data = [{"input_ids": torch.tensor(b), "labels": torch.tensor(b)} for b in blocks]
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, max_steps=total_steps, per_device_train_batch_size=1,
                                 learning_rate=2e-4, logging_steps=1, save_strategy="no", report_to=[],
                                 use_cpu=True, bf16=bf16, optim="adamw_torch", dataloader_num_workers=0,
                                 disable_tqdm=True, seed=0)
        trainer = Trainer(model=model, args=args, train_dataset=data, callbacks=[Clock()])
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
