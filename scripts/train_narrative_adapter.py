"""Train the narrative adapter for the embedded model, seeded, and measure whether it earns its place (#12).

In a fact-anchored summary the model writes only the narrative parts (the one-liner, a discharge's hospital
course), from a short part of the note, and a sentence of it stands only if the note backs every word and
number (``core.summarize.anchored.acceptable``). The embedded 135M model's own sentences never pass, so
below 1B parameters the note's first sentence is shown instead. This script trains a LoRA adapter for
exactly that task and measures it:

1. rows: ``resources/datasets/make_synthetic.py --varied`` (its shipped layouts plus telegraphic ED notes,
   dictated notes, templated EHR exports and nursing handoffs); for each, the prompt the pipeline sends
   (``anchored.SYSTEM`` and the narrative template around ``anchored.source_text`` of the extracted note)
   and the target one-liner or course, kept only if ``acceptable`` passes it, so the adapter learns to
   write only what the check lets stand;
2. QLoRA on the int4 base, the product's trainer pieces (``core.finetune.train.load_model`` /
   ``save_adapter``), fixed seed;
3. the dev split of the independent evaluation set (never the test split): for each note, the one-liner and
   course written by the base model and by the adapter — how many sentences were written and how many the
   check let stand. ``--test`` then also scores the test split's fact-anchored summaries in every style, base vs
   adapter (for reporting only: nothing here is tuned on it).

    .venv/bin/python scripts/train_narrative_adapter.py --out /tmp/narrative --rows 480 [--test]

Writes ``OUT/adapter/`` (stock PEFT files) and ``OUT/report.json`` (counts and scores; with ``--show`` the dev
sentences themselves are printed, the dev notes being synthetic).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "resources" / "datasets"))

PARTS = ("one_liner", "course")


def build_rows(count: int, seed: int) -> tuple[list[dict], dict]:
    """Training rows ``{"part", "source", "target"}`` from the varied generator; targets the check would not
    let stand are dropped (and counted)."""
    import make_synthetic

    from core import facts
    from core.summarize import anchored

    rows, dropped = [], {p: 0 for p in PARTS}
    for row in make_synthetic.generate(seed, count, varied=True):
        extraction = facts.extract(row["note"])
        for part in PARTS:
            target = row.get(part)
            if not target:
                continue
            source = anchored.source_text(extraction, part)
            if all(anchored.acceptable(s, source, row["note"]) for s in _sentences(target)):
                rows.append({"part": part, "layout": row["layout"], "source": source, "target": target})
            else:
                dropped[part] += 1
    return rows, dropped


def _sentences(text: str) -> list[str]:
    from core.grounding import sentences

    return [text[a:b].strip() for a, b in sentences.split(text)]


def formatter(tokenizer, part: str):
    """The product's training formatter (prompt as inference builds it, assistant turn as the target) with
    the narrative part's system text and template in place of a summary style's."""
    from core.finetune.dataset import Formatter
    from core.summarize import anchored

    template = anchored.prompt_template(part)
    return Formatter(tokenizer, SimpleNamespace(system=anchored.SYSTEM,  # type: ignore[arg-type]
                                                render_user=lambda text: template.replace("{text}", text)))


def train(rows: list[dict], out: Path, args) -> dict:
    import torch
    from transformers import AutoTokenizer, Trainer, TrainingArguments

    from core import hardware, runtime
    from core.data import Pair
    from core.finetune.dataset import collate, pad_id
    from core.finetune.options import TrainOptions
    from core.finetune.train import load_model, save_adapter
    from core.models import registry
    from core.models.convert import hf_folder

    runtime.apply_torch_threads()
    folder = hf_folder(registry.embedded())
    tokenizer = AutoTokenizer.from_pretrained(folder)
    fmts = {p: formatter(tokenizer, p) for p in PARTS}
    encoded = [fmts[r["part"]].encode(Pair(r["source"], r["target"], "make_synthetic --varied", n))
               for n, r in enumerate(rows, 1)]
    dtype = "bf16" if hardware.detect().bf16_native else "fp32"
    opts = TrainOptions(lora_r=args.rank, lora_alpha=2 * args.rank, learning_rate=args.lr, seed=args.seed)
    model = load_model(folder, opts, dtype)
    targs = TrainingArguments(
        output_dir=str(out / "checkpoints"), per_device_train_batch_size=1, gradient_accumulation_steps=args.accum,
        learning_rate=args.lr, num_train_epochs=args.epochs, lr_scheduler_type="cosine", warmup_steps=5,
        weight_decay=0.0, max_grad_norm=1.0, logging_steps=10, save_strategy="no", seed=args.seed,
        data_seed=args.seed, use_cpu=True, bf16=dtype == "bf16", report_to=[], disable_tqdm=True,
        dataloader_num_workers=0, remove_unused_columns=False, optim="adamw_torch", log_level="warning")
    trainer = Trainer(model=model, args=targs, train_dataset=encoded, data_collator=collate(pad_id(tokenizer)))
    t0 = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - t0
    save_adapter(trainer.model, out / "adapter", base_ref=str(folder))
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    tokens = sum(len(e["input_ids"]) for e in encoded) * args.epochs
    return {"rows": len(encoded), "dtype": dtype, "threads": torch.get_num_threads(), "seconds": round(seconds, 1),
            "tokens_per_s": round(tokens / seconds, 1), "first_loss": losses[0] if losses else None,
            "final_loss": losses[-1] if losses else None, "steps": trainer.state.global_step}


def narratives(engine, items, show: bool) -> dict:
    """Per part: sentences written and kept on ``items``, and the notes with a kept sentence."""
    from core import facts
    from core.engines.base import GenerationSettings
    from core.summarize import anchored

    out = {p: {"written": 0, "kept": 0, "notes_with_kept": 0, "notes": 0} for p in PARTS}
    for item in items:
        extraction = facts.extract(item.note)
        for part in PARTS:
            kept, written = anchored.write_narrative(engine, extraction, part, lambda: False, GenerationSettings())
            o = out[part]
            o["notes"] += 1
            o["written"] += written
            o["kept"] += len(kept)
            o["notes_with_kept"] += bool(kept)
            if show:
                print(f"  {item.id} {part}: {' | '.join(kept) or '-'}", flush=True)
    return out


def test_scores(engine, items) -> list[dict]:
    from core.evaluate import evalset
    from core.summarize import STYLES
    from core.summarize import run as summarize

    scores = list(evalset.run(items, list(STYLES), engine, summarize, "facts"))
    return evalset.summary_table(scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=480, help="synthetic notes to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--accum", type=int, default=4)
    parser.add_argument("--skip-train", action="store_true", help="measure an adapter already in OUT/adapter")
    parser.add_argument("--test", action="store_true", help="also score the test split (reporting only)")
    parser.add_argument("--show", action="store_true", help="print the dev split's kept sentences")
    args = parser.parse_args(argv)

    from core import runtime

    runtime.setup()
    random.seed(args.seed)
    from core import engines
    from core.evaluate import evalset

    report: dict = {"args": {k: str(v) for k, v in vars(args).items()}}
    rows, dropped = build_rows(args.rows, args.seed)
    report["data"] = {"rows": len(rows), "dropped": dropped,
                      "by_part": {p: sum(r["part"] == p for r in rows) for p in PARTS}}
    print("data:", json.dumps(report["data"]), flush=True)
    if not args.skip_train:
        report["train"] = train(rows, args.out, args)
        print("train:", json.dumps(report["train"]), flush=True)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "train.json").write_text(json.dumps(report["train"], indent=1))
        # Training imported IPEX-LLM's QLoRA, which patches peft for good; the OpenVINO engine merges the
        # adapter with stock peft. So this process becomes a fresh one for the measurement (as the app's
        # fine-tuning worker becomes its evaluation worker).
        os.execv(sys.executable, [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:]),
                                  "--skip-train"])
    if (args.out / "train.json").exists():
        report["train"] = json.loads((args.out / "train.json").read_text())
    evalsets = ROOT / "resources" / "evalsets" / "summaries"
    dev = evalset.load(evalsets / "dev.jsonl")
    runs = {"base": None, "adapter": ("narrative-default", args.out / "adapter")}
    for name, adapter in runs.items():
        engine = engines.load("openvino", None, "int4", adapter)
        print(f"dev narratives, {name}:", flush=True)
        report.setdefault("dev", {})[name] = narratives(engine, dev, args.show)
        print(json.dumps(report["dev"][name]), flush=True)
        if args.test:
            report.setdefault("test", {})[name] = test_scores(engine, evalset.load(evalsets / "test.jsonl"))
            print(evalset.format_table(report["test"][name]), flush=True)
        del engine
    (args.out / "report.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
