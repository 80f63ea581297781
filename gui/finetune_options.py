"""The fine-tune options form: a time budget and training CPUs up front, learning rate, LoRA rank, max
length, step limit and evaluation size under a collapsible "Advanced" section.

Defaults come from :class:`core.finetune.TrainOptions` and the core plan (:func:`core.hardware.core_plan`);
:meth:`OptionsForm.options` builds the ``TrainOptions`` (core validates the values).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix

DEFAULT_MINUTES = 15


def plan_cores(chosen: str | None = None) -> tuple[str, str]:
    """(CPU list, why) for training: the user's setting if any, else the core plan's training CPUs."""
    from core import hardware

    plan = hardware.core_plan(hardware.detect())
    if chosen:
        return chosen, "from your settings"
    return hardware.format_cpu_list(plan.training), plan.reason


def _spin(lo: int, hi: int, value: int, name: str, special: str | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setAccessibleName(name)
    if special:
        box.setSpecialValueText(special)
    return box


class OptionsForm(QWidget):
    def __init__(self, default_cores: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        from core.finetune import TrainOptions, help_text

        defaults, helps = TrainOptions(), help_text()
        self.minutes = _spin(0, 24 * 60, DEFAULT_MINUTES, "Time budget in minutes", "no limit")
        self.minutes.setSuffix(" min")
        self.minutes.setToolTip("Training stops when the time is up; the learning-rate schedule fits it. "
                                "'no limit': one pass over the data.")
        cores, why = plan_cores(default_cores)
        self.cores = QLineEdit(cores)
        self.cores.setAccessibleName("Training CPUs")
        self.cores.setToolTip(f"CPUs the training worker is pinned to, e.g. 1 or 2-5 ({why}). "
                              "The summarizer keeps the others, so the window stays quick.")
        self.learning_rate = QLineEdit(f"{defaults.learning_rate:g}")
        self.learning_rate.setAccessibleName("Learning rate")
        self.learning_rate.setToolTip(helps["learning_rate"])
        self.rank = _spin(1, 1024, defaults.lora_r, "LoRA rank")
        self.rank.setToolTip(helps["lora_r"])
        self.max_length = _spin(16, 131_072, defaults.max_length, "Max length in tokens")
        self.max_length.setSuffix(" tokens")
        self.max_length.setToolTip(helps["max_length"])
        self.max_steps = _spin(0, 1_000_000, 0, "Step limit", "no limit")
        self.max_steps.setToolTip(helps["max_steps"])
        self.eval_limit = _spin(0, 100_000, defaults.eval_limit, "Held-out notes to evaluate", "skip evaluation")
        self.eval_limit.setToolTip(helps["eval_limit"])
        basic = QFormLayout()
        basic.addRow("Time &budget", self.minutes)
        basic.addRow("Training &CPUs", self.cores)
        self.advanced_button = QToolButton()
        self.advanced_button.setText("Advanced")
        self.advanced_button.setAccessibleName("Show advanced options")
        self.advanced_button.setCheckable(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setAutoRaise(True)
        self.advanced = QWidget()
        form = QFormLayout(self.advanced)
        form.setContentsMargins(16, 0, 0, 0)
        form.addRow("&Learning rate", self.learning_rate)
        form.addRow("LoRA &rank", self.rank)
        form.addRow("&Max length", self.max_length)
        form.addRow("&Step limit", self.max_steps)
        form.addRow("&Evaluate on", self.eval_limit)
        self.advanced.setVisible(False)
        self.advanced_button.toggled.connect(self._toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(basic)
        layout.addWidget(self.advanced_button)
        layout.addWidget(self.advanced)

    def _toggle(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def options(self, model_id: str | None = None, overrides: dict | None = None):
        """The :class:`core.finetune.TrainOptions` for this form and ``model_id``; ``overrides`` replace
        any field (tests, scripts). Raises ``OptionError`` for bad values."""
        from core import hardware
        from core.finetune import OptionError, TrainOptions

        try:
            cores = hardware.parse_cpu_list(self.cores.text()) if self.cores.text().strip() else None
            if cores is not None:
                hardware.core_plan(hardware.detect(), training=cores)  # CPUs this process may use
        except ValueError as exc:
            raise OptionError(f"Training CPUs {self.cores.text()!r}: {exc}.",
                              hint="Write them like 1 or 2-5 or 0,2, using CPUs this computer has.") from None
        try:
            lr = float(self.learning_rate.text())
        except ValueError:
            raise OptionError(f"Learning rate {self.learning_rate.text()!r} is not a number.",
                              hint="Write it like 0.001 or 5e-4.") from None
        values = {"model_id": model_id, "minutes": self.minutes.value() or None, "cores": cores,
                  "learning_rate": lr, "lora_r": self.rank.value(), "lora_alpha": 2 * self.rank.value(),
                  "max_length": self.max_length.value(), "max_steps": self.max_steps.value() or None,
                  "eval_limit": self.eval_limit.value(),
                  "eval_cores": "training"}  # the window keeps its summarizer's CPU while it evaluates
        return TrainOptions(**{**values, **(overrides or {})})
