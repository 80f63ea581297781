"""Export: the stock PEFT folder loads with ``peft.PeftModel`` and gives the reference engine's output;
the merged folder loads with plain transformers and gives the same output."""

from __future__ import annotations

import pytest

from core import adapters, audit, engines
from core.models import import_model


@pytest.fixture
def registered(home, tiny_model_dir, tmp_path):
    """A stock-peft LoRA with random (non-zero) weights on the tiny model, registered."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    record = import_model(tiny_model_dir)
    torch.manual_seed(1)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, torch_dtype=torch.float32)
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"],
                                                  init_lora_weights=False, task_type="CAUSAL_LM"))
    peft_model.save_pretrained(tmp_path / "src")
    return record, adapters.register(tmp_path / "src", base_model_id=record.id).id


def _last_logits(model, tok, prompt):
    import torch

    with torch.inference_mode():
        return model(**tok(prompt, return_tensors="pt", add_special_tokens=False)).logits[0, -1]


def test_stock_peft_and_merged_exports_match_the_reference_engine(registered, tiny_model_dir, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    record, adapter_id = registered
    engine = engines.load("reference", record.id, "fp32", adapters.resolve(adapter_id))
    prompt = engine.chat_prompt("You summarize.", "Left knee pain; naproxen 500 mg.")
    ours = _last_logits(engine.model, engine.tokenizer, prompt)

    peft_dir = adapters.export(adapter_id, tmp_path / "peft")
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, torch_dtype=torch.float32)
    plain = _last_logits(base, tok, prompt)
    stock = PeftModel.from_pretrained(base, str(peft_dir)).eval()
    assert torch.allclose(_last_logits(stock, tok, prompt), ours, atol=1e-5)
    assert (plain - ours).abs().max() > 1e-3

    merged_dir = adapters.export(adapter_id, tmp_path / "merged", merged=True)
    merged = AutoModelForCausalLM.from_pretrained(merged_dir, torch_dtype=torch.float32)
    assert torch.allclose(_last_logits(merged, AutoTokenizer.from_pretrained(merged_dir), prompt), ours, atol=1e-4)
    assert [e["merged"] for e in audit.read() if e["action"] == "adapter-export"] == [False, True]


def test_export_refuses_a_non_empty_folder(registered, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file").write_text("x")
    with pytest.raises(adapters.AdapterError, match="not an empty folder"):
        adapters.export(registered[1], tmp_path / "taken")
