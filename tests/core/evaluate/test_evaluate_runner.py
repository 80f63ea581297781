"""The evaluation loop with stand-in engines: same settings for both passes, base scores cached."""

from __future__ import annotations

from typing import ClassVar

import pytest

from core.data import Pair, train_profile
from core.engines.base import EngineInfo
from core.evaluate import classify, evaluate
from core.models.registry import ModelRecord


class FakeEngine:
    """Enough of an Engine for the summarize pipeline: 'generates' a fixed text per adapter."""

    calls: ClassVar[list[tuple[str | None, int]]] = []

    def __init__(self, record, variant, adapter):
        self.record, self.variant, self.name = record, variant, "fake"
        self.adapter_id = adapter[0] if adapter else None
        self.info = EngineInfo("fake", record.id, variant, self.adapter_id)
        self.context_length = 4096

    def load(self):
        return self.info

    def unload(self):
        pass

    def count_tokens(self, text):
        return len(text.split())

    def chat_prompt(self, system, user):
        return f"{system}\n{user}"

    def stream(self, prompt, settings, should_stop=None):
        FakeEngine.calls.append((self.adapter_id, settings.max_new_tokens))
        yield "metoprolol 25 mg daily" if self.adapter_id else "a patient was seen"


@pytest.fixture
def fake_engines(home, monkeypatch, tmp_path):
    record = ModelRecord("hf:fake", "fake", "hf", str(tmp_path), "llama", 1, 4096)
    monkeypatch.setattr("core.models.registry.get", lambda model_id=None: record)
    monkeypatch.setattr("core.models.convert.source_key", lambda path: "fake")
    monkeypatch.setattr("core.engines.create",
                        lambda engine, model_id=None, variant=None, adapter=None, on_status=None:
                        FakeEngine(record, variant or "fp32", adapter))
    FakeEngine.calls = []
    return record


def _rows():
    pairs = [Pair(f"Note {i}: started metoprolol 25 mg daily.", "Metoprolol 25 mg daily.", "d", i,
                  {"specialty": s, "layout": "soap"}) for i, s in enumerate(["cardiology", "neurology"] * 2)]
    return classify(pairs, train_profile([Pair("x", "y", "d", 9, {"specialty": "cardiology", "layout": "soap"})]))


def test_base_and_adapter_use_the_same_settings_and_base_is_cached(fake_engines, tmp_path):
    rows = _rows()
    report = evaluate(rows, model_id="hf:fake", adapter=("a-v1", tmp_path), engine="fake", max_new_tokens=17)
    assert {n for _, n in FakeEngine.calls} == {17}
    assert [a for a, _ in FakeEngine.calls] == [None] * 4 + ["a-v1"] * 4
    g = report["groups"]
    assert g["seen"]["base"]["notes"] == 2 and g["unseen"]["base"]["notes"] == 2
    assert g["all"]["adapter"]["fact_recall"] == 1.0 and g["all"]["base"]["fact_recall"] == 0.0
    assert g["all"]["delta"]["fact_recall"] == 1.0 and g["all"]["delta"]["rougeL"] > 50
    assert report["per_note"]["base"][0]["note_sha256"] == rows[0].sha256
    assert "metoprolol" not in str(report)  # scores and hashes only, never text

    FakeEngine.calls = []
    again = evaluate(rows, model_id="hf:fake", adapter=("a-v2", tmp_path), engine="fake", max_new_tokens=17)
    assert [a for a, _ in FakeEngine.calls] == ["a-v2"] * 4  # base scores came from the cache
    assert again["groups"]["all"]["base"] == g["all"]["base"]


def test_the_independent_set_is_its_own_group_and_not_part_of_all(fake_engines, tmp_path):
    from core.evaluate.runner import INDEPENDENT, independent_rows

    extra = independent_rows(2)
    assert len(extra) == 2 and {h.group for h in extra} == {INDEPENDENT}
    assert len(extra[0].pair.note) <= len(extra[1].pair.note)  # the shortest notes: the cheapest to evaluate
    report = evaluate(_rows() + extra, model_id="hf:fake", adapter=("a-v1", tmp_path), engine="fake")
    groups = report["groups"]
    assert groups["independent"]["base"]["notes"] == 2 and groups["all"]["base"]["notes"] == 4
    assert independent_rows(0) == [] and independent_rows(3, tmp_path / "not-installed.jsonl") == []
    from core.evaluate.report import format_table

    assert "independent: notes of the shipped evaluation set" in format_table(report)


@pytest.mark.parametrize("reference_writes", ["metoprolol 25 mg daily", "a patient was seen"])
def test_the_fast_engine_is_checked_against_the_reference_on_a_sample(fake_engines, monkeypatch, tmp_path,
                                                                      reference_writes):
    made = []

    class Engine(FakeEngine):
        def __init__(self, record, variant, adapter, name):
            super().__init__(record, variant, adapter)
            self.name = name
            made.append(name)

        def stream(self, prompt, settings, should_stop=None):
            if self.name == "reference":
                yield reference_writes
            else:
                yield from super().stream(prompt, settings, should_stop)

    monkeypatch.setattr("core.engines.create", lambda engine, model_id=None, variant=None, adapter=None,
                        on_status=None: Engine(fake_engines, variant or "int4", adapter, engine))
    report = evaluate(_rows(), model_id="hf:fake", adapter=("a-v1", tmp_path), engine="openvino", agreement_notes=2)
    assert made == ["openvino", "openvino", "reference"]  # base, adapter, then the reference on the sample only
    a = report["agreement"]
    assert a["notes"] == 2 and a["fact_recall_fast"] == 1.0
    if reference_writes.startswith("metoprolol"):
        assert a["identical"] == 2 and a["agrees"] and a["fact_recall_reference"] == 1.0
    else:
        assert a["identical"] == 0 and not a["agrees"] and a["fact_recall_reference"] == 0.0
        from core.evaluate.report import format_table

        assert "DISAGREES" in format_table(report)
    assert "metoprolol" not in str(report)


def test_no_agreement_check_when_the_evaluation_runs_on_the_reference_engine(fake_engines, monkeypatch, tmp_path):
    def create(engine, model_id=None, variant=None, adapter=None, on_status=None):
        made = FakeEngine(fake_engines, variant or "fp32", adapter)
        made.name = engine
        return made

    monkeypatch.setattr("core.engines.create", create)
    report = evaluate(_rows(), model_id="hf:fake", adapter=("a-v1", tmp_path), engine="reference", agreement_notes=2)
    assert "agreement" not in report and [a for a, _ in FakeEngine.calls] == [None] * 4 + ["a-v1"] * 4
