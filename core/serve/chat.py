"""Chat completions on the loaded engine: messages → the model's chat template → streamed text.

:func:`generate` runs on the model queue's thread. It hands each piece of text to ``emit`` as it comes,
holding back only what could be the start of a ``stop`` string, and stops the engine within one token
when ``should_stop()`` turns true (the client went away) — then :class:`core.errors.Cancelled` is raised.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.engines.base import GenerationSettings
from core.serve.schemas import ApiError, ChatRequest


@dataclass
class Completion:
    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    """From the first piece of text to the last (the generation speed's denominator)."""


def messages_of(request: ChatRequest) -> list[dict]:
    out = []
    for m in request.messages:
        try:
            text = m.text()
        except ValueError as exc:
            raise ApiError(400, str(exc), "unsupported_content") from None
        out.append({"role": "system" if m.role == "developer" else m.role, "content": text})
    return out


def build_prompt(engine, messages: list[dict], tokenizer=None) -> str:
    """Render ``messages`` with the model's own chat template (a plain layout for a model without one);
    ``tokenizer``: a copy of the engine's to render with (see :class:`PromptTools`)."""
    tokenizer = tokenizer if tokenizer is not None else getattr(engine, "tokenizer", None)
    if tokenizer is not None and getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    system = "\n".join(m["content"] for m in messages if m["role"] == "system")
    turns = "\n\n".join(f"{m['role']}: {m['content']}" for m in messages if m["role"] != "system")
    return engine.chat_prompt(system, turns + "\n\nassistant:")


def settings_for(request: ChatRequest, default_max: int) -> GenerationSettings:
    max_new = request.max_completion_tokens or request.max_tokens or default_max
    settings = GenerationSettings(max_new_tokens=max_new)
    if request.temperature:  # None or 0: greedy, as ChartBrief's summaries are
        settings.do_sample, settings.temperature = True, request.temperature
    return settings


def check_request(request: ChatRequest) -> None:
    if request.n != 1:
        raise ApiError(400, "Only n=1 is supported: the server runs one generation per request.", "unsupported_n")
    if request.tools:
        raise ApiError(400, "Tools are not supported by this server.", "unsupported_tools")
    if request.logprobs:
        raise ApiError(400, "logprobs are not supported by this server.", "unsupported_logprobs")


class PromptTools:
    """Renders and counts prompts outside the model's thread, with a copy of the model's tokenizer.

    A Rust ("fast") tokenizer used from two threads at once can fail ("Already borrowed"), and the model's
    thread decodes with the original while it generates; requests are prepared before they queue, so they
    use this copy, one at a time."""

    def __init__(self, engine):
        tokenizer = getattr(engine, "tokenizer", None)
        self._tokenizer = copy.deepcopy(tokenizer) if tokenizer is not None else None
        self._engine = engine
        self._lock = threading.Lock()

    def render(self, messages: list[dict]) -> str:
        with self._lock:
            return build_prompt(self._engine, messages, self._tokenizer)

    def count(self, text: str) -> int:
        with self._lock:
            if self._tokenizer is None:
                return int(self._engine.count_tokens(text))
            return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])


def check_context(engine, count: Callable[[str], int], prompt: str, settings: GenerationSettings) -> int:
    """The prompt's token count; 400 when prompt plus ``max_tokens`` exceed the model's context."""
    prompt_tokens = count(prompt)
    context = int(getattr(engine, "context_length", 0) or 0)
    if context and prompt_tokens + settings.max_new_tokens > context:
        raise ApiError(400, f"The messages ({prompt_tokens} tokens) plus max_tokens ({settings.max_new_tokens}) "
                            f"exceed the model's context of {context} tokens. Shorten the messages or lower "
                            "max_tokens (a long note is better sent to /v1/summaries, which splits it).",
                       "context_length_exceeded")
    return prompt_tokens


def generate(engine, prompt: str, settings: GenerationSettings, stops: list[str],
             should_stop: Callable[[], bool], emit: Callable[[str], None], prompt_tokens: int) -> Completion:
    hold = max((len(s) for s in stops), default=1) - 1
    text, sent = "", 0
    stopped_at: int | None = None
    t_first: float | None = None
    pieces = engine.stream(prompt, settings, should_stop)
    try:
        for piece in pieces:
            if t_first is None:
                t_first = time.perf_counter()
            text += piece
            if stops:
                found = [i for i in (text.find(s, max(0, sent - hold)) for s in stops) if i >= 0]
                if found:
                    stopped_at = min(found)
                    break
            safe = len(text) - hold
            if safe > sent:
                emit(text[sent:safe])
                sent = safe
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()  # ends the engine's generation thread now (a stop string was found)
    seconds = time.perf_counter() - t_first if t_first is not None else 0.0
    completion_tokens = engine.count_tokens(text) if text else 0
    final = text if stopped_at is None else text[:stopped_at]
    if len(final) > sent:
        emit(final[sent:])
    if stopped_at is not None:
        reason = "stop"
    else:
        reason = "length" if completion_tokens >= settings.max_new_tokens else "stop"
    return Completion(final, reason, prompt_tokens, completion_tokens, seconds)
