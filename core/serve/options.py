"""What ``chartbrief serve`` can be told (kept free of web imports, so ``chartbrief --help`` stays fast)."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 2**20


@dataclass
class Options:
    queue_size: int = 8
    """Requests that may wait for the model besides the one it runs; more get 429."""
    max_body: int = 2 * MiB
    """Largest request body in bytes; larger ones get 413."""
    max_tokens: int = 256
    """A chat completion's ``max_tokens`` when the request gives none."""
    context: int | None = None
    """Summaries use at most this many tokens of the model's context (as ``summarize --context``)."""
