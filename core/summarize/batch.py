"""Summarize a folder of notes: which files, where each summary goes, and the run itself.

:func:`prepare` checks the request before any model is loaded and lists the work: every file directly in
the folder (not its subfolders: the summaries go into one flat folder, and a notes folder often holds an
``old/`` or ``summaries/`` folder that must not be read) whose extension a reader in
:mod:`core.documents` accepts, sorted by name. :func:`run` then yields plain events while it summarizes
them with one engine, loaded only when the first note needs it.

Each summary is written atomically (:mod:`core.atomic`) beside nothing but other summaries, as
``<note file name>.<style>.summary.md`` — the note's file name, never its text — or ``.summary.json``. A
summary that exists and is not older than its note counts as done, so running the same command again
after a crash or Ctrl-C continues where it stopped; a note edited after its summary was written is
summarized again. One bad note is reported (:class:`FileFailed`, with the reader's own error) and the
others still run.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core import atomic, audit, logsafe
from core.documents import SUPPORTED, Document, read_document
from core.documents.reader import FORMATS
from core.engines.base import Engine
from core.errors import Cancelled, ChartBriefError, DocumentError
from core.summarize.events import Finished, Stage, SummaryResult
from core.summarize.pipeline import summarize

log = logging.getLogger(__name__)

OUTPUT_FORMATS = ("md", "json")
NOT_NOTES = (".", "~$")
"""Name starts that are never notes: hidden files (our own temp files among them) and Word's lock files."""


def summary_name(note_name: str, style: str, fmt: str = "md") -> str:
    """The summary's file name, made from the note's file name only."""
    return f"{note_name}.{style}.summary.{fmt}"


@dataclass(frozen=True)
class Job:
    note: Path
    summary: Path


@dataclass
class Plan:
    """What :func:`prepare` found: notes to summarize, notes already done, files that are not notes."""

    out: Path
    todo: list[Job] = field(default_factory=list)
    done: list[Job] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    subfolders: int = 0


@dataclass(frozen=True)
class FileStarted:
    index: int
    total: int
    job: Job


@dataclass(frozen=True)
class FileWritten:
    index: int
    job: Job
    result: SummaryResult
    seconds: float


@dataclass(frozen=True)
class FileFailed:
    """``error`` is a :class:`ChartBriefError`: what is wrong (naming the file, never its text) and a hint."""

    index: int
    job: Job
    error: ChartBriefError


def prepare(source: Path | str, out: Path | str, *, style: str, fmt: str = "md", redo: bool = False) -> Plan:
    """Check ``source`` (a folder, or one note file) and ``out`` and list the work; creates ``out``.

    Raises :class:`ChartBriefError` for what no note could get past: a missing folder, no note files,
    ``out`` the same folder as the notes (the summaries, being .md, would be read as notes next time),
    ``out`` a file or not writable."""
    if fmt not in OUTPUT_FORMATS:
        raise ChartBriefError(f"Unknown summary format '{fmt}'.", hint=f"Choose one of: {', '.join(OUTPUT_FORMATS)}.")
    source, out = Path(source), Path(out)
    if not source.exists():
        raise DocumentError(f"{source} was not found.", hint="Check the name, then try again.")
    plan = Plan(out)
    if source.is_dir():
        folder = source
        names = _listing(folder)
    else:
        folder = source.parent
        names = [source.name]
    for name in names:
        path = folder / name
        if source.is_dir():  # (one file named by the user is read whatever it is: its reader says what is wrong)
            if path.is_dir():
                plan.subfolders += 1
                continue
            if name.startswith(NOT_NOTES) or os.path.splitext(name)[1].lower() not in FORMATS:
                if not name.startswith("."):
                    plan.ignored.append(name)
                continue
        job = Job(path, out / summary_name(name, style, fmt))
        (plan.done if not redo and _up_to_date(job) else plan.todo).append(job)
    if not plan.todo and not plan.done:
        raise DocumentError(f"{source} has no note files ({SUPPORTED}).", hint=_no_notes_hint(plan))
    _check_out(folder, out)
    _remove_stale_temp_files(plan)
    log.info("folder summary: %d to write, %d up to date, %d other files, %d subfolders", len(plan.todo),
             len(plan.done), len(plan.ignored), plan.subfolders)
    return plan


def run(plan: Plan, load_engine: Callable[[], Engine], *, style: str, fmt: str = "md",
        should_stop: Callable[[], bool] | None = None, **summarize_kwargs) -> Iterator:
    """Summarize ``plan.todo`` in order, yielding :class:`FileStarted`, the pipeline's :class:`Stage`
    events, then :class:`FileWritten` or :class:`FileFailed` per note.

    ``load_engine`` is called once, when the first readable note needs the model. Every summary is
    audited before it is written. ``Cancelled`` (from ``should_stop``) and ``KeyboardInterrupt`` end the
    run between or inside notes; no summary is ever half-written."""
    stop = should_stop or (lambda: False)
    engine = None
    total = len(plan.todo)
    for index, job in enumerate(plan.todo, 1):
        if stop():
            raise Cancelled("Stopped before all notes were summarized.",
                            hint="Run the same command again to continue with the rest.")
        yield FileStarted(index, total, job)
        t0 = time.perf_counter()
        try:
            doc = read_document(job.note)
        except DocumentError as exc:
            yield FileFailed(index, job, exc)
            continue
        logsafe.register_sensitive(doc.text)
        if engine is None:
            engine = load_engine()  # its errors end the run: no other note would do better
        try:
            result = yield from _summarize(doc, style, engine, stop, summarize_kwargs)
            logsafe.register_sensitive(result.summary)
        except Cancelled:
            raise
        except ChartBriefError as exc:
            yield FileFailed(index, job, exc)
            continue
        except Exception as exc:  # one note's failure must not stop the others
            log.info("summarizing a note failed unexpectedly (%s)", type(exc).__name__, exc_info=True)
            yield FileFailed(index, job, ChartBriefError(
                f"{job.note.name} could not be summarized (unexpected {type(exc).__name__}).",
                hint="The details are in ChartBrief's log file; please report them."))
            continue
        if not result.summary.strip():  # a blank file would count as done on the next run
            yield FileFailed(index, job, ChartBriefError(
                f"The summary of {job.note.name} came out empty: nothing in the note was found to summarize.",
                hint="Check that the note has its sections (e.g. 'Assessment:', 'Plan:'), or try the free-form "
                     "mode (--free-form), which gives the whole note to the model."))
            continue
        try:
            audit.record_summary(doc.text, result)  # before the file: a summary on disk is always audited
        except OSError as exc:
            yield FileFailed(index, job, ChartBriefError(
                f"The summary of {job.note.name} was not written: the audit log could not be appended "
                f"({exc.strerror or type(exc).__name__}).",
                hint=f"Check free space and permissions in {audit.default_path().parent}."))
            continue
        try:
            _write(job.summary, doc, result, fmt)
        except OSError as exc:
            yield FileFailed(index, job, ChartBriefError(
                f"The summary of {job.note.name} could not be written to {job.summary.parent} "
                f"({exc.strerror or type(exc).__name__}).",
                hint="Check free space and permissions there, then run the same command again to continue."))
            continue
        yield FileWritten(index, job, result, time.perf_counter() - t0)


def as_json(result: SummaryResult, doc: Document) -> dict:
    """The JSON object of ``chartbrief summarize --json`` (stdout for one note, a file per note here)."""
    out = result.as_dict()
    out["source"] = {"file": doc.source, "format": doc.format, "warnings": list(doc.warnings)}
    return out


def as_text(result: SummaryResult) -> str:
    """The summary as Copy and Export give it: every flag written into the text as a bracketed mark, so
    the warning stays with the summary wherever it is pasted."""
    if result.grounding is None:
        return result.summary.rstrip() + "\n"
    from core.grounding import render

    return render.marked(result.summary, result.grounding, "mark").rstrip() + "\n"


def _summarize(doc: Document, style: str, engine: Engine, stop, kwargs) -> Generator[Stage, None, SummaryResult]:
    for event in summarize(doc.text, style, engine, should_stop=stop, **kwargs):
        if isinstance(event, Stage):
            yield event
        elif isinstance(event, Finished):
            return event.result
    raise RuntimeError("the summary pipeline ended without a result")


def _write(target: Path, doc: Document, result: SummaryResult, fmt: str) -> None:
    if fmt == "json":
        atomic.write_text(target, json.dumps(as_json(result, doc), indent=2) + "\n")
    else:
        atomic.write_text(target, as_text(result))


def _listing(folder: Path) -> list[str]:
    try:
        names = os.listdir(folder)
    except PermissionError:
        raise DocumentError(f"ChartBrief is not allowed to read the folder {folder}.",
                            hint="Check the folder's permissions, or copy the notes to a folder you own.") from None
    except OSError as exc:
        raise DocumentError(f"The folder {folder} could not be read ({exc.strerror or type(exc).__name__}).",
                            hint="Check the disk or network share, then try again.") from None
    return sorted(names, key=lambda n: (n.casefold(), n))


def _check_out(folder: Path, out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ChartBriefError(f"--out {out} is a file, not a folder.",
                              hint="Give a folder for the summaries (it is created if missing).")
    if out.resolve() == folder.resolve():
        raise ChartBriefError(f"--out {out} is the folder the notes are in.",
                              hint=f"Choose another folder, e.g. --out {folder / 'summaries'}; the summaries "
                                   "would otherwise be read as notes the next time.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".chartbrief-write-test.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ChartBriefError(f"ChartBrief cannot write summaries to {out} ({exc.strerror or type(exc).__name__}).",
                              hint="Choose a folder you can write to, or check its permissions and free space."
                              ) from None


def _up_to_date(job: Job) -> bool:
    try:
        return job.summary.stat().st_mtime_ns >= job.note.stat().st_mtime_ns
    except OSError:
        return False


def _remove_stale_temp_files(plan: Plan) -> None:
    """Temp files :mod:`core.atomic` left for these summaries when the process was killed mid-write."""
    for job in plan.todo:
        for tmp in glob.glob(glob.escape(str(plan.out / f".{job.summary.name}.")) + "*.tmp"):
            Path(tmp).unlink(missing_ok=True)


def _no_notes_hint(plan: Plan) -> str:
    parts = []
    if plan.ignored:
        parts.append(f"It has {len(plan.ignored)} other file(s) (e.g. {plan.ignored[0]}).")
    if plan.subfolders:
        parts.append(f"Subfolders ({plan.subfolders}) are not searched; give a subfolder itself.")
    parts.append("Check that this is the folder with the notes.")
    return " ".join(parts)

