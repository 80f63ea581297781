"""Note pane (typing, text and file drops, pasted files) and summary pane (streaming, flags, copy)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QHelpEvent
from PySide6.QtWidgets import QApplication

from core import grounding
from core.summarize import SummaryResult
from gui.note_pane import NotePane, local_files
from gui.summary_pane import FLAG_COLOR, SummaryPane, utf16_offsets

NOTE = "MEDICATIONS: metformin 1000 mg twice daily, lisinopril 20 mg daily. Left leg swelling."
SUMMARY = "🙂 Takes metformin 500 mg twice daily, lisinopril 20 mg daily and aspirin 81 mg. Right leg swelling."


def drop(widget, mime: QMimeData) -> QDropEvent:
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)
    return event


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def test_dropped_files_are_emitted_not_inserted(qtbot, tmp_path):
    pane = NotePane()
    qtbot.addWidget(pane)
    a, b = tmp_path / "a.txt", tmp_path / "b.docx"
    with qtbot.waitSignal(pane.files_dropped) as blocker:
        event = drop(pane.editor, file_mime(a, b))
    assert blocker.args == [[a, b]] and event.isAccepted()
    assert pane.text() == ""


def test_dropped_and_typed_text_goes_into_the_editor(qtbot):
    pane = NotePane()
    qtbot.addWidget(pane)
    qtbot.keyClicks(pane.editor, "BP 120/80")
    mime = QMimeData()
    mime.setText(" HR 70")
    pane.editor.moveCursor(pane.editor.textCursor().MoveOperation.End)
    drop(pane.editor, mime)
    assert "BP 120/80" in pane.text() and "HR 70" in pane.text()


def test_pasted_files_are_opened(qtbot, tmp_path):
    pane = NotePane()
    qtbot.addWidget(pane)
    QGuiApplication.clipboard().setMimeData(file_mime(tmp_path / "n.md"))
    with qtbot.waitSignal(pane.files_dropped) as blocker:
        pane.editor.paste()
    assert blocker.args == [[tmp_path / "n.md"]]


def test_remote_urls_are_ignored():
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/note.txt")])
    assert local_files(mime) == []


def test_notes_list_shows_only_for_several(qtbot):
    pane = NotePane()
    qtbot.addWidget(pane)
    pane.show()
    pane.set_items(["a.txt"], 0)
    assert not pane.notes.isVisible()
    pane.set_items(["a.txt", "b.txt"], 1)
    assert pane.notes.isVisible() and pane.notes.currentRow() == 1


def _result() -> SummaryResult:
    return SummaryResult(summary=SUMMARY, style="brief", flags=grounding.check(SUMMARY, NOTE))


def test_flags_are_highlighted_with_their_reason(qtbot):
    pane = SummaryPane()
    qtbot.addWidget(pane)
    result = _result()
    assert len(result.flags) >= 3
    pane.show_result(result)
    pos = utf16_offsets(SUMMARY)
    for flag in result.flags:
        start, end = pos[flag.start], pos[flag.end]
        cursor = pane.view.textCursor()
        cursor.setPosition(start + 1)  # charFormat() is the format of the character before the cursor
        fmt = cursor.charFormat()
        assert fmt.background().color() == FLAG_COLOR
        assert fmt.toolTip() == flag.reason
        span = pane.view.textCursor()
        span.setPosition(start)
        span.setPosition(end, span.MoveMode.KeepAnchor)
        assert span.selectedText() == flag.text
        assert pane.view.reason_at(start) == flag.reason
    assert pane.view.reason_at(pos[SUMMARY.index("Takes")]) is None
    assert "not supported by the note" in pane.flags_label.text()


def test_hovering_a_flag_shows_its_reason(qtbot):
    pane = SummaryPane()
    qtbot.addWidget(pane)
    pane.show()
    result = _result()
    pane.show_result(result)
    flag = result.flags[0]
    cursor = pane.view.textCursor()
    cursor.setPosition(utf16_offsets(SUMMARY)[flag.start] + 1)
    rect = pane.view.cursorRect(cursor)
    local = QPoint(rect.center().x(), rect.center().y())
    event = QHelpEvent(QHelpEvent.Type.ToolTip, local, pane.view.viewport().mapToGlobal(local))
    assert QApplication.sendEvent(pane.view.viewport(), event)
    qtbot.waitUntil(lambda: pane.view.reason_at(pane.view.cursorForPosition(local).position()) == flag.reason)


def test_streaming_then_copy(qtbot):
    pane = SummaryPane()
    qtbot.addWidget(pane)
    pane.begin()
    for piece in ("Chest ", "pain, ", "stable."):
        pane.append(piece)
    assert pane.view.toPlainText() == "Chest pain, stable."
    assert not pane.export_button.isEnabled()
    pane.show_result(SummaryResult(summary="Chest pain, stable.", style="brief"))
    assert pane.export_button.isEnabled() and "Nothing flagged" in pane.flags_label.text()
    with qtbot.waitSignal(pane.copied):
        assert pane.copy()
    assert QGuiApplication.clipboard().text() == "Chest pain, stable."


def test_ctrl_c_without_selection_copies_the_whole_summary(qtbot):
    pane = SummaryPane()
    qtbot.addWidget(pane)
    pane.show_result(SummaryResult(summary="Afebrile. Discharged home.", style="brief"))
    QGuiApplication.clipboard().setText("")
    qtbot.keyClick(pane.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "Afebrile. Discharged home."
