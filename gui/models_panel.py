"""The model panel: pick a model (embedded or imported), engine and variant; import a model; see the
memory estimate before loading."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core import adapters
from core.engines import ENGINE_NAMES, engine_class

log = logging.getLogger(__name__)

DEFAULT_VARIANT = "default"


def variants_for(engine: str) -> list[str]:
    """The variants the user may pick for ``engine`` (auto measures its own)."""
    return [DEFAULT_VARIANT] if engine == "auto" else [DEFAULT_VARIANT, *engine_class(engine).VARIANTS]


def estimate_variant(engine: str, variant: str) -> str:
    """The variant a memory estimate should assume for this choice."""
    if variant != DEFAULT_VARIANT:
        return variant
    return {"reference": "fp32", "openvino": "int4"}.get(engine, "sym_int4")


def adapter_items(model_id: str) -> list[tuple[str, str]]:
    """(label, choice) pairs for the adapter picker: active, none, then each adapter of the model."""
    items = [("Active adapter, if any", "active"), ("None (base model)", "none")]
    try:
        listed = adapters.list_adapters(model_id or None)
    except Exception as exc:  # noqa: BLE001 - an unreadable registry must not break the panel
        log.warning("adapter list unavailable (%s)", type(exc).__name__)
        return items
    return items + [(f"{a.id}" + (" (active)" if a.active else ""), a.id) for a in listed]


class ModelsPanel(QWidget):
    """Emits :attr:`choice_changed` (model id, engine, variant), :attr:`adapter_changed`,
    :attr:`load_requested` and :attr:`import_requested` (a path); the window does the work."""

    choice_changed = Signal(str, str, str)
    adapter_changed = Signal(str)
    load_requested = Signal()
    import_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = QComboBox()
        self.model.setAccessibleName("Model")
        self.model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model.setMinimumContentsLength(18)
        self.engine = QComboBox()
        self.engine.setAccessibleName("Engine")
        self.engine.addItems(list(ENGINE_NAMES))
        self.engine.setToolTip("auto starts on the engine measured fastest on CPUs of this kind, measures "
                               "ipex_llm and openvino on this one in the background after first use, "
                               "and keeps the faster")
        self.variant = QComboBox()
        self.variant.setAccessibleName("Weight format")
        self.adapter = QComboBox()
        self.adapter.setAccessibleName("Adapter")
        self.adapter.setToolTip("A fine-tuned adapter for this model; 'active' follows the one switched on")
        self._wanted_adapter = "active"
        self.estimate = QLabel()
        self.estimate.setAccessibleName("Memory estimate")
        self.estimate.setWordWrap(True)
        self.loaded = QLabel("No model loaded yet.")
        self.loaded.setAccessibleName("Loaded model")
        self.loaded.setWordWrap(True)
        self.load_button = QPushButton("&Load model")
        self.load_button.setAccessibleName("Load model")
        self.import_button = QToolButton()
        self.import_button.setText("Import model…")
        self.import_button.setAccessibleName("Import model")
        self.import_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.import_button)
        menu.addAction("GGUF file…", self._import_file)
        menu.addAction("Hugging Face folder…", self._import_folder)
        self.import_button.setMenu(menu)
        form = QFormLayout()
        form.addRow("&Model", self.model)
        form.addRow("&Engine", self.engine)
        form.addRow("&Weights", self.variant)
        form.addRow("A&dapter", self.adapter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.estimate)
        layout.addLayout(buttons)
        layout.addWidget(self.loaded)
        layout.addStretch(1)
        self._records: dict[str, object] = {}
        self.model.currentIndexChanged.connect(self._changed)
        self.engine.currentIndexChanged.connect(self._engine_changed)
        self.variant.currentIndexChanged.connect(self._changed)
        self.adapter.currentIndexChanged.connect(self._adapter_picked)
        self.load_button.clicked.connect(self.load_requested)

    def set_choice(self, engine: str, variant: str) -> None:
        """Select an engine and variant without emitting :attr:`choice_changed`."""
        for box in (self.engine, self.variant):
            box.blockSignals(True)
        self.engine.setCurrentIndex(max(0, self.engine.findText(engine)))
        self._fill_variants(variant)
        for box in (self.engine, self.variant):
            box.blockSignals(False)
        self._show_estimate()

    def set_models(self, records: list, model_id: str) -> None:
        """Fill the model picker and select ``model_id`` (without emitting)."""
        self.model.blockSignals(True)
        self.model.clear()
        self._records = {rec.id: rec for rec in records}
        for rec in records:
            self.model.addItem(rec.name, rec.id)
            self.model.setItemData(self.model.count() - 1,
                                   f"{rec.name}: {rec.architecture}, {rec.parameters / 1e6:,.0f}M parameters, "
                                   f"context {rec.context_length:,} tokens, {rec.kind.upper()} at {rec.path}",
                                   Qt.ItemDataRole.ToolTipRole)
        self.model.setCurrentIndex(max(0, self.model.findData(model_id)))
        self.model.blockSignals(False)
        self._fill_adapters()
        self._show_estimate()

    def set_adapter(self, choice: str) -> None:
        """Select ``active``, ``none`` or an adapter id (without emitting)."""
        self._wanted_adapter = choice
        self._fill_adapters()

    def _fill_adapters(self) -> None:
        self.adapter.blockSignals(True)
        self.adapter.clear()
        for label, choice in adapter_items(self.model.currentData() or ""):
            self.adapter.addItem(label, choice)
        self.adapter.setCurrentIndex(max(0, self.adapter.findData(self._wanted_adapter)))
        self.adapter.blockSignals(False)
        if self.adapter.currentData() != self._wanted_adapter:  # that adapter belongs to another model
            self._adapter_picked()

    def _adapter_picked(self) -> None:
        self._wanted_adapter = self.adapter.currentData() or "active"
        self.adapter_changed.emit(self._wanted_adapter)

    def choice(self) -> tuple[str, str, str]:
        return (self.model.currentData() or "", self.engine.currentText(), self.variant.currentText())

    def show_loaded(self, info) -> None:
        adapter = info.adapter_id or "none"
        if info.tokenizer_only:
            self.loaded.setText(f"Ready: {info.model_id} on {info.name} ({info.variant}), adapter {adapter}; tokenizer "
                                f"{info.load_seconds:.1f} s. This style takes every word from the note: the model "
                                "loads when a summary first asks it for text.")
            self._show_estimate()
            return
        cached = "from cache" if info.loaded_from_cache else "converted"
        self.loaded.setText(f"Loaded: {info.model_id} on {info.name} ({info.variant}), adapter {adapter}, "
                            f"{info.load_seconds:.1f} s ({cached}).")
        self._show_estimate()  # auto may have just measured which engine runs here

    def _engine_changed(self) -> None:
        self.variant.blockSignals(True)
        self._fill_variants(self.variant.currentText())
        self.variant.blockSignals(False)
        self._changed()

    def _fill_variants(self, wanted: str) -> None:
        self.variant.clear()
        self.variant.addItems(variants_for(self.engine.currentText()))
        self.variant.setCurrentIndex(max(0, self.variant.findText(wanted)))

    def _changed(self) -> None:
        if self.model.currentData() and self.sender() is self.model:
            self._fill_adapters()
        self._show_estimate()
        self.choice_changed.emit(*self.choice())

    def _show_estimate(self) -> None:
        from core.engines.auto import will_run
        from core.models.memory import estimate

        model_id, engine, variant = self.choice()
        rec = self._records.get(model_id)
        if rec is None:
            self.estimate.setText("Reading the model list…" if not self._records else "No model selected.")
            return
        engine, variant = will_run(rec, engine, variant)
        est = estimate(rec, estimate_variant(engine, variant), engine=engine)
        fits = est.needed_gib <= est.available_gib
        self.estimate.setText(f"Needs about {est.needed_gib:.1f} GiB to run ({est.engine} {est.variant}); "
                              f"{est.available_gib:.1f} GiB available."
                              + ("" if fits else " It will not fit: pick a smaller model or a lower-bit format."))
        self.estimate.setStyleSheet("" if fits else "color: #b00020;")

    def _import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a GGUF model", "", "GGUF model (*.gguf)")
        if path:
            self.import_requested.emit(Path(path))

    def _import_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a Hugging Face model folder")
        if path:
            self.import_requested.emit(Path(path))
