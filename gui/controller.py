"""What the window is doing: the opened notes, a queue of notes to summarize, and the loaded engine.

It hands files, engine loading and summaries to two :class:`gui.workers.Worker` threads (one reads
files, one owns the engine) and turns their results into signals the window draws. It holds no
widgets and decides nothing the core decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from core.documents import Document
from core.errors import ChartBriefError
from gui import tasks
from gui.settings_bridge import SettingsBridge
from gui.workers import Worker

log = logging.getLogger(__name__)

MARKS = {"new": "", "queued": "… ", "writing": "✎ ", "done": "✓ ", "failed": "✗ ", "cancelled": "– "}


@dataclass
class NoteItem:
    """One opened note, its summary (when done) and the text streamed so far."""

    id: int
    source: str
    text: str
    warnings: tuple[str, ...] = ()
    state: str = "new"  # new, queued, writing, done, failed, cancelled
    result: object = None
    partial: str = ""
    checked: str | None = None  # the text the result was written from and grounded against

    def label(self) -> str:
        return MARKS[self.state] + self.source


class Controller(QObject):
    """Opened notes, the summary queue and the engine; signals carry rows of :attr:`items`."""

    items_reset = Signal()
    item_changed = Signal(int)
    summary_started = Signal(int)
    token = Signal(int, str)
    summary_finished = Signal(int)
    summary_stopped = Signal(int, str)
    stage = Signal(object)
    status = Signal(str)
    engine_ready = Signal(object)
    models_listed = Signal(list, str)  # records, the id to select
    busy_changed = Signal(bool)
    error = Signal(object)

    def __init__(self, settings: SettingsBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.engine = None
        self.generation = None  # core.engines.GenerationSettings; None: the template's length
        self.context_limit: int | None = None
        self.items = [NoteItem(0, "Pasted text", "")]
        self.current = 0
        self._next_id = 1
        self._queue: list[int] = []
        self._engine_request: tasks.EngineRequest | None = None
        self._loading: tasks.EngineRequest | None = None
        self._running: int | None = None
        self.engine_worker = Worker("engine", self)
        self.reader = Worker("reader", self)
        self.catalog = Worker("models", self)
        self.engine_worker.status.connect(self.status)
        self.engine_worker.stage.connect(self.stage)
        self.engine_worker.token.connect(self._on_token)
        self.engine_worker.finished.connect(self._on_finished)
        self.engine_worker.failed.connect(self._on_failed)
        self.engine_worker.cancelled.connect(self._on_cancelled)
        self.engine_worker.busy_changed.connect(self.busy_changed)
        self.reader.status.connect(self.status)
        self.reader.finished.connect(self._on_read)
        self.reader.failed.connect(self.error)
        self.catalog.finished.connect(self._on_catalog)
        self.catalog.failed.connect(self.error)

    # --- notes ----------------------------------------------------------------------------------
    def row_of(self, item_id: int | None) -> int:
        return next((i for i, it in enumerate(self.items) if it.id == item_id), -1)

    def select(self, row: int, editor_text: str) -> None:
        """Keep the editor's text with the note being left, then make ``row`` current."""
        if 0 <= row < len(self.items) and row != self.current:
            self.items[self.current].text = editor_text
            self.current = row

    def open_files(self, paths: list[Path]) -> bool:
        """Read files in the background; good ones replace the opened notes and are summarized in turn."""
        paths = [Path(p) for p in paths]
        if not paths:
            return False
        if not self.reader.submit("read", lambda ctx: tasks.read_files(ctx, paths)):
            self.status.emit("Still reading the previous files; try again in a moment.")
            return False
        return True

    @Slot(object)
    def _on_read(self, outcome: tasks.ReadOutcome) -> None:
        for exc in outcome.errors:
            self.error.emit(exc)
        if not outcome.documents:
            return
        self.items = [self._new_item(doc) for doc in outcome.documents]
        self.current = 0
        self.items_reset.emit()
        self._queue = [it.id for it in self.items]
        for row in range(len(self.items)):
            self._set_state(row, "queued")
        if self.engine_worker.task == "summarize":
            self.engine_worker.cancel()  # the notes it was summarizing are gone
        self._pump()

    def _new_item(self, doc: Document) -> NoteItem:
        item = NoteItem(self._next_id, doc.source, doc.text, tuple(doc.warnings))
        self._next_id += 1
        return item

    # --- models ---------------------------------------------------------------------------------
    def refresh_models(self) -> bool:
        """List the models in the background; :attr:`models_listed` carries them."""
        return self.catalog.submit("list", tasks.list_models)

    def import_model(self, path: Path) -> bool:
        """Check and record a model in the background; it becomes the selected model."""
        path = Path(path)
        if not self.catalog.submit("import", lambda ctx: tasks.import_model(ctx, path)):
            self.status.emit("Still reading the model list; try the import again in a moment.")
            return False
        return True

    @Slot(object)
    def _on_catalog(self, value: object) -> None:
        if isinstance(value, tuple):
            record, records = value
            self.settings.update(model_id=record.id)
            self.status.emit(f"Imported {record.name}. It loads with the next summary.")
        else:
            records = value
        self.models_listed.emit(list(records), self.settings.settings.model_id)

    # --- summaries ------------------------------------------------------------------------------
    def summarize_current(self, editor_text: str) -> bool:
        """Queue the current note (as the editor holds it) for a summary in the chosen style."""
        item = self.items[self.current]
        try:
            doc = Document.from_text(editor_text, source=item.source)
        except ChartBriefError as exc:
            self.error.emit(exc)
            return False
        if item.id == self._running or item.id in self._queue:
            return False
        item.text, item.result = doc.text, None
        self._queue.append(item.id)
        self._set_state(self.current, "queued")
        self._pump()
        return True

    def cancel(self) -> None:
        """Stop the running summary and forget the queued ones."""
        for item_id in self._queue:
            row = self.row_of(item_id)
            if row >= 0 and item_id != self._running:
                self._set_state(row, "new")
        self._queue = [i for i in self._queue if i == self._running]
        self.engine_worker.cancel()

    def load_engine(self) -> bool:
        """Load the engine the settings ask for, in the background (no-op if it is loaded or busy)."""
        if self.engine is not None and self._engine_request == self.settings.engine_request():
            self.status.emit("That model is already loaded.")
            return False
        if self.engine_worker.busy:
            self.status.emit("Busy with the model; the new choice is used for the next summary.")
            return False
        return self._submit_load(self.settings.engine_request())

    def reload_engine(self) -> bool:
        """Load the engine again (the active adapter changed); while busy, the next summary reloads it."""
        self._engine_request = None  # the loaded engine no longer matches the settings
        self._loading = None  # a load in flight ends up stale too
        if self.engine is None or self.engine_worker.busy:
            return False
        return self._submit_load(self.settings.engine_request())

    def use_engine(self, engine) -> None:
        """Use an already loaded engine for the current settings (tests and scripts)."""
        self.engine, self._engine_request = engine, self.settings.engine_request()
        self.engine_ready.emit(engine.info)

    def _submit_load(self, request: tasks.EngineRequest) -> bool:
        old, self.engine, self._loading = self.engine, None, request
        style, mode = self.settings.settings.style, self._summary_mode()
        return self.engine_worker.submit("load", lambda ctx: tasks.load_engine(ctx, request, old, style, mode))

    def _summary_mode(self) -> str | None:
        """"free", or None: fact-anchored, or the user's template."""
        return "free" if self.settings.settings.summary_mode == "free" else None

    def _pump(self) -> None:
        """Start the next thing the queue needs: the engine, then the next note."""
        while self._queue and self.row_of(self._queue[0]) < 0:
            self._queue.pop(0)
        if self.engine_worker.busy or not self._queue:
            return
        request = self.settings.engine_request()
        if self.engine is None or request != self._engine_request:
            self._submit_load(request)
            return
        row = self.row_of(self._queue[0])
        item, engine, style = self.items[row], self.engine, self.settings.settings.style
        mode = self._summary_mode()
        item_id, text, gen, ctx_limit = item.id, item.text, self.generation, self.context_limit
        item.partial, item.result, item.checked = "", None, text
        self._running = item_id
        self.engine_worker.submit("summarize", lambda ctx: tasks.summarize_note(
            ctx, engine, item_id, text, style, gen, ctx_limit, mode))
        self._set_state(row, "writing")
        self.summary_started.emit(row)

    @Slot(str)
    def _on_token(self, text: str) -> None:
        row = self.row_of(self._running)
        if row >= 0:
            self.items[row].partial += text
            self.token.emit(row, text)

    @Slot(object)
    def _on_finished(self, value: object) -> None:
        if isinstance(value, tasks.SummaryOutcome):
            self._end_running()
            row = self.row_of(value.item_id)
            if row >= 0:
                self.items[row].result = value.result
                self._set_state(row, "done")
                self.summary_finished.emit(row)
            if value.audit_error is not None:
                self.error.emit(value.audit_error)
        else:
            self.engine, self._engine_request, self._loading = value, self._loading, None
            self.engine_ready.emit(value.info)
            self.status.emit("Model ready.")
        self._pump()

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        if self._running is None:  # loading failed: nothing queued can run
            for item_id in self._queue:
                self._set_state(self.row_of(item_id), "new")
            self._queue.clear()
        else:
            self._stop_running("failed", "The summary stopped because of an error.")
        self.error.emit(exc)
        self._pump()

    @Slot()
    def _on_cancelled(self) -> None:
        self._stop_running("cancelled", "Cancelled. The text written so far is shown.")
        self.status.emit("Summary cancelled.")
        self._pump()

    def _stop_running(self, state: str, note: str) -> None:
        row = self.row_of(self._running)
        self._end_running()
        if row >= 0:
            self._set_state(row, state)
            self.summary_stopped.emit(row, note)

    def _end_running(self) -> None:
        if self._queue and self._queue[0] == self._running:
            self._queue.pop(0)
        self._running = None

    def _set_state(self, row: int, state: str) -> None:
        if 0 <= row < len(self.items):
            self.items[row].state = state
            self.item_changed.emit(row)

    # --- lifetime -------------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Stop all work and end the worker threads; True when all have ended."""
        self._queue.clear()
        ended = [w.shutdown(timeout_ms) for w in (self.engine_worker, self.reader, self.catalog)]
        return all(ended)
