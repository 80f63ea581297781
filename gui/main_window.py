"""The main window: note pane and summary pane side by side, model and hardware panels, a status bar.

It only lays widgets out and wires them to the :class:`gui.controller.Controller`; dialogs go
through :mod:`gui.errors`, and file choosers through two replaceable methods.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.summarize import STYLES, export
from gui import errors, qtcompat  # noqa: F401 - qtcompat: emit() reference-count fix
from gui.adapters_panel import AdaptersPanel
from gui.audit_view import AuditView
from gui.controller import Controller
from gui.finetune_view import FinetuneView
from gui.hardware_panel import HardwarePanel
from gui.models_panel import ModelsPanel
from gui.note_pane import NotePane
from gui.settings_bridge import SettingsBridge
from gui.status_bar import StatusBar
from gui.summary_pane import SummaryPane

log = logging.getLogger(__name__)

OPEN_FILTER = "Notes (*.txt *.md *.markdown *.docx *.pdf *.rtf);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, settings: SettingsBridge | None = None):
        super().__init__()
        self.setWindowTitle("ChartBrief")
        self.setAccessibleName("ChartBrief")
        self.settings = settings or SettingsBridge()
        self.controller = Controller(self.settings, self)
        self.note_pane, self.summary_pane = NotePane(), SummaryPane()
        self.models_panel, self.hardware_panel = ModelsPanel(), HardwarePanel()
        self.finetune_view = FinetuneView(self._model_id, self.settings.settings.training_cores)
        self.adapters_panel, self.audit_view = AdaptersPanel(self._model_id), AuditView()
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self._build_toolbar_and_panes()
        self._build_docks()
        self._build_actions()
        self._connect()
        self._apply_font(self.settings.font_size())
        self.summary_pane.set_policy(self.settings.settings.unsupported_sentences)
        self.models_panel.set_choice(self.settings.settings.engine, self.settings.settings.qtype)
        self.models_panel.set_adapter(self.settings.settings.adapter_id or "active")
        self.controller.refresh_models()
        self.hardware_panel.refresh()
        if not self.settings.restore_geometry(self):
            self.resize(1280, 800)
        if self.settings.warning is not None:
            QTimer.singleShot(0, lambda: errors.report(self, self.settings.warning))

    # --- layout ---------------------------------------------------------------------------------
    def _build_toolbar_and_panes(self) -> None:
        self.style_box = QComboBox()
        self.style_box.addItems(list(STYLES))
        self.style_box.setCurrentIndex(max(0, self.style_box.findText(self.settings.settings.style)))
        self.style_box.setAccessibleName("Summary style")
        style_label = QLabel("&Style")
        style_label.setBuddy(self.style_box)
        self.summarize_button = QPushButton("Summarize")
        self.summarize_button.setToolTip("Summarize the note (Ctrl+Enter)")
        self.summarize_button.setAccessibleName("Summarize")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the summary being written (Esc)")
        self.cancel_button.setAccessibleName("Cancel summary")
        self.cancel_button.setEnabled(False)
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("Open note files (Ctrl+O)")
        self.open_button.setAccessibleName("Open note files")
        bar = QHBoxLayout()
        for w in (style_label, self.style_box, self.summarize_button, self.cancel_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.note_pane)
        self.splitter.addWidget(self.summary_pane)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Summarize or fine-tune")
        self.tabs.addTab(central, "Summarize")
        self.tabs.addTab(self.finetune_view, "Fine-tune")
        self.setCentralWidget(self.tabs)

    def _build_docks(self) -> None:
        docks = []
        for title, panel in (("Model", self.models_panel), ("Hardware", self.hardware_panel),
                             ("Adapters", self.adapters_panel), ("Audit log", self.audit_view)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{title.lower().replace(' ', '-')}-dock")
            dock.setWidget(panel)
            dock.setAccessibleName(f"{title} panel")
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            docks.append(dock)
        for other in docks[1:]:
            self.tabifyDockWidget(docks[0], other)
        self.resizeDocks(docks, [360] * len(docks), Qt.Orientation.Horizontal)
        docks[0].raise_()
        self.docks = docks

    def _build_actions(self) -> None:
        def action(menu, text, slot, *keys):
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        bar = self.menuBar()
        file_menu, summary_menu, view_menu, tune_menu = (bar.addMenu(m) for m in ("&File", "&Summary", "&View",
                                                                                  "F&ine-tune"))
        self.open_action = action(file_menu, "&Open notes…", self.open_files, "Ctrl+O")
        self.export_action = action(file_menu, "&Export summary…", self.export_summary, "Ctrl+E")
        file_menu.addSeparator()
        action(file_menu, "&Quit", self.close, "Ctrl+Q")
        self.summarize_action = action(summary_menu, "&Summarize", self.summarize, "Ctrl+Return", "Ctrl+Enter")
        self.cancel_action = action(summary_menu, "&Cancel", self.controller.cancel, "Esc")
        self.copy_action = action(summary_menu, "&Copy summary", self.summary_pane.copy, "Ctrl+Shift+C")
        self.copy_action.setStatusTip("Copy the summary with its [not in note: …] marks")
        summary_menu.addAction(self.summary_pane.copy_plain_action)  # "Copy without marks"
        action(view_menu, "&Larger text", lambda: self.zoom(1), "Ctrl++", "Ctrl+=")
        action(view_menu, "&Smaller text", lambda: self.zoom(-1), "Ctrl+-")
        view_menu.addSeparator()
        self.hide_unsupported_action = QAction("&Hide unsupported sentences", self, checkable=True)
        self.hide_unsupported_action.setStatusTip("Leave sentences the note does not support out of the summary "
                                                  "view, copies and exports (they are marked otherwise)")
        self.hide_unsupported_action.setChecked(self.settings.settings.unsupported_sentences == "hide")
        self.hide_unsupported_action.toggled.connect(self._hide_unsupported)
        view_menu.addAction(self.hide_unsupported_action)
        self.free_form_action = QAction("&Free-form summaries (whole note to the model)", self, checkable=True)
        self.free_form_action.setStatusTip("Off (default): medications, problems, results and plan are copied "
                                           "from the note and the model writes only the one-liner")
        self.free_form_action.setChecked(self.settings.settings.summary_mode == "free")
        self.free_form_action.toggled.connect(lambda on: self.settings.update(summary_mode="free" if on else "facts"))
        view_menu.addAction(self.free_form_action)
        view_menu.addSeparator()
        for dock in self.docks:
            view_menu.addAction(dock.toggleViewAction())
        self.finetune_action = action(tune_menu, "&Fine-tune on notes…",
                                      lambda: self.tabs.setCurrentWidget(self.finetune_view))
        tune_menu.addActions([dock.toggleViewAction() for dock in self.docks[2:]])  # adapters, audit log

    def _connect(self) -> None:
        c, notes, summary = self.controller, self.note_pane, self.summary_pane
        self.summarize_button.clicked.connect(self.summarize)
        self.cancel_button.clicked.connect(c.cancel)
        self.open_button.clicked.connect(self.open_files)
        self.style_box.currentTextChanged.connect(lambda s: self.settings.update(style=s))
        notes.files_dropped.connect(c.open_files)
        notes.current_changed.connect(self._select)
        summary.export_requested.connect(self.export_summary)
        summary.copied.connect(lambda: self.status.showMessage("Summary copied to the clipboard.", 4000))
        summary.sentence_selected.connect(self._show_sources)
        c.items_reset.connect(self._items_reset)
        c.item_changed.connect(lambda row: notes.set_item_label(row, c.items[row].label()))
        c.summary_started.connect(self._summary_started)
        c.token.connect(lambda row, text: row == c.current and summary.append(text))
        c.summary_finished.connect(self._summary_finished)
        c.summary_stopped.connect(lambda row, note: row == c.current and summary.show_partial(
            c.items[row].partial, note))
        c.stage.connect(lambda ev: self.status.showMessage(ev.message))
        c.status.connect(self.status.showMessage)
        c.engine_ready.connect(self._engine_ready)
        c.busy_changed.connect(self._busy)
        c.error.connect(lambda exc: errors.report(self, exc))
        self.models_panel.choice_changed.connect(self._model_choice)
        self.models_panel.adapter_changed.connect(lambda choice: self.settings.update(adapter_id=choice))
        self.models_panel.load_requested.connect(c.load_engine)
        self.models_panel.import_requested.connect(c.import_model)
        c.models_listed.connect(self.models_panel.set_models)
        self.finetune_view.adapter_registered.connect(lambda _id: self._adapters_changed(reload=False))
        # "Use this adapter" made it the active one: summarize with the active adapter from now on
        self.finetune_view.adapter_activated.connect(lambda _id: (self.settings.update(adapter_id="active"),
                                                                  self._adapters_changed()))
        self.adapters_panel.changed.connect(self._adapters_changed)

    # --- actions --------------------------------------------------------------------------------
    def summarize(self) -> bool:
        queued = self.controller.summarize_current(self.note_pane.text())
        item = self.controller.items[self.controller.current]
        if queued and not self.note_pane.holds(item.text):
            # the reader's clean-up (control characters) changed it: show the text the summary is checked
            # against, so that its source spans fall on the right characters
            self.note_pane.editor.setPlainText(item.text)
        return queued

    def open_files(self) -> None:
        paths = self.choose_open_paths()
        if paths:
            self.settings.update(last_open_dir=str(Path(paths[0]).parent))
            self.controller.open_files(paths)

    def export_summary(self) -> Path | None:
        result = self.summary_pane.result
        if result is None:
            self.status.showMessage("There is no finished summary to export yet.", 4000)
            return None
        path = self.choose_export_path(export.default_name(result.style))
        if not path:
            return None
        try:
            written = export.save_result(path, result, policy=self.summary_pane.policy)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message through gui.errors
            errors.report(self, exc)
            return None
        self.status.showMessage(f"Summary saved as {written.name}.", 6000)
        return written

    def _model_id(self) -> str:
        return self.settings.settings.model_id

    def _adapters_changed(self, reload: bool = True) -> None:
        self.adapters_panel.refresh()
        self.audit_view.refresh()
        self.models_panel.set_adapter(self.settings.settings.adapter_id or "active")
        if reload:
            self.controller.reload_engine()
            self.status.showMessage("The active adapter changed; the summarizer reloads with it.", 6000)

    def zoom(self, step: int) -> int:
        size = self.settings.font_size(step)
        self._apply_font(size)
        return size

    # --- replaceable choosers (tests put plain functions here) -----------------------------------
    def choose_open_paths(self) -> list[Path]:
        start = self.settings.settings.last_open_dir or str(Path.home())
        files, _ = QFileDialog.getOpenFileNames(self, "Open notes", start, OPEN_FILTER)
        return [Path(f) for f in files]

    def choose_export_path(self, default_name: str) -> Path | None:
        start = str(Path(self.settings.settings.last_open_dir or Path.home()) / default_name)
        filters = ";;".join(export.FORMATS.values())
        path, chosen = QFileDialog.getSaveFileName(self, "Export summary", start, filters)
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() not in export.FORMATS:
            path = path.with_suffix(".docx" if "docx" in chosen else ".txt")
        return path

    # --- controller events ----------------------------------------------------------------------
    def _items_reset(self) -> None:
        c = self.controller
        self.note_pane.set_items([it.label() for it in c.items], c.current)
        self._show_item(c.current)

    def _select(self, row: int) -> None:
        self.controller.select(row, self.note_pane.text())
        self._show_item(self.controller.current)

    def _show_item(self, row: int) -> None:
        item = self.controller.items[row]
        self.note_pane.show_note(item.text, item.source, item.warnings)
        if item.result is not None:
            self.summary_pane.show_result(item.result, item.checked)
        elif item.state == "writing":
            self.summary_pane.begin()
            self.summary_pane.append(item.partial)
        elif item.partial:
            self.summary_pane.show_partial(item.partial, "Stopped before the end.")
        else:
            self.summary_pane.clear("Waiting for its turn…" if item.state == "queued" else "")

    def _summary_started(self, row: int) -> None:
        if row == self.controller.current:
            self.note_pane.clear_sources()
            self.summary_pane.begin()

    def _summary_finished(self, row: int) -> None:
        item = self.controller.items[row]
        result = item.result
        if row == self.controller.current:
            self.summary_pane.show_result(result, item.checked)
        self.status.set_result(result)
        self.status.showMessage("Summary finished.", 5000)

    def _show_sources(self, support) -> None:
        """Highlight where the chosen summary sentence comes from in the note (nothing for no sentence)."""
        self.note_pane.clear_sources()
        if support is None or not support.sources:
            return
        if not self.note_pane.show_sources(support.sources, self.summary_pane.note):
            self.summary_pane.set_source_message("The note has changed since this summary was written; "
                                                 "summarize again to see where each sentence comes from.")

    def _hide_unsupported(self, hide: bool) -> None:
        policy = "hide" if hide else "mark"
        self.settings.update(unsupported_sentences=policy)
        self.summary_pane.set_policy(policy)
        self.note_pane.clear_sources()

    def _engine_ready(self, info) -> None:
        self.status.set_engine(info)
        self.models_panel.show_loaded(info)

    def _busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.status.set_busy(busy)

    def _model_choice(self, model_id: str, engine: str, variant: str) -> None:
        self.settings.update(model_id=model_id or self.settings.settings.model_id, engine=engine, qtype=variant)

    def _apply_font(self, size: int) -> None:
        self.note_pane.set_font_size(size)
        self.summary_pane.set_font_size(size)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.finetune_view.prepare_to_close():  # asks whether to stop a running fine-tune
            event.ignore()
            return
        self.settings.store_geometry(self)
        ended = [self.controller.shutdown(timeout_ms=5000), self.finetune_view.shutdown(5000),
                 self.adapters_panel.shutdown(5000)]
        if not all(ended):
            log.warning("work was still running when the window closed; the app waits for it before exiting")
        super().closeEvent(event)
