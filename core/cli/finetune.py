"""``chartbrief finetune DATA`` and ``chartbrief finetune --resume RUN``.

Prints the dataset report (and the privacy scan), starts the pinned background worker, streams its
progress, and ends with the before/after evaluation table and the new adapter's id. Ctrl-C asks the
worker to checkpoint and stop (a second Ctrl-C kills it); the run can be resumed.
"""

from __future__ import annotations

import dataclasses
import sys
import typing

from core.engines import ENGINE_NAMES
from core.errors import ChartBriefError
from core.finetune.options import DTYPES, TrainOptions

# CLI flag -> TrainOptions field. Type, default and help come from the dataclass (one place for each);
# only the flag's name is chosen here.
_FLAGS = {"model": "model_id", "minutes": "minutes", "epochs": "epochs", "max_steps": "max_steps",
          "lr": "learning_rate", "rank": "lora_r", "alpha": "lora_alpha", "dropout": "lora_dropout",
          "targets": "target_modules", "max_length": "max_length", "batch_size": "batch_size",
          "grad_accum": "grad_accum", "warmup": "warmup_steps", "gradient_checkpointing": "gradient_checkpointing",
          "dtype": "compute_dtype", "checkpoint_every": "checkpoint_every", "seed": "seed",
          "eval_limit": "eval_limit", "eval_engine": "eval_engine", "max_new_tokens": "eval_max_new_tokens",
          "nproc_per_node": "nproc_per_node", "nnodes": "nnodes", "rdzv": "rdzv",
          "eval_independent": "eval_independent", "eval_agreement": "eval_agreement", "eval_cores": "eval_cores"}
_CHOICES = {"compute_dtype": DTYPES, "eval_engine": ENGINE_NAMES, "eval_cores": ("all", "training")}


def _option_arguments(p) -> None:
    """One ``--flag`` per entry of ``_FLAGS``, typed, defaulted and described by ``TrainOptions``'s field."""
    hints = typing.get_type_hints(TrainOptions)
    fields = {f.name: f for f in dataclasses.fields(TrainOptions)}
    for flag, name in _FLAGS.items():
        f, hint = fields[name], hints[name]
        default = f.default
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        help_ = f.metadata["help"] + ("" if default is None or default is False else f" (default {shown})")
        option = "--" + flag.replace("_", "-")
        if hint is bool:
            p.add_argument(option, action="store_true", help=help_.replace("%", "%%"))
            continue
        base = next((t for t in typing.get_args(hint) if t is not type(None)), hint)
        kind = str if typing.get_origin(base) is tuple else base
        p.add_argument(option, type=kind, choices=_CHOICES.get(name), help=help_.replace("%", "%%"))


def register(sub) -> None:
    p = sub.add_parser("finetune", help="QLoRA fine-tune on local note→summary pairs (pinned background worker)",
                       description=__doc__)
    p.add_argument("data", nargs="?", help="pairs: .jsonl, .json, .csv, .tsv, or a folder of NAME.txt + "
                                           "NAME.summary.txt")
    p.add_argument("--resume", metavar="RUN", help="continue a cancelled or killed run from its newest checkpoint")
    p.add_argument("--cores", help="CPUs for training, e.g. 1 or 2-5 (default: settings, else the core plan)")
    _option_arguments(p)
    p.add_argument("--activate", action="store_true", help="make the new adapter active when it is done (asks "
                                                           "first if the evaluation found it worse than the base)")
    p.add_argument("-y", "--yes", action="store_true", help="answer yes: start even if identifiers were found, "
                                                            "and with --activate activate even a worse adapter")
    p.add_argument("--scrub", action="store_true",
                   help="if the privacy scan finds likely identifiers, train on a copy with them replaced "
                        "([NAME], [MRN], …; written to the data folder, the original untouched)")
    p.add_argument("--json", action="store_true", help="print progress events as JSON lines")
    p.set_defaults(func=run)


def build_options(args) -> TrainOptions:
    from core import hardware, settings

    given = {field: getattr(args, flag) for flag, field in _FLAGS.items()}
    values = {field: v for field, v in given.items() if v is not None and v is not False}  # 0 is a value
    if "target_modules" in values:
        values["target_modules"] = tuple(t.strip() for t in values["target_modules"].split(",") if t.strip())
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
        from core.finetune.dataset_record import prepare

        print("Checking the data…", file=sys.stderr)
        data = args.data
        prepared = prepare(data, options)
        print(prepared.report.format())
        print(prepared.privacy.summary())
        if args.scrub and not prepared.privacy.clean:
            from core.finetune import scrubbed

            data = scrubbed.write_copy(data)
            print(f"Training on a copy with the identifiers replaced: {data}", file=sys.stderr)
            prepared = prepare(data, options)
            print(prepared.privacy.summary())
        for line in prepared.summary_lines():
            print(line)
        _confirm(args, prepared)
        job = launcher.start(data, options, prepared=prepared)
        print(f"Run {job.id} started (worker pid {job.pid}); resume it with: chartbrief finetune --resume {job.id}",
              file=sys.stderr)
        if options.nnodes > 1:
            print(f"Waiting for {options.nnodes} machines at {options.rdzv}: run the same command, with the same "
                  f"data and options, on each of the others.", file=sys.stderr)
    return follow(job, as_json=args.json, activate=args.activate, assume_yes=args.yes)


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


def follow(job, *, as_json: bool = False, activate: bool = False, assume_yes: bool = False) -> int:
    """Stream a run's events to stdout until it ends; returns the exit status."""
    from core.workers import protocol

    last: protocol.Event | None = None
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
    if isinstance(last, protocol.Finished):
        adapter_id = last.adapter_id
        if activate and adapter_id:
            from core import adapters
            from core.cli.adapters import confirm_activation

            activate = confirm_activation(adapter_id, assume_yes=assume_yes)
            if activate:
                adapters.activate(adapter_id)
        elif adapter_id and not as_json:
            from core import adapters
            from core.evaluate.verdict import recommend

            print(recommend(adapters.get(adapter_id).metrics).text())
        if not as_json:
            state = "active" if activate else f"activate it with: chartbrief adapters activate {adapter_id}"
            print(f"New adapter: {adapter_id} ({state}); trained {last.steps} steps in "
                  f"{last.train_seconds} s at {last.tokens_per_s} tokens/s.")
        return 0
    if isinstance(last, protocol.PeerDone):
        return 0
    if isinstance(last, protocol.Cancelled):
        return 130
    return 2 if isinstance(last, protocol.Failed) and last.type != "WorkerExited" else 1


def _show(event, as_json: bool) -> None:
    from core.finetune.events import describe
    from core.workers import protocol

    if as_json:
        print(protocol.encode(event), end="", flush=True)
        return
    if isinstance(event, protocol.Evaluation):
        print(event.table, flush=True)
    line = describe(event)
    if line:
        print(line, flush=True)
