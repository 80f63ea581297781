"""``chartbrief summarize DIR --out OUT``: every note in a folder with one engine load, a progress bar on
stderr, and at the end the notes that failed with what to do. The work is :mod:`core.summarize.batch`.

stderr shows ChartBrief's own line shapes only (``[done] …``, ``[failed] …``, ``— …``, ``  ✗ …``,
``    → …``; see ``tests/core/test_clean_console.py``); the bar itself is drawn only on a terminal.
With ``--json`` the summaries are ``.summary.json`` files and stdout gets one JSON report of the run.
Exit status: 0 every note summarized (or already up to date), 1 some notes failed, 2 nothing could be
done (no notes, bad ``--out``), 130 stopped by Ctrl-C (run the same command again to continue).
"""

from __future__ import annotations

import json
import sys
import time

from core.errors import Cancelled, ChartBriefError

SHOWN_IGNORED = 5


def say(message: str) -> None:
    """One line on stderr, above the progress bar when there is one."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


def run(args) -> int:
    from tqdm import tqdm

    from core import adapters, engines
    from core.documents import SUPPORTED
    from core.summarize import batch

    if args.file == "-":
        raise ChartBriefError("--out needs a note file or a folder of notes, not standard input.",
                              hint="Leave out --out to print the summary of standard input.")
    fmt = "json" if args.json else "md"
    plan = batch.prepare(args.file, args.out, style=args.style, fmt=fmt, redo=args.redo)
    if plan.done:
        say(f"[skipped] {len(plan.done)} note(s) already summarized in {plan.out} (not older than the note); "
            "--redo writes them again")
    if plan.ignored:
        names = ", ".join(plan.ignored[:SHOWN_IGNORED]) + (" …" if len(plan.ignored) > SHOWN_IGNORED else "")
        say(f"[ignored] {len(plan.ignored)} file(s) that are not notes ({SUPPORTED}): {names}")
    adapter = adapters.resolve_choice(args.adapter, args.model)

    def load_engine():
        return engines.load(args.engine, args.model, args.qtype, adapter, on_status=say)

    total, written, failed = len(plan.todo), [], []
    t0 = time.perf_counter()
    bar = tqdm(total=total, desc="Summarizing", unit="note", file=sys.stderr, disable=None, dynamic_ncols=True)
    try:
        for event in batch.run(plan, load_engine, style=args.style, fmt=fmt, context_limit=args.context,
                               mode="free" if args.free_form else None):
            if isinstance(event, batch.FileStarted):
                bar.set_postfix_str(event.job.note.name[:40])
            elif isinstance(event, batch.FileWritten):
                written.append(event)
                flags = len(event.result.flags)
                say(f"[done] {event.index}/{total} {event.job.note.name} → {event.job.summary.name}"
                    + (f" ({flags} flag{'s' if flags != 1 else ''} to review)" if flags else ""))
                bar.update()
            elif isinstance(event, batch.FileFailed):
                failed.append(event)
                say(f"[failed] {event.index}/{total} {event.error.message}")
                bar.update()
    except (KeyboardInterrupt, Cancelled):
        bar.close()
        _report(failed)
        say(f"— stopped: {len(written)} of {total} summaries written to {plan.out}; "
            "run the same command again to continue with the rest")
        return 130
    bar.close()
    _report(failed)
    say(f"— {len(written)} written, {len(plan.done)} already up to date, {len(failed)} failed · summaries in "
        f"{plan.out} · {time.perf_counter() - t0:.1f} s")
    if args.json:
        print(json.dumps(_json_report(plan, written, failed), indent=2))
    return 1 if failed else 0


def _report(failed) -> None:
    if failed:
        say(f"— {len(failed)} note(s) could not be summarized:")
    for event in failed:
        say(f"  ✗ {event.error.message}")
        if event.error.hint:
            say(f"    → {event.error.hint}")


def _json_report(plan, written, failed) -> dict:
    rows = [{"file": j.note.name, "summary": j.summary.name, "status": "up_to_date"} for j in plan.done]
    rows += [{"file": e.job.note.name, "summary": e.job.summary.name, "status": "written",
              "flags": len(e.result.flags)} for e in written]
    rows += [{"file": e.job.note.name, "summary": None, "status": "failed", "error": e.error.message,
              "hint": e.error.hint} for e in failed]
    rows.sort(key=lambda r: (r["file"].casefold(), r["file"]))
    return {"out": str(plan.out), "notes": rows, "ignored": list(plan.ignored)}
