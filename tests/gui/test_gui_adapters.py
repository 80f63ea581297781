"""The adapters panel: the list, Activate, Roll back, Delete (confirmed) and Export, all through core.adapters."""

from __future__ import annotations

import json

import pytest

from core import adapters
from core.models import EMBEDDED_ID
from gui.adapters_panel import AdaptersPanel, metrics_text


def _register(tmp_path, n: int, metrics: dict | None = None, model_id: str = EMBEDDED_ID):
    peft = tmp_path / f"peft{n}"
    peft.mkdir()
    (peft / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}))
    (peft / "adapter_model.safetensors").write_bytes(b"\0" * 16)
    return adapters.register(peft, base_model_id=model_id, metrics=metrics)


@pytest.fixture
def panel(qtbot, home, messages):
    p = AdaptersPanel()
    p.confirm = lambda title, text: True
    qtbot.addWidget(p)
    yield p
    p.shutdown()


def _rows(panel) -> list[list[str]]:
    t = panel.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_activate_and_roll_back_update_the_list(panel, tmp_path, messages):
    first = _register(tmp_path, 1, {"seen": {"base_rougeL": 20.0, "adapter_rougeL": 24.5,
                                             "base_fact_recall": 0.4, "adapter_fact_recall": 0.5, "notes": 3}})
    second = _register(tmp_path, 2)
    changed = []
    panel.changed.connect(lambda: changed.append(True))
    panel.refresh()
    rows = _rows(panel)
    assert [r[0] for r in rows] == [first.id, second.id] and all(r[1] == EMBEDDED_ID for r in rows)
    assert rows[0][3] == "seen ROUGE-L 20.0→24.5, facts 0.40→0.50" and rows[1][3] == "not evaluated"
    assert [r[4] for r in rows] == ["", ""]

    panel.select(first.id)
    panel.activate_button.click()
    assert [r[4] for r in _rows(panel)] == ["✓ active", ""] and not panel.activate_button.isEnabled()
    panel.select(second.id)
    panel.activate_button.click()
    assert [r[4] for r in _rows(panel)] == ["", "✓ active"] and adapters.active_for(None)[0] == second.id

    panel.rollback_button.click()
    assert [r[4] for r in _rows(panel)] == ["✓ active", ""] and f"Rolled back to {first.id}" in panel.status.text()
    panel.rollback_button.click()
    assert [r[4] for r in _rows(panel)] == ["", ""] and adapters.active_for(None) is None
    panel.rollback_button.click()  # nothing left to roll back to: core says so
    assert messages and "Nothing to roll back" in messages[-1].text
    assert len(changed) == 4


def test_delete_asks_first_and_refuses_the_active_adapter(panel, tmp_path, messages):
    first, second = _register(tmp_path, 1), _register(tmp_path, 2)
    adapters.activate(first.id)
    panel.refresh()
    panel.select(first.id)
    assert not panel.delete_button.isEnabled()
    assert not panel.delete() or messages  # the panel does not offer it; core refuses it anyway
    panel.select(second.id)
    panel.confirm = lambda title, text: False
    assert not panel.delete() and len(_rows(panel)) == 2
    panel.confirm = lambda title, text: second.id in text
    panel.delete_button.click()
    assert [r[0] for r in _rows(panel)] == [first.id] and not (tmp_path / "home" / "adapters" / second.id).exists()


def test_export_writes_a_peft_folder_in_the_background(panel, qtbot, tmp_path, messages, tiny_id):
    first = _register(tmp_path, 1, model_id=tiny_id)
    panel.refresh()
    panel.select(first.id)
    out = tmp_path / "out"
    out.mkdir()
    panel.choose_export_dir = lambda: out
    with qtbot.waitSignal(panel.worker.finished, timeout=60_000):
        assert panel.export(merged=False)
    assert (out / first.id / "adapter_model.safetensors").is_file() and (out / first.id / "chartbrief.json").is_file()
    assert "Exported to" in panel.status.text() and not messages
    with qtbot.waitSignal(panel.worker.failed, timeout=60_000):
        panel.export(merged=False)  # the folder exists now: core refuses to overwrite
    assert messages and "already exists" in messages[-1].text


def test_metrics_text_handles_missing_values():
    assert metrics_text({}) == "not evaluated"
    assert metrics_text({"unseen": {"base_rougeL": None, "adapter_rougeL": 3}}) == "unseen ROUGE-L –→3.0, facts –→–"


def test_the_window_reloads_the_summarizer_when_an_adapter_is_used(make_window, qtbot, tmp_path, home, messages):
    first, second = _register(tmp_path, 1), _register(tmp_path, 2)
    window = make_window()
    window.settings.update(adapter_id="none")
    reloads = []
    window.controller.reload_engine = lambda: reloads.append(True)
    qtbot.waitUntil(lambda: window.models_panel.model.count() == 1, timeout=60_000)

    window.finetune_view.runs.adapter_id = second.id  # as after a finished run
    window.finetune_view.runs.update_buttons()
    window.finetune_view.runs.use_button.click()  # "Use this adapter"
    assert adapters.active_for(None)[0] == second.id and window.settings.settings.adapter_id == "active"
    assert [r[4] for r in _rows(window.adapters_panel)] == ["", "✓ active"] and reloads == [True]
    labels = [window.models_panel.adapter.itemText(i) for i in range(window.models_panel.adapter.count())]
    assert f"{second.id} (active)" in labels
    assert window.audit_view.table.item(0, 2).text() == "adapter-activate"

    window.adapters_panel.select(first.id)
    window.adapters_panel.activate_button.click()
    assert reloads == [True, True] and adapters.active_for(None)[0] == first.id and not messages


def test_use_this_adapter_asks_before_activating_a_worse_adapter(make_window, qtbot, tmp_path, home, messages):
    worse = {"seen": {"base_fact_recall": 0.3, "adapter_fact_recall": 0.5, "base_rougeL": 20, "adapter_rougeL": 30,
                      "notes": 12},
             "unseen": {"base_fact_recall": 0.5, "adapter_fact_recall": 0.3, "base_rougeL": 30, "adapter_rougeL": 20,
                        "notes": 12}}
    record = _register(tmp_path, 1, metrics=worse)
    window = make_window()
    window.controller.reload_engine = lambda: None
    runs = window.finetune_view.runs
    runs.adapter_id = record.id  # as after a finished run
    runs.update_buttons()
    asked = []
    runs.confirm_worse = lambda verdict: asked.append(verdict.overall) or False  # the user says Cancel
    runs.use_button.click()
    assert asked == ["worse"] and adapters.active_for(None) is None
    assert "not activated" in runs.adapter_label.text() and "worse than the base model on unseen" in runs.adapter_label.text()
    runs.confirm_worse = lambda verdict: asked.append(verdict.overall) or True  # "Use it anyway"
    runs.use_button.click()
    assert asked == ["worse", "worse"] and adapters.active_for(None)[0] == record.id
