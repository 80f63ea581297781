"""``chartbrief finetune`` end to end on the tiny model, then ``evaluate`` and ``adapters``."""

from __future__ import annotations

import json

from core import audit
from core.adapters.registry import slug
from core.cli import main


def test_finetune_prints_report_progress_table_and_adapter_id(tiny_id, small_data, capsys):
    code = main(["finetune", str(small_data), "--model", tiny_id, "--max-steps", "2", "--grad-accum", "1",
                 "--max-length", "512", "--checkpoint-every", "1", "--eval-limit", "2", "--eval-engine", "reference",
                 "--max-new-tokens", "4", "--cores", "0", "--yes", "--activate"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "50 rows; 50 usable for training." in out and "Token lengths" in out
    assert "Likely identifiers" in out  # the synthetic notes carry (fake) names
    assert "step 1/2" in out and "step 2/2" in out and "tok/s" in out and "ETA" in out
    assert "Thread pinning OK" in out
    assert "ROUGE-L" in out and "fact recall" in out and "unseen" in out
    adapter_id = f"{slug(tiny_id)}-v1"
    assert f"New adapter: {adapter_id} (active)" in out

    assert main(["adapters", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"* {adapter_id}" in listing

    assert main(["evaluate", "--model", tiny_id, "--limit", "2", "--engine", "reference", "--max-new-tokens", "4",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["adapter_id"] == adapter_id and report["groups"]["all"]["base"]["notes"] == 2
    actions = [e["action"] for e in audit.read()]
    for action in ("finetune-start", "finetune-stop", "finetune-finish", "evaluate", "adapter-activate"):
        assert action in actions


def test_finetune_refuses_identifiers_without_yes_when_not_interactive(tiny_id, small_data, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code = main(["finetune", str(small_data), "--model", tiny_id, "--max-length", "512"])
    err = capsys.readouterr().err
    assert code == 2 and "likely patient identifiers" in err and "--yes" in err


def test_finetune_scrub_trains_on_a_copy_without_identifiers(tiny_id, small_data, capsys, monkeypatch):
    from core.finetune.rundir import list_runs

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)  # no --yes: only a clean copy may start
    original = small_data.read_bytes()
    code = main(["finetune", str(small_data), "--model", tiny_id, "--max-steps", "1", "--grad-accum", "1",
                 "--max-length", "512", "--eval-limit", "1", "--eval-engine", "reference", "--max-new-tokens", "2",
                 "--cores", "0", "--scrub"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Likely identifiers" in out and "Training on a copy with the identifiers replaced" in err
    dataset = json.loads(list_runs()[-1].dataset_file.read_text())
    assert str(dataset["path"]).endswith(".scrubbed.jsonl")
    assert small_data.read_bytes() == original


def test_finetune_bad_option_is_a_clear_error(capsys):
    assert main(["finetune", "x.jsonl", "--rank", "0"]) == 2
    assert "lora_r=0 is invalid" in capsys.readouterr().err
