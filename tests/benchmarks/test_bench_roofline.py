"""Roofline arithmetic: parameter split, bytes per token, limits and shares (no timing)."""

from __future__ import annotations

import pytest

from benchmarks import roofline
from benchmarks.model1b import SHAPE

SMOLLM2 = {"hidden_size": 576, "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
           "intermediate_size": 1536, "vocab_size": 49152, "tie_word_embeddings": True}


def test_smollm2_split_matches_its_parameter_count():
    s = roofline.llama_split(SMOLLM2)
    assert s.linear == 30 * (2 * 576 * 576 + 2 * 576 * 192 + 3 * 576 * 1536)
    assert s.head == s.embed == 49152 * 576
    assert s.tied
    # 134,515,008 is what the embedded GGUF's tensors add up to (tied: the embedding is stored once).
    assert s.total == 134_515_008


def test_llama_1b_shape_is_about_1_24b_parameters():
    s = roofline.llama_split(SHAPE)
    assert s.total == pytest.approx(1.236e9, rel=0.01)
    assert s.head == 128256 * 2048


def test_ipex_keeps_the_head_in_fp32_so_it_dominates_small_models():
    s = roofline.llama_split(SMOLLM2)
    int4 = roofline.weight_bytes_per_token(s, "ipex_llm", "sym_int4")
    expected = s.linear * 18 / 32 + s.head * 4 + s.norms * 4
    assert int4 == int(expected)
    assert s.head * 4 > s.linear * 18 / 32
    assert roofline.weight_bytes_per_token(s, "ipex_llm", "bf16") < roofline.weight_bytes_per_token(
        s, "reference", "fp32")


def test_engine_formats():
    assert roofline.engine_weight_format("openvino", "int4") == ("ov_int4", "ov_int8")
    assert roofline.engine_weight_format("reference", "bf16") == ("bf16", "bf16")
    with pytest.raises(ValueError):
        roofline.engine_weight_format("llama_cpp", "Q4_1")


def test_gguf_bytes_count_the_embedding_only_when_it_is_the_head():
    tied = [("token_embd.weight", 100), ("blk.0.attn_q.weight", 10), ("output_norm.weight", 1)]
    assert roofline.gguf_bytes_per_token(tied) == 111
    untied = [*tied, ("output.weight", 50)]
    assert roofline.gguf_bytes_per_token(untied) == 61


def test_limits_and_shares():
    assert roofline.decode_limit_tps(10.0, 10**9) == pytest.approx(10.0)
    assert roofline.prefill_limit_tps(100.0, 10**9) == pytest.approx(50.0)  # 2 FLOPs per weight
    assert roofline.training_limit_tps(60.0, 10**9) == pytest.approx(10.0)  # 6 FLOPs per weight
    assert roofline.share(5.0, 10.0) == 0.5
    assert roofline.share(None, 10.0) is None and roofline.share(5.0, 0) is None
    assert roofline.decode_limit_tps(10.0, 0) == 0.0


def test_stream_and_gemm_counting():
    assert roofline.stream_bytes(1000, 4, "copy") == 8000
    assert roofline.stream_bytes(1000, 4, "triad") == 12000
    assert roofline.gemm_flops(2, 3, 4) == 48
