"""Model panel (picker, memory estimate, import) and hardware panel (what doctor knows)."""

from __future__ import annotations

from core import hardware
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


def test_model_picker_lists_the_embedded_model_with_an_estimate(window, qtbot):
    panel = window.models_panel
    qtbot.waitUntil(lambda: panel.model.count() == 1, timeout=60_000)
    assert panel.model.findData(EMBEDDED_ID) >= 0
    assert "GiB to run" in panel.estimate.text() and "available" in panel.estimate.text()
    panel.engine.setCurrentText("auto")
    assert "(openvino int4)" in panel.estimate.text()  # what auto runs when nothing was measured yet
    from core.engines import auto
    from core.engines.base import EngineInfo
    from core.models import registry

    auto.store_choice(registry.get(EMBEDDED_ID), {"engine": "ipex_llm", "variant": "sym_int4"})
    panel.show_loaded(EngineInfo("ipex_llm", EMBEDDED_ID, "sym_int4"))  # auto measured, then loaded ipex_llm
    assert "(ipex_llm sym_int4)" in panel.estimate.text()
    panel.engine.setCurrentText("reference")
    assert [panel.variant.itemText(i) for i in range(panel.variant.count())] == ["default", "fp32", "bf16"]
    assert "(reference fp32)" in panel.estimate.text()
    assert window.settings.settings.engine == "reference"
    panel.engine.setCurrentText("auto")
    assert panel.variant.count() == 1


def test_importing_something_that_is_not_a_model_says_so(window, qtbot, tmp_path, home, messages):
    qtbot.waitUntil(lambda: window.models_panel.model.count() == 1, timeout=60_000)
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello")
    window.models_panel.import_requested.emit(folder)
    qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
    assert messages[0].title == "Model problem" and "config.json" in messages[0].text
    assert window.models_panel.model.count() == 1


def test_importing_a_gguf_selects_it(window, qtbot, tmp_path, home, messages):
    import shutil

    from core.models import registry

    qtbot.waitUntil(lambda: window.models_panel.model.count() == 1, timeout=60_000)
    copy = tmp_path / "my-model.gguf"
    shutil.copy(registry.embedded_gguf(), copy)
    window.models_panel.import_requested.emit(copy)
    qtbot.waitUntil(lambda: window.models_panel.model.count() == 2, timeout=120_000)
    assert window.models_panel.choice()[0] == "gguf:my-model" == window.settings.settings.model_id
    assert not messages


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
    panel.show_report(rep, hardware.format_report(rep))
    rows = {k: v.text() for k, v in panel.fields.items()}
    assert rows["AMX"] == "yes (bf16 and int8 tiles)" and rows["Kernel build"] == "IPEX-LLM amx"
    assert "AVX-512 BF16" in rows["Instruction sets"]


def test_adapter_picker_lists_the_models_adapters(make_window, qtbot, tmp_path, home):
    import json

    from core import adapters

    peft = tmp_path / "peft"
    peft.mkdir()
    (peft / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}))
    (peft / "adapter_model.safetensors").write_bytes(b"\0" * 16)
    first = adapters.register(peft, base_model_id=EMBEDDED_ID)
    adapters.activate(first.id)
    window = make_window()
    panel = window.models_panel
    qtbot.waitUntil(lambda: panel.model.count() == 1, timeout=60_000)
    labels = [panel.adapter.itemText(i) for i in range(panel.adapter.count())]
    assert labels[:2] == ["Active adapter, if any", "None (base model)"] and f"{first.id} (active)" in labels
    panel.adapter.setCurrentIndex(panel.adapter.findData("none"))
    assert window.settings.settings.adapter_id == "none" and window.settings.engine_request().adapter == "none"
    panel.adapter.setCurrentIndex(panel.adapter.findData(first.id))
    assert window.settings.engine_request().adapter == first.id
