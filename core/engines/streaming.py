"""Token streaming over any model with the transformers ``generate`` API (PyTorch or OpenVINO).

``generate`` runs on a helper thread and feeds a ``TextIteratorStreamer``; the caller's thread
yields pieces. Cancel is a ``StoppingCriteria`` polled every step, so it takes effect within one
token, and the generation thread is always joined before the iterator finishes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from core.errors import Cancelled


class _StopOnRequest:
    """transformers StoppingCriteria: stop when the user cancels."""

    def __init__(self, should_stop, closed: threading.Event):
        self.should_stop, self.closed = should_stop, closed

    def __call__(self, input_ids, scores, **kwargs) -> bool:
        return self.closed.is_set() or bool(self.should_stop and self.should_stop())


class NoRepeatOutputNGram:
    """LogitsProcessor banning a token that would repeat an n-gram *of the output*.

    transformers' ``no_repeat_ngram_size`` also counts the prompt, which for a summarizer forbids
    copying a dose or a phrase from the note; this one looks only at generated tokens.
    """

    def __init__(self, n: int, prompt_len: int):
        self.n, self.prompt_len = n, prompt_len

    def __call__(self, input_ids, scores):
        n = self.n
        for row in range(input_ids.shape[0]):
            out = input_ids[row, self.prompt_len:].tolist()
            if len(out) < n:
                continue
            prefix = tuple(out[-(n - 1):])
            banned = [out[i + n - 1] for i in range(len(out) - n + 1) if tuple(out[i:i + n - 1]) == prefix]
            if banned:
                scores[row, banned] = float("-inf")
        return scores


class TextPieces:
    """Token ids in, text pieces out, through transformers' ``TextStreamer`` (whole words, and no broken
    multi-byte characters), for generation loops that produce ids one by one."""

    def __init__(self, tokenizer):
        from transformers import TextStreamer

        pieces = self._pieces = []

        class _Collect(TextStreamer):
            def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
                if text:
                    pieces.append(text)

        self._streamer = _Collect(tokenizer, skip_prompt=False, skip_special_tokens=True)

    def _drain(self) -> list[str]:
        out, self._pieces[:] = list(self._pieces), []
        return out

    def put(self, token: int) -> list[str]:
        import numpy as np

        self._streamer.put(np.array([token]))
        return self._drain()

    def end(self) -> list[str]:
        self._streamer.end()
        return self._drain()


def stream_generate(model, tokenizer, prompt: str, settings, should_stop=None) -> Iterator[str]:
    import torch
    from transformers import LogitsProcessorList, StoppingCriteriaList, TextIteratorStreamer

    enc = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
    prompt_len = enc["input_ids"].shape[1]
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    closed = threading.Event()  # set when the consumer stops early; generation then ends next step
    processors = LogitsProcessorList()
    if settings.no_repeat_output_ngram:
        processors.append(NoRepeatOutputNGram(settings.no_repeat_output_ngram, prompt_len))
    kwargs = dict(
        **enc,
        max_new_tokens=settings.max_new_tokens,
        do_sample=settings.do_sample,
        repetition_penalty=settings.repetition_penalty,
        logits_processor=processors,
        stopping_criteria=StoppingCriteriaList([_StopOnRequest(should_stop, closed)]),
        streamer=streamer,
        pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
    )
    if settings.do_sample:
        kwargs["temperature"] = settings.temperature
    if settings.min_new_tokens:
        kwargs["min_new_tokens"] = settings.min_new_tokens
    if settings.prompt_lookup and not settings.do_sample:
        kwargs["prompt_lookup_num_tokens"] = settings.prompt_lookup
    error: list[BaseException] = []

    def run():
        try:
            with torch.inference_mode():
                model.generate(**kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
            error.append(exc)
            streamer.end()

    worker = threading.Thread(target=run, name="chartbrief-generate", daemon=True)
    worker.start()
    try:
        for piece in streamer:
            if piece:
                yield piece
    finally:
        closed.set()
        worker.join()
    if error:
        raise error[0]
    if should_stop and should_stop():
        raise Cancelled("Summary cancelled.")
