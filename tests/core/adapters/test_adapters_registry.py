"""The adapter registry: versions, activate, rollback, delete, damage, audit."""

from __future__ import annotations

import json

import pytest

from core import adapters, audit, paths
from core.adapters import AdapterError

MODEL = "embedded:smollm2-135m"


def _peft_folder(tmp_path, name="src"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 4}))
    (folder / "adapter_model.safetensors").write_bytes(b"weights")
    return folder


@pytest.fixture
def three(home, tmp_path):
    src = _peft_folder(tmp_path)
    return [adapters.register(src, base_model_id=MODEL, dataset_sha256="a" * 64, hyperparameters={"lora_r": 4},
                              profile={"note_sha256": [], "groups": {}}).id for _ in range(3)]


def test_register_numbers_versions_and_copies_stock_files(three):
    assert three == ["smollm2-135m-v1", "smollm2-135m-v2", "smollm2-135m-v3"]
    info = adapters.get(three[0])
    assert info.base_model_id == MODEL and info.dataset_sha256 == "a" * 64 and not info.active
    assert info.hyperparameters == {"lora_r": 4} and info.created
    assert sorted(p.name for p in info.path.iterdir()) == ["adapter_config.json", "adapter_model.safetensors",
                                                           "metadata.json", "profile.json"]
    assert [a.id for a in adapters.list()] == three and adapters.list("hf:other") == []
    assert adapters.resolve(three[1]) == (three[1], info.path.with_name(three[1]))


def test_activate_rollback_chain(three):
    v1, v2, v3 = three
    assert adapters.active_for(None) is None
    adapters.activate(v1)
    adapters.activate(v2)
    adapters.activate(v3)
    assert adapters.active_for(MODEL)[0] == v3 and adapters.get(v3).active and not adapters.get(v2).active
    assert adapters.rollback().id == v2
    assert adapters.rollback().id == v1
    assert adapters.rollback() is None and adapters.active_for(MODEL) is None
    with pytest.raises(AdapterError, match="Nothing to roll back"):
        adapters.rollback()
    adapters.activate(v2)
    assert adapters.deactivate() == v2 and adapters.active_for(MODEL) is None
    assert adapters.rollback().id == v2  # deactivating is undone by a rollback too


def test_delete_refuses_the_active_one_and_never_reuses_ids(three, tmp_path):
    v1, _, v3 = three
    adapters.activate(v1)
    adapters.activate(v3)
    with pytest.raises(AdapterError, match="is active"):
        adapters.delete(v3)
    adapters.delete(v1)
    assert not (paths.data_dir() / "adapters" / v1).exists()
    with pytest.raises(AdapterError, match="No adapter"):
        adapters.get(v1)
    assert adapters.rollback() is None  # v1 was the previous one, but it is gone
    new = adapters.register(_peft_folder(tmp_path, "again"), base_model_id=MODEL)
    assert new.id == "smollm2-135m-v4"


def test_delete_drops_engine_caches_built_from_the_adapter(three):
    models = paths.cache_dir() / "models" / "abc"
    (models / f"ipex_llm-sym_int4+{three[0]}").mkdir(parents=True)
    (models / f"ipex_llm-sym_int4+{three[0]}1").mkdir()  # a different id sharing the prefix
    adapters.delete(three[0])
    assert sorted(p.name for p in models.iterdir()) == [f"ipex_llm-sym_int4+{three[0]}1"]


def test_damaged_adapter_is_reported_with_a_fix(three):
    (adapters.get(three[0]).path / "adapter_model.safetensors").unlink()
    with pytest.raises(AdapterError, match="damaged") as err:
        adapters.resolve(three[0])
    assert "adapters delete" in str(err.value)
    with pytest.raises(AdapterError):
        adapters.activate(three[0])


def test_register_refuses_a_non_lora_folder(home, tmp_path):
    src = _peft_folder(tmp_path)
    (src / "adapter_config.json").write_text(json.dumps({"peft_type": "PREFIX_TUNING"}))
    with pytest.raises(AdapterError, match="LoRA"):
        adapters.register(src, base_model_id=MODEL)
    with pytest.raises(AdapterError, match="not a PEFT adapter folder"):
        adapters.register(tmp_path / "missing", base_model_id=MODEL)


def test_index_is_written_atomically_and_metrics_kept(three):
    adapters.set_metrics(three[0], {"seen": {"adapter_rougeL": 40.0}}, {"groups": {}})
    root = paths.data_dir() / "adapters"
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]
    index = json.loads((root / "index.json").read_text())
    assert index["adapters"][three[0]]["metrics"] == {"seen": {"adapter_rougeL": 40.0}}
    assert (root / three[0] / "evaluation.json").is_file()


def test_unreadable_index_is_an_actionable_error(three):
    (paths.data_dir() / "adapters" / "index.json").write_text("{not json")
    with pytest.raises(AdapterError, match="unreadable") as err:
        adapters.list()
    assert "adapter folders are kept" in str(err.value)


def test_every_action_is_audited_with_ids_only(three):
    adapters.activate(three[0])
    adapters.activate(three[1])
    adapters.rollback()
    adapters.delete(three[2])
    entries = [e for e in audit.read() if e["action"].startswith("adapter-")]
    assert [e["action"] for e in entries] == ["adapter-activate", "adapter-activate", "adapter-rollback",
                                              "adapter-delete"]
    assert entries[2]["from_adapter_id"] == three[1] and entries[2]["adapter_id"] == three[0]
    assert audit.verify().ok
