"""The fine-tune view: choose data → dataset report (and privacy choice) → options → Fine-tune → live
progress (Cancel, Resume) → before/after evaluation → "Use this adapter".

Checking the data and starting or resuming the worker run on a :class:`gui.workers.Worker` thread; the
run itself is a separate process (``core.finetune``) that :class:`gui.training_panel.TrainingPanel`
follows, so the window and the summarizer stay usable while it trains. The data chooser (here) and the
question asked on close (``view.runs.ask_on_close``) are methods that tests replace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui import errors, qtcompat, training_worker  # noqa: F401 - qtcompat: emit() reference-count fix
from gui.dataset_report import PROCEED, SCRUB, DatasetReportView
from gui.finetune_options import OptionsForm
from gui.training_panel import TrainingPanel, button
from gui.workers import Worker

log = logging.getLogger(__name__)

DATA_FILTER = "Note → summary pairs (*.jsonl *.ndjson *.json *.csv *.tsv);;All files (*)"
NO_DATA = "No training data chosen."


class FinetuneView(QWidget):
    """Re-emits the panel's :attr:`adapter_registered`, :attr:`adapter_activated`, :attr:`training_changed`."""

    adapter_registered = Signal(str)
    adapter_activated = Signal(str)
    training_changed = Signal(bool)

    def __init__(self, model_id: Callable[[], str | None] = lambda: None, default_cores: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._model_id = model_id
        self.overrides: dict = {}  # extra TrainOptions fields (tests, scripts)
        self.data_path: Path | None = None
        self.prepared = None  # core.finetune.Prepared
        self._prepared_key: tuple | None = None
        self.approved = False
        self._approved_path: Path | None = None  # identifiers found there, and the user chose Proceed
        self._resuming = False
        self.worker = Worker("finetune", self)
        self.data_label = QLabel(NO_DATA)
        self.data_label.setWordWrap(True)
        self.file_button = button("Choose file…", "Choose training data file",
                                  "A .jsonl, .json, .csv or .tsv file of note → summary pairs")
        self.folder_button = button("Choose folder…", "Choose training data folder",
                                    "A folder of NAME.txt notes with NAME.summary.txt summaries")
        self.report = DatasetReportView()
        self.form = OptionsForm(default_cores)
        self.runs = TrainingPanel()
        self.progress, self.table = self.runs.progress, self.runs.table
        self._layout()
        self.file_button.clicked.connect(lambda: self.choose_and_check(folder=False))
        self.folder_button.clicked.connect(lambda: self.choose_and_check(folder=True))
        self.form.max_length.editingFinished.connect(self._recheck_if_stale)
        self.report.decided.connect(self._on_privacy_choice)
        self.worker.status.connect(self.progress.set_status)
        self.worker.finished.connect(self._on_task_done)
        self.worker.failed.connect(self._on_task_failed)
        self.worker.busy_changed.connect(lambda busy: self._update_buttons())
        self.runs.start_requested.connect(self.start_training)
        self.runs.resume_requested.connect(self.resume_training)
        self.runs.adapter_registered.connect(self.adapter_registered)
        self.runs.adapter_activated.connect(self.adapter_activated)
        self.runs.training_changed.connect(self.training_changed)
        self.runs.training_changed.connect(lambda _: self._update_buttons())
        self.runs.restore()
        self._update_buttons()

    def _layout(self) -> None:
        data_row = QHBoxLayout()
        data_row.addWidget(self.file_button)
        data_row.addWidget(self.folder_button)
        data_row.addStretch(1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(QLabel("<b>1. Training data</b>"))
        lv.addLayout(data_row)
        for w in (self.data_label, self.report, QLabel("<b>2. Options</b>"), self.form):
            lv.addWidget(w)
        lv.addStretch(1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.runs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 900])
        scroll = QScrollArea()  # small windows scroll rather than grow to fit every control
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # --- replaceable chooser (tests put a plain function here) -----------------------------------
    def choose_data(self, folder: bool) -> Path | None:
        if folder:
            path = QFileDialog.getExistingDirectory(self, "Choose a folder of notes and summaries")
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Choose note → summary pairs", "", DATA_FILTER)
        return Path(path) if path else None

    # --- data -----------------------------------------------------------------------------------
    def choose_and_check(self, folder: bool = False) -> bool:
        path = self.choose_data(folder)
        return self.check_data(path) if path else False

    def check_data(self, path: Path) -> bool:
        """Load, validate and privacy-scan ``path`` in the background; the report shows when done."""
        options = self._options()
        if options is None or self.worker.busy:
            return False
        self.data_path, self.prepared, self.approved = Path(path), None, False
        self.data_label.setText(f"Training data: {self.data_path}")
        self.report.clear(f"Checking {self.data_path.name}…")
        return self.worker.submit("prepare", lambda ctx: training_worker.prepare_dataset(ctx, path, options))

    def _recheck_if_stale(self) -> None:
        options = self._options(quiet=True)
        if self.prepared is not None and options is not None and self._key(options) != self._prepared_key:
            self.check_data(self.data_path)

    @Slot(str)
    def _on_privacy_choice(self, choice: str) -> None:
        if choice == PROCEED:
            self.approved, self._approved_path = True, self.data_path
            self.report.choice.setEnabled(False)
            self.progress.set_status("Ready: training will use the data as it is, identifiers included.")
        elif choice == SCRUB and self.data_path is not None and (options := self._options()) is not None:
            path = self.data_path
            self.report.clear("Writing a scrubbed copy and checking it…")
            self.worker.submit("scrub", lambda ctx: training_worker.scrub_dataset(ctx, path, options))
        else:
            self.data_path, self.prepared, self.approved, self._approved_path = None, None, False, None
            self.data_label.setText(NO_DATA)
            self.report.clear("Stopped: nothing will be trained on that data.")
        self._update_buttons()

    # --- runs -----------------------------------------------------------------------------------
    def start_training(self) -> bool:
        options = self._options()
        if options is None or self.prepared is None or not self.approved or self.runs.is_training():
            return False
        prepared = self.prepared if self._key(options) == self._prepared_key else None
        data = Path(self.prepared.info["path"])
        self._resuming = False
        return self.worker.submit("start", lambda ctx: training_worker.start_run(ctx, data, options, prepared))

    def resume_training(self, run_id: str | None = None) -> bool:
        run_id = run_id or self.runs.run_id
        if not run_id or self.runs.is_training():
            return False
        self._resuming = True
        return self.worker.submit("resume", lambda ctx: training_worker.resume_run(ctx, run_id))

    def cancel_training(self) -> None:
        self.runs.cancel()

    def is_training(self) -> bool:
        return self.runs.is_training()

    # --- worker results -------------------------------------------------------------------------
    @Slot(object)
    def _on_task_done(self, value: object) -> None:
        if hasattr(value, "events"):  # a core.finetune.Run
            self.runs.follow(value, resumed=self._resuming)
            return
        self.prepared, self.data_path = value, Path(value.info["path"])
        self._prepared_key = self._key(self._options(quiet=True))
        self.approved = value.privacy.clean or self._approved_path == self.data_path
        self.data_label.setText(f"Training data: {self.data_path}")
        self.report.show_prepared(value)
        self.report.choice.setEnabled(not self.approved)
        self._update_buttons()

    @Slot(object)
    def _on_task_failed(self, exc: object) -> None:
        if self.prepared is None:
            self.report.clear("The data could not be used; choose another file or folder.")
        self.progress.set_status("Not started.")
        errors.report(self, exc)
        self._update_buttons()

    # --- helpers --------------------------------------------------------------------------------
    def _options(self, quiet: bool = False):
        try:
            return self.form.options(self._model_id(), self.overrides)
        except Exception as exc:  # noqa: BLE001 - OptionError and friends become a message
            if not quiet:
                errors.report(self, exc)
            return None

    @staticmethod
    def _key(options) -> tuple | None:
        return None if options is None else (options.model_id, options.max_length, options.seed)

    def _update_buttons(self) -> None:
        busy = self.worker.busy
        self.file_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)
        self.runs.update_buttons(ready=self.prepared is not None and self.approved, busy=busy)

    # --- lifetime -------------------------------------------------------------------------------
    def prepare_to_close(self) -> bool:
        """Ask whether to stop a running run or leave it training; False keeps the window open."""
        return self.runs.prepare_to_close()

    def shutdown(self, timeout_ms: int | None = 5000) -> bool:
        self.runs.feed.stop()
        return self.worker.shutdown(timeout_ms)
