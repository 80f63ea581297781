"""Turn raw child results into table rows: rates, share of the physical limit, ratio to ChartBrief's
default, and the engine choice. Pure functions over dicts (the JSON schema), so they are unit-tested.
"""

from __future__ import annotations

from benchmarks import roofline

CHARTBRIEF_ENGINES = ("ipex_llm", "openvino", "reference")
# auto's probe score (core/engines/auto.py): a 1,500-token note prefilled plus 200 generated tokens.
AUTO_PREFILL_TOKENS, AUTO_NEW_TOKENS = 1500, 200


def infer_row(cfg: dict, cold: dict | None, warm: dict | None, cold_rss: float | None,
              warm_rss: float | None, problems: list[str]) -> dict:
    """One configuration's row from its cold and warm child results (either may be missing)."""
    warm = warm or {}
    steps = warm.get("steps", {})
    row = {**cfg, "problems": list(problems), "skipped_steps": dict(warm.get("skipped", {}))}
    row["load_cold_s"] = (cold or {}).get("load_s", warm.get("load_cold_s"))
    row["cold_peak_rss_mib"] = cold_rss
    row["load_cached_s"] = warm.get("load_s")
    row["peak_rss_mib"] = warm_rss
    row["import_s"] = warm.get("import_s")
    for key in ("workaround", "product_load_error", "llama_cpp_version", "n_batch"):
        if key in warm:
            row[key] = warm[key]
    prefill = {}
    for key, res in steps.items():
        if key.startswith("prefill_"):
            prefill[key.removeprefix("prefill_")] = _prefill_entry(res, "prefill run")
    e2e = steps.get("e2e")
    if e2e:
        prefill.setdefault(str(cfg.get("e2e_target")), _prefill_entry(e2e, "the summary's first token"))
        row["decode_tps"] = e2e.get("decode_tps")
        row["decode_tps_cpu"] = e2e.get("decode_tps_cpu")
    row["prefill"] = dict(sorted(prefill.items(), key=lambda kv: int(kv[0])))
    row["e2e"] = e2e
    row["probe"] = steps.get("probe")
    row["status"] = _status(row, warm)
    return row


def _prefill_entry(res: dict, source: str) -> dict:
    # peak_rss_mib: the process's peak so far (steps run short to long, so the peak up to this length)
    return {"tokens": res.get("prompt_tokens"), "ttft_s": res.get("ttft_s"), "prefill_tps": res.get("prefill_tps"),
            "prefill_tps_cpu": res.get("prefill_tps_cpu"), "cpu_util": res.get("cpu_util"), "from": source,
            "peak_rss_mib": res.get("vmhwm_mib")}


def _status(row: dict, warm: dict) -> str:
    if not warm:
        return "failed" if row["problems"] else "skipped"
    e2e = row.get("e2e")
    if e2e and e2e.get("complete") and not row["skipped_steps"] and not row["problems"]:
        return "ok"
    return "partial"


def add_shares(row: dict, split: roofline.ParamSplit, limits_at: dict, gguf_bytes: int | None) -> None:
    """Decode share of the bandwidth limit, prefill share of the GEMM peak (measured, same threads).

    Both sides per CPU-second when the run recorded CPU time (``basis: cpu``): the limits child and this
    configuration may have had different shares of a busy CPU, but a CPU-second is a CPU-second.
    """
    if row["engine"] == "llama_cpp":
        bpt = gguf_bytes
    else:
        bpt = roofline.weight_bytes_per_token(split, row["engine"], row["variant"])
    row["weight_bytes_per_token"] = bpt
    dtype = "bf16" if row["variant"] == "bf16" else "fp32"
    cpu = limits_at.get("bandwidth_gbs_cpu") is not None and (
        row.get("decode_tps_cpu") is not None or (row.get("probe") or {}).get("decode_tps_cpu") is not None)
    sfx = "_cpu" if cpu else ""
    bw, peak = limits_at.get(f"bandwidth_gbs{sfx}"), limits_at.get(f"{dtype}_gflops{sfx}")
    row["limits"] = {"bandwidth_gbs": bw, "gemm_gflops": peak, "gemm_dtype": dtype,
                     "basis": "cpu" if cpu else "wall"}
    decode_limit = roofline.decode_limit_tps(bw, bpt) if bw and bpt else None
    prefill_limit = roofline.prefill_limit_tps(peak, split.matmul) if peak else None
    row["shares"] = {
        "basis": "per CPU-second" if cpu else "per wall-second",
        "decode_limit_tps": round(decode_limit, 2) if decode_limit else None,
        "prefill_limit_tps": round(prefill_limit, 2) if prefill_limit else None,
        "decode": _r(roofline.share(row.get(f"decode_tps{sfx}") or (row.get("probe") or {}).get(
            f"decode_tps{sfx}"), decode_limit)),
        "decode_basis": "summary" if row.get("decode_tps") else "probe",
        "prefill": {k: _r(roofline.share(v.get(f"prefill_tps{sfx}"), prefill_limit))
                    for k, v in row.get("prefill", {}).items()}}


def _r(x: float | None) -> float | None:
    return round(x, 3) if x is not None else None


def rates(row: dict) -> tuple[float | None, float | None, str]:
    """(prefill tok/s, decode tok/s, basis): from the summary run, else from the ~200-token probe (when the
    summary did not fit the budget); basis is "summary" or "probe"."""
    e2e = row.get("e2e") or {}
    if e2e.get("prefill_tps") and e2e.get("decode_tps"):
        return e2e["prefill_tps"], e2e["decode_tps"], "summary"
    probe = row.get("probe") or {}
    return probe.get("prefill_tps"), probe.get("decode_tps"), "probe"


def auto_score(row: dict) -> float | None:
    """auto's probe score for a measured row (lower is better): estimated seconds for a summary."""
    pre, dec, _ = rates(row)
    if not pre or not dec:
        return None
    return AUTO_PREFILL_TOKENS / pre + AUTO_NEW_TOKENS / dec


def default_row(rows: list[dict], model: str, candidates: list[tuple[str, str]], threads: int) -> dict | None:
    """The configuration ``auto`` would pick: its candidates, scored by its own rule, on this run's rates
    (summary rates when any candidate has them, else the probes')."""
    cands = [r for r in rows if r["model"] == model and (r["engine"], r["variant"]) in candidates
             and r["threads"] == threads and auto_score(r) is not None]
    summary = [r for r in cands if rates(r)[2] == "summary"]
    pool = summary or cands
    return min(pool, key=auto_score) if pool else None


def add_ratios(rows: list[dict], default: dict | None) -> None:
    """Speed relative to the default row of the same model: >1 means faster than ChartBrief's default.
    Decode and prefill compare summary rates when both rows have them, else probe rates (``rates_basis``)."""
    for row in rows:
        if default is None or row["model"] != default["model"]:
            continue
        e2e, d_e2e = row.get("e2e") or {}, default.get("e2e") or {}
        both = bool(e2e.get("complete") and d_e2e.get("complete"))
        pre, dec, basis = rates(row)
        d_pre, d_dec, d_basis = rates(default)
        if basis != d_basis:  # compare like with like: fall back to both probes
            pre, dec = (row.get("probe") or {}).get("prefill_tps"), (row.get("probe") or {}).get("decode_tps")
            d_pre, d_dec = (default.get("probe") or {}).get("prefill_tps"), (default.get("probe") or {}).get(
                "decode_tps")
            basis = "probe"
        row["vs_default"] = {
            "e2e": _ratio(d_e2e.get("total_s"), e2e.get("total_s")) if both else None,
            "e2e_cpu": _ratio(d_e2e.get("cpu_s"), e2e.get("cpu_s")) if both else None,
            "decode": _ratio(dec, d_dec),
            "prefill": _ratio(pre, d_pre),
            "rates_basis": basis,
            "peak_rss": _ratio(row.get("peak_rss_mib"), default.get("peak_rss_mib")),
        }
        row["is_default"] = row is default


def refresh(doc: dict, candidates: list[tuple[str, str]]) -> None:
    """Recompute every derived field (shares, default, ratios) from the raw measurements in ``doc``, so
    that ``python -m benchmarks.report`` re-renders an old run with the current rules."""
    from benchmarks import limits

    rows = doc["inference"]
    for row in rows:
        row.pop("vs_default", None)
        row["is_default"] = False
        model = doc["models"].get(row["model"])
        if row["status"] == "skipped" or not model:
            continue
        params = model["params"]
        split = roofline.ParamSplit(**{k: params[k] for k in ("linear", "head", "embed", "norms", "tied")})
        add_shares(row, split, limits.lookup(doc["limits"], row["threads"]), model.get("gguf_bytes_per_token"))
    doc["defaults"] = {}
    for model in doc["models"]:
        default = default_row(rows, model, candidates, doc["threads"]["inference"])
        add_ratios(rows, default)
        doc["defaults"][model] = default["label"] if default else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def best_choice(rows: list[dict], model: str) -> dict | None:
    """Fastest complete end-to-end summary among ChartBrief's own engines (llama.cpp is not one)."""
    ok = [r for r in rows if r["model"] == model and r["engine"] in CHARTBRIEF_ENGINES
          and (r.get("e2e") or {}).get("complete")]
    return min(ok, key=lambda r: r["e2e"]["total_s"]) if ok else None


def choice_entry(best: dict, rows: list[dict], date: str, e2e_target: int, new_tokens: int) -> dict:
    """The record written to auto's choice cache."""
    measured = [{"engine": r["engine"], "variant": r["variant"], "threads": r["threads"],
                 "e2e_s": r["e2e"]["total_s"], "prefill_tps": r["e2e"].get("prefill_tps"),
                 "decode_tps": r["e2e"].get("decode_tps")}
                for r in rows if r["model"] == best["model"] and r["engine"] in CHARTBRIEF_ENGINES
                and (r.get("e2e") or {}).get("complete")]
    return {"engine": best["engine"], "variant": best["variant"], "threads": best["threads"], "source": "bench",
            "basis": f"end-to-end {new_tokens}-token summary of a ~{e2e_target}-token note",
            "e2e_s": best["e2e"]["total_s"], "measured": measured, "time": date}


def train_row(variant: dict, label: str, res: dict | None, rss: float | None, plan: dict,
              problems: list[str], split: roofline.ParamSplit | None, gflops_cpu: float | None) -> dict:
    """One training variant. ``gflops_cpu``: GEMM peak per CPU-second at the same threads (share basis)."""
    res = res or {}
    warm = int(plan["warmup_steps"])
    steps = res.get("step_times", [])[warm:]
    row = {**variant, "label": label, "rows": res.get("rows"), "mean_row_tokens": res.get("mean_row_tokens"),
           "threads": res.get("threads"),
           "affinity": res.get("affinity"), "tcmalloc_loaded": res.get("tcmalloc_loaded"),
           "load_s": res.get("load_s"), "peak_rss_mib": rss, "steps_timed": len(steps),
           "problems": list(problems), "skipped": res.get("skipped"),
           "estimated_tokens_per_s": res.get("estimated_tokens_per_s"), "losses": res.get("losses")}
    if steps:
        wall = sum(s["wall_s"] for s in steps)
        cpu = sum(s["cpu_s"] for s in steps)
        tokens = sum(s["tokens"] for s in steps)  # rows differ in length: tokens/s over all timed steps
        row.update(step_s=round(wall / len(steps), 3), step_cpu_s=round(cpu / len(steps), 3),
                   tokens_per_s=round(tokens / wall, 2), cpu_util=round(cpu / wall, 2))
        row["tokens_per_cpu_s"] = round(tokens / cpu, 2) if cpu else None
        if split is not None and gflops_cpu:
            limit = roofline.training_limit_tps(gflops_cpu, split.matmul)
            row["share_of_gemm_peak"] = _r(roofline.share(row["tokens_per_cpu_s"], limit))
    row["status"] = "ok" if steps and len(steps) >= int(plan["steps"]) and not problems else (
        "partial" if steps else ("skipped" if res.get("skipped") else "failed"))
    return row


def add_train_ratios(rows: list[dict], default_label: str | None) -> None:
    """Tokens/s relative to the fp32 LoRA baseline and to ChartBrief's default training variant."""
    base = next((r for r in rows if r["method"] == "lora" and r.get("tokens_per_s")), None)
    dflt = next((r for r in rows if r["label"] == default_label and r.get("tokens_per_s")), None)
    for r in rows:
        r["vs_baseline"] = _ratio(r.get("tokens_per_s"), base["tokens_per_s"]) if base else None
        r["vs_default"] = _ratio(r.get("tokens_per_s"), dflt["tokens_per_s"]) if dflt else None
        r["is_default"] = r["label"] == default_label
