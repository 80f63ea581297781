"""``chartbrief finetune DATA`` and ``chartbrief finetune --resume RUN``.

Prints the dataset report (and the privacy scan), starts the pinned background worker, streams its
progress, and ends with the before/after evaluation table and the new adapter's id. Ctrl-C asks the
worker to checkpoint and stop (a second Ctrl-C kills it); the run can be resumed.
"""

from __future__ import annotations

import json
import sys

from core.errors import ChartBriefError
from core.finetune.options import DTYPES, TrainOptions

# CLI flag -> TrainOptions field, for the flags that map one to one.
_FLAGS = {"model": "model_id", "minutes": "minutes", "epochs": "epochs", "lr": "learning_rate", "rank": "lora_r",
          "alpha": "lora_alpha", "dropout": "lora_dropout", "max_length": "max_length", "max_steps": "max_steps",
          "batch_size": "batch_size", "grad_accum": "grad_accum", "dtype": "compute_dtype",
          "checkpoint_every": "checkpoint_every", "seed": "seed", "warmup": "warmup_steps",
          "eval_limit": "eval_limit", "eval_engine": "eval_engine", "max_new_tokens": "eval_max_new_tokens"}


def register(sub) -> None:
    p = sub.add_parser("finetune", help="QLoRA fine-tune on local note→summary pairs (pinned background worker)",
                       description=__doc__)
    p.add_argument("data", nargs="?", help="pairs: .jsonl, .json, .csv, .tsv, or a folder of NAME.txt + "
                                           "NAME.summary.txt")
    p.add_argument("--resume", metavar="RUN", help="continue a cancelled or killed run from its newest checkpoint")
    p.add_argument("--model", help="base model id (default: the embedded model)")
    p.add_argument("--minutes", type=float, help="training-time budget: no step runs past it; the learning-rate "
                                                 "schedule fits it")
    p.add_argument("--cores", help="CPUs for training, e.g. 1 or 2-5 (default: settings, else the core plan)")
    p.add_argument("--epochs", type=float, help="passes over the training rows (default 1)")
    p.add_argument("--max-steps", type=int, help="stop after this many optimizer steps")
    p.add_argument("--lr", type=float, help="peak learning rate (default 1e-3)")
    p.add_argument("--rank", type=int, help="LoRA rank (default 16)")
    p.add_argument("--alpha", type=int, help="LoRA alpha (default 32)")
    p.add_argument("--dropout", type=float, help="LoRA dropout (default 0)")
    p.add_argument("--targets", help="comma-separated modules (default q,k,v,o,gate,up,down projections)")
    p.add_argument("--max-length", type=int, help="longest prompt+summary in tokens; longer rows are excluded")
    p.add_argument("--batch-size", type=int, help="rows per forward pass (default 1)")
    p.add_argument("--grad-accum", type=int, help="forward passes per optimizer step (default 1)")
    p.add_argument("--warmup", type=int, help="warm-up optimizer steps (default 3)")
    p.add_argument("--gradient-checkpointing", action="store_true", help="less memory, ~30%% slower")
    p.add_argument("--dtype", choices=DTYPES, help="compute dtype (auto: fp32 unless the CPU has native bf16)")
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints (default 10)")
    p.add_argument("--seed", type=int)
    p.add_argument("--eval-limit", type=int, help="held-out notes to evaluate, half unseen (default 24; 0: skip)")
    p.add_argument("--eval-engine", choices=("auto", "ipex_llm", "openvino", "reference"),
                   help="engine for the before/after evaluation (default reference: fp32 + stock peft)")
    p.add_argument("--max-new-tokens", type=int, help="summary tokens per note in the evaluation (default 160)")
    p.add_argument("--activate", action="store_true", help="make the new adapter active when it is done")
    p.add_argument("-y", "--yes", action="store_true", help="start without asking, even if identifiers were found")
    p.add_argument("--json", action="store_true", help="print progress events as JSON lines")
    p.set_defaults(func=run)


def build_options(args) -> TrainOptions:
    from core import hardware, settings

    values = {field: getattr(args, flag) for flag, field in _FLAGS.items() if getattr(args, flag) is not None}
    if args.targets:
        values["target_modules"] = tuple(t.strip() for t in args.targets.split(",") if t.strip())
    if args.gradient_checkpointing:
        values["gradient_checkpointing"] = True
    cores = args.cores or settings.load().settings.training_cores
    if cores:
        try:
            values["cores"] = hardware.parse_cpu_list(cores)
        except ValueError:
            raise ChartBriefError(f"--cores {cores!r} is not a CPU list.", hint="Write it like 1 or 2-5 or 0,2.") from None
    return TrainOptions(**values)


def run(args) -> int:
    from core.finetune import launcher

    if args.resume:
        job = launcher.resume(args.resume)
        print(f"Resuming run {job.id} (worker pid {job.pid}).", file=sys.stderr)
    else:
        if not args.data:
            raise ChartBriefError("Give the training data (a file or folder of pairs), or --resume RUN.",
                                  hint="Example: chartbrief finetune notes.jsonl --minutes 15")
        options = build_options(args)
        from core.finetune.intake import prepare

        print("Checking the data…", file=sys.stderr)
        prepared = prepare(args.data, options)
        print(prepared.report.format())
        print(prepared.privacy.summary())
        for line in prepared.summary_lines():
            print(line)
        _confirm(args, prepared)
        job = launcher.start(args.data, options, prepared=prepared)
        print(f"Run {job.id} started (worker pid {job.pid}); resume it with: chartbrief finetune --resume {job.id}",
              file=sys.stderr)
    return follow(job, as_json=args.json, activate=args.activate)


def _confirm(args, prepared) -> None:
    found = not prepared.privacy.clean
    if args.yes:
        return
    if not sys.stdin.isatty():
        if found:
            raise ChartBriefError("The data holds likely patient identifiers (see above); not starting.",
                                  hint="Remove them, or pass --yes to train on the data as it is.")
        return
    question = "Train on this data anyway? [y/N] " if found else "Start fine-tuning? [Y/n] "
    answer = input(question).strip().lower()
    if (found and answer not in ("y", "yes")) or (not found and answer in ("n", "no")):
        raise ChartBriefError("Not started.")


def follow(job, *, as_json: bool = False, activate: bool = False) -> int:
    """Stream a run's events to stdout until it ends; returns the exit status."""
    last: dict = {}
    interrupted = False
    while True:
        try:
            for event in job.events():  # a Ctrl-C ends this generator; the next one reads on
                last = event
                _show(event, as_json)
            break
        except KeyboardInterrupt:
            if interrupted:
                job.kill()
                print("Worker killed; the newest checkpoint is kept.", file=sys.stderr)
                return 130
            interrupted = True
            job.cancel()
            print("Stopping at the end of this step (Ctrl-C again to kill)…", file=sys.stderr)
    kind = last.get("event")
    if kind == "finished":
        adapter_id = last.get("adapter_id")
        if activate and adapter_id:
            from core import adapters

            adapters.activate(adapter_id)
        if not as_json:
            state = "active" if activate else f"activate it with: chartbrief adapters activate {adapter_id}"
            print(f"New adapter: {adapter_id} ({state}); trained {last.get('steps')} steps in "
                  f"{last.get('train_seconds')} s at {last.get('tokens_per_s')} tokens/s.")
        return 0
    if kind == "cancelled":
        return 130
    return 1 if last.get("type") in (None, "WorkerExited") else 2


def _show(event: dict, as_json: bool) -> None:
    from core.finetune.events import describe

    if as_json:
        print(json.dumps(event, sort_keys=True), flush=True)
        return
    if event.get("event") == "evaluation":
        print(event.get("table", ""), flush=True)
    line = describe(event)
    if line:
        print(line, flush=True)
