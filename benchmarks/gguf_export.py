"""Write a Hugging Face Llama folder as a GGUF file in the embedded model's own layout, offline.

llama.cpp's ``convert_hf_to_gguf.py`` is not installed; the ``gguf`` package is, and it has the writer
and numpy quantizers. The embedded SmolLM2 GGUF stores every linear weight as Q4_1, the (tied)
token embedding as Q8_0 and norms as F32, so this writes exactly that: llama.cpp then reads the same
formats on both model sizes. Q and K rows are permuted the way llama.cpp's converter does (its RoPE
pairs adjacent dimensions, Hugging Face pairs halves). The tokenizer metadata (gpt2 BPE, merges, chat
template) is copied from a template GGUF and the vocabulary padded with unused ``[PADn]`` tokens up
to the model's embedding rows, as llama.cpp's converter does for padded vocabularies.

Run as ``python -m benchmarks.gguf_export HF_FOLDER TEMPLATE.gguf OUT.gguf``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

LAYER_MAP = {
    "input_layernorm": "attn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "post_attention_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
TOP_MAP = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
           "lm_head.weight": "output.weight"}
COPIED_TOKENIZER_KEYS = ("tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.merges",
                         "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                         "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id",
                         "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_space_prefix",
                         "tokenizer.chat_template")


def gguf_name(hf_name: str) -> str | None:
    """GGUF tensor name for a Hugging Face Llama parameter name (None: not stored)."""
    if hf_name in TOP_MAP:
        return TOP_MAP[hf_name]
    parts = hf_name.split(".")
    if len(parts) >= 5 and parts[0] == "model" and parts[1] == "layers":
        key = ".".join(parts[3:-1])
        if key in LAYER_MAP:
            return f"blk.{parts[2]}.{LAYER_MAP[key]}.{parts[-1]}"
    return None


def permute_qk(w: np.ndarray, n_head: int) -> np.ndarray:
    """Hugging Face → llama.cpp RoPE row order for q_proj (n_head) or k_proj (n_kv_head) weights."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def qtype_for(name: str):
    """The embedded GGUF's layout: Q8_0 embedding/head, Q4_1 linears, F32 norms."""
    from gguf import GGMLQuantizationType as Q

    if name.endswith("norm.weight"):
        return Q.F32
    if name in ("token_embd.weight", "output.weight"):
        return Q.Q8_0
    return Q.Q4_1


def padded_vocab(tokens: list[str], types: list[int], n_vocab: int) -> tuple[list[str], list[int]]:
    """Pad the token list to ``n_vocab`` entries with unused ``[PADn]`` tokens."""
    from gguf import TokenType

    if len(tokens) > n_vocab:
        raise ValueError(f"tokenizer has {len(tokens)} tokens but the model only {n_vocab} rows")
    extra = range(len(tokens), n_vocab)
    return tokens + [f"[PAD{i}]" for i in extra], types + [int(TokenType.UNUSED)] * len(extra)


def _template_fields(template: Path) -> dict:
    from gguf import GGUFReader

    reader = GGUFReader(str(template))
    wanted = (*COPIED_TOKENIZER_KEYS, "tokenizer.ggml.tokens", "tokenizer.ggml.token_type")
    return {k: reader.fields[k].contents() for k in wanted if k in reader.fields}


def export(folder: Path, template: Path, out: Path) -> dict:
    import gguf
    import torch
    from safetensors import safe_open

    from core import atomic

    t0 = time.perf_counter()
    cfg = json.loads((folder / "config.json").read_text())
    h, n_head = cfg["hidden_size"], cfg["num_attention_heads"]
    n_kv = cfg.get("num_key_value_heads", n_head)
    head_dim = cfg.get("head_dim") or h // n_head
    fields = _template_fields(template)
    with atomic.atomic_path(out, suffix=".gguf") as tmp:
        w = gguf.GGUFWriter(str(tmp), "llama", use_temp_file=False)
        w.add_name(folder.name)
        w.add_context_length(cfg.get("max_position_embeddings", 8192))
        w.add_embedding_length(h)
        w.add_block_count(cfg["num_hidden_layers"])
        w.add_feed_forward_length(cfg["intermediate_size"])
        w.add_head_count(n_head)
        w.add_head_count_kv(n_kv)
        w.add_rope_freq_base(float(cfg.get("rope_theta", 10000.0)))
        w.add_layer_norm_rms_eps(float(cfg.get("rms_norm_eps", 1e-5)))
        w.add_rope_dimension_count(head_dim)
        w.add_vocab_size(cfg["vocab_size"])
        w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_1)
        w.add_quantization_version(gguf.GGML_QUANT_VERSION)
        tokens, types = padded_vocab(list(fields["tokenizer.ggml.tokens"]),
                                     [int(t) for t in fields["tokenizer.ggml.token_type"]], cfg["vocab_size"])
        w.add_token_list(tokens)
        w.add_token_types(types)
        _copy_tokenizer_fields(w, fields)
        tied = bool(cfg.get("tie_word_embeddings", False))
        for file in sorted(folder.glob("*.safetensors")):
            with safe_open(str(file), framework="pt") as st:
                for hf in st.keys():  # noqa: SIM118 (safe_open is not iterable)
                    name = gguf_name(hf)
                    if name is None or (tied and name == "output.weight"):
                        continue
                    data = st.get_tensor(hf).to(torch.float32).numpy()
                    if name.endswith("attn_q.weight"):
                        data = permute_qk(data, n_head)
                    elif name.endswith("attn_k.weight"):
                        data = permute_qk(data, n_kv)
                    qt = qtype_for(name)
                    w.add_tensor(name, gguf.quants.quantize(data, qt), raw_dtype=qt)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
    return {"path": str(out), "seconds": round(time.perf_counter() - t0, 1), "bytes": out.stat().st_size,
            "layout": "Q4_1 linears, Q8_0 token embedding (tied head), F32 norms: as the embedded GGUF"}


def _copy_tokenizer_fields(w, fields: dict) -> None:
    setters = {
        "tokenizer.ggml.model": w.add_tokenizer_model,
        "tokenizer.ggml.pre": w.add_tokenizer_pre,
        "tokenizer.ggml.merges": w.add_token_merges,
        "tokenizer.ggml.bos_token_id": lambda v: w.add_bos_token_id(int(v)),
        "tokenizer.ggml.eos_token_id": lambda v: w.add_eos_token_id(int(v)),
        "tokenizer.ggml.unknown_token_id": lambda v: w.add_unk_token_id(int(v)),
        "tokenizer.ggml.padding_token_id": lambda v: w.add_pad_token_id(int(v)),
        "tokenizer.ggml.add_bos_token": lambda v: w.add_add_bos_token(bool(v)),
        "tokenizer.ggml.add_space_prefix": lambda v: w.add_add_space_prefix(bool(v)),
        "tokenizer.chat_template": w.add_chat_template,
    }
    for key, setter in setters.items():
        if key in fields:
            setter(fields[key])


def main(argv: list[str]) -> int:
    info = export(Path(argv[0]), Path(argv[1]), Path(argv[2]))
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
