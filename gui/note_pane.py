"""The note pane: an editor for typed or pasted notes that also takes dropped files and text.

Dropping (or pasting) files emits :attr:`NotePane.files_dropped`; the controller reads them with
``core.documents``. Several files become a list above the editor that the user steps through.
:meth:`NotePane.show_sources` highlights the note sentences a summary sentence comes from; editing
the note clears them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont, QTextCursor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QVBoxLayout, QWidget

from gui.textspans import as_plain, extra_selection, utf16_offsets

SOURCE_COLOR = QColor("#bbdefb")

PLACEHOLDER = ("Paste or type a clinical note here, or drop note files (.txt, .md, .docx, .pdf, .rtf).\n"
               "Ctrl+Enter summarizes; Ctrl+O opens a file.")


def local_files(mime: QMimeData) -> list[Path]:
    """The local file paths a drag or paste carries (remote URLs are ignored: the app is offline)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class NoteEditor(QPlainTextEdit):
    """Plain-text editor; files dropped or pasted on it are emitted instead of inserted as text."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setPlaceholderText(PLACEHOLDER)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setAccessibleName("Clinical note")
        self.setAccessibleDescription("The note to summarize. Type, paste or drop files here.")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
        else:
            super().dropEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return bool(local_files(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = local_files(source)
        if files:
            self.files_dropped.emit(files)
        else:
            super().insertFromMimeData(source)


class NotePane(QWidget):
    """The list of opened notes (shown for two or more), where the note came from, and the editor."""

    files_dropped = Signal(list)
    current_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.notes = QListWidget()
        self.notes.setAccessibleName("Opened notes")
        self.notes.setAccessibleDescription("Notes dropped together; each is summarized in turn.")
        self.notes.setMaximumHeight(120)
        self.notes.hide()
        self.source = QLabel("Pasted text")
        self.source.setAccessibleName("Note source")
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.editor = NoteEditor()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notes)
        layout.addWidget(self.source)
        layout.addWidget(self.editor, 1)
        self.editor.files_dropped.connect(self.files_dropped)
        self.editor.textChanged.connect(self.clear_sources)
        self.notes.currentRowChanged.connect(self.current_changed)
        self.setAcceptDrops(True)

    # The list and label also take drops, so the whole pane is a drop target.
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.editor.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.editor.dropEvent(event)

    def text(self) -> str:
        return self.editor.toPlainText()

    def show_note(self, text: str, source: str, warnings: tuple[str, ...] = ()) -> None:
        """Put a note in the editor and say where it came from (and what the reader noticed)."""
        self.editor.setPlainText(text)
        self.source.setText(source + (f" — {' '.join(warnings)}" if warnings else ""))

    def holds(self, note: str | None) -> bool:
        """Whether the editor shows exactly ``note`` (so spans in ``note`` are spans in the editor)."""
        return note is not None and self.text() == as_plain(note)

    def show_sources(self, spans, note: str) -> bool:
        """Highlight character ``spans`` of ``note`` (the editor's text) and scroll to the first one."""
        self.clear_sources()
        if not spans or not self.holds(note):
            return False
        pos = utf16_offsets(note)
        selections = []
        for start, end in sorted(spans):
            selections.append(extra_selection(self.editor.document(), pos[start], pos[end], SOURCE_COLOR))
        self.editor.setExtraSelections(selections)
        first = QTextCursor(self.editor.document())
        first.setPosition(pos[min(spans)[1]])  # the end, then the start: the whole first source in view
        self.editor.setTextCursor(first)
        self.editor.ensureCursorVisible()
        first.setPosition(pos[min(spans)[0]])
        self.editor.setTextCursor(first)
        self.editor.ensureCursorVisible()
        return True

    def source_spans(self) -> list[tuple[int, int]]:
        """The highlighted sources, as (start, end) editor positions."""
        return [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in self.editor.extraSelections()]

    def clear_sources(self) -> None:
        if self.editor.extraSelections():
            self.editor.setExtraSelections([])

    def set_items(self, labels: list[str], current: int) -> None:
        """Fill the notes list; it is shown only when there are two or more notes."""
        self.notes.blockSignals(True)
        self.notes.clear()
        for label in labels:
            QListWidgetItem(label, self.notes)
        self.notes.setCurrentRow(current)
        self.notes.blockSignals(False)
        self.notes.setVisible(len(labels) > 1)

    def set_item_label(self, row: int, label: str) -> None:
        item = self.notes.item(row)
        if item is not None:
            item.setText(label)

    def set_font_size(self, points: int) -> None:
        font = QFont(self.editor.font())
        font.setPointSize(points)
        self.editor.setFont(font)
