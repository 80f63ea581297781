"""Prompt building, GGUF export helpers, the plans and the timing arithmetic (pure; no timing asserted)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import gguf_export, infer_worker, notes, plan, timing


def words(text: str) -> int:
    return len(text.split())


def test_build_note_fills_to_the_target_without_exceeding_it():
    src = ["alpha beta gamma\ndelta epsilon", "one two three four\nfive six seven", "x y z"]
    for target in (1, 3, 7, 11, 30):
        note = notes.build_note(src, target, words)
        assert words(note) <= target
        assert words(note) >= min(target, 1)
    assert notes.build_note(src, 5, words) == "alpha beta gamma\ndelta epsilon"


def test_build_note_cycles_when_the_notes_run_out():
    note = notes.build_note(["a b"], 9, words)  # "a b --- a b --- a b" (the separator counts here)
    assert 8 <= words(note) <= 9 and note.count(notes.SEPARATOR.strip()) >= 2


def test_build_prompts_sizes_the_whole_prompt():
    def render(note):
        return f"SYSTEM PROMPT [{note}] END"

    out = notes.build_prompts([10, 40], render, words, notes=["w " * 50])
    assert [p["target"] for p in out] == [10, 40]
    for p in out:
        assert p["tokens"] <= p["target"] and p["tokens"] >= p["target"] - 1


def test_build_note_rejects_nonsense():
    with pytest.raises(ValueError):
        notes.build_note([], 10, words)


def test_gguf_names_follow_llama_cpp():
    assert gguf_export.gguf_name("model.embed_tokens.weight") == "token_embd.weight"
    assert gguf_export.gguf_name("model.layers.3.self_attn.q_proj.weight") == "blk.3.attn_q.weight"
    assert gguf_export.gguf_name("model.layers.0.mlp.down_proj.weight") == "blk.0.ffn_down.weight"
    assert gguf_export.gguf_name("model.layers.0.post_attention_layernorm.weight") == "blk.0.ffn_norm.weight"
    assert gguf_export.gguf_name("model.rotary_emb.inv_freq") is None


def test_qk_permutation_interleaves_rope_halves_per_head():
    head_dim, heads = 4, 2
    w = np.arange(heads * head_dim)[:, None].astype(np.float32)
    out = gguf_export.permute_qk(w, heads)[:, 0].tolist()
    assert out == [0, 2, 1, 3, 4, 6, 5, 7]


def test_vocab_is_padded_with_unused_tokens():
    toks, types = gguf_export.padded_vocab(["a", "b"], [1, 3], 4)
    assert toks == ["a", "b", "[PAD2]", "[PAD3]"] and types[2:] == [5, 5]
    with pytest.raises(ValueError):
        gguf_export.padded_vocab(["a", "b", "c"], [1, 1, 1], 2)


def test_quick_plan_is_small_and_full_plan_covers_every_engine():
    q = plan.quick(1, 2, 1)
    assert {(c.engine, c.variant) for c in q.configs} == {
        ("ipex_llm", "sym_int4"), ("openvino", "int4"), ("reference", "fp32"), ("llama_cpp", "Q4_1")}
    assert q.per_model[plan.EMBEDDED].new_tokens == 200 and q.per_model[plan.EMBEDDED].e2e_target == 2000
    q1b = plan.quick(1, 2, 1, one_b=True)
    assert {(c.model, c.engine) for c in q1b.configs if c.model == plan.ONE_B} == {
        (plan.ONE_B, "openvino"), (plan.ONE_B, "llama_cpp")} and plan.ONE_B in q1b.per_model
    f = plan.full(1, 2, 1)
    pairs = {(c.model, c.engine, c.variant) for c in f.configs}
    for v in ("sym_int4", "asym_int4", "sym_int8", "bf16"):
        assert (plan.EMBEDDED, "ipex_llm", v) in pairs
    assert (plan.ONE_B, "llama_cpp", "Q4_1") in pairs
    assert any(c.threads == 2 for c in f.configs)
    assert any(v.method == "lora" for v in f.training.variants)
    assert all(plan.train_default(n, m) in f.training.variants for n in (False, True) for m in (None, "fp32", "bf16"))
    assert plan.full(1, 2, 1, skip_training=True).training is None
    two = plan.full(2, 2, 1)  # ChartBrief on every CPU: the sweep measures one thread
    assert {(c.engine, c.threads) for c in two.configs if not c.cold and c.model == plan.EMBEDDED} == {
        ("ipex_llm", 1), ("openvino", 1), ("llama_cpp", 1)}
    assert plan.sweep_threads(1, 1) is None and plan.sweep_threads(1, 4) == 4 and plan.sweep_threads(4, 4) == 1


def test_timing_summary_arithmetic():
    out = timing.summarize_times(10.0, [12.0, 12.5, 13.0], prompt_tokens=100, cpu_s=1.5, t_end=13.0,
                                 requested=3)
    assert out["ttft_s"] == 2.0 and out["prefill_tps"] == 50.0
    assert out["decode_tps"] == 2.0 and out["complete"] and out["cpu_util"] == 0.5
    short = timing.summarize_times(0.0, [1.0], 10, 1.0, 1.0, 5)
    assert not short["complete"] and "decode_tps" not in short


def test_prefill_prediction_pads_for_attention_when_extrapolating_upwards():
    pad = infer_worker.ATTENTION_SAFETY
    assert infer_worker.predicted_prefill_s(1000, 100.0) == pytest.approx(10 * pad)
    assert infer_worker.predicted_prefill_s(1000, 100.0, 2000) == pytest.approx(10 * pad)  # shorter: linear
    assert infer_worker.predicted_prefill_s(6000, 100.0, 1500) == pytest.approx(60 * pad * 2)  # 4× longer
    assert infer_worker.predicted_prefill_s(1000, None) is None
