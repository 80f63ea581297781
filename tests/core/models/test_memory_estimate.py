"""The memory estimate is for the engine that will run, and does not fall below what ``chartbrief bench``
measured (peak RSS of the committed full run, embedded SmolLM2-135M, notes up to ~6,000 tokens)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.engines import auto
from core.models import memory
from core.models.registry import ModelRecord

BENCH = sorted((Path(__file__).resolve().parents[3] / "benchmarks" / "results").glob("bench-*.json"))
SMOLLM2 = ModelRecord("m", "SmolLM2-135M", "gguf", "/x.gguf", "llama", 134_515_008, 8192)


def _measured_peaks() -> dict[tuple[str, str], float]:
    doc = max((json.loads(p.read_text()) for p in BENCH), key=lambda d: d["date"])  # the newest run
    return {(r["engine"], r["variant"]): r["peak_rss_mib"] / 1024 for r in doc["inference"]
            if r["model"] == "smollm2-135m" and r["status"] == "ok" and r["threads"] == doc["threads"]["inference"]
            and r["engine"] != "llama_cpp"}


@pytest.mark.parametrize("engine,variant", [("openvino", "int4"), ("ipex_llm", "sym_int4"), ("reference", "fp32")])
def test_estimate_covers_the_measured_peak_without_wild_overshoot(engine, variant):
    measured = _measured_peaks()[(engine, variant)]
    est = memory.estimate(SMOLLM2, variant, engine=engine).needed_gib
    assert measured <= est <= 2 * measured, (engine, measured, est)


def test_openvino_is_estimated_above_ipex_llm_as_measured():
    # 0.84 GiB (OpenVINO, up to ~6,000 tokens) against 0.83 GiB (IPEX-LLM) in the newest run: OpenVINO's
    # export and first compile (not in the bench's cached loads) peak higher
    assert memory.estimate(SMOLLM2, "int4", engine="openvino").needed_gib > \
        memory.estimate(SMOLLM2, "sym_int4", engine="ipex_llm").needed_gib


def test_auto_is_estimated_for_the_engine_it_will_run(home, monkeypatch):
    assert auto.will_run(SMOLLM2, "auto", "default") == ("openvino", "int4")  # not measured: the costlier
    monkeypatch.setattr(auto, "cached_choice", lambda record: {"engine": "ipex_llm", "variant": "sym_int4"})
    assert auto.will_run(SMOLLM2, "auto", "default") == ("ipex_llm", "sym_int4")
    assert auto.will_run(SMOLLM2, "reference", "bf16") == ("reference", "bf16")
