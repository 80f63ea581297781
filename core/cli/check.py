"""``chartbrief check NOTE SUMMARY``: check any summary against its note with the app's grounding engine.

Exit code 0 when everything in the summary is supported, 1 when something is flagged, 2 on bad input
(unreadable file, empty text, both from standard input). ``--json`` prints the whole report: flags,
and each summary sentence with its support score and its source spans (and their text) in the note.
"""

from __future__ import annotations

import json
import sys

from core.errors import ChartBriefError

EXIT_SUPPORTED, EXIT_FLAGGED = 0, 1


def register(sub) -> None:
    p = sub.add_parser("check", help="check a summary against its note: flags and sentence sources "
                                     "(exit 0 supported, 1 flagged, 2 bad input)")
    p.add_argument("note", help="the note (txt, md, docx, pdf, rtf), or - for standard input")
    p.add_argument("summary", help="the summary to check (same formats), or - for standard input")
    p.add_argument("--json", action="store_true", help="print one JSON object: flags, sentences and sources")
    p.add_argument("--marked", action="store_true",
                   help="print the summary with every flag written in as [not in note: …]")
    p.set_defaults(func=run)


def run(args) -> int:
    from core import logsafe
    from core.cli.summarize import read_note
    from core.grounding import analyze
    from core.grounding.render import marked

    if args.note == "-" and args.summary == "-":
        raise ChartBriefError("The note and the summary cannot both come from standard input.",
                              hint="Give at least one of them as a file.")
    note, summary = read_note(args.note), read_note(args.summary)
    for doc, what in ((note, "note"), (summary, "summary")):
        logsafe.register_sensitive(doc.text)
        if not doc.text.strip():
            raise ChartBriefError(f"The {what} ({doc.source}) has no text.", hint=f"Give a {what} with text in it.")
    report = analyze(summary.text, note.text)
    if args.json:
        print(json.dumps(report.as_dict(summary.text, note.text), indent=2, ensure_ascii=False))
    elif args.marked:
        print(marked(summary.text, report))
    else:
        _print_report(summary.text, note.text, report)
    return EXIT_SUPPORTED if report.clean else EXIT_FLAGGED


def _print_report(summary: str, note: str, report) -> None:
    out = sys.stdout
    for s in report.sentences:
        if s.status == "no_claim":
            continue
        text = " ".join(summary[s.start : s.end].split())
        mark = {"supported": "✓", "flagged": "⚑", "unsupported": "✗"}[s.status]
        print(f"{mark} {text}", file=out)
        if s.status == "unsupported":
            print("    not supported by the note", file=out)
        for a, b in s.sources:
            line = note.count("\n", 0, a) + 1
            print(f"    ← note line {line}: {' '.join(note[a:b].split())}", file=out)
        for f in report.flags:
            if f.kind != "sentence" and s.start <= f.start < s.end:
                print(f"    ⚑ {f.kind}: '{' '.join(f.text.split())}' — {f.reason}", file=out)
    print(report.status_line(), file=sys.stderr)
