"""The live training-loss curve: a pyqtgraph plot of loss against optimizer step."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix


class LossPlot(pg.PlotWidget):
    """Loss per step; :meth:`truncate` drops steps a resumed run will repeat."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Training loss plot")
        self.setBackground("w")
        self.showGrid(x=True, y=True, alpha=0.3)
        self.setLabel("bottom", "step")
        self.setLabel("left", "loss")
        self.setMinimumHeight(160)
        self._steps: list[int] = []
        self._losses: list[float] = []
        self._curve = self.plot([], [], pen=pg.mkPen("#1f5fa8", width=2), symbol="o", symbolSize=4,
                                symbolBrush="#1f5fa8", symbolPen=None)

    def add(self, step: int, loss: float) -> None:
        """Add one point (a repeated step replaces the earlier value)."""
        self.truncate(step - 1)
        self._steps.append(int(step))
        self._losses.append(float(loss))
        self._curve.setData(self._steps, self._losses)

    def truncate(self, last_step: int) -> None:
        """Keep only the points up to ``last_step``."""
        keep = sum(1 for s in self._steps if s <= last_step)
        if keep < len(self._steps):
            del self._steps[keep:], self._losses[keep:]
            self._curve.setData(self._steps, self._losses)

    def reset(self) -> None:
        self._steps.clear()
        self._losses.clear()
        self._curve.setData([], [])

    def points(self) -> list[tuple[int, float]]:
        return list(zip(self._steps, self._losses, strict=True))
