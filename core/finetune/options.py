"""Fine-tuning options: one dataclass, each field with help text, validated on construction.

Defaults are measured, not guessed (2-vCPU AVX2 machine, embedded SmolLM2-135M, shipped synthetic set):
fp32 compute because emulated bf16 matmuls ran ~30x slower there than fp32; no gradient checkpointing
(memory is not the limit for small models, and it costs one extra forward pass); no LoRA dropout (its
random masks cost ~5% of a step); max length 1152 so no shipped row is excluded (the longest prompt +
summary is 1068 tokens).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from core.errors import ChartBriefError

DEFAULT_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
DTYPES = ("auto", "fp32", "bf16")


class OptionError(ChartBriefError, ValueError):
    """A fine-tuning option is out of range."""


@dataclass(frozen=True)
class TrainOptions:
    """What a fine-tuning run does. ``to_dict``/``from_dict`` round-trip through the run's JSON file."""

    model_id: str | None = field(default=None, metadata={"help": "base model id (default: the embedded model)"})
    lora_r: int = field(default=16, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA alpha (scale = alpha / rank)"})
    lora_dropout: float = field(default=0.0, metadata={"help": "dropout on the LoRA input, 0 to <1 (costs ~5% "
                                                               "time on CPU)"})
    target_modules: tuple[str, ...] = field(default=DEFAULT_TARGETS,
                                            metadata={"help": "linear layers that get LoRA weights"})
    learning_rate: float = field(default=1e-3, metadata={"help": "peak learning rate (cosine decay to 10%)"})
    warmup_steps: int = field(default=3, metadata={"help": "optimizer steps of linear warm-up"})
    epochs: float = field(default=1.0, metadata={"help": "passes over the training rows (upper bound)"})
    minutes: float | None = field(default=None,
                                  metadata={"help": "training-time budget in minutes: no step ends after it, "
                                                    "and the learning-rate schedule fits it"})
    max_steps: int | None = field(default=None, metadata={"help": "stop after this many optimizer steps"})
    max_length: int = field(default=1152, metadata={"help": "prompt + summary tokens; longer rows are excluded"})
    batch_size: int = field(default=1, metadata={"help": "rows per forward pass"})
    grad_accum: int = field(default=1, metadata={"help": "forward passes per optimizer step"})
    gradient_checkpointing: bool = field(default=False,
                                         metadata={"help": "recompute activations: less memory, ~30% slower"})
    compute_dtype: str = field(default="auto", metadata={"help": "auto, fp32 or bf16 (auto: bf16 only where "
                                                                 "the CPU has native bf16, AMX/AVX-512-BF16)"})
    checkpoint_every: int = field(default=10, metadata={"help": "save a resumable checkpoint every N steps"})
    seed: int = field(default=0, metadata={"help": "seed for data order, LoRA init and dropout"})
    cores: tuple[int, ...] | None = field(default=None,
                                          metadata={"help": "CPUs for training (default: the core plan)"})
    eval_limit: int = field(default=24, metadata={"help": "held-out notes to evaluate (half seen, half unseen);"
                                                          " 0 skips evaluation"})
    eval_max_new_tokens: int = field(default=160, metadata={"help": "summary tokens generated per note"})
    eval_engine: str = field(default="auto", metadata={"help": "engine for the before/after evaluation (auto: "
                                                               "the fastest measured here, checked against the "
                                                               "reference engine on a sample; reference: fp32 + "
                                                               "stock peft, exact but slow)"})
    eval_cores: str = field(default="all", metadata={"help": "CPUs for the evaluation after training: all (every "
                                                             "CPU this job may use, the training ones freed by "
                                                             "then) or training (the training CPUs; the window "
                                                             "keeps its summarizer's CPU)"})
    eval_independent: int = field(default=4, metadata={"help": "notes of the shipped independent evaluation set "
                                                               "also evaluated, reported apart; 0 skips"})
    eval_agreement: int = field(default=2, metadata={"help": "held-out notes the reference engine also "
                                                             "summarizes, to check the faster engine's verdict; "
                                                             "0 skips"})
    nproc_per_node: int = field(default=1, metadata={"help": "training processes on this machine, each pinned to "
                                                             "its share of the training CPUs (torchrun, DDP over "
                                                             "gloo); each takes batch-size rows per forward pass"})
    nnodes: int = field(default=1, metadata={"help": "machines taking part (torchrun); run the same command with "
                                                     "the same data and --rdzv on each"})
    rdzv: str | None = field(default=None, metadata={"help": "HOST:PORT where the machines meet (torchrun's c10d "
                                                             "rendezvous; needed with --nnodes above 1)"})

    def __post_init__(self) -> None:
        ints = {"lora_r": (1, 1024), "lora_alpha": (1, 4096), "warmup_steps": (0, 100_000),
                "max_length": (16, 131_072), "batch_size": (1, 256), "grad_accum": (1, 1024),
                "checkpoint_every": (1, 1_000_000), "seed": (0, 2**32 - 1), "eval_limit": (0, 100_000),
                "eval_max_new_tokens": (1, 4096), "nproc_per_node": (1, 1024), "nnodes": (1, 1024),
                "eval_independent": (0, 1000), "eval_agreement": (0, 1000)}
        for name, (lo, hi) in ints.items():
            value = getattr(self, name)
            if type(value) is not int or not lo <= value <= hi:
                _bad(name, value, f"a whole number from {lo} to {hi}")
        if not isinstance(self.lora_dropout, int | float) or not 0 <= self.lora_dropout < 1:
            _bad("lora_dropout", self.lora_dropout, "a number from 0 to below 1")
        if not isinstance(self.learning_rate, int | float) or not 0 < self.learning_rate <= 1:
            _bad("learning_rate", self.learning_rate, "a number above 0 and at most 1 (e.g. 5e-4)")
        if not isinstance(self.epochs, int | float) or not 0 < self.epochs <= 1000:
            _bad("epochs", self.epochs, "a number above 0 (fractions allowed)")
        if self.minutes is not None and (not isinstance(self.minutes, int | float) or not 0 < self.minutes <= 10**5):
            _bad("minutes", self.minutes, "a number of minutes above 0")
        if self.max_steps is not None and (type(self.max_steps) is not int or self.max_steps < 1):
            _bad("max_steps", self.max_steps, "a whole number of at least 1")
        if not self.target_modules or not all(isinstance(t, str) and t.isidentifier() for t in self.target_modules):
            _bad("target_modules", self.target_modules, "module names such as q_proj, v_proj")
        if self.compute_dtype not in DTYPES:
            _bad("compute_dtype", self.compute_dtype, " or ".join(DTYPES))
        if self.cores is not None and (not self.cores or not all(type(c) is int and c >= 0 for c in self.cores)):
            _bad("cores", self.cores, "CPU numbers such as 1-3 or 0,2")
        if self.eval_engine not in ("auto", "ipex_llm", "reference", "openvino"):
            _bad("eval_engine", self.eval_engine, "auto, ipex_llm, reference or openvino")
        if self.eval_cores not in ("all", "training"):
            _bad("eval_cores", self.eval_cores, "all or training")
        if self.nnodes > 1 and not _host_port(self.rdzv):
            _bad("rdzv", self.rdzv, "HOST:PORT of the first machine (e.g. 10.0.0.5:29400) when nnodes is above 1")
        if self.rdzv is not None and not _host_port(self.rdzv):
            _bad("rdzv", self.rdzv, "HOST:PORT, e.g. 10.0.0.5:29400")

    @property
    def world_size(self) -> int:
        """Training processes in all: one optimizer step takes ``batch_size * grad_accum`` rows from each."""
        return self.nproc_per_node * self.nnodes

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["target_modules"] = list(self.target_modules)
        d["cores"] = list(self.cores) if self.cores is not None else None
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainOptions:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise OptionError(f"unknown fine-tuning option(s): {', '.join(unknown)}",
                              hint=f"Known options: {', '.join(sorted(known))}.")
        data = dict(data)
        if data.get("target_modules") is not None:
            data["target_modules"] = tuple(data["target_modules"])
        if data.get("cores") is not None:
            data["cores"] = tuple(data["cores"])
        return cls(**data)

    def replace(self, **changes: Any) -> TrainOptions:
        return dataclasses.replace(self, **changes)

    def hyperparameters(self) -> dict[str, Any]:
        """What an adapter's metadata records about how it was trained."""
        skip = {"model_id", "cores", "eval_limit", "eval_max_new_tokens", "eval_engine", "eval_independent", "eval_cores",
                "eval_agreement", "rdzv"}
        return {k: v for k, v in self.to_dict().items() if k not in skip}


def help_text() -> dict[str, str]:
    """{option: description}, for the CLI and the GUI's fine-tune form."""
    return {f.name: f.metadata["help"] for f in dataclasses.fields(TrainOptions)}


def resolve_dtype(requested: str, bf16_native: bool, measured: str | None = None) -> str:
    """``auto`` → the dtype ``chartbrief bench`` measured faster on this CPU (``measured``) when known;
    otherwise bf16 only on CPUs with native bf16 dot products, fp32 elsewhere (emulated bf16 is slow)."""
    if requested == "auto":
        if measured in ("fp32", "bf16"):
            return measured
        return "bf16" if bf16_native else "fp32"
    return requested


def _host_port(value: str | None) -> bool:
    host, sep, port = (value or "").rpartition(":")
    return bool(sep and host and port.isdigit() and 0 < int(port) < 65536)


def _bad(name: str, value: Any, expected: str) -> None:
    raise OptionError(f"fine-tuning option {name}={value!r} is invalid: expected {expected}.",
                      hint=f"{name}: {_HELP.get(name, '')}".rstrip(": "))


_HELP = {f.name: f.metadata["help"] for f in dataclasses.fields(TrainOptions)}
