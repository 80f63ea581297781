"""The status bar: what is happening now, and which engine, variant, model, adapter, speed and
chunking produced the last summary."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget


def engine_text(info) -> str:
    """``openvino int4 · embedded:smollm2-135m · no adapter`` from an ``EngineInfo``."""
    adapter = f"adapter {info.adapter_id}" if info.adapter_id else "no adapter"
    return f"{info.name} {info.variant} · {info.model_id} · {adapter}"


def chunking_text(chunking: dict) -> str:
    """How the note was fed to the model: in one pass, or in parts and how they were split."""
    tokens = f"{chunking.get('note_tokens', 0):,} tokens"
    if chunking.get("strategy") == "facts":
        if chunking.get("narrative") == "note":
            return f"note {tokens} · {chunking.get('facts', 0)} facts from the note · all text from the note"
        return (f"note {tokens} · {chunking.get('facts', 0)} facts from the note · model sentences kept "
                f"{chunking.get('narrative_sentences_kept', 0)} of {chunking.get('narrative_sentences_written', 0)}")
    if chunking.get("strategy") == "map_reduce":
        return f"note {tokens} in {chunking['parts']} parts (split on {chunking['split_on']})"
    return f"note {tokens}, one pass"


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.engine = QLabel("No model loaded")
        self.speed = QLabel("")
        self.chunking = QLabel("")
        for label, name in ((self.engine, "Engine"), (self.speed, "Speed"), (self.chunking, "Chunking")):
            label.setAccessibleName(name)
            self.addPermanentWidget(label)
        self.addPermanentWidget(self.busy)
        self.setAccessibleName("Status")

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def set_engine(self, info) -> None:
        self.engine.setText(engine_text(info))

    def set_result(self, result) -> None:
        t = result.timings
        if result.chunking.get("strategy") == "facts":
            self.speed.setText(f"{t.get('total_s', 0):.1f} s · model {t.get('first_token_s', 0):.1f} s")
            self.chunking.setText(chunking_text(result.chunking))
            return
        self.speed.setText(f"{t.get('tokens_per_s', 0):.1f} tokens/s · first token {t.get('first_token_s', 0):.1f} s")
        self.chunking.setText(chunking_text(result.chunking))
