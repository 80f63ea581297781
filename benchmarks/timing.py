"""Token-level timing of one generation, for transformers-style models (ipex-llm, OpenVINO, reference)
and for llama-cpp-python, measured the same way: the clock starts before tokenizing the prompt, the
first token's arrival ends "time to first token" (≈ prefill), later tokens give the decode rate.

ChartBrief's own generation settings apply (greedy, repetition penalty 1.05, no repeated output
6-grams); the end-of-sequence token is held off until the requested count, so every engine writes
exactly as many tokens. CPU time (all threads of this process) is recorded beside wall time: on a
shared machine ``cpu_s / wall_s`` shows how much of a core the run actually got, and the rates per
CPU-second are what the shares of the physical limits are computed from.
"""

from __future__ import annotations

import time


def summarize_times(t_start: float, token_times: list[float], prompt_tokens: int, cpu_s: float,
                    t_end: float, requested: int, cpu_start: float | None = None,
                    token_cpu: list[float] | None = None) -> dict:
    """Rates from token arrival times (pure). With ``cpu_start``/``token_cpu`` (process CPU time at the
    start and at each token) the same rates per CPU-second are added: ``*_cpu`` fields, which leave out
    the time other processes had the core."""
    n = len(token_times)
    out = {"prompt_tokens": prompt_tokens, "new_tokens": n, "requested_tokens": requested,
           "complete": n >= requested, "total_s": round(t_end - t_start, 3), "cpu_s": round(cpu_s, 3)}
    if n:
        ttft = token_times[0] - t_start
        out["ttft_s"] = round(ttft, 3)
        out["prefill_tps"] = round(prompt_tokens / ttft, 2) if ttft > 0 else None
    if n >= 2:
        span = token_times[-1] - token_times[0]
        out["decode_tps"] = round((n - 1) / span, 2) if span > 0 else None
    if token_cpu and cpu_start is not None:
        first = token_cpu[0] - cpu_start
        out["ttft_cpu_s"] = round(first, 3)
        out["prefill_tps_cpu"] = round(prompt_tokens / first, 2) if first > 0 else None
        if len(token_cpu) >= 2:
            span = token_cpu[-1] - token_cpu[0]
            out["decode_tps_cpu"] = round((len(token_cpu) - 1) / span, 2) if span > 0 else None
    out["cpu_util"] = round(cpu_s / out["total_s"], 2) if out["total_s"] > 0 else None
    return out


class _TokenClock:
    """transformers streamer: the first ``put`` is the prompt, each later one a new token."""

    def __init__(self):
        self.times: list[float] = []
        self.cpu: list[float] = []
        self._prompt_seen = False

    def put(self, value):
        if not self._prompt_seen:
            self._prompt_seen = True
            return
        self.times.append(time.perf_counter())
        self.cpu.append(time.process_time())

    def end(self):
        pass


class _Deadline:
    """StoppingCriteria: stop generating once ``deadline`` (perf_counter) has passed."""

    def __init__(self, deadline: float | None):
        self.deadline = deadline

    def __call__(self, input_ids, scores, **kwargs) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline


def hf_generate(model, tokenizer, prompt: str, new_tokens: int, deadline: float | None = None) -> dict:
    import torch
    from transformers import LogitsProcessorList, StoppingCriteriaList

    from core.engines.base import GenerationSettings
    from core.engines.streaming import NoRepeatOutputNGram

    settings = GenerationSettings(max_new_tokens=new_tokens)
    clock = _TokenClock()
    c0, t0 = time.process_time(), time.perf_counter()
    enc = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
    prompt_len = int(enc["input_ids"].shape[1])
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    with torch.inference_mode():
        model.generate(**enc, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                       repetition_penalty=settings.repetition_penalty,
                       logits_processor=LogitsProcessorList(
                           [NoRepeatOutputNGram(settings.no_repeat_output_ngram, prompt_len)]),
                       stopping_criteria=StoppingCriteriaList([_Deadline(deadline)]),
                       streamer=clock, pad_token_id=pad)
    t1 = time.perf_counter()
    return summarize_times(t0, clock.times, prompt_len, time.process_time() - c0, t1, new_tokens, c0, clock.cpu)


def engine_generate(eng, prompt: str, new_tokens: int, deadline: float | None = None) -> dict:
    """The same measurement through an engine's own token loop (``generate_ids``: the OpenVINO engine),
    with ChartBrief's generation settings and end-of-text held off."""
    from core.engines.base import GenerationSettings

    settings = GenerationSettings(max_new_tokens=new_tokens, min_new_tokens=new_tokens)
    times: list[float] = []
    cpu: list[float] = []
    c0, t0 = time.process_time(), time.perf_counter()
    ids = eng.token_ids(prompt)
    for _tok in eng.generate_ids(ids, settings, lambda: deadline is not None and time.perf_counter() > deadline):
        times.append(time.perf_counter())
        cpu.append(time.process_time())
    t1 = time.perf_counter()
    return summarize_times(t0, times, len(ids), time.process_time() - c0, t1, new_tokens, c0, cpu)


def llamacpp_generate(llm, prompt: str, new_tokens: int, deadline: float | None = None) -> dict:
    """Same measurement through llama-cpp-python's ``generate`` loop (greedy, repeat penalty 1.05).

    ``reset()`` first: otherwise ``generate`` reuses the KV cache of a shared prompt prefix and skips
    part of the prefill.
    """
    c0, t0 = time.process_time(), time.perf_counter()
    tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    llm.reset()
    times: list[float] = []
    cpu: list[float] = []
    for _tok in llm.generate(tokens, top_k=1, top_p=1.0, temp=0.0, repeat_penalty=1.05, reset=True):
        times.append(time.perf_counter())  # EOS is not checked here, so exactly new_tokens come out
        cpu.append(time.process_time())
        if len(times) >= new_tokens or (deadline is not None and time.perf_counter() > deadline):
            break
    t1 = time.perf_counter()
    return summarize_times(t0, times, len(tokens), time.process_time() - c0, t1, new_tokens, c0, cpu)
