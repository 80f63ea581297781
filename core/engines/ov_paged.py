"""A causal-LM IR run through OpenVINO's paged-attention kernel, its KV cache held in tensors we own.

Why not the stateful IR's own cache (what ChartBrief ran before 2026-12-05): on OpenVINO 2024.6's
CPU plugin the stateful model's single-query attention grows 2.1 ms per 1,000 tokens of context, and its
prefill scratch at long prompts is large. The same IR after ``paged_attention_transformation`` (what
OpenVINO GenAI's continuous-batching pipeline and the model server run) uses the plugin's PagedAttention
kernel instead. Measured on the embedded model, AVX-512-BF16, 2 threads, random 2,000-token prompt, 200
greedy tokens, alternated in one session (2026-12-05): prefill 0.75–0.79 s vs 0.98–1.02 s, decode
105–120 vs 98–101 tok/s, peak RSS 436 vs 503 MiB; at 6,000 tokens 3.65 vs 6.08 s, 83 vs 54 tok/s, 582 vs
1,247 MiB. GenAI's own pipeline is not used for the reasons ``ov_decode`` gives (no output n-gram ban in
greedy search, no prompt lookup in 2024.6); this class drives the transformed model from the same token loop.

One sequence, one block table: block ``i`` holds positions ``32 i`` to ``32 i + 31``. A token's keys and
values land at its position, so dropping a rejected prompt-lookup draft is only moving the position back
(the next tokens overwrite those slots).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

LOGITS_TO_KEEP = "logits_to_keep"
BLOCK = 32  # the CPU plugin's block size for paged attention
FIRST_CAPACITY = 2048  # tokens of cache allocated at first; grows by doubling
# A u8 cache row carries its scale and zero point (two floats) after the head's values: OpenVINO 2024.6's
# CPU layout, the one GenAI 2024.6 allocates.
_U8_EXTRA = 8


class PagedLM:
    """One compiled paged-attention LLM and its KV cache; ``ov_decode.generate`` drives it."""

    def __init__(self, xml: Path, config: dict):
        import openvino as ov
        from openvino._offline_transformations import paged_attention_transformation

        core = ov.Core()
        model = core.read_model(str(xml))
        paged_attention_transformation(model)
        kv = str(config.get("KV_CACHE_PRECISION", "u8")).lower()
        self._type = {"u8": ov.Type.u8, "bf16": ov.Type.bf16, "f16": ov.Type.f16, "f32": ov.Type.f32}[kv]
        self._names: list[str] = []
        for p in model.get_parameters():
            name = p.get_output_tensor(0).get_any_name()
            if name.startswith(("key_cache.", "value_cache.")):
                heads, size = (d.get_length() for d in p.get_partial_shape()[1:])
                self._row = (heads, BLOCK, size + (_U8_EXTRA if kv == "u8" else 0))
                p.set_element_type(self._type)
                p.set_partial_shape(ov.PartialShape([-1, *self._row]))
                self._names.append(name)
        if not self._names:
            raise ValueError("no KV cache after the paged-attention transformation: not a causal-LM IR ChartBrief knows")
        _keep_last_tokens(model)
        self.compiled = core.compile_model(model, "CPU", {**config, "KV_CACHE_PRECISION": kv})
        self.request = self.compiled.create_infer_request()
        self._blocks = np.zeros(0, np.int32)
        self._caches: dict[str, Any] = {}  # openvino.Tensor by input name
        self._grow(FIRST_CAPACITY)
        self.pos = 0  # position of the next token = tokens held in the cache

    def _grow(self, tokens: int) -> None:
        import openvino as ov

        n = -(-tokens // BLOCK)
        old = len(self._blocks)
        for name in self._names:
            tensor = ov.Tensor(self._type, [n, *self._row])
            tensor.data.view(np.uint8)[...] = 0
            if old:  # the cached positions move over as bytes (numpy has no bf16)
                tensor.data.view(np.uint8).reshape(n, -1)[:old] = self._caches[name].data.view(np.uint8).reshape(old, -1)
            self._caches[name] = tensor
            self.request.set_tensor(name, tensor)
        self._blocks = np.arange(n, dtype=np.int32)

    def reset(self) -> None:
        self.pos = 0

    def forward(self, ids: Sequence[int], keep: int = 1) -> np.ndarray:
        """Feed ``ids`` after what is cached; the logits of the last ``keep`` positions, [keep, vocab]."""
        n = len(ids)
        end = self.pos + n
        if end > len(self._blocks) * BLOCK:
            self._grow(max(end, 2 * len(self._blocks) * BLOCK))
        used = -(-end // BLOCK)
        inputs = {"input_ids": np.asarray(ids, np.int64),
                  "position_ids": np.arange(self.pos, end, dtype=np.int64),
                  "past_lens": np.array([self.pos], np.int32),
                  "subsequence_begins": np.array([0, n], np.int32),
                  "block_indices": self._blocks[:used],
                  "block_indices_begins": np.array([0, used], np.int32),
                  "max_context_len": np.array(end, np.int32),
                  LOGITS_TO_KEEP: np.array(keep, np.int64)}
        out = self.request.infer(inputs, share_inputs=True)["logits"]
        self.pos = end
        return out.reshape(-1, out.shape[-1])

    def forget(self, n: int) -> None:
        """Drop the last ``n`` fed tokens: the next ones overwrite their slots."""
        self.pos -= n

    def last_logits(self, ids: Sequence[int]) -> np.ndarray:
        self.reset()
        return self.forward(ids, 1)[-1]


def _keep_last_tokens(model) -> None:
    """An input ``logits_to_keep`` (i64 scalar): the LM head runs on that many last tokens only. After the
    transformation the hidden states are [tokens, 1, hidden]: the slice is on the first axis."""
    import openvino.runtime.opset13 as ops
    from openvino import Type

    node = model.output("logits").get_node()
    while node.get_type_name() != "MatMul":
        if node.get_input_size() == 0:
            raise ValueError("no MatMul before the logits output: not a causal-LM IR ChartBrief knows")
        node = node.input_value(0).get_node()
    keep = ops.parameter([], Type.i64, name=LOGITS_TO_KEEP)
    keep.output(0).get_tensor().set_names({LOGITS_TO_KEEP})
    start = ops.negative(ops.reshape(keep, [1], False))
    sliced = ops.slice(node.input_value(0), start, ops.constant(np.array([np.iinfo(np.int64).max])),
                       ops.constant(np.array([1])), ops.constant(np.array([0])))
    node.input(0).replace_source_output(sliced.output(0))
    model.add_parameters([keep])
    model.validate_nodes_and_infer_types()
