"""The recommendation per held-out group: better, worse or no change, from an adapter's kept metrics."""

from __future__ import annotations

import json

import pytest

from core.evaluate.verdict import recommend


def _group(recall: tuple[float, float], rouge: tuple[float, float], notes: int = 12) -> dict:
    return {"base_fact_recall": recall[0], "adapter_fact_recall": recall[1], "base_rougeL": rouge[0],
            "adapter_rougeL": rouge[1], "notes": notes}


def test_better_worse_and_no_change_per_group():
    verdict = recommend({"seen": _group((0.12, 0.70), (9.8, 59.0)),
                         "unseen": _group((0.50, 0.45), (30.0, 31.0)),
                         "all": _group((0.40, 0.41), (20.0, 20.5))})
    assert [(g.group, g.verdict) for g in verdict.groups] == [("seen", "better"), ("unseen", "worse"),
                                                              ("all", "no change")]
    assert verdict.overall == "worse" and [g.group for g in verdict.worse] == ["unseen"]
    assert verdict.text().startswith("Not recommended: the adapter is worse than the base model on unseen.")
    assert "WORSE on unseen (fact recall -0.050, ROUGE-L +1.0, 12 notes)" in verdict.text()


def test_a_drop_in_either_measure_is_worse_even_if_the_other_rises():
    assert recommend({"all": _group((0.40, 0.60), (30.0, 27.0))}).overall == "worse"
    assert recommend({"all": _group((0.40, 0.37), (30.0, 40.0))}).overall == "worse"


def test_better_everywhere_is_recommended_and_noise_is_no_change():
    good = recommend({"seen": _group((0.1, 0.6), (10, 50)), "unseen": _group((0.1, 0.5), (10, 45))})
    assert good.overall == "better" and good.text().startswith("Recommended")
    assert recommend({"all": _group((0.40, 0.41), (30.0, 30.9))}).overall == "no change"


@pytest.mark.parametrize("metrics", [{}, {"all": {"notes": 3}}, {"all": {"base_fact_recall": 0.4}}])
def test_no_comparison_is_not_evaluated(metrics):
    verdict = recommend(metrics)
    assert verdict.overall == "not evaluated" and verdict.text().startswith("Not evaluated")


def _register(tmp_path, metrics):
    from core import adapters

    peft = tmp_path / "peft"
    peft.mkdir()
    (peft / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}))
    (peft / "adapter_model.safetensors").write_bytes(b"\0" * 16)
    return adapters.register(peft, base_model_id="embedded:smollm2-135m", metrics=metrics).id


WORSE = {"seen": _group((0.3, 0.5), (20, 30)), "unseen": _group((0.5, 0.3), (30, 20))}


def test_cli_activate_asks_before_a_worse_adapter_and_no_is_no(home, tmp_path, monkeypatch, capsys):
    from core import adapters
    from core.cli import main

    adapter_id = _register(tmp_path, WORSE)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["adapters", "activate", adapter_id]) == 1
    assert adapters.active_for("embedded:smollm2-135m") is None
    out = capsys.readouterr()
    assert "Not recommended: the adapter is worse than the base model on unseen." in out.out
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["adapters", "activate", adapter_id]) == 0
    assert adapters.active_for("embedded:smollm2-135m")[0] == adapter_id


def test_cli_activate_without_a_terminal_needs_yes_for_a_worse_adapter(home, tmp_path, monkeypatch, capsys):
    from core import adapters
    from core.cli import main

    adapter_id = _register(tmp_path, WORSE)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["adapters", "activate", adapter_id]) == 1
    assert f"chartbrief adapters activate {adapter_id} --yes" in capsys.readouterr().err
    assert adapters.active_for("embedded:smollm2-135m") is None
    assert main(["adapters", "activate", adapter_id, "--yes"]) == 0
    assert adapters.active_for("embedded:smollm2-135m")[0] == adapter_id


def test_cli_activates_a_better_adapter_without_asking(home, tmp_path, monkeypatch, capsys):
    from core import adapters
    from core.cli import main

    adapter_id = _register(tmp_path, {"all": _group((0.3, 0.5), (20, 30))})
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    assert main(["adapters", "activate", adapter_id]) == 0
    assert adapters.active_for("embedded:smollm2-135m")[0] == adapter_id
    assert capsys.readouterr().out.startswith("Recommended")
