"""Grounding in the window: unsupported sentences marked or hidden, a clicked sentence's sources
highlighted in the note, Copy with marks and Copy without marks, Export with marks."""

from __future__ import annotations

import json

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QTextCharFormat

from core import audit, grounding
from core.engines import EngineInfo
from core.grounding import render
from core.summarize import SummaryResult
from gui.summary_pane import FLAG_COLOR, SELECT_COLOR, SENTENCE_COLOR, support_text, utf16_offsets

# Emoji on both sides: Qt counts UTF-16 units, the report counts characters.
NOTE = ("CHIEF COMPLAINT 🫀: chest pressure for two days.\n"
        "HISTORY: 64-year-old with hypertension and type 2 diabetes. No syncope.\n"
        "MEDICATIONS: metformin 1000 mg twice daily, lisinopril 20 mg daily.\n"
        "EXAM: BP 152/88 mmHg, HR 96 bpm. Left leg swelling.\n"
        + "\n" * 80 +  # a long note: the last source is out of view until the window scrolls to it
        "PLAN: troponin, ECG, cardiology review.\n")
# The second sentence is mostly backed (flagged for its dose and drug, not unsupported as a whole); the
# third is not backed at all.
SUMMARY = ("🙂 64-year-old with chest pressure for two days and hypertension. Takes metformin 500 mg twice daily, "
           "lisinopril 20 mg daily and ganoderma. The patient enjoys skiing in Norway every winter. "
           "Plan: troponin and ECG.")


@pytest.fixture(scope="module")
def report():
    return grounding.analyze(SUMMARY, NOTE)


@pytest.fixture
def shown(window, report):
    """The window with NOTE in the note pane and SUMMARY, checked against it, in the summary pane."""
    window.resize(1000, 600)
    window.show()
    window.note_pane.show_note(NOTE, "test note")
    window.summary_pane.show_result(SummaryResult(SUMMARY, "brief", list(report.flags), grounding=report), NOTE)
    return window


def sentence(report, status: str, containing: str):
    return next(s for s in report.sentences if s.status == status and containing in SUMMARY[s.start:s.end])


def click(window, index: int) -> None:
    """Click the summary view on the character at summary ``index`` (under the mark policy)."""
    view = window.summary_pane.view
    shown = window.summary_pane.shown
    cursor = view.textCursor()
    cursor.setPosition(utf16_offsets(shown.text)[shown.index[index]] + 1)
    rect = view.cursorRect(cursor)
    window.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() - 2, rect.center().y()))


@pytest.fixture
def clicker(shown, qtbot):
    shown.qtbot = qtbot
    return lambda index: click(shown, index)


def note_spans(spans) -> list[tuple[int, int]]:
    pos = utf16_offsets(NOTE)
    return [(pos[a], pos[b]) for a, b in spans]


def test_report_has_what_the_tests_need(report):
    assert {s.status for s in report.sentences} >= {"supported", "unsupported"}
    assert {f.kind for f in report.flags} >= {"dose", "term", "sentence"}
    assert len(sentence(report, "supported", "64-year-old").sources) == 2


def test_clicking_a_supported_sentence_highlights_its_sources(shown, clicker, report):
    target = sentence(report, "supported", "Plan: troponin")
    editor = shown.note_pane.editor
    assert editor.verticalScrollBar().value() == 0
    clicker(target.start + 3)
    assert shown.summary_pane.selected is target
    assert shown.note_pane.source_spans() == note_spans(target.sources)
    assert [s.cursor.selectedText() for s in editor.extraSelections()] == [NOTE[a:b] for a, b in target.sources]
    assert all(s.format.background().color() != FLAG_COLOR for s in editor.extraSelections())
    cursor = editor.textCursor()
    cursor.setPosition(note_spans(target.sources)[0][0])
    assert editor.viewport().rect().contains(editor.cursorRect(cursor).center())  # scrolled into view
    assert editor.verticalScrollBar().value() > 0
    # the clicked sentence is highlighted too, and the line under the summary says how it is backed
    (selected,) = shown.summary_pane.view.extraSelections()
    assert selected.cursor.selectedText() == SUMMARY[target.start:target.end]
    assert selected.format.background().color() == SELECT_COLOR
    assert shown.summary_pane.source_label.text().startswith("Backed by 1 note sentence (support 100%)")

    first = sentence(report, "supported", "64-year-old")
    clicker(first.start + 5)
    assert shown.note_pane.source_spans() == note_spans(first.sources) and len(first.sources) == 2
    assert "Backed by 2 note sentences" in shown.summary_pane.source_label.text()


def test_clicking_an_unsupported_sentence_says_so(shown, clicker, report):
    clicker(sentence(report, "supported", "Plan").start + 2)
    assert shown.note_pane.source_spans()
    target = sentence(report, "unsupported", "skiing")
    clicker(target.start + 4)
    assert shown.summary_pane.selected is target
    assert shown.summary_pane.source_label.text() == "This sentence is not supported by the note."
    assert shown.note_pane.source_spans() == []


def test_unsupported_sentence_is_marked(shown, report):
    flag = next(f for f in report.flags if f.kind == "sentence")
    view = shown.summary_pane.view
    pos = utf16_offsets(SUMMARY)
    cursor = view.textCursor()
    cursor.setPosition(pos[flag.start] + 5)
    fmt = cursor.charFormat()
    assert fmt.background().color() == SENTENCE_COLOR
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert fmt.toolTip() == flag.reason and flag.reason.startswith("this sentence is not supported by the note")
    assert view.reason_at(pos[flag.start] + 5) == flag.reason
    dose = next(f for f in report.flags if f.kind == "dose")
    cursor.setPosition(pos[dose.start] + 1)
    assert cursor.charFormat().background().color() == FLAG_COLOR  # items stay yellow
    assert view.reason_at(pos[dose.start]) == dose.reason
    label = shown.summary_pane.flags_label.text()
    assert label.startswith(report.status_line()) and "1 not supported by the note" in label


def test_sentence_support_text(report):
    assert support_text(sentence(report, "supported", "64-year-old")) == "Backed by 2 note sentences (support 100%)"
    assert support_text(sentence(report, "unsupported", "skiing")) == "This sentence is not supported by the note."


def test_hide_policy_leaves_unsupported_sentences_out(shown, clicker, report, settings_file):
    shown.hide_unsupported_action.setChecked(True)
    pane = shown.summary_pane
    text = pane.view.toPlainText()
    assert "skiing" not in text and "ganoderma" in text and text.endswith("Plan: troponin and ECG.")
    assert "1 hidden" in pane.flags_label.text()
    assert json.loads(settings_file.read_text())["unsupported_sentences"] == "hide"
    # offsets still map: the sentence after the hidden one leads to its own source
    target = sentence(report, "supported", "Plan: troponin")
    clicker(target.start + 3)
    assert shown.note_pane.source_spans() == note_spans(target.sources)
    dose = next(f for f in report.flags if f.kind == "dose")
    assert pane.view.reason_at(utf16_offsets(text)[pane.shown.index[dose.start]]) == dose.reason
    with shown.qtbot.waitSignal(pane.copied):
        shown.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == render.marked(SUMMARY, report, "hide")
    shown.hide_unsupported_action.setChecked(False)
    assert "skiing" in pane.view.toPlainText()


def test_hide_policy_is_restored(make_window, settings_file):
    first = make_window()
    first.hide_unsupported_action.setChecked(True)
    second = make_window()
    assert second.hide_unsupported_action.isChecked() and second.summary_pane.policy == "hide"


def test_copy_gives_marks_and_copy_without_marks_the_summary(shown, qtbot, report):
    pane = shown.summary_pane
    with qtbot.waitSignal(pane.copied):
        shown.copy_action.trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied == render.marked(SUMMARY, report, "mark")
    assert "[not in note: ganoderma]" in copied and "[not supported by the note: The patient enjoys" in copied
    plain = next(a for a in shown.findChildren(type(shown.copy_action)) if a.text() == "Copy &without marks")
    assert plain in shown.menuBar().actions()[1].menu().actions()  # in the Summary menu
    assert plain in pane.copy_button.menu().actions()
    with qtbot.waitSignal(pane.copied):
        plain.trigger()
    assert QGuiApplication.clipboard().text() == SUMMARY
    QGuiApplication.clipboard().setText("")
    qtbot.keyClick(pane.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # no selection: all, marked
    assert QGuiApplication.clipboard().text() == copied


def test_keyboard_moves_choose_a_sentence(shown, qtbot, report):
    view = shown.summary_pane.view
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(0)
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    first = report.sentences[0]
    assert shown.summary_pane.selected is first
    assert shown.note_pane.source_spans() == note_spans(first.sources)


def test_editing_the_note_clears_the_highlight(shown, clicker, report):
    target = sentence(report, "supported", "Plan: troponin")
    clicker(target.start + 3)
    assert shown.note_pane.source_spans()
    shown.note_pane.editor.insertPlainText("x")
    assert shown.note_pane.source_spans() == []
    clicker(target.start + 3)  # the note is no longer the one the summary was checked against
    assert shown.note_pane.source_spans() == []
    assert "note has changed" in shown.summary_pane.source_label.text()


def test_export_writes_the_marks(shown, tmp_path, home, report):
    shown.choose_export_path = lambda default: tmp_path / "s.txt"
    assert shown.export_summary().read_text() == render.marked(SUMMARY, report) + "\n"
    shown.choose_export_path = lambda default: tmp_path / "s.docx"
    paragraphs = docx.Document(str(shown.export_summary())).paragraphs
    runs = {r.text: r.font.highlight_color for p in paragraphs for r in p.runs}
    assert runs["[not in note: 500 mg]"] == WD_COLOR_INDEX.YELLOW
    assert runs["[not supported by the note: The patient enjoys skiing in Norway every winter.]"] == \
        WD_COLOR_INDEX.PINK
    log = audit.default_path().read_text()
    entries = [json.loads(line) for line in log.splitlines()]
    assert [e["marks"] for e in entries if e["action"] == "export"] == ["mark", "mark"]
    assert "skiing" not in log and "ganoderma" not in log


class ScriptedEngine:
    """Writes SUMMARY whatever the prompt (the controller and the pipeline run as they do for a model)."""

    context_length = 4096
    info = EngineInfo(name="scripted", model_id="embedded:smollm2-135m", variant="fp32")

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def chat_prompt(self, system: str, user: str) -> str:
        return f"{system}\n{user}"

    def stream(self, prompt, settings=None, should_stop=None):
        yield from (SUMMARY[i:i + 20] for i in range(0, len(SUMMARY), 20))

    def unload(self) -> None:
        pass


def test_sources_fall_in_the_text_that_was_summarized(window, qtbot, home, messages):
    """A pasted note with a control character: the reader drops it, and the note pane shows the text
    the summary was checked against, so its sources land on the right characters."""
    window.show()
    window.settings.update(summary_mode="free")  # the scripted engine's summary is shown as written
    window.controller.use_engine(ScriptedEngine())
    pasted = NOTE.replace("PLAN:", "PLAN:\x07")
    window.note_pane.editor.setPlainText(pasted)
    with qtbot.waitSignal(window.controller.summary_finished, timeout=60_000):
        assert window.summarize()
    assert window.note_pane.text() == NOTE and window.controller.items[0].checked == NOTE
    report = window.summary_pane.result.grounding
    target = sentence(report, "supported", "Plan: troponin")
    window.qtbot = qtbot
    click(window, target.start + 3)
    assert window.note_pane.source_spans() == note_spans(target.sources)
    at_start = []
    window.controller.summary_started.connect(lambda row: at_start.append(window.note_pane.source_spans()))
    with qtbot.waitSignal(window.controller.summary_finished, timeout=60_000):
        assert window.summarize()
    assert at_start == [[]]  # a new summary clears the highlight
    assert not messages
