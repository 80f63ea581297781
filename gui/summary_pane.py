"""The summary pane: streamed text, grounding marks (reason on hover), provenance on click, Copy and Export.

Item flags (a dose, a drug, a term the note lacks) are highlighted yellow; sentences the note does not
support get a light red background and a red wavy underline, or are left out under the ``hide``
policy. Clicking a sentence (or moving the cursor into it) selects its :class:`SentenceSupport` and
emits :attr:`SummaryPane.sentence_selected`; the window highlights its sources in the note.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QGuiApplication,
    QHelpEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.grounding import Report, render
from core.summarize.export import report_of
from gui.textspans import Display, display, extra_selection, utf16_offsets

__all__ = ["FLAG_COLOR", "SELECT_COLOR", "SENTENCE_COLOR", "SummaryPane", "SummaryView", "support_text",
           "utf16_offsets"]

FLAG_COLOR = QColor("#ffd54f")
SENTENCE_COLOR = QColor("#ffcdd2")
SENTENCE_LINE = QColor("#c62828")
SELECT_COLOR = QColor("#bbdefb")
PLACEHOLDER = "The summary appears here as it is written."
NOT_SUPPORTED = "This sentence is not supported by the note."
NOTHING_FLAGGED = ("Nothing flagged: every checked medication, dose, number, date, side and negation "
                   "appears in the note.")


def support_text(support) -> str:
    """What the grounding check says of one summary sentence, for its tooltip and the provenance line."""
    if support.status == "unsupported":
        return NOT_SUPPORTED
    if support.status == "no_claim":
        return "A heading: there is nothing in it to check against the note."
    n = len(support.sources)
    text = f"Backed by {n} note sentence{'s' if n != 1 else ''} (support {support.score:.0%})"
    return text + ("; it holds items not in the note" if support.status == "flagged" else "")


class SummaryView(QTextEdit):
    """Read-only rich text; hovering a flagged span shows why it was flagged, a sentence its support."""

    position_chosen = Signal(int)  # a click (not a drag) or a cursor move put the cursor here
    copy_all_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setPlaceholderText(PLACEHOLDER)
        self.setAccessibleName("Summary")
        self.setAccessibleDescription("The generated summary. Highlighted words are not supported by the note; "
                                      "click a sentence to see where it comes from in the note.")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.spans: list[tuple[int, int, str]] = []  # (start, end, reason) in document positions
        self.sentences: list[tuple[int, int, object]] = []  # (start, end, SentenceSupport), document positions

    def reason_at(self, position: int) -> str | None:
        """Why the text at document ``position`` was flagged, or None (item reasons before sentence ones)."""
        return next((r for s, e, r in self.spans if s <= position < e), None)

    def sentence_at(self, position: int):
        """The SentenceSupport of the sentence at document ``position`` (its end included), or None."""
        return next((x for s, e, x in self.sentences if s <= position <= e), None)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            position = self.cursorForPosition(event.pos()).position()
            sentence = next((x for s, e, x in self.sentences if s <= position < e), None)
            text = self.reason_at(position) or (support_text(sentence) if sentence is not None else None)
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.position_chosen.emit(self.cursorForPosition(event.position().toPoint()).position())

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and not self.textCursor().hasSelection():
            self.copy_all_requested.emit()  # Ctrl+C with no selection: all of it, as the Copy button gives it
            return
        before = self.textCursor().position()
        super().keyPressEvent(event)
        cursor = self.textCursor()
        if cursor.position() != before and not cursor.hasSelection():
            self.position_chosen.emit(cursor.position())


class SummaryPane(QWidget):
    """The summary view, a provenance line, a line about flags, and the Copy and Export buttons."""

    export_requested = Signal()
    copied = Signal()
    sentence_selected = Signal(object)  # the chosen SentenceSupport, or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = SummaryView()
        self.source_label = QLabel("")
        self.source_label.setAccessibleName("Sentence source")
        self.source_label.setWordWrap(True)
        self.source_label.hide()
        self.flags_label = QLabel("")
        self.flags_label.setAccessibleName("Grounding check")
        self.flags_label.setWordWrap(True)
        self.copy_button = QToolButton()
        self.copy_button.setText("&Copy")
        self.copy_button.setAccessibleName("Copy summary")
        self.copy_button.setToolTip("Copy the summary, with its marks, to the clipboard (Ctrl+Shift+C); "
                                    "the arrow offers a copy without marks")
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.copy_plain_action = QAction("Copy &without marks", self)
        self.copy_plain_action.setToolTip("Copy the summary as written, without the [not in note: …] marks")
        menu = QMenu(self.copy_button)
        menu.addAction(self.copy_plain_action)
        self.copy_button.setMenu(menu)
        self.export_button = QPushButton("&Export…")
        self.export_button.setAccessibleName("Export summary")
        self.export_button.setToolTip("Save the summary, with its marks, as .txt or .docx (Ctrl+E)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.flags_label, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.source_label)
        layout.addLayout(buttons)
        self.copy_button.clicked.connect(self.copy)
        self.copy_plain_action.triggered.connect(self.copy_plain)
        self.export_button.clicked.connect(self.export_requested)
        self.view.position_chosen.connect(self.select_at)
        self.view.copy_all_requested.connect(self.copy)
        self.result = None
        self.note: str | None = None
        self.policy = "mark"
        self.shown: Display | None = None
        self.selected = None
        self._set_done(False)

    def summary_text(self) -> str:
        return self.result.summary if self.result is not None else ""

    def marked_text(self) -> str:
        """The summary with its grounding marks, as Copy and Export give it (see core.grounding.render)."""
        if self.result is None:
            return ""
        return render.marked(self.result.summary, report_of(self.result), self.policy)

    def clear(self, note: str = "") -> None:
        self.result, self.note, self.shown = None, None, None
        self.view.spans, self.view.sentences = [], []
        self.view.clear()
        self.flags_label.setText(note)
        self._select(None)
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

    def set_policy(self, policy: str) -> None:
        """``mark`` or ``hide`` unsupported sentences; a shown summary is drawn again."""
        if policy not in render.POLICIES:
            raise ValueError(f"display policy must be one of {', '.join(render.POLICIES)}, not {policy!r}")
        if policy != self.policy:
            self.policy = policy
            if self.result is not None:
                self.show_result(self.result, self.note)

    def show_result(self, result, note: str | None = None) -> None:
        """The final summary, its grounding marks explained on hover; ``note`` is the text it was checked
        against (the window highlights sources in it)."""
        self.clear()
        self.result, self.note = result, note
        report = report_of(result)
        hide = render.hidden_sentences(report, self.policy)
        shown = display(result.summary, hide)
        self.shown = shown
        self.view.setPlainText(shown.text)
        qpos = utf16_offsets(shown.text)

        def at(i: int) -> int:
            return qpos[shown.index[i]]

        sentence_flags = [f for f in result.flags if f.kind == "sentence"]
        for flag in sentence_flags:  # first, so that items inside keep their yellow on top
            if not shown.hidden(flag.start, flag.end):
                fmt = QTextCharFormat()
                fmt.setBackground(SENTENCE_COLOR)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(SENTENCE_LINE)
                fmt.setToolTip(flag.reason)
                self._format(at(flag.start), at(flag.end), fmt)
        item_spans = []
        for flag in result.flags:
            if flag.kind == "sentence" or shown.hidden(flag.start, flag.end):
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(FLAG_COLOR)
            fmt.setToolTip(flag.reason)
            self._format(at(flag.start), at(flag.end), fmt)
            item_spans.append((at(flag.start), at(flag.end), flag.reason))
        sentence_spans = [(at(f.start), at(f.end), f.reason) for f in sentence_flags
                          if not shown.hidden(f.start, f.end)]
        self.view.spans = item_spans + sentence_spans
        self.view.sentences = [(at(s.start), at(s.end), s) for s in report.sentences
                               if not shown.hidden(s.start, s.end)]
        self.flags_label.setText(self._status(result, report, len(hide)))
        self._set_done(bool(result.summary))

    def _status(self, result, report: Report, hidden: int) -> str:
        if result.grounding is None:  # an older result: item flags only
            n = len(result.flags)
            return NOTHING_FLAGGED if n == 0 else (f"{n} item{'s' if n > 1 else ''} not supported by the note "
                                                   "highlighted; hover for the reason.")
        text = report.status_line()
        if hidden:
            text += f" · {hidden} hidden from view"
        if report.clean:
            return f"Nothing flagged: {text}. Click a sentence to see where it comes from in the note."
        return text + ". Hover a highlight for the reason; click a sentence to see its source in the note."

    def select_at(self, position: int) -> None:
        """Choose the sentence at document ``position`` (None when there is none) and say where it comes from."""
        self._select(self.view.sentence_at(position))
        self.sentence_selected.emit(self.selected)

    def set_source_message(self, text: str) -> None:
        """Replace the provenance line (the window says so when the note changed since the summary)."""
        self.source_label.setText(text)
        self.source_label.setVisible(bool(text))

    def _select(self, support) -> None:
        self.selected = support
        selections = []
        if support is not None:
            span = next((s, e) for s, e, x in self.view.sentences if x is support)
            selections.append(extra_selection(self.view.document(), span[0], span[1], SELECT_COLOR))
        self.view.setExtraSelections(selections)
        if support is None:
            self.set_source_message("")
        elif support.status in ("supported", "flagged") and support.sources:
            self.set_source_message(support_text(support) + " — highlighted in the note.")
        else:
            self.set_source_message(support_text(support))

    def _format(self, start: int, end: int, fmt: QTextCharFormat) -> None:
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    def copy(self) -> bool:
        """Copy the whole summary with its grounding marks; False if there is none yet."""
        return self._copy(self.marked_text() or self.view.toPlainText())

    def copy_plain(self) -> bool:
        """Copy the summary as written, without marks (an explicit choice); False if there is none yet."""
        return self._copy(self.summary_text() or self.view.toPlainText())

    def _copy(self, text: str) -> bool:
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
        self.copy_plain_action.setEnabled(done)
