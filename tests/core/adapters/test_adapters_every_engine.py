"""An adapter works on every engine: ipex_llm, openvino (the default engine on most CPUs) and reference
load the tiny model with a registered adapter, and their next-token logits follow the adapter, not the
base model (the OpenVINO path once failed: its merged copy had no tokenizer)."""

from __future__ import annotations

import pytest

from core import adapters, engines
from tests.core.adapters.test_adapters_export import registered  # noqa: F401

PROMPT = ("You summarize.", "Left knee pain; naproxen 500 mg.")


def _logits(engine):
    prompt = engine.chat_prompt(*PROMPT)
    return engine.next_token_logits(prompt).float()


@pytest.mark.parametrize(("name", "variant"), [("reference", "fp32"), ("openvino", "int8"), ("ipex_llm", "sym_int8")])
def test_an_adapter_is_applied_on_every_engine(registered, name, variant):  # noqa: F811
    import torch

    record, adapter_id = registered
    reference = engines.load("reference", record.id, "fp32", adapters.resolve(adapter_id))
    base = engines.load("reference", record.id, "fp32", None)
    engine = engines.load(name, record.id, variant, adapters.resolve(adapter_id))
    assert engine.info.adapter_id == adapter_id
    ours, want, plain = _logits(engine), _logits(reference), _logits(base)
    # int8 weights move the logits a little; the adapter moves them much more
    assert (ours - want).abs().max() < 0.25 * (plain - want).abs().max()
    assert torch.argmax(ours) == torch.argmax(want)
    text = "".join(engine.stream(engine.chat_prompt(*PROMPT), engines.GenerationSettings(max_new_tokens=4)))
    assert isinstance(text, str)


def test_loading_an_openvino_model_from_its_cache_prints_nothing(registered, capfd):  # noqa: F811
    """optimum-intel once warned here in offline mode ("Path.replace…", "Could not infer…"); the IR is now
    read by OpenVINO itself, and a clinician's console stays clean."""
    record, _ = registered
    engines.load("openvino", record.id, "int8", None)  # exports, then loads the IR
    capfd.readouterr()
    engine = engines.load("openvino", record.id, "int8", None)  # from the cache
    assert engine.info.loaded_from_cache
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
