"""A fine-tuned adapter, exported, loads with stock peft and matches ChartBrief's reference engine."""

from __future__ import annotations

from conftest import follow, quick_options

from core.finetune import prepare, start

NOTE = "CARDIOLOGY CLINIC NOTE\nBP 121/84 mmHg, HR 108 bpm. Started metoprolol 25 mg twice daily."


def _greedy(model, tok, prompt: str, n: int = 12):
    import torch

    enc = tok(prompt, return_tensors="pt", add_special_tokens=False)
    with torch.inference_mode():
        logits = model(**enc).logits[0, -1]
        out = model.generate(**enc, max_new_tokens=n, do_sample=False, pad_token_id=tok.pad_token_id)
    return logits, tok.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True)


def test_exported_adapter_loads_with_stock_peft_and_matches_the_reference_engine(tiny_id, small_data, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core import adapters, engines
    from core.models import registry

    # A high learning rate so that a few steps move the tiny model's outputs measurably.
    opts = quick_options(tiny_id, max_steps=4, learning_rate=0.05, checkpoint_every=100)
    events = follow(start(small_data, opts, prepared=prepare(small_data, opts)))
    assert events[-1]["event"] == "finished", events[-3:]
    adapter_id = events[-1]["adapter_id"]

    engine = engines.load("reference", tiny_id, "fp32", adapters.resolve(adapter_id))
    prompt = engine.chat_prompt("You summarize.", NOTE)
    ours_logits, ours_text = _greedy(engine.model, engine.tokenizer, prompt)

    out = adapters.export(adapter_id, tmp_path / "peft")
    base_dir = registry.get(tiny_id).path
    tok = AutoTokenizer.from_pretrained(base_dir)
    base = AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=torch.float32)
    base_logits, _ = _greedy(base, tok, prompt)
    stock = PeftModel.from_pretrained(base, str(out)).eval()
    stock_logits, stock_text = _greedy(stock, tok, prompt)
    assert stock_text == ours_text
    assert torch.allclose(stock_logits, ours_logits, atol=1e-5)
    assert (stock_logits - base_logits).abs().max() > 1e-3  # the adapter really changes the model

    merged_dir = adapters.export(adapter_id, tmp_path / "merged", merged=True)
    merged = AutoModelForCausalLM.from_pretrained(merged_dir, torch_dtype=torch.float32)
    merged_logits, merged_text = _greedy(merged, AutoTokenizer.from_pretrained(merged_dir), prompt)
    assert merged_text == ours_text
    assert torch.allclose(merged_logits, ours_logits, atol=1e-4)

