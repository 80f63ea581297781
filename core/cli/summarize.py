"""``chartbrief summarize FILE|-``: stream a summary to stdout; ``--json`` for machines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from core.engines import ENGINE_NAMES
from core.summarize import STYLES


def register(sub) -> None:
    p = sub.add_parser("summarize", help="summarize a note file (txt, md, docx, pdf, rtf) or stdin (-)")
    p.add_argument("file", help="note file, or - to read text from standard input")
    p.add_argument("--style", choices=STYLES, default="brief")
    p.add_argument("--engine", choices=ENGINE_NAMES, default="auto")
    p.add_argument("--qtype", help="engine variant: ipex_llm sym_int4|asym_int4|sym_int8|bf16, openvino int4|int8, "
                                   "reference fp32|bf16")
    p.add_argument("--model", help="model id (see `chartbrief models`); default: the embedded model")
    p.add_argument("--adapter", default="active", help="adapter id, 'active' (default) or 'none'")
    p.add_argument("--context", type=int, help="use at most this many tokens of the model's context")
    p.add_argument("--free-form", action="store_true",
                   help="send the whole note to the model with the style's prompt (default: facts copied from "
                        "the note, the model writes only the one-liner)")
    p.add_argument("--json", action="store_true", help="print one JSON object: summary, flags, engine, timings")
    p.set_defaults(func=run)


def read_note(arg: str):
    from core.documents import Document, read_document

    if arg == "-":
        return Document.from_text(sys.stdin.read(), source="stdin")
    return read_document(Path(arg))


def run(args) -> int:
    from core import engines, logsafe, session
    from core.summarize import Finished, Stage, Token, summarize

    doc = read_note(args.file)
    logsafe.register_sensitive(doc.text)
    status = (lambda msg: print(msg, file=sys.stderr)) if not args.json else (lambda msg: None)
    engine = engines.load(args.engine, args.model, args.qtype, session.resolve_adapter(args.adapter, args.model),
                          on_status=status)
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
    session.audit_summary(doc.text, result)
    if args.json:
        out = result.as_dict()
        out["source"] = {"file": doc.source, "format": doc.format, "warnings": list(doc.warnings)}
        print(json.dumps(out, indent=2))
        return 0
    print()
    print(_footer(result), file=sys.stderr)
    return 0


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
