"""``chartbrief evaluate``: score an adapter against its base model on held-out notes.

Without ``--data`` the adapter's own training file is used; notes it was trained on are skipped, and
notes whose specialty or layout never occurred in training are reported apart as *unseen*. Generation
runs in a pinned child process (:mod:`core.evaluate.worker`), like fine-tuning.
"""

from __future__ import annotations

import json
import sys

from core.engines import ENGINE_NAMES
from core.errors import ChartBriefError


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="ROUGE, fact recall and grounding flags: base model vs an adapter",
                       description=__doc__)
    p.add_argument("--adapter", default="active", help="adapter id, 'active' (default) or 'none' (base only)")
    p.add_argument("--model", help="base model id when no adapter is given (default: the embedded model)")
    p.add_argument("--data", help="pairs to evaluate on (default: the adapter's training file, held-out rows)")
    p.add_argument("--limit", type=int, help="notes to evaluate, half unseen (default 24; with --set: all)")
    p.add_argument("--engine", choices=ENGINE_NAMES,
                   help="default: reference (adapter evaluation) or auto, as the app runs (--set)")
    p.add_argument("--set", dest="evalset", metavar="PATH",
                   help="score summaries on an independent evaluation set instead (JSON lines with note, facts, "
                        "reference; e.g. resources/evalsets/summaries/test.jsonl): fact recall, unsupported "
                        "sentences, ROUGE-L and length per style")
    p.add_argument("--styles", default="brief", help="with --set: comma-separated styles (default brief; 'all')")
    p.add_argument("--modes", default="default",
                   help="with --set: comma-separated summary modes: default (as the app runs), facts, free")
    p.add_argument("--out", help="with --set: also write the report (scores and note hashes, no text) here")
    p.add_argument("--max-new-tokens", type=int, default=160, help="summary tokens per note (default 160)")
    p.add_argument("--seed", type=int, default=0, help="which held-out notes are picked")
    p.add_argument("--cores", help="CPUs to generate on, e.g. 1 or 2-5 (default: the core plan's training CPUs)")
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.evalset:
        return run_set(args)
    args.engine = args.engine or "reference"
    args.limit = 24 if args.limit is None else args.limit
    from core import adapters, hardware, paths
    from core.evaluate.worker import spawn
    from core.finetune.events import describe
    from core.workers import protocol

    if args.limit < 1:
        raise ChartBriefError("--limit must be at least 1.")
    chosen = adapters.resolve_choice(args.adapter, args.model)
    if chosen is None and args.adapter == "active":
        raise ChartBriefError("No adapter is active for this model.",
                              hint="Pass --adapter ID (see chartbrief adapters list), or --adapter none --data FILE.")
    if chosen is None and not args.data:
        raise ChartBriefError("No data to evaluate on.", hint="Pass --data FILE with note→summary pairs.")
    argv = ["--limit", str(args.limit), "--engine", args.engine, "--max-new-tokens", str(args.max_new_tokens),
            "--seed", str(args.seed)]
    for flag, value in (("--adapter", chosen[0] if chosen else None), ("--model", args.model), ("--data", args.data)):
        if value:
            argv += [flag, str(value)]
    cores = hardware.parse_cpu_list(args.cores) if args.cores else None
    last: protocol.Event | None = None
    log_file = paths.log_dir() / "evaluate.log"
    with spawn(argv, cores, log_file) as proc:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                event = protocol.read(line)
                if event is None:
                    continue
                last = event
                if event["event"] == "eval":
                    print(describe(event), file=sys.stderr, flush=True)
        except KeyboardInterrupt:
            proc.kill()
            raise
        code = proc.wait()
    if isinstance(last, protocol.Failed):
        raise ChartBriefError(last.message, hint=last.hint)
    if not isinstance(last, protocol.Evaluation) or code != 0:
        raise ChartBriefError(f"The evaluation process stopped unexpectedly (exit status {code}).",
                              hint=f"Details are in {log_file}.")
    if args.json:
        adapter_id = last.adapter_id
        path = adapters.get(adapter_id).path / "evaluation.json" if adapter_id else None
        print(path.read_text() if path else json.dumps({"groups": last.groups}, indent=2, sort_keys=True))
    else:
        print(last.table)
        if last.adapter_id:
            print(f"Saved with adapter {last.adapter_id} ({adapters.get(last.adapter_id).path / 'evaluation.json'}).")
    return 0


def run_set(args) -> int:
    """``--set``: summarize each note of an evaluation set as the app does, and score it."""
    from pathlib import Path

    from core import adapters, atomic, engines
    from core.evaluate import evalset
    from core.summarize import STYLES
    from core.summarize import run as summarize

    items = evalset.load(args.evalset)
    if args.limit and args.limit < len(items):
        print(f"Scoring the first {args.limit} of {len(items)} notes (--limit).", file=sys.stderr)
        items = items[: args.limit]
    styles = list(STYLES) if args.styles == "all" else [s.strip() for s in args.styles.split(",") if s.strip()]
    unknown = [s for s in styles if s not in STYLES]
    if unknown:
        raise ChartBriefError(f"Unknown style {', '.join(unknown)}.", hint=f"Use one of {', '.join(STYLES)} or all.")
    adapter = adapters.resolve_choice(args.adapter, args.model)
    engine = engines.load(args.engine or "auto", args.model, None, adapter,
                          on_status=lambda msg: print(msg, file=sys.stderr))
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in modes if m not in ("default", "facts", "free")]
    if bad:
        raise ChartBriefError(f"Unknown mode {', '.join(bad)}.", hint="Use default, facts or free.")
    scores = []
    total = len(items) * len(styles) * len(modes)
    runs = (s for m in modes for s in evalset.run(items, styles, engine, summarize, None if m == "default" else m))
    for n, score in enumerate(runs, 1):
        scores.append(score)
        print(f"[{n}/{total}] {score.style} {score.item}: facts {score.facts_found}/{score.facts_total}, "
              f"{score.unsupported}/{score.sentences} sentences unsupported, "
              f"changes {score.changes_found}/{score.changes_total}, {score.summary_words} words, "
              f"{score.seconds} s", file=sys.stderr, flush=True)
    report = evalset.report(scores, args.evalset)
    report["adapter"] = adapter[0] if adapter else None
    if args.out:
        atomic.write_json(Path(args.out), report)
    print(json.dumps(report, indent=2) if args.json else evalset.format_table(report["summary"]))
    return 0
