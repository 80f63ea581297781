"""Model panel (picker, memory estimate, import) and hardware panel (what doctor knows)."""

from __future__ import annotations

from core import hardware
from core.cli.doctor import format_report
from core.models import EMBEDDED_ID
from gui.hardware_panel import HardwarePanel

AMX_CPUINFO = """processor : 0
vendor_id : GenuineIntel
model name : Intel(R) Xeon(R) Platinum 8480+
physical id : 0
core id : 0
flags : fpu avx2 fma f16c avx512f avx512_bf16 avx512_vnni amx_tile amx_bf16 amx_int8

processor : 1
vendor_id : GenuineIntel
model name : Intel(R) Xeon(R) Platinum 8480+
physical id : 0
core id : 1
flags : fpu avx2 fma f16c avx512f avx512_bf16 avx512_vnni amx_tile amx_bf16 amx_int8
"""
MEMINFO = "MemTotal: 16777216 kB\nMemAvailable: 8388608 kB\n"


def test_model_picker_lists_the_embedded_model_with_an_estimate(window):
    panel = window.models_panel
    assert panel.model.findData(EMBEDDED_ID) >= 0
    assert "GiB to run" in panel.estimate.text() and "available" in panel.estimate.text()
    panel.engine.setCurrentText("reference")
    assert [panel.variant.itemText(i) for i in range(panel.variant.count())] == ["default", "fp32", "bf16"]
    assert "(fp32)" in panel.estimate.text()
    assert window.settings.settings.engine == "reference"
    panel.engine.setCurrentText("auto")
    assert panel.variant.count() == 1


def test_importing_something_that_is_not_a_model_says_so(window, tmp_path, home, messages):
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello")
    window.import_model(folder)
    assert messages and messages[0].title == "Model problem"
    assert window.models_panel.model.count() == 1


def test_hardware_panel_shows_this_machine(window):
    rows = {k: v.text() for k, v in window.hardware_panel.fields.items()}
    assert rows["AMX"] in ("yes (bf16 and int8 tiles)", "no")
    assert rows["Kernel build"].startswith("IPEX-LLM ")
    assert "summarizer" in rows["Core plan"] and "training" in rows["Core plan"]
    assert "Core plan" in window.hardware_panel.details.toPlainText()


def test_hardware_panel_on_a_simulated_amx_cpu(qtbot):
    panel = HardwarePanel()
    qtbot.addWidget(panel)
    rep = hardware.report(hardware.build_info(AMX_CPUINFO, MEMINFO))
    panel.show_report(rep, format_report(rep))
    rows = {k: v.text() for k, v in panel.fields.items()}
    assert rows["AMX"] == "yes (bf16 and int8 tiles)" and rows["Kernel build"] == "IPEX-LLM amx"
    assert "AVX-512 BF16" in rows["Instruction sets"]
