"""The OpenVINO decode loop: token choice as the transformers path, prompt lookup token-identical, cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.engines.base import GenerationSettings
from core.engines.ov_decode import LookupStats, PromptLookup, TokenPolicy
from core.engines.ov_paged import PagedLM
from core.errors import Cancelled
from tests.model_fixtures import engine

SAMPLE = Path(__file__).parents[3] / "resources" / "samples" / "cardiology_admission.txt"
EXACT = {"INFERENCE_PRECISION_HINT": "f32", "DYNAMIC_QUANTIZATION_GROUP_SIZE": "0", "KV_CACHE_PRECISION": "f32"}


def _hf_choice(logits, prompt, out, settings):
    """The next token as transformers' generate picks it with ChartBrief's processors."""
    import torch
    from transformers import RepetitionPenaltyLogitsProcessor

    from core.engines.streaming import NoRepeatOutputNGram

    ids = torch.tensor([list(prompt) + list(out)])
    scores = torch.tensor(logits)[None, :].clone()
    scores = RepetitionPenaltyLogitsProcessor(settings.repetition_penalty)(ids, scores)
    scores = NoRepeatOutputNGram(settings.no_repeat_output_ngram, len(prompt))(ids, scores)
    return int(scores[0].argmax())


def test_token_choice_matches_the_transformers_processors():
    rng = np.random.default_rng(0)
    settings = GenerationSettings(no_repeat_output_ngram=3, repetition_penalty=1.3)
    vocab, prompt = 40, [int(t) for t in rng.integers(0, 40, 25)]
    policy = TokenPolicy(settings, prompt, eos_ids=[0])
    out: list[int] = []
    bans = 0
    for _ in range(120):
        logits = rng.normal(size=vocab).astype(np.float32)
        # favour continuing a repeat so the n-gram ban has work to do
        if len(out) >= 2:
            logits[out[-2]] += 3.0
        ours, theirs = policy.choose(logits), _hf_choice(logits, prompt, out, settings)
        assert ours == theirs
        bans += int(ours != int(logits.argmax()))
        policy.accept(ours)
        out.append(ours)
    assert bans > 5, "the penalty and the ban changed some choices"


def test_end_of_text_is_held_off_until_min_new_tokens():
    settings = GenerationSettings(min_new_tokens=3, max_new_tokens=10)
    policy = TokenPolicy(settings, [5, 6], eos_ids=[1])
    logits = np.zeros(8, np.float32)
    logits[1] = 10.0
    for _ in range(3):
        assert policy.choose(logits) != 1
        policy.accept(2)
    assert policy.choose(logits) == 1


def test_prompt_lookup_drafts_what_followed_the_last_ngram():
    look = PromptLookup([1, 2, 3, 4, 5, 9, 1, 2], draft=3, n=2)
    assert look.draft() == [3, 4, 5]
    look.add(7)
    assert look.draft() == []  # (2, 7) never seen
    look = PromptLookup([1, 2, 3, 1, 2, 8, 1, 2], draft=2, n=2)
    assert look.draft() == [8, 1], "the latest occurrence wins"


def _exact_lm():
    eng = engine("openvino", "int4")
    return eng, PagedLM(eng.cache_folder() / "openvino_model.xml", {**eng._ov_config(), **EXACT})


@pytest.mark.slow
def test_greedy_output_is_the_transformers_path_token_for_token():
    """Same IR, exact precision: this loop and optimum-intel's ``generate`` with ChartBrief's processors
    write the same tokens."""
    import torch
    from optimum.intel import OVModelForCausalLM
    from transformers import LogitsProcessorList

    from core.engines.streaming import NoRepeatOutputNGram

    eng, lm = _exact_lm()
    settings = GenerationSettings(max_new_tokens=48, min_new_tokens=48)
    prompt = eng.chat_prompt("You summarize clinical notes.", SAMPLE.read_text())
    ids = eng.token_ids(prompt)
    from core.engines import ov_decode

    ours = list(ov_decode.generate(lm, TokenPolicy(settings, ids, eng.eos_ids), ids))
    hf = OVModelForCausalLM.from_pretrained(eng.cache_folder(), export=False, compile=True, ov_config=EXACT)
    with torch.inference_mode():
        out = hf.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                          max_new_tokens=48, min_new_tokens=48, do_sample=False,
                          repetition_penalty=settings.repetition_penalty,
                          logits_processor=LogitsProcessorList([NoRepeatOutputNGram(6, len(ids))]),
                          pad_token_id=eng.tokenizer.eos_token_id)
    assert ours == out[0, len(ids):].tolist()


@pytest.mark.slow
def test_prompt_lookup_output_is_token_identical_to_plain_decoding():
    from core.engines import ov_decode

    eng, lm = _exact_lm()
    prompt = eng.chat_prompt("You summarize clinical notes. Quote medications exactly.", SAMPLE.read_text())
    ids = eng.token_ids(prompt)
    plain = GenerationSettings(max_new_tokens=96)
    base = list(ov_decode.generate(lm, TokenPolicy(plain, ids, eng.eos_ids), ids))
    for k in (1, 3, 5):
        stats = LookupStats()
        settings = GenerationSettings(max_new_tokens=96, prompt_lookup=k)
        drafted = list(ov_decode.generate(lm, TokenPolicy(settings, ids, eng.eos_ids), ids, lookup=k, stats=stats))
        assert drafted == base, k
        assert stats.drafted > 0 and stats.steps < len(base), (k, stats)


@pytest.mark.slow
def test_openvino_cancel_stops_within_a_token():
    eng = engine("openvino", "int4")
    prompt = eng.chat_prompt("You write long stories.", "Tell a very long story about a lighthouse.")
    seen: list[str] = []
    with pytest.raises(Cancelled):
        seen.extend(eng.stream(prompt, should_stop=lambda: len(seen) >= 3))
    assert 3 <= len(seen) <= 5


def test_openvino_runtime_precision_follows_the_measurements():
    from core import hardware
    from core.engines.openvino import F32_FROM_PARAMETERS, runtime_precision

    hw = Path(__file__).parents[1] / "fixtures" / "hardware"

    def info(name):
        return hardware.build_info((hw / f"{name}.cpuinfo").read_text(), (hw / f"{name}.meminfo").read_text())

    zen4, spr, laptop = info("zen4_2vcpu"), info("sapphire_rapids_amx"), info("laptop_avx2")
    assert zen4.bf16_native and not zen4.has_amx
    assert runtime_precision(F32_FROM_PARAMETERS, zen4) == "f32"  # 1B class on AVX-512-BF16: f32 decodes faster
    assert runtime_precision(134_000_000, zen4) is None  # the embedded model: bf16 prefill wins end to end
    assert runtime_precision(F32_FROM_PARAMETERS, spr) is None  # AMX keeps bf16
    assert runtime_precision(F32_FROM_PARAMETERS, laptop) is None  # no native bf16: OpenVINO runs f32 anyway


def test_sampling_draws_from_the_top_tokens_with_a_seeded_generator():
    settings = GenerationSettings(do_sample=True, temperature=0.7, repetition_penalty=1.0, no_repeat_output_ngram=0)
    logits = np.full(12, -5.0, np.float32)
    logits[[3, 7]] = 4.0
    draws = {TokenPolicy(settings, [], eos_ids=[0], seed=s).choose(logits) for s in range(20)}
    assert draws == {3, 7}, "a 12-token vocabulary (below top-k) samples, and only the likely tokens"


@pytest.mark.slow
def test_paged_cache_growth_and_forgotten_drafts_change_nothing(monkeypatch):
    """The KV cache grows by reallocation (a block that is read but not yet written must hold no NaN), and a
    forgotten draft's slots are overwritten: both give the logits of a run that never needed either."""
    from core.engines import ov_paged

    eng, roomy = _exact_lm()
    monkeypatch.setattr(ov_paged, "FIRST_CAPACITY", 40)
    tight = PagedLM(eng.cache_folder() / "openvino_model.xml", {**eng._ov_config(), **EXACT})
    ids = eng.token_ids(SAMPLE.read_text())[:100]
    a, b = roomy.last_logits(ids[:50]), tight.last_logits(ids[:50])  # 2 blocks of 32 allocated: room for 64
    assert np.allclose(a, b, atol=1e-3)
    for tok in ids[50:]:  # the 65th token reallocates: the first 64 must come along
        a, b = roomy.forward([tok])[-1], tight.forward([tok])[-1]
        assert np.isfinite(b).all() and np.allclose(a, b, atol=1e-3)
    rows = tight.forward([21, 22, 23, 24], 4)
    tight.forget(3)
    again = tight.forward([22], 1)[-1]
    assert np.allclose(rows[1], again, atol=1e-3)
    assert np.allclose(roomy.forward([21, 22], 1)[-1], again, atol=1e-3)
