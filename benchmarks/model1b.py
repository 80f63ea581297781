"""A random-initialised Llama with the Llama-3.2-1B shape, built from a config and saved once.

Speed does not depend on weight values, only on shapes and formats, so random weights measure the
speed a real Llama-3.2-1B would have (its outputs are meaningless; no quality is measured on it). It
reuses the embedded SmolLM2 tokenizer (49,152 tokens) with the 128,256-row embedding and head of
Llama 3.2: token ids stay below 49,152, the matmul sizes are those of the real model.

Saved in bf16 (as Meta distributes Llama-3.2-1B) under ``cache_dir()/bench/llama-1b-shape``.
Run as ``python -m benchmarks.model1b TARGET_DIR`` (it needs ~5 GB of memory once).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SHAPE = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 2048,
    "num_hidden_layers": 16,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "head_dim": 64,
    "intermediate_size": 8192,
    "vocab_size": 128256,
    "tie_word_embeddings": True,
    "hidden_act": "silu",
    "rms_norm_eps": 1e-5,
    "rope_theta": 500000.0,
    # Llama 3.2 uses "llama3" RoPE scaling to reach 128k; the bench needs 8k, so plain RoPE (same cost).
    "max_position_embeddings": 8192,
    "attention_bias": False,
    "mlp_bias": False,
    "initializer_range": 0.02,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "torch_dtype": "bfloat16",
}
NAME = "llama-1b-shape"
LABEL = "Llama-3.2-1B shape, random weights"


def is_built(folder: Path) -> bool:
    return (folder / "config.json").is_file() and any(folder.glob("*.safetensors")) and (
        folder / "tokenizer.json").is_file()


def build(folder: Path, tokenizer_source: Path) -> Path:
    """Create the model from ``SHAPE`` with random weights and save it with the tokenizer."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from core import atomic

    torch.manual_seed(0)
    config = LlamaConfig(**{k: v for k, v in SHAPE.items() if k not in ("architectures", "model_type")})
    with torch.device("cpu"):
        model = LlamaForCausalLM(config).to(torch.bfloat16)
    tok = AutoTokenizer.from_pretrained(tokenizer_source)
    with atomic.atomic_dir(folder) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        tok.save_pretrained(tmp)
        (Path(tmp) / "BENCH_README.txt").write_text(
            f"{LABEL}: random weights for speed measurement only (chartbrief bench). "
            "Outputs are meaningless.\n")
    return folder


def main(argv: list[str]) -> int:
    folder, tok_src = Path(argv[0]), Path(argv[1])
    if not is_built(folder):
        build(folder, tok_src)
    print(json.dumps({"folder": str(folder)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
