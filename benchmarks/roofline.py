"""Physical limits and the share of them each measurement reaches. Pure arithmetic, no I/O.

- Decode is bandwidth-bound: every generated token streams all the weights once, so the fastest
  possible decode is ``bandwidth ÷ weight bytes per token``. (KV-cache reads are not counted; at a
  2,000-token context they add a few percent for int4 models, so real shares are slightly higher.)
- Prefill and training are compute-bound: a forward pass costs ≈ 2·params·tokens FLOPs, training
  ≈ 6·params·tokens (forward + backward). LoRA on a frozen base skips the base weight gradients
  (≈ 4·params·tokens) and gradient checkpointing re-runs the forward (+2·params·tokens); we use the
  conventional 6· for every training row so they compare with each other, and say so in the output.

"params" here are the weights a token multiplies through: every decoder linear plus the output head.
The input embedding is a row lookup, not a matmul, and is left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Bytes per weight of each engine's storage format.
#  ipex-llm sym_int4 = ggml Q4_0 (32 weights: 16 B nibbles + fp16 scale), asym_int4 = Q4_1 (+ fp16 min),
#  sym_int8 = Q8_0 (32 B + fp16 scale). OpenVINO int4 = NNCF sym int4, fp16 scale per 64-group.
BYTES_PER_WEIGHT = {
    "fp32": 4.0,
    "bf16": 2.0,
    "sym_int4": 18 / 32,
    "asym_int4": 20 / 32,
    "sym_int8": 34 / 32,
    "ov_int4": 0.5 + 2 / 64,
    "ov_int8": 1.0 + 2 / 576,  # per-channel fp16 scale (+ u8 zero point) over a 576-wide row, ~1 B
}


@dataclass(frozen=True)
class ParamSplit:
    """Where a Llama model's parameters sit (counts, not bytes)."""

    linear: int  # q, k, v, o, gate, up, down over all layers
    head: int  # lm_head (the tied embedding when tie_word_embeddings)
    embed: int  # input embedding rows (a lookup)
    norms: int
    tied: bool

    @property
    def matmul(self) -> int:
        """Weights every token multiplies through (decoder linears + head)."""
        return self.linear + self.head

    @property
    def total(self) -> int:
        return self.linear + self.norms + self.embed + (0 if self.tied else self.head)

    def as_dict(self) -> dict:
        return {**asdict(self), "matmul": self.matmul, "total": self.total}


def llama_split(cfg: dict) -> ParamSplit:
    """Parameter split of a Llama config (``config.json`` keys)."""
    h = int(cfg["hidden_size"])
    layers = int(cfg["num_hidden_layers"])
    heads = int(cfg["num_attention_heads"])
    kv_heads = int(cfg.get("num_key_value_heads") or heads)
    inter = int(cfg["intermediate_size"])
    vocab = int(cfg["vocab_size"])
    head_dim = int(cfg.get("head_dim") or h // heads)
    q_out, kv_out = heads * head_dim, kv_heads * head_dim
    per_layer = h * q_out + 2 * h * kv_out + q_out * h + 3 * h * inter
    tied = bool(cfg.get("tie_word_embeddings", False))
    return ParamSplit(linear=layers * per_layer, head=vocab * h, embed=vocab * h,
                      norms=layers * 2 * h + h, tied=tied)


def engine_weight_format(engine: str, variant: str) -> tuple[str, str]:
    """(linear format, head format) of a ChartBrief engine configuration.

    ipex_llm keeps ``lm_head`` out of quantization (``modules_to_not_convert``), so its head stays in the
    load dtype: fp32, or bf16 for the bf16 variant. OpenVINO/NNCF keeps the (tied) embedding/head in
    int8 by default.
    """
    if engine == "ipex_llm":
        return variant, ("bf16" if variant == "bf16" else "fp32")
    if engine == "openvino":
        return f"ov_{variant}", "ov_int8"
    if engine == "reference":
        return variant, variant
    raise ValueError(f"no weight format for {engine}/{variant}")


def weight_bytes_per_token(split: ParamSplit, engine: str, variant: str) -> int:
    """Bytes of weights streamed from memory per decoded token (norms included, embedding lookup not)."""
    lin, head = engine_weight_format(engine, variant)
    return int(split.linear * BYTES_PER_WEIGHT[lin] + split.head * BYTES_PER_WEIGHT[head] + split.norms * 4)


def gguf_bytes_per_token(tensors: list[tuple[str, int]]) -> int:
    """Same for a GGUF file, from its ``(name, n_bytes)`` tensor list: every tensor but the input
    embedding, which counts only when it doubles as the output head (no ``output.weight``)."""
    names = {n for n, _ in tensors}
    tied = "output.weight" not in names
    return int(sum(b for n, b in tensors if n != "token_embd.weight" or tied))


def decode_limit_tps(bandwidth_gbs: float, bytes_per_token: int) -> float:
    """Fastest possible decode, tokens/s, when every token streams ``bytes_per_token`` once."""
    return bandwidth_gbs * 1e9 / bytes_per_token if bytes_per_token > 0 else 0.0


def forward_flops(matmul_params: int, tokens: int) -> float:
    return 2.0 * matmul_params * tokens


def training_flops(matmul_params: int, tokens: int) -> float:
    return 6.0 * matmul_params * tokens


def prefill_limit_tps(gflops: float, matmul_params: int) -> float:
    """Fastest possible prefill, tokens/s, at ``gflops`` of matmul throughput."""
    return gflops * 1e9 / forward_flops(matmul_params, 1) if matmul_params > 0 else 0.0


def training_limit_tps(gflops: float, matmul_params: int) -> float:
    return gflops * 1e9 / training_flops(matmul_params, 1) if matmul_params > 0 else 0.0


def share(measured: float | None, limit: float | None) -> float | None:
    """``measured ÷ limit`` (0..1 for a true limit), or None when either is missing."""
    if not measured or not limit:
        return None
    return measured / limit


def stream_bytes(n_elements: int, elem_bytes: int, kind: str) -> int:
    """Bytes a STREAM-style kernel moves (write-allocate not counted): copy 2, triad 3 arrays."""
    arrays = {"copy": 2, "scale": 2, "add": 3, "triad": 3}[kind]
    return arrays * n_elements * elem_bytes


def gemm_flops(m: int, n: int, k: int) -> float:
    return 2.0 * m * n * k
