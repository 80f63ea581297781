"""Save a summary as .txt or .docx, atomically, and audit it (hashes only): the window's Export and
``chartbrief summarize NOTE --save FILE``.

With its grounding report the summary is written as Copy gives it: every flag a bracketed mark
(``[not in note: …]``, ``[not supported by the note: …]``, see :mod:`core.grounding.render`), the
marks highlighted in .docx. Without one it is written as is, flagged spans highlighted in .docx.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

from core import atomic, audit
from core.errors import ChartBriefError

log = logging.getLogger(__name__)

FORMATS = {".txt": "Plain text (*.txt)", ".docx": "Word document (*.docx)"}
# The marks core.grounding.render writes, and their .docx highlight (WD_COLOR_INDEX member names).
_MARKS = (
    (re.compile(r"\[not in note: [^\n]*?\]"), "YELLOW"),
    (re.compile(r"\[not supported by the note: [^\n]*?\](?=\s|$)"), "PINK"),
    (re.compile(r"^\[\d+ sentences? not supported by the note hidden\]$", re.MULTILINE), "GRAY_25"),
)


def default_name(style: str, suffix: str = ".txt") -> str:
    """A file name that says what it is and when, and nothing of the note."""
    return f"summary-{style}-{time.strftime('%Y%m%d-%H%M%S')}{suffix}"


def report_of(result) -> Any:
    """The result's grounding report (:class:`core.grounding.Report`); results from before sentence
    support carry only flags."""
    from core.grounding import Report

    if result.grounding is not None:
        return result.grounding
    return Report(flags=tuple(result.flags), sentences=())


def check_target(path: Path | str) -> Path:
    """``path`` if a summary can be saved there (.txt or .docx); else a :class:`ChartBriefError` — asked
    before a summary is made, so a wrong name costs nothing."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ChartBriefError(f"Summaries can be saved as {' or '.join(FORMATS)}, not “{path.suffix or path.name}”.",
                              hint="Choose a file name ending in .txt or .docx.")
    return path


def save_result(path: Path | str, result, policy: str = "mark") -> Path:
    """Save a :class:`core.summarize.SummaryResult` with its grounding marks under ``policy``."""
    return export_summary(path, result.summary, result.flags, report=report_of(result), policy=policy)


def export_summary(path: Path | str, summary: str, flags=(), *, report=None, policy: str = "mark") -> Path:
    """Write ``summary`` to ``path`` (.txt or .docx by its suffix); returns the path written.

    With ``report`` (a :class:`core.grounding.Report`) the marked text under ``policy`` is written."""
    path = check_target(path)
    suffix = path.suffix.lower()
    if not summary.strip():
        raise ChartBriefError("There is no summary to save yet.", hint="Summarize a note first.")
    if report is not None:
        from core.grounding import render

        text = render.marked(summary, report, policy)
        spans = sorted((m.start(), m.end(), color) for pattern, color in _MARKS for m in pattern.finditer(text))
    else:
        text, spans = summary, sorted((f.start, f.end, "YELLOW") for f in flags)
    if suffix == ".txt":
        atomic.write_text(path, text.rstrip("\n") + "\n")
    else:
        with atomic.atomic_path(path) as tmp:
            _docx(text, spans).save(str(tmp))
    _audit(suffix.lstrip("."), summary, text, policy if report is not None else "none")
    log.info("summary exported as %s", suffix)
    return path


def _docx(text: str, spans: list[tuple[int, int, str]]):
    """A document with one paragraph per line of ``text``, ``spans`` (start, end, color) highlighted."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    doc = Document()
    offset = 0
    for line in text.split("\n"):
        para = doc.add_paragraph()
        pos = offset
        for start, end, color in spans:
            start, end = max(start, offset), min(end, offset + len(line))
            if start >= end or start < pos:
                continue
            para.add_run(text[pos:start])
            para.add_run(text[start:end]).font.highlight_color = getattr(WD_COLOR_INDEX, color)
            pos = end
        para.add_run(text[pos:offset + len(line)])
        offset += len(line) + 1
    return doc


def _audit(fmt: str, summary: str, written: str, marks: str) -> None:
    try:
        audit.record("export", format=fmt, marks=marks, summary_sha256=audit.sha256_text(summary),
                     written_sha256=audit.sha256_text(written))
    except (OSError, ValueError) as exc:
        log.error("the export could not be written to the audit log (%s)", type(exc).__name__)
