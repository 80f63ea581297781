"""Export: .txt and .docx written atomically, flags highlighted in .docx, audited by hash only."""

from __future__ import annotations

import json

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from core import audit, grounding
from core.errors import ChartBriefError
from core.summarize import SummaryResult
from gui import export

NOTE = "Metformin 1000 mg twice daily. Left knee pain."
SUMMARY = "Metformin 500 mg twice daily.\nLeft knee pain, improving."


def test_txt_and_docx(tmp_path, home):
    flags = grounding.check(SUMMARY, NOTE)
    assert [f.text for f in flags] == ["500 mg"]
    txt = export.export_summary(tmp_path / "s.txt", SUMMARY, flags)
    assert txt.read_text() == SUMMARY + "\n"
    out = export.export_summary(tmp_path / "s.docx", SUMMARY, flags)
    paragraphs = docx.Document(str(out)).paragraphs
    assert [p.text for p in paragraphs] == SUMMARY.split("\n")
    highlighted = [r.text for p in paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert highlighted == ["500 mg"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left
    entries = [json.loads(line) for line in audit.default_path().read_text().splitlines()]
    assert [e["format"] for e in entries if e["action"] == "export"] == ["txt", "docx"]
    assert SUMMARY not in audit.default_path().read_text()


def test_refuses_other_formats_and_empty_summaries(tmp_path):
    with pytest.raises(ChartBriefError, match="txt or .docx"):
        export.export_summary(tmp_path / "s.pdf", SUMMARY)
    with pytest.raises(ChartBriefError, match="no summary"):
        export.export_summary(tmp_path / "s.txt", "  ")


def test_default_name_holds_no_note_text():
    name = export.default_name("soap", ".docx")
    assert name.startswith("summary-soap-") and name.endswith(".docx")


def test_window_export_goes_through_the_chooser(window, tmp_path, home, messages):
    result = SummaryResult(summary=SUMMARY, style="brief", flags=grounding.check(SUMMARY, NOTE))
    window.summary_pane.show_result(result)
    window.choose_export_path = lambda default: tmp_path / default.replace(".txt", ".docx")
    written = window.export_summary()
    assert written is not None and written.suffix == ".docx" and written.exists()
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    window.choose_export_path = lambda default: tmp_path / "missing-dir" / "x" / "s.odt"
    assert window.export_summary() is None
    assert messages and "txt or .docx" in messages[-1].text
