"""Token generation over an OpenVINO LLM IR, without transformers' ``generate`` loop.

Why not optimum-intel's ``generate``: on the embedded 135M model most of a decode step was Python around
the model (transformers' generation loop, torch ↔ numpy copies of a growing attention mask, logits
processors, the streamer thread), and its prefill computed the LM head for *every* prompt position (a
6,000-token note: 6,000 × 49,152 float logits, over a GiB, the main cause of OpenVINO's multi-GiB peak).
Why not OpenVINO GenAI's ``LLMPipeline`` (2024.6, the pinned OpenVINO's release): its greedy path has no
output-only n-gram ban (``no_repeat_ngram_size`` is applied by beam search only; measured: no effect on a
greedy repeat loop), and no prompt-lookup decoding before 2025.0.

So the model (``ov_paged.PagedLM``: the IR with OpenVINO's paged-attention kernel, the LM head sliced to the
positions whose logits are needed) is driven from here, and token choice is numpy on one row of logits with
the same rules as the transformers path (``core/engines/streaming.py``): repetition penalty over prompt and
output, no repeated output n-gram, end-of-text held off until ``min_new_tokens``, greedy or temperature/top-k
sampling. Greedy output is token-identical with or without prompt lookup (tests/core/engines).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.engines.ov_paged import PagedLM

TOP_K = 50  # transformers' default for sampling, kept so both paths sample alike


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


def generate(lm: PagedLM, policy: TokenPolicy, prompt_ids: Sequence[int],
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
