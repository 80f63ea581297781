"""Training options: defaults, validation with actionable errors, JSON round trip, dtype choice."""

from __future__ import annotations

import pytest

from core.errors import ChartBriefError
from core.finetune.options import DEFAULT_TARGETS, OptionError, TrainOptions, help_text, resolve_dtype


def test_defaults_are_valid_and_documented():
    opts = TrainOptions()
    assert opts.lora_r == 16 and opts.target_modules == DEFAULT_TARGETS
    assert opts.compute_dtype == "auto" and not opts.gradient_checkpointing
    assert set(help_text()) == set(opts.to_dict()) and all(help_text().values())


@pytest.mark.parametrize("field,value", [
    ("lora_r", 0), ("lora_alpha", -1), ("lora_dropout", 1.0), ("learning_rate", 0), ("epochs", 0),
    ("minutes", -5), ("max_steps", 0), ("max_length", 8), ("batch_size", 0), ("grad_accum", 0),
    ("compute_dtype", "fp16"), ("checkpoint_every", 0), ("cores", ()), ("target_modules", ("q proj",)),
    ("lora_r", 2.5), ("eval_engine", "llama.cpp"),
])
def test_bad_values_name_the_option(field, value):
    with pytest.raises(OptionError) as err:
        TrainOptions(**{field: value})
    assert field in str(err.value)
    assert isinstance(err.value, ChartBriefError) and isinstance(err.value, ValueError)


def test_round_trip_through_json_dict():
    opts = TrainOptions(minutes=12.5, cores=(1, 3), target_modules=("q_proj", "v_proj"), seed=7)
    assert TrainOptions.from_dict(opts.to_dict()) == opts


def test_unknown_option_is_refused():
    with pytest.raises(OptionError, match="unknown fine-tuning option"):
        TrainOptions.from_dict({"lora_rank": 8})


def test_hyperparameters_leave_out_machine_details():
    hp = TrainOptions(cores=(1,)).hyperparameters()
    assert "cores" not in hp and hp["lora_r"] == 16


def test_auto_dtype_follows_native_bf16():
    assert resolve_dtype("auto", bf16_native=False) == "fp32"
    assert resolve_dtype("auto", bf16_native=True) == "bf16"
    assert resolve_dtype("bf16", bf16_native=False) == "bf16"
    assert resolve_dtype("auto", bf16_native=True, measured="fp32") == "fp32"  # a measurement beats the rule
    assert resolve_dtype("auto", bf16_native=False, measured="bf16") == "bf16"
    assert resolve_dtype("fp32", bf16_native=False, measured="bf16") == "fp32"  # an explicit choice stays


def test_measured_training_dtype_is_cached_per_cpu(home):
    from core.finetune import dtype_choice

    assert dtype_choice.compute_dtype() is None
    assert dtype_choice.store({"fp32": 40.0, "bf16": 2.5}, basis="test") == "fp32"
    assert dtype_choice.compute_dtype() == "fp32"
    assert dtype_choice.store({"fp32": 40.0, "bf16": 55.0}, basis="test") == "bf16"
    assert dtype_choice.compute_dtype() == "bf16"


def test_the_cli_flags_come_from_the_options_dataclass(home):
    """Every option but the CPU list (--cores, parsed apart) has a flag; no flag given = the dataclass defaults;
    the help shows the dataclass's own default and help text."""
    import dataclasses

    from core.cli import build_parser
    from core.cli.finetune import _FLAGS, build_options

    assert set(_FLAGS.values()) == {f.name for f in dataclasses.fields(TrainOptions)} - {"cores"}
    assert build_options(build_parser().parse_args(["finetune", "x.jsonl"])) == TrainOptions()
    args = build_parser().parse_args(["finetune", "x.jsonl", "--rank", "4", "--targets", "q_proj, v_proj",
                                      "--gradient-checkpointing", "--dropout", "0.1", "--eval-engine", "openvino"])
    assert build_options(args) == TrainOptions(lora_r=4, target_modules=("q_proj", "v_proj"),
                                               gradient_checkpointing=True, lora_dropout=0.1, eval_engine="openvino")
    sub = build_parser()._subparsers._group_actions[0].choices["finetune"]
    helps = {a.dest: a.help for a in sub._actions}
    assert helps["rank"] == "LoRA rank (default 16)" and helps["dropout"].endswith("(default 0.0)")
