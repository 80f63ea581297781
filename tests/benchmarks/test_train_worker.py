"""The fine-tuning harness of ``chartbrief bench`` on the tiny random Llama: every variant trains on the rows
ChartBrief's fine-tuning encodes, each timed step records the tokens it processed, and the QLoRA variant
runs ChartBrief's own trainer (its loss: LM head on summary tokens only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import derive
from tests import tiny_model

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory) -> Path:
    return tiny_model.build(tmp_path_factory.mktemp("tiny") / "model")


def test_rows_are_encoded_as_fine_tuning_encodes_them(tiny_folder):
    from transformers import AutoTokenizer

    from benchmarks.train_worker import product_rows
    from core.finetune.dataset import IGNORE

    rows = product_rows(AutoTokenizer.from_pretrained(tiny_folder), 3)
    assert len(rows) == 3
    for r in rows:
        assert len(r["input_ids"]) == len(r["labels"])
        prompt = [lab for lab in r["labels"] if lab == IGNORE]
        assert 0 < len(prompt) < len(r["labels"])  # loss on the summary only
        assert r["labels"][-1] == r["input_ids"][-1]


@pytest.mark.parametrize("method, compute", [("lora", "fp32"), ("qlora", "fp32"), ("stock", "bf16")])
def test_each_variant_times_steps_with_their_token_counts(tiny_folder, tmp_path, method, compute):
    job = {"folder": str(tiny_folder), "warmup_steps": 1, "steps": 2, "threads": 1, "budget_s": 240,
           "variant": {"method": method, "compute": compute, "tcmalloc": False, "pinned": False, "grad_ckpt": False},
           "result": str(tmp_path / "r.json")}
    (tmp_path / "job.json").write_text(json.dumps(job))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CHARTBRIEF_NO_BACKGROUND_MEASURE": "1"}
    proc = subprocess.run([sys.executable, "-m", "benchmarks.train_worker", str(tmp_path / "job.json")], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads((tmp_path / "r.json").read_text())
    assert res["done"] and res["rows"] == 3
    steps = res["step_times"]
    assert len(steps) == 3 and all(s["tokens"] > 0 and s["wall_s"] > 0 for s in steps)
    # batch 1 over the three rows: every row's tokens are counted once
    from transformers import AutoTokenizer

    from benchmarks.train_worker import product_rows

    rows = product_rows(AutoTokenizer.from_pretrained(tiny_folder), 3)
    assert sorted(s["tokens"] for s in steps) == sorted(len(r["input_ids"]) for r in rows)
    row = derive.train_row(job["variant"], method, res, 100.0, {"warmup_steps": 1, "steps": 2}, [], None, None)
    timed = steps[1:]
    assert row["status"] == "ok"
    assert row["tokens_per_s"] == pytest.approx(sum(s["tokens"] for s in timed) / sum(s["wall_s"] for s in timed),
                                                 rel=1e-3)
