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
    budget_s: int | None = None  # None: the model's budget
    prefill: tuple[int, ...] | None = None  # extra prefill lengths; None: the model's, (): summary only

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
    budget_s: int  # per configuration, for the measurements after the load from cache
    cold_timeout_s: int
    probe: bool = True  # a ~200-token probe first, to predict what fits the budget
    repeats: int = 1  # the summary is run this many times and the median run kept (a shared CPU is noisy)


@dataclass(frozen=True)
class TrainVariant:
    # lora: the baseline (plain transformers + peft, fp32 base); qlora: ChartBrief's fine-tuning (ipex-llm
    # sym_int4 base); stock: ChartBrief's trainer and LoRA options on a bf16 base with stock peft (no ipex-llm)
    method: str
    compute: str  # fp32 | bf16
    tcmalloc: bool
    pinned: bool
    grad_ckpt: bool

    @property
    def label(self) -> str:
        if self.method == "lora":
            name = "baseline LoRA fp32 (Trainer+peft)"
        elif self.method == "stock":
            name = f"stock LoRA, bf16 base {self.compute}"
        else:
            name = f"QLoRA sym_int4 {self.compute}"
        bits = [b for b, on in (("tcmalloc", self.tcmalloc), ("pinned", self.pinned),
                                ("grad-ckpt", self.grad_ckpt)) if on]
        return name + (f" [{', '.join(bits)}]" if bits else "")


@dataclass(frozen=True)
class TrainPlan:
    """Steps on the synthetic set's rows as ChartBrief's fine-tuning encodes them (benchmarks/train_worker)."""
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


def sweep_threads(threads: int, all_threads: int) -> int | None:
    """The second thread count to measure: 1 when ChartBrief uses several threads (on a shared or small
    machine one thread can beat all of them), else every allowed CPU; None when there is no other."""
    if threads > 1:
        return 1
    return all_threads if all_threads > threads else None


def _train_variants() -> tuple[TrainVariant, ...]:
    q = "qlora"
    # One factor at a time from plain QLoRA: + TCMalloc, + pinning, − gradient checkpointing (ChartBrief's
    # default), then bf16 compute instead of fp32.
    return (
        TrainVariant("lora", "fp32", False, False, False),
        TrainVariant(q, "fp32", False, False, True),
        TrainVariant(q, "fp32", True, False, True),
        TrainVariant(q, "fp32", True, True, True),
        TrainVariant(q, "fp32", True, True, False),
        TrainVariant(q, "bf16", True, True, False),
        TrainVariant("stock", "bf16", True, True, False),  # the measured alternative to ipex-llm QLoRA
    )


def train_baseline() -> TrainVariant:
    """The fp32 Trainer+peft LoRA baseline every training ratio is relative to."""
    return _train_variants()[0]


def full(threads: int, all_threads: int, train_threads: int, skip_training: bool = False) -> Plan:
    """Every engine configuration on the embedded model; the int4 leaders and the plain reference get the
    long prefills too, the other variants the summary only; the 1B shape gets a ~500-token note."""
    t, e = threads, EMBEDDED
    short = {"budget_s": 150, "prefill": ()}
    small = [InferConfig(e, "ipex_llm", "sym_int4", t), InferConfig(e, "openvino", "int4", t),
             InferConfig(e, "reference", "fp32", t), InferConfig(e, "llama_cpp", "Q4_1", t)]
    small += [InferConfig(e, "ipex_llm", v, t, **short) for v in ("asym_int4", "sym_int8", "bf16")]
    small += [InferConfig(e, "reference", "bf16", t, **short)]
    other = sweep_threads(t, all_threads)
    if other:  # the same summary at another thread count, for auto's two candidates and llama.cpp
        small += [InferConfig(e, eng, var, other, cold=False, **short)
                  for eng, var in (("ipex_llm", "sym_int4"), ("openvino", "int4"), ("llama_cpp", "Q4_1"))]
    big = [InferConfig(ONE_B, "ipex_llm", "sym_int4", t), InferConfig(ONE_B, "openvino", "int4", t),
           InferConfig(ONE_B, "llama_cpp", "Q4_1", t),
           InferConfig(ONE_B, "reference", "fp32", t, cold=False, budget_s=120)]
    per_model = {
        e: ModelPlan((500, 6000), 2000, 200, budget_s=240, cold_timeout_s=600),
        ONE_B: ModelPlan((500,), 500, 200, budget_s=200, cold_timeout_s=1200),
    }
    training = None if skip_training else TrainPlan(warmup_steps=1, steps=4, timeout_s=300,
                                                    variants=_train_variants())
    return Plan("full", (e, ONE_B), tuple(small + big), per_model, training,
                tuple(sorted({t, all_threads, other or t, train_threads})))


def quick(threads: int, all_threads: int, train_threads: int, skip_training: bool = False,
          one_b: bool = False, training: bool = False) -> Plan:
    """Four configurations on the embedded model; ``one_b``: also ChartBrief's default and llama.cpp on the
    1B shape (a ~500-token note), for the speed ratios on a model of that size; ``training``: also the
    fine-tuning baseline and ChartBrief's default variant in both compute dtypes (the fine-tuning ratio)."""
    t = threads
    # ChartBrief's default and llama.cpp also prefill a ~6,000-token note (peak RSS per note length)
    configs = (InferConfig(EMBEDDED, "ipex_llm", "sym_int4", t, cold=False, prefill=()),
               InferConfig(EMBEDDED, "openvino", "int4", t, cold=False),
               InferConfig(EMBEDDED, "reference", "fp32", t, cold=False, prefill=()),
               InferConfig(EMBEDDED, "llama_cpp", "Q4_1", t, cold=False))
    big = (InferConfig(ONE_B, "openvino", "int4", t, cold=False), InferConfig(ONE_B, "llama_cpp", "Q4_1", t, cold=False))
    # The acceptance shape of the speed comparison: a 200-token summary of a ~2,000-token note.
    per_model = {EMBEDDED: ModelPlan((2000, 6000), 2000, 200, budget_s=200, cold_timeout_s=300, probe=False,
                                     repeats=3)}
    train = None
    if training and not skip_training:
        ladder = _train_variants()  # the baseline, then ChartBrief's setup in fp32 and bf16, and the alternative
        train = TrainPlan(warmup_steps=1, steps=4, timeout_s=300, variants=(ladder[0], *ladder[-3:]))
    limits = tuple(sorted({t, train_threads})) if train else (t,)
    if not one_b:
        return Plan("quick", (EMBEDDED,), configs, per_model, train, limits)
    per_model[ONE_B] = ModelPlan((500,), 500, 200, budget_s=240, cold_timeout_s=1200, probe=False, repeats=3)
    return Plan("quick", (EMBEDDED, ONE_B), configs + big, per_model, train, limits)


def train_default(bf16_native: bool, measured: str | None = None) -> TrainVariant:
    """The variant ChartBrief's fine-tuning runs with its default options on this CPU (core/finetune):
    QLoRA on sym_int4, TCMalloc preloaded and threads pinned by the worker, the default compute dtype
    resolved as the worker resolves it (``measured``: the dtype this run found faster), and the default
    gradient-checkpointing setting."""
    from core.finetune.options import TrainOptions, resolve_dtype

    opts = TrainOptions()
    return TrainVariant("qlora", resolve_dtype(opts.compute_dtype, bf16_native, measured), True, True,
                        opts.gradient_checkpointing)
