"""The audit view: the audit log's entries, read-only (time, action, ids and hashes; the log never holds
note text), a Verify button that checks the hash chain and names the lines with problems, and Refresh."""

from __future__ import annotations

import logging
import re

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import errors, qtcompat  # noqa: F401 - qtcompat: emit() reference-count fix

log = logging.getLogger(__name__)

COLUMNS = ("#", "Time (UTC)", "Action", "Details", "Entry hash")
CHAIN_FIELDS = frozenset({"seq", "time", "action", "app_version", "prev", "hash"})
LIMIT = 2000
_SHA = re.compile(r"[0-9a-f]{64}")


def short(value) -> str:
    """A field value for the table: sha256 hashes cut to 12 characters, lists joined."""
    if isinstance(value, list):
        return "[" + ", ".join(short(v) for v in value) + "]"
    if isinstance(value, str) and _SHA.fullmatch(value):
        return value[:12] + "…"
    return "–" if value is None else str(value)


def details(entry: dict) -> str:
    return ", ".join(f"{k}={short(v)}" for k, v in sorted(entry.items()) if k not in CHAIN_FIELDS)


class AuditView(QWidget):
    def __init__(self, path=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = path  # None: the app's audit log (core.audit.default_path())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Audit log entries")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.verify_button = QPushButton("Verify")
        self.verify_button.setAccessibleName("Verify audit log")
        self.verify_button.setToolTip("Check every entry's hash and the chain between entries")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Refresh audit log")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Verification result")
        self.problems = QListWidget()
        self.problems.setAccessibleName("Audit log problems")
        self.problems.setVisible(False)
        self.count = QLabel()
        self.verify_button.clicked.connect(self.verify)
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(self.problems)
        self.refresh()

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> int:
        """Read the newest entries (newest first); returns how many are shown."""
        from core import audit

        try:
            entries = audit.read(self.path, limit=LIMIT)
        except OSError as exc:
            errors.report(self, exc)
            entries = []
        entries.reverse()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (str(entry.get("seq")), str(entry.get("time", "")).replace("T", " ")[:23],
                      str(entry.get("action", "")), details(entry), short(entry.get("hash")))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 4:
                    item.setToolTip(str(entry.get("hash")))
                self.table.setItem(row, col, item)
        self.count.setText(f"{len(entries)} entries" + (f" (newest {LIMIT})" if len(entries) >= LIMIT else ""))
        return len(entries)

    def verify(self):
        """Check the whole log; shows OK or each problem with its line number. Returns core's result."""
        from core import audit

        try:
            result = audit.verify(self.path)
        except OSError as exc:
            errors.report(self, exc)
            return None
        self.problems.clear()
        if result.ok:
            self.result.setText(f"OK: {result.entries} entries, every hash and link in the chain checks out.")
            self.result.setStyleSheet("color: #1b7a2f;")
        else:
            self.result.setText(f"{len(result.problems)} problem(s) found in the log ({result.entries} readable "
                                "entries). The log may have been edited:")
            self.result.setStyleSheet("color: #b00020;")
            self.problems.addItems(result.problems)
        self.problems.setVisible(not result.ok)
        self.refresh()
        return result
