"""The before/after evaluation table: ROUGE-1/2/L, fact recall and grounding flags per held-out group.

It shows the ``groups`` of an evaluation report (:mod:`core.evaluate.report`): for each group (notes like
the training data, notes of an unseen specialty or layout, all) the base model, the adapter, and the change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix

COLUMNS = ("Held-out notes", "Model", "ROUGE-1", "ROUGE-2", "ROUGE-L", "Fact recall", "Flags/note")
METRICS = ("rouge1", "rouge2", "rougeL", "fact_recall", "flags_per_note")
GROUPS = {"seen": "Seen", "unseen": "Unseen", "unseen:specialty": "Unseen specialty",
          "unseen:layout": "Unseen layout", "all": "All", "independent": "Independent set"}
LOWER_IS_BETTER = {"flags_per_note"}
BETTER, WORSE = QColor("#1b7a2f"), QColor("#b00020")


def _fmt(value, metric: str, signed: bool = False) -> str:
    if not isinstance(value, int | float):
        return "–"
    text = f"{value:.3f}" if metric == "fact_recall" else f"{value:.2f}" if metric == "flags_per_note" \
        else f"{value:.1f}"
    return ("+" + text if value >= 0 else text) if signed else text


class EvaluationTable(QTableWidget):
    """Read-only; :meth:`show_groups` fills it, :meth:`show_message` empties it with a note."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(COLUMNS), parent)
        self.setAccessibleName("Evaluation before and after fine-tuning")
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setMinimumHeight(8 * (self.fontMetrics().height() + 6))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setToolTip("Seen: held-out notes like the training notes. Unseen: notes of a specialty or layout "
                        "never trained on. Independent set: notes "
                        "shipped with ChartBrief, written apart from any training data. ROUGE in points (0-100) and fact recall (0-1): higher is better; "
                        "grounding flags per note: lower is better. Same engine and greedy settings for both.")

    def show_groups(self, groups: dict) -> None:
        """Fill the table from a report's ``groups`` (base, adapter and delta per group)."""
        self.clearSpans()
        self.setRowCount(0)
        order = [g for g in GROUPS if g in groups] + [g for g in groups if g not in GROUPS]
        for group in order:
            entry = groups[group]
            label = f"{GROUPS.get(group, group)} ({entry.get('base', {}).get('notes', 0)})"
            rows = [("Base model", entry.get("base", {}), False)]
            if "adapter" in entry:
                rows += [("Adapter", entry["adapter"], False), ("Change", entry.get("delta", {}), True)]
            for i, (who, values, signed) in enumerate(rows):
                self._add_row([label if i == 0 else "", who] + [_fmt(values.get(m), m, signed) for m in METRICS],
                              values if signed else None)

    def show_message(self, text: str) -> None:
        self.clearSpans()
        self.setRowCount(1)
        item = QTableWidgetItem(text)
        self.setItem(0, 0, item)
        self.setSpan(0, 0, 1, len(COLUMNS))

    def cell(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""

    def _add_row(self, texts: list[str], delta: dict | None) -> None:
        row = self.rowCount()
        self.insertRow(row)
        for col, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if col >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if delta is not None and col >= 2:
                metric, value = METRICS[col - 2], delta.get(METRICS[col - 2])
                if isinstance(value, int | float) and value:
                    good = (value < 0) if metric in LOWER_IS_BETTER else (value > 0)
                    item.setForeground(QBrush(BETTER if good else WORSE))
            self.setItem(row, col, item)
