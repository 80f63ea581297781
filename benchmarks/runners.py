"""Run every inference configuration and training variant of a plan, each in its own child process."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from benchmarks import derive, limits, plan, proc, setup_models
from core.workers.affinity import allocator_path

WARM_GRACE_S = 240  # beyond the measurement budget: imports, one overlong step


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _problem(mode: str, res: proc.ChildResult, limit: float) -> list[str]:
    if res.timed_out:
        return [f"{mode} process killed at its {limit:.0f}s limit"]
    if res.returncode != 0:
        last = [ln for ln in res.log_tail.strip().splitlines() if ln.strip()][-1:] or [""]
        return [f"{mode} process exited {res.returncode}: {last[0][:200]}"]
    return []


def _thread_env(threads: int, home: Path | None = None) -> dict[str, str]:
    env = {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    if home is not None:
        env["CHARTBRIEF_HOME"] = str(home)
    return env


def inference(p: plan.Plan, models: dict, doc: dict, work: Path, say) -> list[dict]:
    from core import paths

    rows: list[dict] = []
    homes: dict[tuple, Path] = {}
    warmed: set[tuple] = set()
    shared_home = paths.cache_dir() / "bench" / "home"
    have_llama, no_llama = setup_models.llama_cpp_available()
    for i, cfg in enumerate(p.configs, 1):
        mp = p.per_model[cfg.model]
        prefill = mp.prefill_targets if cfg.prefill is None else cfg.prefill
        budget = cfg.budget_s or mp.budget_s
        base = {**asdict(cfg), "label": cfg.label, "key": cfg.key, "prefill_targets": list(prefill),
                "e2e_target": mp.e2e_target, "new_tokens": mp.new_tokens, "budget_s": budget, "probe": mp.probe,
                "repeats": mp.repeats}
        m = models.get(cfg.model)
        skip = None
        if m is None:
            skip = doc["model_errors"].get(cfg.model, "model not prepared")
        elif cfg.engine == "llama_cpp" and not have_llama:
            skip = no_llama
        elif cfg.engine == "llama_cpp" and not m.get("gguf"):
            skip = f"no GGUF for this model: {m.get('gguf_note')}"
        if skip:
            row = derive.infer_row(base, None, None, None, None, [f"not run: {skip}"])
            row["status"] = "skipped"
            rows.append(row)
            say(f"[{i}/{len(p.configs)}] {cfg.model} {cfg.label}: skipped ({skip})")
            continue
        wanted = {*prefill, mp.e2e_target}
        job = {**base, "record": m["record"], "prompts": [x for x in m["prompts"] if x["target"] in wanted],
               "gguf": m.get("gguf")}
        cold_res = cold_rss = None
        problems: list[str] = []

        def child(tag: str, mode: str, home: Path | None, timeout_s: float, i=i, job=job, cfg=cfg):
            return _infer_child(work, f"{i}-{tag}", {**job, "mode": mode}, _thread_env(cfg.threads, home), timeout_s)

        step = f"[{i}/{len(p.configs)}] {cfg.model} {cfg.label}"
        if cfg.engine == "llama_cpp":
            mode, home = "llamacpp", None
        else:
            mode = "warm"
            home_key = (cfg.model, cfg.engine, cfg.variant)
            if cfg.cold:
                home = homes.setdefault(home_key, work / f"home-{len(homes)}")
                say(f"{step}: loading with an empty cache (conversion)…")
                res, cold_res = child("cold", "cold", home, mp.cold_timeout_s)
                cold_rss = proc.peak_rss(res.peak_rss_mib, cold_res)
                problems += _problem("cold", res, mp.cold_timeout_s)
            else:
                home = homes.get(home_key, shared_home)
                if home is shared_home and cfg.engine != "reference" and home_key not in warmed:
                    # an untimed load that fills the shared cache when it is empty (a fresh install's
                    # --quick run), so that "load cached" below is the load from the cache
                    say(f"{step}: filling the cache (untimed)…")
                    res, _ = child("prepare", "cold", home, mp.cold_timeout_s)
                    problems += _problem("cache fill", res, mp.cold_timeout_s)
                    warmed.add(home_key)
        say(f"{step}: measuring (budget {budget}s)…")
        limit = budget + WARM_GRACE_S
        res, warm = child("warm", mode, home, limit)
        problems += _problem("measurement", res, limit)
        if warm and mode == "warm" and warm.get("loaded_from_cache") is False and cfg.engine != "reference":
            problems.append("the cache was empty, so 'load cached' includes the conversion")
        row = derive.infer_row(base, cold_res, warm, cold_rss, proc.peak_rss(res.peak_rss_mib, warm) if warm else None,
                               problems)
        derive.add_shares(row, m["split"], limits.lookup(doc["limits"], cfg.threads), m.get("gguf_bytes"))
        rows.append(row)
        e2e = row.get("e2e") or {}
        say(f"    cold {row.get('load_cold_s')}s, cached {row.get('load_cached_s')}s, summary {e2e.get('total_s')}s"
            f" ({e2e.get('new_tokens')} tok), decode {row.get('decode_tps')} tok/s, peak RSS "
            f"{row.get('peak_rss_mib')} MiB [{row['status']}]")
    return rows


def _infer_child(work: Path, tag: str, job: dict, env: dict, timeout_s: float) -> tuple[proc.ChildResult, dict | None]:
    """Run the inference worker on ``job``: (the process result, the worker's JSON result or None)."""
    job = {**job, "result": str(work / f"r{tag}.json")}
    Path(work / f"j{tag}.json").write_text(json.dumps(job))
    res = proc.run_child(["-m", "benchmarks.infer_worker", str(work / f"j{tag}.json")], env=env,
                         log=work / f"r{tag}.log", timeout_s=timeout_s)
    return res, _read(Path(job["result"]))



def training(tp: plan.TrainPlan, folder: str, cpus: tuple[int, ...], doc: dict, split, work: Path,
             say) -> list[dict]:
    rows = []
    threads = len(cpus)
    gflops = limits.lookup(doc["limits"], threads)
    tcm = allocator_path()
    plan_d = asdict(tp)
    for i, v in enumerate(tp.variants, 1):
        problems: list[str] = []
        env = _thread_env(threads)
        if v.tcmalloc:
            if tcm is None:
                problems.append("TCMalloc requested but ipex_llm/libs/libtcmalloc.so was not found")
            else:
                env["LD_PRELOAD"] = ":".join(filter(None, [str(tcm), os.environ.get("LD_PRELOAD", "")]))
        env.update({"OMP_PROC_BIND": "close", "OMP_PLACES": "cores"} if v.pinned else {"OMP_PROC_BIND": "false"})
        job = {"folder": folder, "variant": asdict(v), "warmup_steps": tp.warmup_steps,
               "steps": tp.steps, "threads": threads, "budget_s": tp.timeout_s - 60,
               "result": str(work / f"t{i}.json")}
        Path(work / f"t{i}-job.json").write_text(json.dumps(job))
        say(f"[train {i}/{len(tp.variants)}] {v.label}…")
        res = proc.run_child(["-m", "benchmarks.train_worker", str(work / f"t{i}-job.json")], env=env,
                             log=work / f"t{i}.log", timeout_s=tp.timeout_s, cpus=cpus if v.pinned else None)
        problems += _problem("training", res, tp.timeout_s)
        peak = gflops["bf16_gflops_cpu"] if v.compute == "bf16" else gflops["fp32_gflops_cpu"]
        result = _read(Path(job["result"]))
        row = derive.train_row(asdict(v), v.label, result, proc.peak_rss(res.peak_rss_mib, result), plan_d,
                               problems, split, peak)
        rows.append(row)
        say(f"    {row.get('tokens_per_s')} tokens/s, step {row.get('step_s')}s, peak RSS {row.get('peak_rss_mib')}"
            f" MiB [{row['status']}]{' ' + row['skipped'] if row.get('skipped') else ''}")
    native = bool(doc["machine"].get("bf16_native"))
    measured = _store_train_dtype(rows, native, doc)
    derive.add_train_ratios(rows, plan.train_default(native, measured).label)
    return rows


def _store_train_dtype(rows: list[dict], native: bool, doc: dict) -> str | None:
    """Cache the faster compute dtype of ChartBrief's default variant (fp32 vs bf16, all else equal) for the
    fine-tuning worker's ``auto``; returns it (None when either was not measured)."""
    from core.finetune import dtype_choice

    labels = {d: plan.train_default(native, d).label for d in dtype_choice.DTYPES}
    rates = {d: next((r.get("tokens_per_s") for r in rows if r["label"] == lab), None) for d, lab in labels.items()}
    if not all(rates.values()):
        doc["training_choice"] = {"note": f"compute dtype not stored: rates {rates}"}
        return None
    best = dtype_choice.store(rates, basis=f"chartbrief bench {doc['date']}: {labels['fp32']} vs {labels['bf16']}")
    doc["training_choice"] = {"compute_dtype": best, "tokens_per_s": rates}
    return best
