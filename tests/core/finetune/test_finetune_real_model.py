"""Integration: a few QLoRA steps on the real embedded model; the adapter then drives both engines."""

from __future__ import annotations

import pytest
from conftest import follow

from core.finetune import TrainOptions, prepare, start

pytestmark = pytest.mark.slow
NOTE = ("Seen for left knee pain after a fall. BP 128/82 mmHg. Started naproxen 500 mg twice daily. "
        "X-ray of the left knee: no fracture. Follow up in 2 weeks.")


def test_two_steps_on_the_embedded_model(home, tmp_path):
    import json

    from core import adapters, engines
    from core.engines import GenerationSettings
    from core.paths import RESOURCES
    from core.summarize import run as summarize

    rows = (RESOURCES / "datasets" / "synthetic_notes.jsonl").read_text().splitlines()[:40]
    data = tmp_path / "pairs.jsonl"
    data.write_text("\n".join(rows) + "\n")
    opts = TrainOptions(max_steps=2, grad_accum=1, checkpoint_every=1, eval_limit=0)
    prepared = prepare(data, opts)
    assert prepared.report.usable == 40  # max_length 1152 keeps every shipped row
    events = follow(start(data, opts, prepared=prepared), timeout=900)
    assert events[-1]["event"] == "finished", events[-3:]
    steps = [e for e in events if e["event"] == "step"]
    assert len(steps) == 2 and all(0 < e["loss"] < 5 for e in steps)
    adapter_id = events[-1]["adapter_id"]
    cfg = json.loads((adapters.get(adapter_id).path / "adapter_config.json").read_text())
    assert cfg["peft_type"] == "LORA" and "training_mode" not in cfg  # stock peft fields only
    settings = GenerationSettings(max_new_tokens=24)
    for name in ("reference", "ipex_llm"):
        engine = engines.load(name, adapter=adapters.resolve(adapter_id))
        result = summarize(NOTE, "brief", engine, settings=settings)
        assert result.summary and result.engine["adapter"] == adapter_id
        engine.unload()
