"""The window's Export: through the file chooser to core.summarize.export; errors become messages."""

from __future__ import annotations

from core import grounding
from core.summarize import SummaryResult

NOTE = "Metformin 1000 mg twice daily. Left knee pain."
SUMMARY = "Metformin 500 mg twice daily.\nLeft knee pain, improving."


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
