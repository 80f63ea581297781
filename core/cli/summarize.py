"""``chartbrief summarize FILE|-``: stream a summary to stdout; ``--json`` for machines.
``chartbrief summarize DIR --out OUT``: every note in a folder, written to files (``summarize_folder``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from core.cli import engine_options
from core.errors import ChartBriefError
from core.summarize import STYLES


def register(sub) -> None:
    p = sub.add_parser("summarize", help="summarize a note file (txt, md, docx, pdf, rtf), stdin (-), or a folder "
                                         "of notes (with --out)")
    p.add_argument("file", help="note file, - to read text from standard input, or a folder of notes (with --out)")
    p.add_argument("--style", choices=STYLES, default="brief")
    engine_options.add(p)
    p.add_argument("--context", type=int, help="use at most this many tokens of the model's context")
    p.add_argument("--free-form", action="store_true",
                   help="send the whole note to the model with the style's prompt (default: facts copied from "
                        "the note, the model writes only the one-liner)")
    p.add_argument("--json", action="store_true", help="print one JSON object: summary, flags, engine, timings "
                                                       "(with --out: write .summary.json files, print a report)")
    p.add_argument("--out", metavar="DIR",
                   help="write each summary to DIR as <note file>.<style>.summary.md (needed for a folder: its "
                        "notes, not its subfolders, sorted by name); notes whose summary is up to date are skipped, "
                        "so running it again continues where it stopped")
    p.add_argument("--save", metavar="FILE",
                   help="also save the summary as FILE (.txt or .docx), unsupported claims marked as in the window's "
                        "Export (audited, hashes only)")
    p.add_argument("--redo", action="store_true", help="with --out: write every summary again, even up-to-date ones")
    p.set_defaults(func=run)


def read_note(arg: str):
    from core.documents import Document, read_document

    if arg == "-":
        return Document.from_text(sys.stdin.read(), source="stdin")
    return read_document(Path(arg))


def run(args) -> int:
    if args.out is not None or (args.file != "-" and Path(args.file).is_dir()):
        from core.cli import summarize_folder

        if args.out is None:
            raise ChartBriefError(f"{args.file} is a folder: its summaries need a folder to go to.",
                                  hint=f"Add --out and a folder for them, e.g. --out {Path(args.file) / 'summaries'}.")
        if args.save:
            raise ChartBriefError("--save is for one note; a folder's summaries go to --out.",
                                  hint="Leave out --save: each note's summary is written to the --out folder.")
        return summarize_folder.run(args)
    if args.redo:
        raise ChartBriefError("--redo is for --out (summaries written to a folder).",
                              hint="Leave out --redo, or add --out DIR.")
    from core import adapters, audit, engines, logsafe
    from core.summarize import Finished, Stage, Token, export, summarize
    from core.summarize.batch import as_json

    if args.save:
        export.check_target(args.save)
    doc = read_note(args.file)
    logsafe.register_sensitive(doc.text)
    status = (lambda msg: print(msg, file=sys.stderr)) if not args.json else (lambda msg: None)
    engine = engines.create(args.engine, args.model, args.qtype, adapters.resolve_choice(args.adapter, args.model),
                            on_status=status)
    if _writes_nothing(engine, args):
        engine.load_tokenizer()  # every word comes from the note: no model to wait for (a first start converts it)
    else:
        engine.load()
    result = None
    for event in summarize(doc.text, args.style, engine, context_limit=args.context,
                           mode="free" if args.free_form else None):
        if isinstance(event, Stage):
            status(f"[{event.name}] {event.message}")
        elif isinstance(event, Token) and not args.json:
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, Finished):
            result = event.result
    if result is None:  # the pipeline always ends with Finished (or raises)
        raise RuntimeError("the summary ended without a result")
    audit.record_summary(doc.text, result)
    if args.save:
        export.save_result(args.save, result)
        status(f"Saved the summary as {args.save}.")
    if args.json:
        print(json.dumps(as_json(result, doc), indent=2))
        return 0
    print()
    print(_footer(result), file=sys.stderr)
    return 0


def _writes_nothing(engine, args) -> bool:
    """A fact-anchored summary by a model that writes no narrative part: the model is never asked for text."""
    from core.summarize.pipeline import needs_model

    return not needs_model(engine, args.style, "free" if args.free_form else None)


def _footer(result) -> str:
    e, t, c = result.engine, result.timings, result.chunking
    if c["strategy"] == "facts":
        head = (f"— {e['name']} ({e['variant']}) · load {t['load_s']} s · {t['total_s']} s · "
                f"note {c['note_tokens']} tokens · {c['facts']} facts from the note · "
                + ("all text from the note" if c.get("narrative") == "note" else
                   f"model sentences kept {c['narrative_sentences_kept']} of {c['narrative_sentences_written']}"))
        lines = [head]
        lines += [f"  ⚑ {f.kind}: '{f.text}' — {f.reason}" for f in result.flags]
        return "\n".join(lines)
    lines = [f"— {e['name']} ({e['variant']}) · {t['tokens_per_s']} tokens/s · first token {t['first_token_s']} s · "
             f"load {t['load_s']} s · note {c['note_tokens']} tokens, "
             + ("one pass" if c["strategy"] == "single" else f"{c['parts']} parts split on {c['split_on']}")]
    for f in result.flags:
        lines.append(f"  ⚑ {f.kind}: '{f.text}' — {f.reason}")
    return "\n".join(lines)
