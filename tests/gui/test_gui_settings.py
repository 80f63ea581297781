"""Settings persistence through the window, and the fallback for a corrupt settings file."""

from __future__ import annotations

import json

from PySide6.QtCore import QRect


def test_style_font_model_and_geometry_persist(make_window, settings_file, qtbot):
    first = make_window()
    first.show()
    first.style_box.setCurrentText("soap")
    first.models_panel.engine.setCurrentText("reference")
    first.models_panel.variant.setCurrentText("fp32")
    assert first.zoom(+2) == 13
    first.setGeometry(QRect(40, 50, 790, 560))  # above the minimum size, inside the 800-px offscreen screen
    first.close()
    saved = json.loads(settings_file.read_text())
    assert (saved["style"], saved["engine"], saved["qtype"], saved["font_size"]) == ("soap", "reference", "fp32", 13)
    assert saved["window_geometry"]

    second = make_window()
    assert second.style_box.currentText() == "soap"
    assert second.models_panel.choice()[1:] == ("reference", "fp32")
    assert second.note_pane.editor.font().pointSize() == 13
    assert second.summary_pane.view.font().pointSize() == 13
    assert second.size().width() == 790 and second.size().height() == 560
    assert second.settings.engine_request().variant == "fp32"


def test_font_size_is_clamped(window):
    for _ in range(60):
        window.zoom(+1)
    assert window.settings.settings.font_size == 48
    for _ in range(60):
        window.zoom(-1)
    assert window.settings.settings.font_size == 6


def test_corrupt_settings_fall_back_to_defaults_with_a_message(make_window, settings_file, messages, qtbot):
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_bytes(b"{ this is not json \x00")
    window = make_window()
    qtbot.waitUntil(lambda: bool(messages), timeout=5_000)
    assert messages[0].title == "Settings problem" and "using defaults" in messages[0].text
    assert window.style_box.currentText() == "brief"
    assert window.settings.settings.font_size == 11
    assert list(settings_file.parent.glob("settings.json.corrupt-*"))


def test_bad_value_keeps_the_rest(make_window, settings_file, messages, qtbot):
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(json.dumps({"schema_version": 1, "style": "handoff", "font_size": 999}))
    window = make_window()
    qtbot.waitUntil(lambda: bool(messages), timeout=5_000)
    assert "font_size" in messages[0].text
    assert window.style_box.currentText() == "handoff" and window.settings.settings.font_size == 11


def test_engine_request_only_passes_a_variant_the_engine_runs(window):
    window.settings.update(engine="openvino", qtype="fp32")
    assert window.settings.engine_request().variant is None
    window.settings.update(engine="auto", qtype="int4")
    assert window.settings.engine_request().variant is None
    window.settings.update(engine="openvino", qtype="int8")
    assert window.settings.engine_request().variant == "int8"
