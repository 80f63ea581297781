"""Export: .txt and .docx written atomically, flags highlighted in .docx, audited by hash only; the CLI's --save."""

from __future__ import annotations

import json

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from core import audit, grounding
from core.errors import ChartBriefError
from core.summarize import SummaryResult, export

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


def test_a_result_is_saved_with_its_marks(tmp_path, home):
    flags = grounding.check(SUMMARY, NOTE)
    result = SummaryResult(summary=SUMMARY, style="brief", flags=flags)
    out = export.save_result(tmp_path / "s.txt", result)
    assert out.read_text() == "Metformin [not in note: 500 mg] twice daily.\nLeft knee pain, improving.\n"
    assert export.report_of(result).flags == tuple(flags)


def test_cli_save_refuses_a_wrong_suffix_before_loading_the_model(tmp_path, home, capsys):
    from core.cli import main

    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    rc = main(["summarize", str(note), "--save", str(tmp_path / "s.pdf"), "--engine", "reference"])
    assert rc != 0
    err = capsys.readouterr().err
    assert "txt or .docx" in err and not (tmp_path / "s.pdf").exists()
