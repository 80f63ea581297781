"""Token generation over an OpenVINO stateful LLM IR, without transformers' ``generate`` loop.

Why not optimum-intel's ``generate``: on the embedded 135M model most of a decode step was Python around
the model (transformers' generation loop, torch ↔ numpy copies of a growing attention mask, logits
processors, the streamer thread), and its prefill computed the LM head for *every* prompt position (a
6,000-token note: 6,000 × 49,152 float logits, over a GiB, the main cause of OpenVINO's multi-GiB peak).
Why not OpenVINO GenAI's ``LLMPipeline`` (2024.6, the pinned OpenVINO's release): its greedy path has no
output-only n-gram ban (``no_repeat_ngram_size`` is applied by beam search only; measured: no effect on a
greedy repeat loop), and no prompt-lookup decoding before 2025.0; its decode speed measured the same as
this loop on the embedded model (benchmarks/results).

So this module runs the compiled stateful IR directly: the LM head is sliced to the positions whose
logits are needed (1 while decoding, 1 + draft length while verifying a prompt-lookup draft), the
attention mask is a preallocated buffer, and token choice is numpy on one row of logits with the same
rules as the transformers path (``core/engines/streaming.py``): repetition penalty over prompt and output,
no repeated output n-gram, end-of-text held off until ``min_new_tokens``, greedy or temperature/top-k
sampling. Greedy output is token-identical with or without prompt lookup (tests/core/engines).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LOGITS_TO_KEEP = "logits_to_keep"
TOP_K = 50  # transformers' default for sampling, kept so both paths sample alike


def keep_last_logits(model) -> None:
    """Give ``model`` an input ``logits_to_keep`` (i64 scalar) and compute the LM head only for that many
    last positions (a Slice on the hidden states before the head's MatMul)."""
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
                       ops.constant(np.array([1])), ops.constant(np.array([1])))
    node.input(0).replace_source_output(sliced.output(0))
    model.add_parameters([keep])
    model.validate_nodes_and_infer_types()


class StatefulLM:
    """One compiled stateful LLM and its KV cache (the IR's internal state).

    A rejected prompt-lookup draft is not cut out of the cache: its slots are masked out of the attention
    mask and the next tokens take their logical positions again (``forget``). Cutting would copy the whole
    cache per rejection.
    """

    def __init__(self, xml: Path, config: dict):
        import openvino as ov

        core = ov.Core()
        model = core.read_model(str(xml))
        keep_last_logits(model)
        self.compiled = core.compile_model(model, "CPU", config)
        self.request = self.compiled.create_infer_request()
        self._mask = np.ones((1, 0), np.int64)
        self._slots = 0  # cache slots used (valid or masked)
        self.pos = 0  # logical position of the next token

    def reset(self) -> None:
        self.request.reset_state()
        self._slots = self.pos = 0

    def _mask_for(self, n: int) -> np.ndarray:
        need = self._slots + n
        if need > self._mask.shape[1]:
            grown = np.ones((1, max(need, 2 * self._mask.shape[1], 1024)), np.int64)
            grown[:, :self._slots] = self._mask[:, :self._slots]
            self._mask = grown
        self._mask[:, self._slots:need] = 1
        return self._mask[:, :need]

    def forward(self, ids: Sequence[int], keep: int = 1) -> np.ndarray:
        """Feed ``ids`` after what is cached; the logits of the last ``keep`` positions, [keep, vocab]."""
        n = len(ids)
        inputs = {"input_ids": np.asarray(ids, np.int64)[None, :],
                  "attention_mask": self._mask_for(n),
                  "position_ids": np.arange(self.pos, self.pos + n, dtype=np.int64)[None, :],
                  "beam_idx": np.zeros(1, np.int32),
                  LOGITS_TO_KEEP: np.array(keep, np.int64)}
        out = self.request.infer(inputs, share_inputs=True)
        self._slots += n
        self.pos += n
        return out["logits"][0]

    def forget(self, n: int) -> None:
        """Drop the last ``n`` fed tokens: masked out, their positions free again."""
        if n:
            self._mask[:, self._slots - n:self._slots] = 0
            self.pos -= n

    def last_logits(self, ids: Sequence[int]) -> np.ndarray:
        self.reset()
        return self.forward(ids, 1)[-1]


class TokenPolicy:
    """Chooses each next token from one row of logits, as the transformers path does."""

    def __init__(self, settings, prompt_ids: Sequence[int], eos_ids: Sequence[int], seed: int | None = None):
        self.s = settings
        self.eos = [int(e) for e in eos_ids]
        self.seen = np.zeros(0, np.int64)
        self._seen_set: set[int] = set()
        for t in prompt_ids:
            self._see(int(t))
        self.out: list[int] = []
        self._follow: dict[tuple, set[int]] = {}  # output (n-1)-gram -> tokens that followed it
        self.rng = np.random.default_rng(seed)

    def _see(self, tok: int) -> None:
        if tok not in self._seen_set:
            self._seen_set.add(tok)
            self.seen = np.append(self.seen, tok)

    def choose(self, logits: np.ndarray) -> int:
        scores = np.array(logits, dtype=np.float32)  # a copy: the row belongs to the request's output
        p = self.s.repetition_penalty
        if p and p != 1.0 and len(self.seen):
            v = scores[self.seen]
            scores[self.seen] = np.where(v < 0, v * np.float32(p), v / np.float32(p))
        if len(self.out) < getattr(self.s, "min_new_tokens", 0):
            scores[self.eos] = -np.inf
        n = self.s.no_repeat_output_ngram
        if n and len(self.out) >= n - 1:
            banned = self._follow.get(tuple(self.out[len(self.out) - n + 1:]) if n > 1 else ())
            if banned:
                scores[list(banned)] = -np.inf
        if not self.s.do_sample:
            return int(scores.argmax())
        scores = scores / np.float32(self.s.temperature)
        k = min(TOP_K, scores.shape[0])
        top = np.argpartition(scores, -k)[-k:]
        z = scores[top] - scores[top].max()
        prob = np.exp(z)
        return int(top[self.rng.choice(len(top), p=prob / prob.sum())])

    def accept(self, tok: int) -> None:
        self.out.append(tok)
        self._see(tok)
        n = self.s.no_repeat_output_ngram
        if n and len(self.out) >= n:
            key = tuple(self.out[len(self.out) - n:len(self.out) - 1]) if n > 1 else ()
            self._follow.setdefault(key, set()).add(tok)

    def finished(self, tok: int) -> bool:
        return tok in self.eos or len(self.out) >= self.s.max_new_tokens


class PromptLookup:
    """Drafts the next tokens by finding the sequence's last ``n`` tokens earlier in prompt or output and
    proposing what followed them there (a summary copies spans of its note)."""

    def __init__(self, ids: Sequence[int], draft: int, n: int = 3):
        self.k, self.n = draft, n
        self.seq: list[int] = []
        self._after: dict[tuple, int] = {}  # n-gram -> index of the token after its latest occurrence
        for t in ids:
            self.add(int(t))

    def add(self, tok: int) -> None:
        seq, n = self.seq, self.n
        if len(seq) >= n:  # the n-gram ending just before ``tok`` is followed by it
            self._after[tuple(seq[len(seq) - n:])] = len(seq)
        seq.append(tok)

    def draft(self) -> list[int]:
        if len(self.seq) < self.n:
            return []
        j = self._after.get(tuple(self.seq[len(self.seq) - self.n:]))
        return [] if j is None else self.seq[j:j + self.k]


@dataclass
class LookupStats:
    steps: int = 0  # forward passes after the prompt
    drafted: int = 0
    accepted: int = 0


def generate(lm: StatefulLM, policy: TokenPolicy, prompt_ids: Sequence[int],
             should_stop: Callable[[], bool] | None = None, lookup: int = 0,
             stats: LookupStats | None = None) -> Iterator[int]:
    """Yield generated token ids. ``lookup`` > 0: prompt-lookup drafts of up to that many tokens, verified
    in one forward pass (greedy only; sampling ignores it). Stops at end-of-text, ``max_new_tokens`` or
    when ``should_stop()`` turns true (checked after every token)."""
    stats = stats if stats is not None else LookupStats()
    drafts = PromptLookup(prompt_ids, lookup) if lookup and not policy.s.do_sample else None
    lm.reset()
    tok = policy.choose(lm.forward(prompt_ids, 1)[-1])
    while True:
        policy.accept(tok)
        yield tok
        if policy.finished(tok) or (should_stop and should_stop()):
            return
        if drafts is not None:
            drafts.add(tok)
        draft = drafts.draft() if drafts is not None else []
        rows = lm.forward([tok, *draft], 1 + len(draft))
        stats.steps += 1
        stats.drafted += len(draft)
        for i, guess in enumerate(draft):
            tok = policy.choose(rows[i])
            if tok != guess:
                lm.forget(len(draft) - i)
                break
            stats.accepted += 1
            policy.accept(tok)
            drafts.add(tok)  # type: ignore[union-attr]
            yield tok
            if policy.finished(tok) or (should_stop and should_stop()):
                return
        else:
            tok = policy.choose(rows[len(draft)])
