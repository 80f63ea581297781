"""Model registry, inspection, conversion (the tied-embedding trap) and clear errors for bad models."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from core.cli import main as cli_main
from core.errors import InsufficientMemory, ModelError
from core.models import inspect as inspect_model
from core.models import memory, registry
from core.models.convert import hf_folder


def test_embedded_model_is_found_and_inspected(embedded):
    assert embedded.architecture == "llama"
    assert 100e6 < embedded.parameters < 200e6
    assert embedded.context_length == 8192
    facts = inspect_model.inspect(embedded.path)
    assert facts.tied_embeddings, "SmolLM2's GGUF has no output.weight: the head is tied to the embeddings"


@pytest.mark.slow
def test_gguf_conversion_ties_lm_head_and_answers_sensibly(embedded):
    """transformers' GGUF config leaves tie_word_embeddings false for SmolLM2, which randomizes lm_head.

    The converted folder must have the head tied (identical to the embeddings) and give the model's
    real greedy answer; the untied load (the trap) gives different logits.
    """
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder = hf_folder(embedded)
    cfg = json.loads((folder / "config.json").read_text())
    assert cfg["tie_word_embeddings"] is True
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
    assert torch.equal(model.lm_head.weight, model.get_input_embeddings().weight)
    ids = tok.apply_chat_template([{"role": "user", "content": "What is the capital of France?"}],
                                  add_generation_prompt=True, return_tensors="pt")
    out = model.generate(ids, max_new_tokens=12, do_sample=False)
    assert "Paris" in tok.decode(out[0, ids.shape[1]:])

    # The trap, reproduced: the same weights with an untied, randomly initialised head disagree.
    trap_cfg = AutoConfig.from_pretrained(folder)
    trap_cfg.tie_word_embeddings = False
    torch.manual_seed(0)
    trap = AutoModelForCausalLM.from_pretrained(folder, config=trap_cfg, torch_dtype=torch.float32)
    with torch.no_grad():
        good, bad = model(ids).logits[0, -1], trap(ids).logits[0, -1]
    assert not torch.allclose(good, bad, atol=1e-2)


def test_llama_cpp_agrees_on_greedy_tokens_when_available(embedded):
    llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is the bench extra")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = hf_folder(embedded)
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
    prompt = tok.apply_chat_template([{"role": "user", "content": "Name three colours."}],
                                     tokenize=False, add_generation_prompt=True)
    ids = tok(prompt, return_tensors="pt", add_special_tokens=False)["input_ids"]
    ours = model.generate(ids, max_new_tokens=8, do_sample=False)[0, ids.shape[1]:].tolist()
    llm = llama_cpp.Llama(model_path=embedded.path, n_ctx=512, n_threads=2, verbose=False, logits_all=False)
    theirs = []
    tokens = ids[0].tolist()
    for t in llm.generate(tokens, temp=0.0, top_k=1, repeat_penalty=1.0):
        theirs.append(t)
        if len(theirs) == 8:
            break
    # Both run the same Q4_1 weights (ours dequantized to fp32): the first greedy tokens agree.
    assert ours[:4] == theirs[:4]


def test_not_a_model(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    with pytest.raises(ModelError, match="not a model"):
        inspect_model.inspect(f)


def test_corrupt_gguf(tmp_path, embedded):
    f = tmp_path / "broken.gguf"
    f.write_bytes(Path(embedded.path).read_bytes()[:4096])  # right magic, truncated
    with pytest.raises(ModelError, match="corrupt"):
        inspect_model.inspect(f)
    g = tmp_path / "fake.gguf"
    g.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(ModelError, match="not a GGUF"):
        inspect_model.inspect(g)


def test_unsupported_architecture(tmp_path):
    d = tmp_path / "gpt2"
    d.mkdir()
    (d / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    with pytest.raises(ModelError, match="'gpt2' model"):
        inspect_model.inspect(d)


def test_hf_folder_without_weights_or_tokenizer(tmp_path):
    d = tmp_path / "llama"
    d.mkdir()
    (d / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(ModelError, match="no weights"):
        inspect_model.inspect(d)
    (d / "model.safetensors").write_bytes(struct.pack("<Q", 2) + b"{}")
    with pytest.raises(ModelError, match="no tokenizer"):
        inspect_model.inspect(d)


def test_import_records_and_lists(home, embedded, tmp_path):
    rec = registry.import_model(embedded.path, name="copy of smollm")
    assert rec.id.startswith("gguf:") and rec in registry.list_models()
    assert registry.get(rec.id) == rec
    with pytest.raises(ModelError, match="No model with id"):
        registry.get("gguf:nope")


def test_memory_estimate_refuses_when_it_will_not_fit(embedded, monkeypatch):
    class Tiny:
        available = 10 * 2**20

    monkeypatch.setattr(memory.psutil, "virtual_memory", lambda: Tiny)
    with pytest.raises(InsufficientMemory, match="needs about .* GiB"):
        memory.check_fits(embedded)


@pytest.mark.parametrize("content,needle", [(b"just text", "not a model"), (b"GGUF\x03\x00", "corrupt")])
def test_cli_import_model_bad_input_exit_code(tmp_path, capsys, home, content, needle):
    f = tmp_path / ("m.gguf" if content.startswith(b"GGUF") else "m.bin")
    f.write_bytes(content)
    rc = cli_main(["import-model", str(f)])
    assert rc != 0
    assert needle in capsys.readouterr().err
