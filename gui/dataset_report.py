"""The dataset report shown before fine-tuning: counts, excluded rows, the held-out split, and the privacy
scan (counts and row numbers per kind of identifier, never the values) with a Proceed / Scrub / Stop choice.

It shows what :func:`core.finetune.prepare` returned; it decides nothing itself.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix

PROCEED, SCRUB, STOP = "proceed", "scrub", "stop"
MAX_ROWS_SHOWN = 40


def headline(prepared) -> str:
    """One paragraph: rows, usable rows, and the split (with the held-out groups)."""
    info, report = prepared.info, prepared.report
    groups = "; ".join(f"{k} {', '.join(v)}" for k, v in info.get("holdout_groups", {}).items()) or "none"
    return (f"{report.total} rows, {report.usable} usable. {len(info['train'])} for training, "
            f"{len(info['heldout_seen'])} held out like the training notes, {len(info['heldout_unseen'])} held "
            f"out as never seen in training ({groups}).")


def issue_lines(report) -> list[str]:
    """What validation left out or flagged, and what happens to those rows."""
    return [f"Blank note or summary: {len(report.empty)} (left out)",
            f"Exact duplicates: {len(report.duplicates)} (left out; the first copy is kept)",
            f"Same note with another summary: {len(report.conflicting)} (kept; check which summary is right)",
            (f"Longer than {report.max_length} tokens: {len(report.too_long)} (left out, never cut short; "
             "raise the max length under Advanced to keep them)")]


class DatasetReportView(QWidget):
    """Emits :attr:`decided` (``proceed``, ``scrub`` or ``stop``) when identifiers were found."""

    decided = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = QLabel("Choose a file or folder of note → summary pairs to see its report.")
        self.summary.setWordWrap(True)
        self.issues = QLabel()
        self.issues.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Dataset report details")
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMaximumHeight(150)
        self.privacy = QLabel()
        self.privacy.setWordWrap(True)
        self.privacy_table = QTableWidget(0, 3)
        self.privacy_table.setAccessibleName("Likely identifiers by kind")
        self.privacy_table.setHorizontalHeaderLabels(["Kind", "Found", "Rows"])
        self.privacy_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.privacy_table.verticalHeader().setVisible(False)
        self.privacy_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.privacy_table.horizontalHeader().setStretchLastSection(True)
        self.privacy_table.setWordWrap(False)
        self.proceed_button = QPushButton("Proceed anyway")
        self.scrub_button = QPushButton("Scrub a copy")
        self.stop_button = QPushButton("Stop")
        tips = {self.proceed_button: "Train on the data as it is",
                self.scrub_button: "Replace the identifiers with [NAME], [MRN], … in a copy of the data and "
                                   "check the copy (the original file is not changed)",
                self.stop_button: "Do not train on this data"}
        choice = QHBoxLayout()
        for button, answer in ((self.proceed_button, PROCEED), (self.scrub_button, SCRUB), (self.stop_button, STOP)):
            button.setAccessibleName(button.text())
            button.setToolTip(tips[button])
            button.clicked.connect(lambda _=False, a=answer: self.decided.emit(a))
            choice.addWidget(button)
        choice.addStretch(1)
        self.choice = QWidget()
        self.choice.setLayout(choice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.summary, self.issues, self.details, self.privacy, self.privacy_table, self.choice):
            layout.addWidget(w)
        self.clear()

    def clear(self, text: str | None = None) -> None:
        self.summary.setText(text or "Choose a file or folder of note → summary pairs to see its report.")
        for w in (self.issues, self.details, self.privacy, self.privacy_table, self.choice):
            w.setVisible(False)

    def show_prepared(self, prepared) -> None:
        """Show a :class:`core.finetune.Prepared`; the choice buttons appear if identifiers were found."""
        self.summary.setText(headline(prepared))
        self.issues.setText("\n".join(issue_lines(prepared.report)))
        self.details.setPlainText(prepared.report.format() + "\n" + "\n".join(prepared.summary_lines()))
        for w in (self.issues, self.details, self.privacy):
            w.setVisible(True)
        self._show_privacy(prepared.privacy)

    def _show_privacy(self, report) -> None:
        if report.clean:
            self.privacy.setText(f"No likely patient identifiers found in {report.rows_scanned} rows.")
            self.privacy_table.setVisible(False)
            self.choice.setVisible(False)
            return
        rows = sorted({r for kind_rows in report.rows.values() for r in kind_rows})
        self.privacy.setText(f"Likely patient identifiers found: {report.total} in {len(rows)} of "
                             f"{report.rows_scanned} rows (row numbers below; the values are not shown). "
                             "Proceed, scrub a copy, or stop?")
        found = [(k, n) for k, n in report.counts.items() if n]
        self.privacy_table.setRowCount(len(found))
        for i, (kind, count) in enumerate(found):
            where = report.rows[kind]
            text = ", ".join(map(str, where[:MAX_ROWS_SHOWN])) + (" …" if len(where) > MAX_ROWS_SHOWN else "")
            for col, value in enumerate((kind, str(count), text)):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{kind}: rows {', '.join(map(str, where))}")
                self.privacy_table.setItem(i, col, item)
        header = self.privacy_table.horizontalHeader().height()
        self.privacy_table.setFixedHeight(header + sum(self.privacy_table.rowHeight(r) for r in range(len(found))) + 4)
        self.privacy_table.setVisible(True)
        self.choice.setVisible(True)
        self.choice.setEnabled(True)
