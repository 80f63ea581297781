"""The summary pane: streamed text, grounding flags highlighted (reason on hover), Copy and Export."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QHelpEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextEdit, QToolTip, QVBoxLayout, QWidget

FLAG_COLOR = QColor("#ffd54f")
PLACEHOLDER = "The summary appears here as it is written."


def utf16_offsets(text: str) -> list[int]:
    """Qt position (UTF-16 units) of each character index of ``text``, plus one for its end."""
    out, pos = [0], 0
    for ch in text:
        pos += 2 if ord(ch) > 0xFFFF else 1
        out.append(pos)
    return out


class SummaryView(QTextEdit):
    """Read-only rich text; hovering a flagged span shows why it was flagged."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setPlaceholderText(PLACEHOLDER)
        self.setAccessibleName("Summary")
        self.setAccessibleDescription("The generated summary. Highlighted words are not supported by the note.")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.spans: list[tuple[int, int, str]] = []  # (start, end, reason) in document positions

    def reason_at(self, position: int) -> str | None:
        """Why the text at document ``position`` was flagged, or None."""
        return next((r for s, e, r in self.spans if s <= position < e), None)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            reason = self.reason_at(self.cursorForPosition(event.pos()).position())
            if reason:
                QToolTip.showText(event.globalPos(), reason, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and not self.textCursor().hasSelection():
            QGuiApplication.clipboard().setText(self.toPlainText())  # Ctrl+C with no selection: all of it
            return
        super().keyPressEvent(event)


class SummaryPane(QWidget):
    """The summary view, a line about flags, and the Copy and Export buttons."""

    export_requested = Signal()
    copied = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = SummaryView()
        self.flags_label = QLabel("")
        self.flags_label.setAccessibleName("Grounding check")
        self.flags_label.setWordWrap(True)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setAccessibleName("Copy summary")
        self.copy_button.setToolTip("Copy the summary to the clipboard (Ctrl+Shift+C)")
        self.export_button = QPushButton("&Export…")
        self.export_button.setAccessibleName("Export summary")
        self.export_button.setToolTip("Save the summary as .txt or .docx (Ctrl+E)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.flags_label, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.copy_button.clicked.connect(self.copy)
        self.export_button.clicked.connect(self.export_requested)
        self.result = None
        self._set_done(False)

    def summary_text(self) -> str:
        return self.result.summary if self.result is not None else ""

    def clear(self, note: str = "") -> None:
        self.result = None
        self.view.spans = []
        self.view.clear()
        self.flags_label.setText(note)
        self._set_done(False)

    def begin(self) -> None:
        self.clear("Writing…")

    def append(self, text: str) -> None:
        """Add streamed text at the end, keeping the view scrolled to it."""
        cursor = QTextCursor(self.view.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text, QTextCharFormat())
        self.view.moveCursor(QTextCursor.MoveOperation.End)

    def show_partial(self, text: str, note: str) -> None:
        """Streamed text of an unfinished or stopped summary, with a line saying which."""
        self.clear(note)
        self.view.setPlainText(text)

    def show_result(self, result) -> None:
        """The final summary with each grounding flag highlighted and explained on hover."""
        self.clear()
        self.result = result
        self.view.setPlainText(result.summary)
        pos = utf16_offsets(result.summary)
        for flag in result.flags:
            start, end = pos[flag.start], pos[flag.end]
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(FLAG_COLOR)
            fmt.setToolTip(flag.reason)
            cursor.mergeCharFormat(fmt)
            self.view.spans.append((start, end, flag.reason))
        n = len(result.flags)
        self.flags_label.setText("Nothing flagged: every checked medication, dose, number, date, side and negation "
                                 "appears in the note." if n == 0 else
                                 f"{n} item{'s' if n > 1 else ''} not supported by the note "
                                 "highlighted; hover for the reason.")
        self._set_done(bool(result.summary))

    def copy(self) -> bool:
        """Copy the whole summary to the clipboard; False if there is none yet."""
        text = self.summary_text() or self.view.toPlainText()
        if not text:
            return False
        QGuiApplication.clipboard().setText(text)
        self.copied.emit()
        return True

    def set_font_size(self, points: int) -> None:
        font = QFont(self.view.font())
        font.setPointSize(points)
        self.view.setFont(font)

    def _set_done(self, done: bool) -> None:
        self.export_button.setEnabled(done)
        self.copy_button.setEnabled(done)
