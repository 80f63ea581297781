"""The adapters panel: the fine-tuned adapter versions (id, base model, created, metrics, active) with
Activate, Roll back, Delete and Export (a stock PEFT folder, or the base model with it merged).

Every action is a ``core.adapters`` call; failures become messages through :mod:`gui.errors`. Export
runs on a worker thread (merging loads the model); the others are quick file changes. The confirmation
and the folder chooser are methods that tests replace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui import errors, qtcompat  # noqa: F401 - qtcompat: emit() reference-count fix
from gui.workers import Worker

log = logging.getLogger(__name__)

COLUMNS = ("Adapter", "Base model", "Created", "Metrics", "Active")


def metrics_text(metrics: dict) -> str:
    """``seen ROUGE-L 20.1→24.3, facts 0.41→0.52; unseen …`` from an adapter's headline metrics."""
    parts = []
    for group in ("seen", "unseen"):
        m = metrics.get(group)
        if not isinstance(m, dict):
            continue
        rouge = _arrow(m.get("base_rougeL"), m.get("adapter_rougeL"), "{:.1f}")
        facts = _arrow(m.get("base_fact_recall"), m.get("adapter_fact_recall"), "{:.2f}")
        parts.append(f"{group} ROUGE-L {rouge}, facts {facts}")
    return "; ".join(parts) or "not evaluated"


def _arrow(before, after, fmt: str) -> str:
    def show(v):
        return fmt.format(v) if isinstance(v, int | float) else "–"

    return f"{show(before)}→{show(after)}"


class AdaptersPanel(QWidget):
    """Emits :attr:`changed` when the active adapter may have changed."""

    changed = Signal()

    def __init__(self, model_id: Callable[[], str | None] = lambda: None, parent: QWidget | None = None):
        super().__init__(parent)
        self._model_id = model_id
        self.records: list = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Adapters")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.activate_button = self._button("Activate", "Use the selected adapter for its base model")
        self.rollback_button = self._button("Roll back", "Return to the adapter that was active before "
                                                         "(or to the base model alone)")
        self.delete_button = self._button("Delete…", "Delete the selected adapter (it must not be active)")
        self.refresh_button = self._button("Refresh", "Read the adapter list again")
        self.export_button = QToolButton()
        self.export_button.setText("Export…")
        self.export_button.setAccessibleName("Export adapter")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("As a PEFT adapter folder…", lambda: self.export(merged=False))
        menu.addAction("Merged into the base model…", lambda: self.export(merged=True))
        self.export_button.setMenu(menu)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.worker = Worker("adapters", self)
        self.worker.status.connect(self.status.setText)
        self.worker.finished.connect(lambda dest: self.status.setText(f"Exported to {dest}."))
        self.worker.failed.connect(lambda exc: (self.status.setText("Export failed."), errors.report(self, exc)))
        self.activate_button.clicked.connect(self.activate)
        self.rollback_button.clicked.connect(self.rollback)
        self.delete_button.clicked.connect(self.delete)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for w in (self.activate_button, self.rollback_button):
            row1.addWidget(w)
        for w in (self.export_button, self.delete_button, self.refresh_button):
            row2.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.status)
        self.refresh()

    def _button(self, text: str, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setAccessibleName(text.rstrip("…") + (" adapter" if text != "Refresh" else " adapters"))
        b.setToolTip(tip)
        return b

    # --- replaceable dialogs (tests put plain functions here) ------------------------------------
    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def choose_export_dir(self) -> Path | None:
        path = QFileDialog.getExistingDirectory(self, "Export into which folder?")
        return Path(path) if path else None

    # --- list -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        from core import adapters

        keep = self.selected_id()
        try:
            self.records = adapters.list_adapters()
        except Exception as exc:  # noqa: BLE001 - an unreadable registry becomes a message
            self.records = []
            errors.report(self, exc)
        self.table.setRowCount(len(self.records))
        for row, rec in enumerate(self.records):
            values = (rec.id, rec.base_model_id, rec.created.replace("T", " ")[:16], metrics_text(rec.metrics),
                      "✓ active" if rec.active else "")
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, rec.id)
                if col == 3:
                    item.setToolTip(str(rec.metrics or "No evaluation recorded."))
                self.table.setItem(row, col, item)
        ids = [r.id for r in self.records]
        if keep in ids:
            self.table.selectRow(ids.index(keep))
        self._update_buttons()

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.records[rows[0].row()].id if rows and rows[0].row() < len(self.records) else None

    def select(self, adapter_id: str) -> None:
        ids = [r.id for r in self.records]
        if adapter_id in ids:
            self.table.selectRow(ids.index(adapter_id))

    def _update_buttons(self) -> None:
        chosen = self.selected_id()
        active = next((r.active for r in self.records if r.id == chosen), False)
        self.activate_button.setEnabled(bool(chosen) and not active)
        self.delete_button.setEnabled(bool(chosen) and not active)
        self.export_button.setEnabled(bool(chosen))
        self.rollback_button.setEnabled(bool(self.records))

    # --- actions --------------------------------------------------------------------------------
    def activate(self) -> bool:
        from core import adapters

        chosen = self.selected_id()
        return bool(chosen) and self._do(lambda: adapters.activate(chosen), lambda info: f"{info.id} is now active.")

    def rollback(self) -> bool:
        from core import adapters

        chosen = next((r for r in self.records if r.id == self.selected_id()), None)
        model = chosen.base_model_id if chosen else self._model_id()
        return self._do(lambda: adapters.rollback(model),
                        lambda back: f"Rolled back to {back.id}." if back else "Rolled back to the base model alone.")

    def delete(self) -> bool:
        from core import adapters

        chosen = self.selected_id()
        if not chosen or not self.confirm("Delete adapter", f"Delete adapter {chosen} and its files?"):
            return False
        return self._do(lambda: adapters.delete(chosen), lambda _: f"Deleted {chosen}.")

    def export(self, merged: bool = False) -> bool:
        from core import adapters

        chosen, parent = self.selected_id(), None
        if chosen:
            parent = self.choose_export_dir()
        if not chosen or not parent:
            return False
        dest = Path(parent) / (f"{chosen}-merged" if merged else chosen)
        return self.worker.submit("export", lambda ctx: (ctx.status(f"Exporting {chosen}…"),
                                                         adapters.export(chosen, dest, merged=merged))[1])

    def _do(self, action: Callable, done: Callable) -> bool:
        try:
            result = action()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message through gui.errors
            errors.report(self, exc)
            return False
        self.status.setText(done(result))
        self.refresh()
        self.changed.emit()
        return True

    @Slot()
    def shutdown(self, timeout_ms: int | None = 5000) -> bool:
        return self.worker.shutdown(timeout_ms)
