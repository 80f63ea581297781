"""What a bench run measures: the engine configurations, note lengths, budgets and training variants.

Pure data, so the full and ``--quick`` plans can be read (and tested) without running anything.
Budgets keep the full run near half an hour on a 2-core machine: a step predicted not to fit its
configuration's budget is skipped and the reason written into the results, never silently dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EMBEDDED = "smollm2-135m"
ONE_B = "llama-1b-shape"


@dataclass(frozen=True)
class InferConfig:
    model: str
    engine: str  # ipex_llm | openvino | reference | llama_cpp
    variant: str
    threads: int
    cold: bool = True  # also measure the load from an empty cache

    @property
    def label(self) -> str:
        return f"{self.engine} {self.variant} ×{self.threads}"

    @property
    def key(self) -> str:
        return f"{self.model}/{self.engine}/{self.variant}/t{self.threads}"


@dataclass(frozen=True)
class ModelPlan:
    prefill_targets: tuple[int, ...]
    e2e_target: int
    new_tokens: int
    budget_s: int  # per configuration, warm measurements (load from cache included)
    cold_timeout_s: int


@dataclass(frozen=True)
class TrainVariant:
    method: str  # qlora (ipex-llm, sym_int4 base) | lora (plain transformers + peft, fp32 base)
    compute: str  # fp32 | bf16
    tcmalloc: bool
    pinned: bool
    grad_ckpt: bool

    @property
    def label(self) -> str:
        if self.method == "lora":
            name = "baseline LoRA fp32 (Trainer+peft)"
        else:
            name = f"QLoRA sym_int4 {self.compute}"
        bits = [b for b, on in (("tcmalloc", self.tcmalloc), ("pinned", self.pinned),
                                ("grad-ckpt", self.grad_ckpt)) if on]
        return name + (f" [{', '.join(bits)}]" if bits else "")


@dataclass(frozen=True)
class TrainPlan:
    seq_len: int
    warmup_steps: int
    steps: int
    timeout_s: int
    variants: tuple[TrainVariant, ...]


@dataclass(frozen=True)
class Plan:
    mode: str
    models: tuple[str, ...]
    configs: tuple[InferConfig, ...]
    per_model: dict = field(default_factory=dict)  # model -> ModelPlan
    training: TrainPlan | None = None
    limits_threads: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


def _train_variants() -> tuple[TrainVariant, ...]:
    q = "qlora"
    return (
        TrainVariant("lora", "fp32", False, False, False),
        TrainVariant(q, "fp32", False, False, True),
        TrainVariant(q, "fp32", True, False, True),
        TrainVariant(q, "fp32", False, True, True),
        TrainVariant(q, "fp32", True, True, True),
        TrainVariant(q, "fp32", True, True, False),
        TrainVariant(q, "bf16", True, True, True),
    )


def full(threads: int, all_threads: int, train_threads: int, skip_training: bool = False) -> Plan:
    t = threads
    small = [InferConfig(EMBEDDED, "ipex_llm", v, t) for v in ("sym_int4", "asym_int4", "sym_int8", "bf16")]
    small += [InferConfig(EMBEDDED, "openvino", "int4", t), InferConfig(EMBEDDED, "reference", "fp32", t),
              InferConfig(EMBEDDED, "reference", "bf16", t), InferConfig(EMBEDDED, "llama_cpp", "Q4_1", t)]
    if all_threads > t:  # the thread count ChartBrief uses vs every allowed CPU, for the two int4 leaders
        small += [InferConfig(EMBEDDED, "ipex_llm", "sym_int4", all_threads, cold=False),
                  InferConfig(EMBEDDED, "llama_cpp", "Q4_1", all_threads, cold=False)]
    big = [InferConfig(ONE_B, "ipex_llm", "sym_int4", t), InferConfig(ONE_B, "openvino", "int4", t),
           InferConfig(ONE_B, "reference", "fp32", t, cold=False), InferConfig(ONE_B, "llama_cpp", "Q4_1", t)]
    per_model = {
        EMBEDDED: ModelPlan((500, 6000), 2000, 200, budget_s=240, cold_timeout_s=600),
        ONE_B: ModelPlan((500,), 500, 200, budget_s=300, cold_timeout_s=900),
    }
    training = None if skip_training else TrainPlan(seq_len=512, warmup_steps=1, steps=6, timeout_s=420,
                                                    variants=_train_variants())
    return Plan("full", (EMBEDDED, ONE_B), tuple(small + big), per_model, training,
                tuple(sorted({t, all_threads})))


def quick(threads: int, all_threads: int, train_threads: int, skip_training: bool = False) -> Plan:
    t = threads
    configs = (InferConfig(EMBEDDED, "ipex_llm", "sym_int4", t, cold=False),
               InferConfig(EMBEDDED, "openvino", "int4", t, cold=False),
               InferConfig(EMBEDDED, "reference", "fp32", t, cold=False),
               InferConfig(EMBEDDED, "llama_cpp", "Q4_1", t, cold=False))
    per_model = {EMBEDDED: ModelPlan((500,), 500, 32, budget_s=60, cold_timeout_s=300)}
    training = None if skip_training else TrainPlan(
        seq_len=128, warmup_steps=1, steps=2, timeout_s=90,
        variants=(TrainVariant("lora", "fp32", False, False, False),
                  TrainVariant("qlora", "fp32", True, True, True)))
    return Plan("quick", (EMBEDDED,), configs, per_model, training, (t,))
