"""The engine interface every backend implements: load, count tokens, stream tokens, unload."""

from __future__ import annotations

import abc
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.models.registry import ModelRecord

log = logging.getLogger(__name__)

StopCheck = Callable[[], bool]


@dataclass
class GenerationSettings:
    """Greedy by default; repetition is held off without penalising words copied from the note."""

    max_new_tokens: int = 384
    no_repeat_output_ngram: int = 6
    repetition_penalty: float = 1.05
    do_sample: bool = False
    temperature: float = 0.7
    min_new_tokens: int = 0  # end-of-text held off until this many tokens (benchmarks: a fixed length)
    prompt_lookup: int = 0  # draft tokens per step copied from the prompt (greedy only; 0: off)


@dataclass
class EngineInfo:
    name: str
    model_id: str
    variant: str
    adapter_id: str | None = None
    load_seconds: float = 0.0
    loaded_from_cache: bool = False
    threads: int = 0
    extra: dict = field(default_factory=dict)
    tokenizer_only: bool = False  # load_tokenizer() ran and the model itself is not loaded yet


class Engine(abc.ABC):
    """A loaded model that turns a prompt into streamed text."""

    name = "engine"
    VARIANTS: tuple[str, ...] = ()  # each engine lists the variants it runs

    def __init__(self, record: ModelRecord, *, variant: str, adapter: Path | None = None,
                 adapter_id: str | None = None, threads: int | None = None):
        self.record = record
        self.variant = variant
        self.threads = threads  # measured best thread count (``auto`` after a bench); None: the plan's
        self.adapter = adapter
        self.info = EngineInfo(self.name, record.id, variant, adapter_id)
        self.tokenizer: Any = None  # the library's tokenizer and model, once loaded
        self.model: Any = None

    # -- lifecycle -------------------------------------------------------------------------
    def load(self) -> EngineInfo:
        from core import runtime
        from core.models.memory import check_fits

        check_fits(self.record, self.variant, engine=self.name)
        self.info.threads = runtime.apply_torch_threads(self.threads)
        t0 = time.perf_counter()
        self._load()
        self.info.load_seconds = time.perf_counter() - t0
        self.info.tokenizer_only = False
        log.info("%s loaded %s (%s) in %.1fs, cache=%s", self.name, self.record.id, self.variant,
                 self.info.load_seconds, self.info.loaded_from_cache)
        return self.info

    @abc.abstractmethod
    def _load(self) -> None: ...

    def load_tokenizer(self) -> EngineInfo:
        """Only the tokenizer (from the model's Hugging Face folder), for work that counts tokens but writes
        nothing (a fact-anchored summary by a model that writes no narrative): the model itself — on a first
        start its conversion — is loaded when something first asks it for text."""
        from transformers import AutoTokenizer

        from core.models.convert import converted, hf_folder

        t0 = time.perf_counter()
        if self.record.kind == "gguf" and not converted(self.record):  # the same loader the conversion uses
            gguf = Path(self.record.path)
            self.tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        else:
            self.tokenizer = AutoTokenizer.from_pretrained(hf_folder(self.record))
        self.info.load_seconds = time.perf_counter() - t0
        self.info.tokenizer_only = self.model is None
        return self.info

    def _ensure_model(self) -> None:
        if self.model is None:
            self.load()

    def unload(self) -> None:
        self.model = None
        import gc

        gc.collect()

    def cache_folder(self) -> Path:
        """Where this engine keeps its converted form of the model (per variant and adapter)."""
        from core.models.convert import engine_cache

        tag = self.variant if self.info.adapter_id is None else f"{self.variant}+{self.info.adapter_id}"
        return engine_cache(self.record, self.name, tag)

    # -- text ------------------------------------------------------------------------------
    @property
    def context_length(self) -> int:
        return int(self.record.context_length)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def chat_prompt(self, system: str, user: str) -> str:
        """Render messages through the model's own chat template."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return f"{system}\n\n{user}\n\nSummary:\n"

    def next_token_logits(self, prompt: str):
        """The model's logits for the token after ``prompt`` (a 1-D torch tensor)."""
        import torch

        self._ensure_model()
        enc = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
        with torch.inference_mode():
            return self.model(**enc).logits[0, -1]

    def stream(self, prompt: str, settings: GenerationSettings | None = None,
               should_stop: StopCheck | None = None) -> Iterator[str]:
        """Yield decoded text pieces as they are generated; stops within one token of ``should_stop()``."""
        from core.engines.streaming import stream_generate

        self._ensure_model()
        yield from stream_generate(self.model, self.tokenizer, prompt, settings or GenerationSettings(),
                                   should_stop)
