"""Rows, shares, ratios to the default, and the engine choice (pure; no timing)."""

from __future__ import annotations

import pytest
from bench_fixtures import make_row

from benchmarks import derive


def test_default_is_autos_rule_over_its_candidates(rows):
    cands = [("ipex_llm", "sym_int4"), ("openvino", "int4")]
    d = derive.default_row(rows, "smollm2-135m", cands, 1)
    # openvino: 1500/150 + 200/25 = 18 < ipex: 1500/100 + 200/20 = 25; llama.cpp is faster but no candidate
    assert (d["engine"], d["variant"]) == ("openvino", "int4")
    assert derive.auto_score(d) == pytest.approx(18.0)


def test_ratios_are_speed_relative_to_default(doc):
    by = {r["engine"] + r["variant"]: r for r in doc["inference"]}
    assert by["openvinoint4"]["is_default"] and by["openvinoint4"]["vs_default"]["e2e"] == 1.0
    assert by["llama_cppQ4_1"]["vs_default"]["e2e"] == pytest.approx(1.5)  # 30 s / 20 s
    assert by["llama_cppQ4_1"]["vs_default"]["decode"] == pytest.approx(1.6)
    assert by["referencefp32"]["vs_default"]["peak_rss"] == pytest.approx(2.4)
    assert by["referencebf16"]["vs_default"]["e2e"] is None  # incomplete summary: no ratio


def test_best_choice_ignores_llama_cpp_and_incomplete_runs(rows):
    best = derive.best_choice(rows, "smollm2-135m")
    assert (best["engine"], best["variant"]) == ("openvino", "int4")
    entry = derive.choice_entry(best, rows, "now", 2000, 200)
    assert entry["source"] == "bench" and entry["threads"] == 1
    assert {m["engine"] for m in entry["measured"]} == {"ipex_llm", "openvino", "reference"}


def test_status_and_shares():
    ok = make_row("ipex_llm", "sym_int4", 40.0, 100.0, 20.0)
    assert ok["status"] == "ok"
    assert ok["prefill"]["2000"]["from"] == "the summary's first token"
    # 10 GB/s over 130M params: 100M·18/32 + 30M·4 + norms bytes per token
    bpt = ok["weight_bytes_per_token"]
    assert ok["shares"]["decode"] == pytest.approx(20.0 / (10e9 / bpt), abs=1e-3)  # rounded to 3 places
    assert ok["shares"]["prefill"]["2000"] == pytest.approx(100.0 / (50e9 / (2 * 130_000_000)), abs=1e-3)
    partial = make_row("reference", "bf16", 500.0, 2.0, 1.0, complete=False)
    assert partial["status"] == "partial"
    assert partial["limits"]["gemm_dtype"] == "bf16"
    llama = make_row("llama_cpp", "Q4_1", 20.0, 250.0, 40.0)
    assert llama["weight_bytes_per_token"] == 80_000_000


def test_missing_child_results_make_a_failed_row():
    row = derive.infer_row({"model": "m", "engine": "openvino", "variant": "int4", "threads": 1, "label": "x"},
                           None, None, None, None, ["cold process exited 1: boom"])
    assert row["status"] == "failed" and row["e2e"] is None


def test_training_ratios(doc):
    base, qlora, bf16 = doc["training"]
    assert base["tokens_per_s"] == pytest.approx(25.6)  # 256 tokens / 10 s
    assert qlora["vs_baseline"] == pytest.approx(0.5)
    assert qlora["is_default"] and qlora["vs_default"] == 1.0
    assert bf16["status"] == "skipped" and bf16.get("tokens_per_s") is None
    # the share is per CPU-second: 256 tokens / 9 CPU-s against 50 GFLOP per CPU-s
    assert base["share_of_gemm_peak"] == pytest.approx(256 / 9 / (50e9 / (6 * 130_000_000)), abs=1e-3)


def test_shares_use_cpu_seconds_when_recorded():
    cfg = {"model": "m", "engine": "reference", "variant": "fp32", "threads": 1, "label": "x", "e2e_target": 2000}
    run = {"prompt_tokens": 2000, "new_tokens": 200, "requested_tokens": 200, "complete": True, "total_s": 20.0,
           "cpu_s": 10.0, "prefill_tps": 200.0, "decode_tps": 20.0, "prefill_tps_cpu": 400.0,
           "decode_tps_cpu": 40.0}
    row = derive.infer_row(cfg, None, {"steps": {"e2e": run}, "skipped": {}}, None, 100.0, [])
    split = derive.roofline.ParamSplit(linear=10**8, head=0, embed=0, norms=0, tied=True)
    lim = {"bandwidth_gbs": 5.0, "bandwidth_gbs_cpu": 10.0, "fp32_gflops": 10.0, "fp32_gflops_cpu": 20.0}
    derive.add_shares(row, split, lim, None)
    assert row["limits"]["basis"] == "cpu"
    # decode: 40 tok per CPU-s ÷ (10 GB/s ÷ 400 MB per token = 25 tok/s) = 1.6
    assert row["shares"]["decode"] == pytest.approx(1.6)
    # prefill: 400 ÷ (20 GFLOP/s ÷ 0.2 GFLOP per token = 100 tok/s) = 4.0
    assert row["shares"]["prefill"]["2000"] == pytest.approx(4.0)


def test_probe_rates_stand_in_when_no_summary_fitted():
    def probe_only(engine, variant, pre, dec):
        row = make_row(engine, variant, 1.0, 1.0, 1.0, model="big")
        row["e2e"], row["decode_tps"] = None, None
        row["probe"] = {"prompt_tokens": 202, "prefill_tps": pre, "decode_tps": dec}
        return row

    rows = [probe_only("ipex_llm", "sym_int4", 4.0, 2.0), probe_only("openvino", "int4", 8.0, 1.0),
            probe_only("llama_cpp", "Q4_1", 5.0, 4.0)]
    assert derive.rates(rows[0]) == (4.0, 2.0, "probe")
    d = derive.default_row(rows, "big", [("ipex_llm", "sym_int4"), ("openvino", "int4")], 1)
    assert d["engine"] == "openvino"  # 1500/8 + 200/1 = 387.5 beats 1500/4 + 200/2 = 475
    derive.add_ratios(rows, d)
    llama = rows[2]["vs_default"]
    assert llama["rates_basis"] == "probe" and llama["e2e"] is None
    assert llama["decode"] == pytest.approx(4.0) and llama["prefill"] == pytest.approx(0.625)
