"""Save a summary as .txt or .docx (flagged spans highlighted), atomically, and audit it (hash only)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from core import atomic
from core.errors import ChartBriefError

log = logging.getLogger(__name__)

FORMATS = {".txt": "Plain text (*.txt)", ".docx": "Word document (*.docx)"}


def default_name(style: str, suffix: str = ".txt") -> str:
    """A file name that says what it is and when, and nothing of the note."""
    return f"summary-{style}-{time.strftime('%Y%m%d-%H%M%S')}{suffix}"


def export_summary(path: Path | str, summary: str, flags=()) -> Path:
    """Write ``summary`` to ``path`` (.txt or .docx by its suffix); returns the path written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ChartBriefError(f"Summaries can be saved as {' or '.join(FORMATS)}, not “{path.suffix or path.name}”.",
                              hint="Choose a file name ending in .txt or .docx.")
    if not summary.strip():
        raise ChartBriefError("There is no summary to save yet.", hint="Summarize a note first.")
    if suffix == ".txt":
        atomic.write_text(path, summary.rstrip("\n") + "\n")
    else:
        with atomic.atomic_path(path) as tmp:
            _docx(summary, flags).save(str(tmp))
    _audit(suffix.lstrip("."), summary)
    log.info("summary exported as %s", suffix)
    return path


def _docx(summary: str, flags):
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    doc = Document()
    spans = sorted((f.start, f.end) for f in flags)
    offset = 0
    for line in summary.split("\n"):
        para = doc.add_paragraph()
        pos = offset
        for start, end in spans:
            start, end = max(start, offset), min(end, offset + len(line))
            if start >= end or start < pos:
                continue
            para.add_run(summary[pos:start])
            para.add_run(summary[start:end]).font.highlight_color = WD_COLOR_INDEX.YELLOW
            pos = end
        para.add_run(summary[pos:offset + len(line)])
        offset += len(line) + 1
    return doc


def _audit(fmt: str, summary: str) -> None:
    try:
        from core import audit

        audit.record("export", format=fmt, summary_sha256=audit.sha256_text(summary))
    except (ImportError, OSError, ValueError) as exc:
        log.error("the export could not be written to the audit log (%s)", type(exc).__name__)
