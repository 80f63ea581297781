"""The run half of the fine-tune view: Fine-tune / Cancel / Resume, live progress, the before/after table
and "Use this adapter". It follows one run at a time through :class:`gui.training_worker.EventFeed`;
starting and resuming are asked of the view (:attr:`start_requested`, :attr:`resume_requested`), which runs
them on its worker thread and hands the new run to :meth:`TrainingPanel.follow`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from core.finetune import launcher
from gui import errors, qtcompat, training_worker  # noqa: F401 - qtcompat: emit() reference-count fix
from gui.eval_table import EvaluationTable
from gui.training_progress import TrainingProgress

log = logging.getLogger(__name__)

STOP_WAIT_S = 10.0
STOP, LEAVE = "stop", "leave"


def button(text: str, name: str, tip: str) -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(name)
    b.setToolTip(tip)
    return b


class TrainingPanel(QWidget):
    start_requested = Signal()
    resume_requested = Signal(str)
    adapter_registered = Signal(str)
    adapter_activated = Signal(str)
    training_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.run = None  # core.finetune.Run
        self.run_id: str | None = None
        self.resumable = False
        self.adapter_id: str | None = None
        self.evaluated = False
        self._ready = self._busy = False
        self.feed = training_worker.EventFeed(self)
        self.feed.event.connect(self._on_event)
        self.feed.ended.connect(self._on_feed_ended)
        self.start_button = button("Fine-tune", "Fine-tune", "Train an adapter on this data in the background")
        self.cancel_button = button("Cancel", "Cancel fine-tuning",
                                    "Stop at the end of this step; a checkpoint is kept so the run can be resumed")
        self.resume_button = button("Resume", "Resume fine-tuning",
                                    "Continue the stopped run from its newest checkpoint")
        self.progress = TrainingProgress()
        self.table = EvaluationTable()
        self.table.show_message("The before/after evaluation appears here when a run finishes.")
        self.use_button = button("Use this adapter", "Use this adapter",
                                 "Make the new adapter active; the summarizer reloads with it")
        self.adapter_label = QLabel()
        self.adapter_label.setWordWrap(True)
        self.start_button.clicked.connect(self.start_requested)
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button.clicked.connect(lambda: self.run_id and self.resume_requested.emit(self.run_id))
        self.use_button.clicked.connect(self.use_adapter)
        buttons = QHBoxLayout()
        for w in (self.start_button, self.cancel_button, self.resume_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        use_row = QHBoxLayout()
        use_row.addWidget(self.use_button)
        use_row.addWidget(self.adapter_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>3. Train</b>"))
        layout.addLayout(buttons)
        layout.addWidget(self.progress, 2)
        layout.addWidget(QLabel("<b>4. Before and after</b>"))
        layout.addWidget(self.table, 2)
        layout.addLayout(use_row)
        self.update_buttons()

    def is_training(self) -> bool:
        return self.feed.active

    def update_buttons(self, ready: bool | None = None, busy: bool | None = None) -> None:
        """``ready``: data checked and approved; ``busy``: the view's worker is checking or starting."""
        self._ready = self._ready if ready is None else ready
        self._busy = self._busy if busy is None else busy
        training, idle = self.is_training(), not self._busy
        self.start_button.setEnabled(idle and not training and self._ready)
        self.cancel_button.setEnabled(training and self.run is not None)
        self.resume_button.setEnabled(idle and not training and self.resumable and bool(self.run_id))
        self.use_button.setEnabled(bool(self.adapter_id) and not training)

    # --- following a run ------------------------------------------------------------------------
    def follow(self, run, resumed: bool = False) -> None:
        """Show ``run``'s progress as its worker reports it."""
        self.run, self.run_id, self.resumable, self.adapter_id, self.evaluated = run, run.id, False, None, False
        self.adapter_label.setText("")
        if not resumed:
            self.progress.reset(f"Run {run.id} started; loading the model…")
        elif not self.progress.plot.points():  # resumed in a later session: draw the earlier steps
            for event in run.dir.read_events():
                if event.get("event") == "step":
                    self.progress.show_step(event)
        self.table.show_message("The before/after evaluation appears here when the run finishes.")
        self.feed.follow(run)
        self.training_changed.emit(True)
        self.update_buttons()

    def restore(self) -> None:
        """Pick up the newest unfinished run: follow it if it is still training, else offer Resume."""
        try:
            found = launcher.unfinished_run()
        except Exception as exc:  # noqa: BLE001 - an unreadable run folder must not break the view
            log.warning("could not look for unfinished runs (%s)", type(exc).__name__)
            return
        if found is None:
            return
        from core.finetune import Run

        rundir, pid = found
        self.run, self.run_id = Run(rundir, None), rundir.id
        if pid is not None:
            self.feed.tail(rundir.events_file, pid)
            self.progress.set_status(f"Run {rundir.id} is training in the background.")
            self.training_changed.emit(True)
        else:
            self.resumable = True
            self.progress.set_status(f"Run {rundir.id} did not finish ({rundir.status().get('state')}). "
                                     "Resume continues from its newest checkpoint.")
        self.update_buttons()

    def cancel(self) -> None:
        if self.run is not None and self.is_training():
            self.run.cancel()
            self.cancel_button.setEnabled(False)
            self.progress.set_status("Stopping at the end of this step (a checkpoint is saved)…")

    @Slot(object)
    def _on_event(self, event: dict) -> None:
        self.progress.show_event(event)
        kind = event.get("event")
        if kind == "started":
            self.resumable = False
        elif kind == "evaluation":
            self.evaluated = True
            self.table.show_groups(event.get("groups") or {})
            agreement = event.get("agreement")
            if agreement:
                from core.evaluate.report import agreement_line

                self.table.setToolTip(self.table.toolTip().split("\n\n")[0] + "\n\n" + agreement_line(
                    agreement, "The fast engine"))
                if not agreement.get("agrees"):
                    self.adapter_label.setText(agreement_line(agreement, "The fast engine"))
        elif kind == "registered":
            self.adapter_id = event.get("adapter_id")
            self.adapter_registered.emit(self.adapter_id)
        elif kind == "finished":
            self.adapter_id = event.get("adapter_id") or self.adapter_id
            self.adapter_label.setText(f"New adapter: {self.adapter_id}. {self._recommendation()}")
            if not self.evaluated:
                self.table.show_message("Not evaluated (the evaluation was set to skip).")
        elif kind in ("cancelled", "error"):
            self.resumable = bool(self.run_id)
            if kind == "error":
                errors.show(self, errors.UserMessage("Fine-tuning stopped", str(event.get("message")),
                                                     event.get("hint")))

    @Slot()
    def _on_feed_ended(self) -> None:
        self.training_changed.emit(False)
        self.update_buttons()

    def use_adapter(self) -> bool:
        """Activate the new adapter (the window then reloads the summarizer with it)."""
        from core import adapters

        if not self.adapter_id:
            return False
        try:
            from core.evaluate.verdict import recommend

            verdict = recommend(adapters.get(self.adapter_id).metrics)
            if verdict.overall == "worse" and not self.confirm_worse(verdict):
                self.adapter_label.setText(f"Adapter {self.adapter_id} was not activated: {verdict.text().splitlines()[0]}")
                return False
            adapters.activate(self.adapter_id)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message through gui.errors
            errors.report(self, exc)
            return False
        self.adapter_label.setText(f"Adapter {self.adapter_id} is active; the summarizer reloads with it.")
        self.adapter_activated.emit(self.adapter_id)
        return True

    def _recommendation(self) -> str:
        from core import adapters
        from core.evaluate.verdict import recommend

        try:
            return recommend(adapters.get(self.adapter_id).metrics).text().splitlines()[0]
        except Exception:  # noqa: BLE001 - the label is informative only; activation checks again
            return ""

    def confirm_worse(self, verdict) -> bool:
        """Ask before activating an adapter its evaluation found worse than the base model on some group."""
        box = QMessageBox(QMessageBox.Icon.Warning, "The adapter is worse on some notes",
                          verdict.text().splitlines()[0], QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Before/after evaluation on held-out notes:\n" + "\n".join(
            line.strip() for line in verdict.text().splitlines()[1:]) + "\n\nUse it anyway?")
        use = box.addButton("Use it anyway", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() == use

    # --- closing --------------------------------------------------------------------------------
    def ask_on_close(self) -> str | None:
        """``stop``, ``leave`` (training goes on in the background) or None (keep the window open)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Fine-tuning is running",
                          "A fine-tuning run is still training.", QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Stop it (a checkpoint is kept, so it can be resumed later), or leave it "
                               "training in the background? Its adapter appears under Adapters when it is done.")
        stop = box.addButton("Stop training", QMessageBox.ButtonRole.DestructiveRole)
        leave = box.addButton("Keep training in the background", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        clicked = box.clickedButton()
        return STOP if clicked == stop else LEAVE if clicked == leave else None

    def prepare_to_close(self) -> bool:
        """Ask what to do with a running run; False keeps the window open."""
        if not self.is_training():
            return True
        choice = self.ask_on_close()
        if choice is None:
            return False
        if choice == STOP:
            self.stop(STOP_WAIT_S)
        else:
            log.info("fine-tuning run %s left training in the background", self.run_id)
        self.feed.stop()
        return True

    def stop(self, wait_s: float = STOP_WAIT_S) -> bool:
        """Cancel the run and wait up to ``wait_s`` for its worker to save a checkpoint and exit."""
        if self.run is None:
            return True
        self.run.cancel()
        ended = training_worker.wait_for_exit(self.run, wait_s)
        if not ended:
            log.warning("fine-tuning run %s is still saving its checkpoint; it stops by itself", self.run_id)
        return ended
