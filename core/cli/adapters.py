"""``chartbrief adapters list|show|activate|deactivate|rollback|delete|export``."""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("adapters", help="list, switch, roll back, delete or export fine-tuned adapters")
    cmds = p.add_subparsers(dest="adapters_command", metavar="ACTION", required=True)
    c = cmds.add_parser("list", help="every adapter, newest last; * marks the active one")
    c.add_argument("--model", help="only adapters of this base model")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=run_list)
    c = cmds.add_parser("show", help="one adapter's metadata and metrics as JSON")
    c.add_argument("id")
    c.set_defaults(func=run_show)
    c = cmds.add_parser("activate", help="use this adapter for summaries of its base model (asks first if its "
                                         "evaluation found it worse than the base model)")
    c.add_argument("id")
    c.add_argument("-y", "--yes", action="store_true", help="activate without asking, even if it is worse")
    c.set_defaults(func=run_activate)
    c = cmds.add_parser("deactivate", help="summarize with the base model alone")
    c.add_argument("--model", help="base model id (default: the embedded model)")
    c.set_defaults(func=run_deactivate)
    c = cmds.add_parser("rollback", help="go back to the previously active adapter (or the base model)")
    c.add_argument("--model", help="base model id (default: the embedded model)")
    c.set_defaults(func=run_rollback)
    c = cmds.add_parser("delete", help="remove an inactive adapter and its cached merged models")
    c.add_argument("id")
    c.set_defaults(func=run_delete)
    c = cmds.add_parser("export", help="write a stock PEFT adapter folder, or a merged full model with --merged")
    c.add_argument("id")
    c.add_argument("dir", help="new (or empty) folder to write")
    c.add_argument("--merged", action="store_true", help="merge into the base model's weights (fp32 HF folder)")
    c.set_defaults(func=run_export)


def _metric(info, group: str, key: str) -> str:
    value = info.metrics.get(group, {}).get(key)
    return "-" if value is None else (f"{value:.3f}" if "recall" in key else f"{value:.1f}")


def run_list(args) -> int:
    from core import adapters

    items = adapters.list_adapters(args.model)
    if args.json:
        print(json.dumps([a.as_dict() for a in items], indent=2, sort_keys=True))
        return 0
    if not items:
        print("No adapters yet. Fine-tune one with: chartbrief finetune DATA")
        return 0
    print(f"  {'id':28} {'base model':24} {'created':26} {'ROUGE-L seen/unseen':>20} {'facts seen/unseen':>18}")
    for a in items:
        rouge = f"{_metric(a, 'seen', 'adapter_rougeL')}/{_metric(a, 'unseen', 'adapter_rougeL')}"
        facts = f"{_metric(a, 'seen', 'adapter_fact_recall')}/{_metric(a, 'unseen', 'adapter_fact_recall')}"
        print(f"{'*' if a.active else ' '} {a.id:28} {a.base_model_id:24} {a.created:26} {rouge:>20} {facts:>18}")
    return 0


def run_show(args) -> int:
    from core import adapters

    print(json.dumps(adapters.get(args.id).as_dict(), indent=2, sort_keys=True))
    return 0


def run_activate(args) -> int:
    from core import adapters

    if not confirm_activation(args.id, assume_yes=args.yes):
        return 1
    info = adapters.activate(args.id)
    print(f"Active adapter for {info.base_model_id}: {info.id}")
    return 0


def confirm_activation(adapter_id: str, *, assume_yes: bool) -> bool:
    """Print the adapter's recommendation (:mod:`core.evaluate.verdict`); if it is worse than the base model on
    any held-out group, activate only when the user says so (or ``--yes``). Without a terminal to ask, not."""
    from core import adapters
    from core.evaluate.verdict import recommend

    verdict = recommend(adapters.get(adapter_id).metrics)
    print(verdict.text())
    if verdict.overall != "worse" or assume_yes:
        return True
    if not sys.stdin.isatty():
        print(f"Not activated. To use it anyway: chartbrief adapters activate {adapter_id} --yes", file=sys.stderr)
        return False
    answer = input(f"Activate {adapter_id} anyway? [y/N] ").strip().lower()
    if answer in ("y", "yes"):
        return True
    print("Not activated.", file=sys.stderr)
    return False


def run_deactivate(args) -> int:
    from core import adapters

    previous = adapters.deactivate(args.model)
    print(f"No adapter active (was: {previous or 'none'}); summaries use the base model.")
    return 0


def run_rollback(args) -> int:
    from core import adapters

    info = adapters.rollback(args.model)
    print(f"Rolled back: active adapter is now {info.id}" if info else "Rolled back: no adapter active (base model).")
    return 0


def run_delete(args) -> int:
    from core import adapters

    adapters.delete(args.id)
    print(f"Deleted adapter {args.id}.")
    return 0


def run_export(args) -> int:
    from core import adapters

    dest = adapters.export(args.id, args.dir, merged=args.merged)
    kind = "merged model (transformers.AutoModelForCausalLM)" if args.merged else "PEFT adapter (peft.PeftModel)"
    print(f"Exported {args.id} as a {kind} to {dest}")
    return 0
