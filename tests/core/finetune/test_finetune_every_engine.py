"""Fine-tune → activate → summarize, on every engine a user can pick (ipex_llm, openvino — the default on most
CPUs — and reference), through the ``chartbrief`` commands a user types; each engine's next-token choice after
the prompt agrees with the stock-peft merged model (``PeftModel.merge_and_unload``) built from the same adapter
files, and the plain-precision engine matches its logits. OpenVINO computes in bf16 on CPUs with native bf16
(AVX-512-BF16, AMX) by default; the summary runs that way, the logits check at f32, so that it tests the merged
weights rather than the runtime's precision (the tiny random model's top logits lie closer than bf16 resolves)."""

from __future__ import annotations

import json

import pytest

from core import adapters, engines
from core.adapters.registry import slug
from core.cli import main

PROMPT = ("You summarize.", "Left knee pain; naproxen 500 mg twice daily.")


def _next_logits(model, tokenizer, prompt):
    import torch

    with torch.inference_mode():
        return model(**tokenizer(prompt, return_tensors="pt", add_special_tokens=False)).logits[0, -1].float()


@pytest.mark.slow
def test_finetune_activate_then_summarize_on_every_engine(tiny_id, tiny_model_dir, small_data, tmp_path, capsys,
                                                          monkeypatch):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    assert main(["finetune", str(small_data), "--model", tiny_id, "--max-steps", "4", "--lr", "5e-3",
                 "--grad-accum", "1", "--max-length", "512", "--eval-limit", "0", "--cores", "0", "--yes",
                 "--activate"]) == 0
    adapter_id = f"{slug(tiny_id)}-v1"
    assert f"New adapter: {adapter_id} (active)" in capsys.readouterr().out
    _, adapter_path = adapters.resolve(adapter_id)

    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, torch_dtype=torch.float32)
    base_copy = AutoModelForCausalLM.from_pretrained(tiny_model_dir, torch_dtype=torch.float32)
    merged = PeftModel.from_pretrained(base_copy, adapter_path).merge_and_unload().eval()

    note = tmp_path / "note.txt"
    note.write_text("Left knee pain for 6 weeks. Started naproxen 500 mg twice daily. MRI: medial meniscus tear.\n")
    for name, variant in (("reference", "fp32"), ("openvino", "int8"), ("ipex_llm", "sym_int8")):
        # what a user runs: the active adapter is picked up by default
        assert main(["summarize", str(note), "--model", tiny_id, "--engine", name, "--qtype", variant,
                     "--json"]) == 0, name
        result = json.loads(capsys.readouterr().out)
        assert result["engine"]["adapter"] == adapter_id, (name, result["engine"])

        if name == "openvino":
            from core.engines.openvino import OpenVinoEngine

            def f32_config(self, default=OpenVinoEngine._ov_config):
                return {**default(self), "INFERENCE_PRECISION_HINT": "f32"}

            monkeypatch.setattr(OpenVinoEngine, "_ov_config", f32_config)
        engine = engines.load(name, tiny_id, variant, adapters.resolve(adapter_id))
        prompt = engine.chat_prompt(*PROMPT)
        want = _next_logits(merged, engine.tokenizer, prompt)
        plain = _next_logits(base, engine.tokenizer, prompt)
        ours = engine.next_token_logits(prompt).float()
        assert torch.argmax(ours) == torch.argmax(want), name
        if variant == "fp32":
            assert torch.allclose(ours, want, atol=1e-4), "reference = stock-peft merged"
            assert (want - plain).abs().max() > 1e-3, "the trained adapter changes the model"
        engine.unload()
