"""The hardware panel: what ``chartbrief doctor`` knows about this CPU, shown in the window."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


class HardwarePanel(QWidget):
    """ISA, AMX, the IPEX-LLM kernel build, memory and the core plan, plus the full doctor report."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Hardware report")
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.details, 1)
        self.fields: dict[str, QLabel] = {}

    def refresh(self) -> dict | None:
        """Read this machine again (a fraction of a second) and show it; returns the report."""
        from core import hardware

        try:
            rep = hardware.report(hardware.detect())
        except (OSError, ValueError) as exc:
            log.warning("hardware detection failed (%s)", type(exc).__name__)
            self.details.setPlainText("This machine's CPU could not be read.")
            return None
        self.show_report(rep, hardware.format_report(rep))
        return rep

    def show_report(self, rep: dict, text: str) -> None:
        isa, plan = rep["isa"], rep["core_plan"]
        from core.hardware import format_cpu_list

        simd = [name for name, key in (("AVX-512", "avx512f"), ("AVX-512 BF16", "avx512_bf16"),
                                       ("AVX-512 VNNI", "avx512_vnni"), ("AVX-VNNI", "avx_vnni"), ("AVX2", "avx2"))
                if isa.get(key)]
        rows = {
            "CPU": f"{rep['cpu_model']} ({rep['physical_cores']} cores, {rep['logical_cpus']} threads)",
            "Instruction sets": ", ".join(simd) or "none of AVX2/AVX-512",
            "AMX": _yes(rep["amx"]) + (" (bf16 and int8 tiles)" if rep["amx"] else ""),
            "Kernel build": f"IPEX-LLM {rep['ipex_llm_kernel']}",
            "Memory": f"{rep['mem_available_gib']} of {rep['mem_total_gib']} GiB available",
            "Core plan": f"summarizer {format_cpu_list(plan['inference'])}, "
                         f"training {format_cpu_list(plan['training'])}",
        }
        for key, value in rows.items():
            label = self.fields.get(key)
            if label is None:
                label = self.fields[key] = QLabel()
                label.setAccessibleName(key)
                label.setWordWrap(True)
                self.form.addRow(key, label)
            label.setText(value)
        self.details.setPlainText(text)
