"""A small synthetic bench document (the JSON schema) for the report and derive tests."""

from __future__ import annotations

from benchmarks import derive, report, roofline

SPLIT = roofline.ParamSplit(linear=100_000_000, head=30_000_000, embed=30_000_000, norms=1000, tied=True)
LIMITS = {"bandwidth": [{"threads": 1, "array_gib": 1, "copy_gbs": 8.0, "triad_gbs": 10.0}],
          "gemm": [{"threads": 1, "dtype": "fp32", "n": 2048, "gflops": 50.0, "repeats": 5},
                   {"threads": 1, "dtype": "bf16", "n": 512, "gflops": 0.4, "repeats": 5}],
          "method": "test"}


def e2e(total, prefill_tps, decode_tps, complete=True, cpu=None):
    return {"prompt_tokens": 2000, "new_tokens": 200 if complete else 50, "requested_tokens": 200,
            "complete": complete, "total_s": total, "cpu_s": cpu or total, "ttft_s": 2000 / prefill_tps,
            "prefill_tps": prefill_tps, "decode_tps": decode_tps, "cpu_util": 1.0}


def make_row(engine, variant, total, prefill, decode, rss=500.0, threads=1, model="smollm2-135m", complete=True):
    cfg = {"model": model, "engine": engine, "variant": variant, "threads": threads, "cold": True,
           "label": f"{engine} {variant} ×{threads}", "key": f"{model}/{engine}/{variant}/t{threads}",
           "prefill_targets": [500, 6000], "e2e_target": 2000, "new_tokens": 200, "budget_s": 240}
    warm = {"load_s": 1.0, "steps": {"e2e": e2e(total, prefill, decode, complete),
                                     "prefill_500": {"prompt_tokens": 500, "ttft_s": 1.0, "prefill_tps": 500.0}},
            "skipped": {} if complete else {"prefill_6000": "predicted 900s"}}
    row = derive.infer_row(cfg, {"load_s": 30.0}, warm, 900.0, rss, [])
    derive.add_shares(row, SPLIT, {"bandwidth_gbs": 10.0, "fp32_gflops": 50.0, "bf16_gflops": 0.4}, 80_000_000)
    return row


def make_rows():
    return [make_row("ipex_llm", "sym_int4", 40.0, 100.0, 20.0),
            make_row("openvino", "int4", 30.0, 150.0, 25.0),
            make_row("reference", "fp32", 80.0, 60.0, 8.0, rss=1200.0),
            make_row("llama_cpp", "Q4_1", 20.0, 250.0, 40.0, rss=300.0),
            make_row("reference", "bf16", 500.0, 2.0, 1.0, complete=False)]


def make_doc(rows):
    cands = [("ipex_llm", "sym_int4"), ("openvino", "int4")]
    default = derive.default_row(rows, "smollm2-135m", cands, 1)
    derive.add_ratios(rows, default)
    plan = {"warmup_steps": 1, "steps": 4}
    steps = [{"wall_s": 10.0, "cpu_s": 9.0, "tokens": 256}] * 5
    train = [derive.train_row({"method": "lora", "compute": "fp32", "tcmalloc": False, "pinned": False,
                               "grad_ckpt": False}, "baseline LoRA fp32 (Trainer+peft)",
                              {"step_times": steps, "threads": 1}, 1500.0, plan, [], SPLIT, 50.0),
             derive.train_row({"method": "qlora", "compute": "fp32", "tcmalloc": True, "pinned": True,
                               "grad_ckpt": True}, "QLoRA sym_int4 fp32 [tcmalloc, pinned, grad-ckpt]",
                              {"step_times": [{"wall_s": 20.0, "cpu_s": 19.0, "tokens": 256}] * 5, "threads": 1}, 1200.0, plan,
                              [], SPLIT, 50.0),
             derive.train_row({"method": "qlora", "compute": "bf16", "tcmalloc": True, "pinned": True,
                               "grad_ckpt": True}, "QLoRA sym_int4 bf16 [tcmalloc, pinned, grad-ckpt]",
                              {"skipped": "5 steps predicted 9000s", "estimated_tokens_per_s": 0.1},
                              800.0, plan, [], SPLIT, 0.4)]
    derive.add_train_ratios(train, "QLoRA sym_int4 fp32 [tcmalloc, pinned, grad-ckpt]")
    return {"schema": report.SCHEMA, "date": "2031-01-01 00:00:00 UTC", "mode": "full",
            "machine": {"cpu_model": "Test CPU", "vendor": "X", "physical_cores": 2, "logical_cpus": 2,
                        "allowed_cpus": "0-1", "isa": {"avx2": True, "amx_tile": False}, "amx": False,
                        "bf16_native": False, "mem_total_gib": 24.0, "ipex_llm_kernel": "avx2"},
            "versions": {"torch": "x"}, "threads": {"inference": 1, "training": 1, "all": 2},
            "limits": LIMITS, "models": {"smollm2-135m": {"label": "SmolLM2", "matmul_params": SPLIT.matmul,
                                                          "weights": "Trained."}},
            "inference": rows, "training": train, "training_plan": plan, "notes": ["a note"],
            "choice": {"entry": derive.choice_entry(derive.best_choice(rows, "smollm2-135m"), rows,
                                                    "2031-01-01", 2000, 200), "file": "/x/engine_choice.json"}}
