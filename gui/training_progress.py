"""Live progress of a fine-tuning run: a status line, step/epoch/loss/tokens per second/ETA/memory, and
the loss curve. It draws progress events (:mod:`core.finetune.events`); it starts and stops nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGridLayout, QLabel, QVBoxLayout, QWidget

from gui import qtcompat  # noqa: F401 - applies the emit() reference-count fix
from gui.loss_plot import LossPlot

STATS = ("Step", "Epoch", "Loss", "Tokens/s", "ETA", "Memory")  # ETA: the whole job, its phase named
PHASES = {"base": "the base model", "adapter": "the new adapter",
          "agreement": "the new adapter on the reference engine (agreement check)"}


def duration(seconds) -> str:
    """``45 s``, ``3 min 05 s``, ``1 h 02 min``."""
    if not isinstance(seconds, int | float):
        return "–"
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s" if m else f"{s} s"


def job_eta(step: dict) -> str:
    """The whole job's ETA with its phase (training, then evaluation and registration), or training's alone."""
    if step.get("job_eta_s") is None:
        return duration(step.get("eta_s"))
    return f"{duration(step['job_eta_s'])} (training: {duration(step.get('eta_s'))}, then evaluation)"


def status_text(event: dict) -> str | None:
    """The status line for an event, or None to keep the current one."""
    from core.finetune.events import budget_line, describe

    kind = event.get("event")
    if kind == "started":
        how = f"Resumed from step {event['resumed_from']}" if event.get("resumed_from") else "Training"
        return (f"{how}: {event.get('train_rows')} rows, up to {event.get('max_steps')} steps on CPUs "
                f"{event.get('cpus')} ({event.get('dtype')})." + budget_line(event).replace("\n", " "))
    if kind == "step":
        return None
    if kind == "eval":
        return f"Evaluating {PHASES.get(event.get('phase'), event.get('phase'))} on held-out notes: " \
               f"{event.get('done')} of {event.get('total')}…"
    if kind == "evaluation":
        return "Evaluation done."
    if kind == "finished":
        return (f"Finished: adapter {event.get('adapter_id')} after {event.get('steps')} steps "
                f"({duration(event.get('train_seconds'))} of training).")
    if kind == "cancelled":
        return f"Cancelled at step {event.get('step')}; a checkpoint is kept, so Resume continues from it."
    if kind == "error":
        return f"Stopped: {event.get('message')}"
    return describe(event)


class TrainingProgress(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.status = QLabel("No fine-tuning run yet.")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Fine-tuning status")
        self.stats: dict[str, QLabel] = {}
        grid = QGridLayout()
        for i, name in enumerate(STATS):
            value = QLabel("–")
            value.setAccessibleName(name)
            self.stats[name] = value
            form = QFormLayout()
            form.addRow(f"{name}:", value)
            grid.addLayout(form, i // 3, i % 3)
        self.plot = LossPlot()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addWidget(self.plot, 1)

    def reset(self, text: str) -> None:
        self.status.setText(text)
        self.plot.reset()
        for label in self.stats.values():
            label.setText("–")

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def show_event(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "started" and event.get("resumed_from") is not None:
            self.plot.truncate(int(event["resumed_from"]))
        if kind == "step":
            self.show_step(event)
        if kind == "eval" and event.get("job_eta_s") is not None:
            self.stats["ETA"].setText(f"{duration(event['job_eta_s'])} (evaluating)")
        if kind in ("finished", "cancelled", "error"):
            self.stats["ETA"].setText("–")
        text = status_text(event)
        if text:
            self.status.setText(text)

    def show_step(self, e: dict) -> None:
        self.plot.add(e["step"], e["loss"])
        values = {"Step": f"{e.get('step')} of {e.get('max_steps')}", "Epoch": f"{e.get('epoch', 0):.2f}",
                  "Loss": f"{e.get('loss', 0):.4f}", "Tokens/s": f"{e.get('tokens_per_s', 0):.0f}",
                  "ETA": job_eta(e), "Memory": f"{e.get('rss_mb', 0) / 1024:.2f} GiB"}
        for name, text in values.items():
            self.stats[name].setText(text)
        self.status.setText(f"Training: step {e.get('step')} of {e.get('max_steps')}, "
                            f"{duration(e.get('elapsed_s'))} so far.")
