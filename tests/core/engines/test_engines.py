"""Engines on the real embedded model: every style streams text on every engine; caches; auto; choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import engines, hardware
from core.engines import auto
from core.errors import Cancelled, EngineError
from core.summarize import STYLES
from core.summarize import run as summarize_run
from tests.model_fixtures import SHORT, engine

HW = Path(__file__).parents[1] / "fixtures" / "hardware"
SAMPLE = Path(__file__).parents[3] / "resources" / "samples" / "cardiology_admission.txt"

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name,variant", [("ipex_llm", "sym_int4"), ("openvino", "int4"), ("reference", "fp32")])
@pytest.mark.parametrize("style", STYLES)
def test_each_style_on_each_engine(name, variant, style):
    eng = engine(name, variant)
    result = summarize_run(SAMPLE.read_text(), style, eng, settings=SHORT)
    assert result.summary.strip(), f"{name}/{style} produced no text"
    assert result.engine["name"] == name and result.engine["variant"] == variant
    assert result.timings["output_tokens"] > 0


@pytest.mark.parametrize("name,variant", [("ipex_llm", "sym_int4"), ("openvino", "int4")])
def test_second_start_loads_from_low_bit_cache(name, variant):
    engine(name, variant)  # first start (converts, or reuses this session's conversion)
    again = engines.load(name, None, variant)
    assert again.info.loaded_from_cache
    assert again.cache_folder().is_dir()
    again.unload()


def test_lm_head_stays_full_precision_in_ipex_llm():
    """Quantizing SmolLM2's tied head to int4 turned its output into unrelated text; it must stay fp."""
    import torch

    eng = engine("ipex_llm", "sym_int4")
    head = eng.model.lm_head
    assert isinstance(head, torch.nn.Linear) and head.weight.dtype in (torch.float32, torch.bfloat16)


def test_cancel_stops_streaming_within_a_token():
    eng = engine("reference", "fp32")
    prompt = eng.chat_prompt("You write long stories.", "Tell a very long story about a lighthouse.")
    seen = []

    def stop():
        return len(seen) >= 3

    with pytest.raises(Cancelled):
        seen.extend(eng.stream(prompt, should_stop=stop))
    assert 3 <= len(seen) <= 5


def test_generation_does_not_loop():
    import torch

    from core.engines.streaming import NoRepeatOutputNGram

    proc = NoRepeatOutputNGram(3, prompt_len=2)
    ids = torch.tensor([[9, 9, 1, 2, 3, 1, 2]])  # output 1 2 3 1 2 → "3" would repeat "1 2 3"
    scores = proc(ids, torch.zeros(1, 10))
    assert scores[0, 3] == float("-inf") and scores[0, 4] == 0


def test_amx_cpu_chooses_bf16_path():
    spr = hardware.build_info((HW / "sapphire_rapids_amx.cpuinfo").read_text(),
                              (HW / "sapphire_rapids_amx.meminfo").read_text())
    zen = hardware.build_info((HW / "zen4_2vcpu.cpuinfo").read_text(), (HW / "zen4_2vcpu.meminfo").read_text())
    assert engines.default_variant("ipex_llm", spr) == "bf16"
    assert engines.default_variant("ipex_llm", zen) == "sym_int4"


def test_unknown_engine_and_variant_are_clear_errors():
    with pytest.raises(EngineError, match="Unknown engine"):
        engines.create("tensorrt")
    with pytest.raises(EngineError, match="does not run 'nf4'"):
        engines.create("ipex_llm", variant="nf4")


def test_auto_measures_once_and_caches(embedded, home, monkeypatch):
    calls = []

    def fake_probe(name, variant, record):
        calls.append(name)
        return {"engine": name, "variant": variant, "est_summary_s": 1.0 if name == "openvino" else 2.0}

    monkeypatch.setattr(auto, "probe", fake_probe)
    assert auto.choose(embedded, measure=True) == ("openvino", "int4")
    assert auto.choose(embedded) == ("openvino", "int4")
    assert calls == ["ipex_llm", "openvino"], "the second choice must come from the cache"
    assert auto.cached_choice(embedded)["source"] == "probe"


def test_auto_probe_measures_a_real_engine(embedded):
    res = auto.probe("reference", "fp32", embedded)
    assert res["prefill_tps"] > 0 and res["decode_tps"] > 0 and res["est_summary_s"] > 0


def test_auto_uses_the_engine_and_thread_count_the_bench_measured(embedded, home, monkeypatch):
    import torch

    from core import runtime

    auto.store_choice(embedded, {"engine": "reference", "variant": "fp32", "threads": 1, "source": "bench"})
    eng = engines.create("auto")
    assert (eng.name, eng.variant, eng.threads) == ("reference", "fp32", 1)
    assert engines.create("auto", variant="bf16").threads is None  # measured for fp32 only
    before = torch.get_num_threads()
    try:
        monkeypatch.setitem(runtime._done, "user_threads", False)
        assert runtime.apply_torch_threads(eng.threads) == 1 == torch.get_num_threads()
        monkeypatch.setitem(runtime._done, "user_threads", True)  # OMP_NUM_THREADS set by the user wins
        assert runtime.apply_torch_threads(eng.threads) == runtime._done["threads"]
    finally:
        torch.set_num_threads(before)


def test_auto_says_what_it_measures_step_by_step_and_what_it_chose(embedded, home, monkeypatch):
    monkeypatch.setattr(auto, "probe", lambda name, variant, record: {
        "engine": name, "variant": variant, "est_summary_s": 12.0 if name == "openvino" else 31.0})
    said = []
    auto.choose(embedded, on_status=said.append, measure=True)
    (ipex, ipex_variant), (ov, ov_variant) = auto.candidates()
    assert [m.split(" — ")[0] for m in said[:2]] == [f"Measuring {ipex} ({ipex_variant}) on this CPU, engine 1 of 2",
                                                     f"Measuring {ov} ({ov_variant}) on this CPU, engine 2 of 2"]
    assert said[2] == ("Using openvino (int4), measured fastest here: a typical summary ≈ 12 s "
                       "(ipex_llm ≈ 31 s).")


def test_a_first_start_runs_at_once_on_the_cpu_kinds_default_and_measures_afterwards(embedded, home, monkeypatch):
    from core.engines import auto_probe, isa_defaults
    from core.workers import spawn

    def no_probe(*a):
        raise AssertionError("a first start must not wait for the probe")

    monkeypatch.setattr(auto, "probe", no_probe)
    monkeypatch.setattr(auto, "_pending", set())
    said: list[str] = []
    kind, default = isa_defaults.for_this_cpu()
    assert auto.choose(embedded, on_status=said.append) == (default.engine, default.variant)
    assert said == [(f"Using {default.engine} ({default.variant}), the fastest measured on {kind} CPUs; this "
                     "machine is measured in the background afterwards.")]
    assert auto.cached_choice(embedded) is None, "a default is not a measurement"

    started = []
    monkeypatch.setattr(spawn, "detach", lambda module, argv, cpus, log_file: started.append((module, argv)) or 4242)
    assert auto.measure_later() == [], "tests set CHARTBRIEF_NO_BACKGROUND_MEASURE"
    monkeypatch.delenv(auto.NO_BACKGROUND)
    assert auto.measure_later() == [4242]
    assert started == [("core.engines.auto_probe", [embedded.id])]
    assert auto.measure_later() == [], "once"

    # the detached probe: measures, stores, and later starts use what it measured
    monkeypatch.setattr(auto, "probe", lambda name, variant, record: {
        "engine": name, "variant": variant, "est_summary_s": 1.0 if name == "ipex_llm" else 2.0})
    monkeypatch.setattr(auto_probe.os, "nice", lambda n: 0)
    assert auto_probe.main([embedded.id]) == 0
    assert auto.cached_choice(embedded)["source"] == "probe"
    assert auto.choose(embedded)[0] == "ipex_llm"


def test_only_one_background_probe_measures_at_a_time(home):
    with auto.probe_lock() as first:
        assert first
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(1) as pool:
            assert pool.apply(_try_lock) is False


def _try_lock():
    with auto.probe_lock() as got:
        return got
