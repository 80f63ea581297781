"""Markdown sections of ``RESULTS.md`` (pure string building over the bench JSON)."""

from __future__ import annotations

DASH = "—"


def num(x, digits: int = 1) -> str:
    if x is None:
        return DASH
    if isinstance(x, (int, float)) and abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def pct(x) -> str:
    return DASH if x is None else f"{100 * x:.0f}%"


def ratio(x) -> str:
    return DASH if x is None else f"×{x:.2f}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines + [""]


def limits_section(doc: dict) -> list[str]:
    lim = doc["limits"]
    rows = [[str(b["threads"]), num(b["copy_gbs"]), num(b["triad_gbs"])] for b in lim.get("bandwidth", [])]
    out = ["## Measured limits (same run)", "", lim.get("method", ""), ""]
    out += table(["Threads", "Copy GB/s", "Triad GB/s (used as the bandwidth limit)"], rows)
    rows = [[str(g["threads"]), g["dtype"], str(g["n"]), num(g["gflops"])] for g in lim.get("gemm", [])]
    return out + table(["Threads", "GEMM dtype", "n", "GFLOP/s"], rows)


def models_section(doc: dict) -> list[str]:
    out = ["## Models", ""]
    for key, m in doc["models"].items():
        line = f"- `{key}`: {m.get('label')}; {num(m.get('matmul_params', 0) / 1e6, 0)} M weights per token " \
               f"(decoder linears + head). {m.get('weights', '')}"
        if m.get("gguf_note"):
            line += f" llama.cpp file: {m['gguf_note']}"
        out.append(line)
    return out + [""]


PROBE_MARK = "ᵖ"


def row_label(r: dict) -> str:
    return r["label"] + (" **(default)**" if r.get("is_default") else "")


def decode_cell(r: dict) -> str:
    """Decode tok/s of the summary run, else the probe's (marked)."""
    if r.get("decode_tps"):
        return num(r["decode_tps"])
    probe = (r.get("probe") or {}).get("decode_tps")
    return num(probe) + PROBE_MARK if probe else DASH


def vs_cell(r: dict, key: str) -> str:
    """A decode or prefill ratio to the default, marked when it compares probes."""
    vs = r.get("vs_default") or {}
    if not vs.get(key):
        return DASH
    return ratio(vs[key]) + (PROBE_MARK if vs.get("rates_basis") == "probe" else "")


def _row_cells(r: dict, targets: list[str]) -> list[str]:
    pre = r.get("prefill", {})
    e2e = r.get("e2e") or {}
    probe = r.get("probe") or {}
    vs = r.get("vs_default") or {}
    summary = num(e2e.get("total_s")) if e2e.get("complete") else (
        f"({num(e2e.get('total_s'))}, {e2e.get('new_tokens')} tok)" if e2e else DASH)
    shares = r.get("shares") or {}
    e2e_key = str(r.get("e2e_target"))
    return [row_label(r), r["status"], num(r.get("load_cold_s")), num(r.get("load_cached_s")),
            num(probe.get("prefill_tps"))] + [num((pre.get(t) or {}).get("prefill_tps")) for t in targets] + [
        num(e2e.get("ttft_s")), decode_cell(r), summary, ratio(vs.get("e2e")), vs_cell(r, "decode"),
        vs_cell(r, "prefill"), num(r.get("peak_rss_mib"), 0),
        pct(shares.get("decode")) + (PROBE_MARK if shares.get("decode") and shares.get("decode_basis") == "probe"
                                     else ""),
        pct((shares.get("prefill") or {}).get(e2e_key)), num(e2e.get("cpu_util") or probe.get("cpu_util"), 2)]


def inference_section(doc: dict, model: str) -> list[str]:
    rows = [r for r in doc["inference"] if r["model"] == model]
    if not rows:
        return []
    targets = sorted({t for r in rows for t in r.get("prefill", {})} | {str(t) for t in rows[0].get(
        "prefill_targets", [])}, key=int)
    e2e_target, new = rows[0].get("e2e_target"), rows[0].get("new_tokens")
    default = next((r for r in rows if r.get("is_default")), None)
    out = [f"## Inference: `{model}`", "",
           (f"Summary = end-to-end time for a {new}-token summary of the ~{e2e_target}-token note (tokenize, "
           "prefill, decode; ChartBrief's generation settings, end-of-text held off"
           + (f"; the median of {rows[0]['repeats']} runs" if (rows[0].get("repeats") or 1) > 1 else "")
           + "). Ratios are speed "
           "relative to ChartBrief's default, the configuration `auto` picks on these measurements "
           f"({default['label'] if default else 'none measured'}): ×2.00 = twice as fast; for RSS, "
           "×2.00 = twice the memory. Shares: decode tok/s ÷ (bandwidth ÷ weight bytes per token); "
           "prefill tok/s ÷ (GEMM peak ÷ 2·weights); *both sides per CPU-second, so that other work on the "
           "machine cancels out. CPU share = CPU-seconds ÷ wall-seconds of the summary run (1.0 per thread "
           "= the cores were ours). ᵖ = from the ~200-token probe (8 tokens decoded) because the summary "
           "did not fit the time budget; such ratios compare probes with probes."), ""]
    header = ["Configuration", "Status", "Load cold s", "Load cached s", "Prefill tok/s ~200 (probe)"] + [
        f"Prefill tok/s ~{t}" for t in targets] + [
        f"TTFT s ~{e2e_target}", "Decode tok/s", "Summary s", "Summary vs default", "Decode vs default",
        "Prefill vs default", "Peak RSS MiB", "Decode % of BW limit*", f"Prefill % of GEMM peak* ~{e2e_target}",
        "CPU share"]
    out += table(header, [_row_cells(r, targets) for r in rows])
    out += _row_notes(rows)
    out += _rss_table(rows, targets)
    out += _cpu_table(rows)
    return out


def _rss_table(rows: list[dict], targets: list[str]) -> list[str]:
    """Peak RSS after each note length (the process's high-water mark once that length was run)."""
    body = [[row_label(r)] + [num((r.get("prefill", {}).get(t) or {}).get("peak_rss_mib"), 0) for t in targets]
            for r in rows if any((r.get("prefill", {}).get(t) or {}).get("peak_rss_mib") for t in targets)]
    if not body:
        return []
    return ["", ("Peak RSS by note length (MiB; the process's high-water mark once that length had been run — "
                "the summary, at its note length, runs first)."), ""] + table(
        ["Configuration"] + [f"~{t} tokens" for t in targets], body)


def _row_notes(rows: list[dict]) -> list[str]:
    notes = []
    for r in rows:
        for step, why in (r.get("skipped_steps") or {}).items():
            notes.append(f"- {r['label']}: {step} skipped: {why}")
        for p in r.get("problems") or []:
            notes.append(f"- {r['label']}: {p}")
        if r.get("workaround"):
            notes.append(f"- † {r['label']}: ChartBrief's own cached load failed ({r.get('product_load_error')}); "
                         f"measured with the fix: {r['workaround']}")
        if r.get("status") != "ok" and r.get("probe") and not (r.get("e2e") or {}).get("complete"):
            p = r["probe"]
            notes.append(f"- {r['label']}: probe (~{p.get('prompt_tokens')}-token prompt): prefill "
                         f"{num(p.get('prefill_tps'))} tok/s, decode {num(p.get('decode_tps'))} tok/s")
    return notes + ([""] if notes else [])


def _cpu_table(rows: list[dict]) -> list[str]:
    done = [r for r in rows if (r.get("e2e") or {}).get("complete")]
    if not done:
        return []
    out = [("Contention check: the same summaries in CPU-seconds (all threads of the process; less "
           "sensitive to other work on the machine than wall time, but spin-waiting threads count too)."), ""]
    body = [[r["label"], str(r["threads"]), num(r["e2e"]["cpu_s"]), ratio((r.get("vs_default") or {}).get("e2e_cpu"))]
            for r in done]
    return out + table(["Configuration", "Threads", "Summary CPU-s", "vs default (CPU-s)"], body)


def llamacpp_section(doc: dict) -> list[str]:
    out = ["## ChartBrief vs llama.cpp (same GGUF, same threads)", ""]
    for model in doc["models"]:
        rows = [r for r in doc["inference"] if r["model"] == model]
        dflt = next((r for r in rows if r.get("is_default")), None)
        lc = next((r for r in rows if r["engine"] == "llama_cpp" and dflt and r["threads"] == dflt["threads"]), None)
        if not dflt or not lc:
            out.append(f"- `{model}`: no comparison ({'llama.cpp row missing' if dflt else 'no default row'}).")
            continue
        vs = lc.get("vs_default") or {}

        def verdict(x, what):
            if x is None:
                return f"{what}: not measured"
            return f"{what}: llama.cpp {ratio(x)} ({'ChartBrief behind' if x > 1 else 'ChartBrief ahead'})"

        basis = " (from the ~200-token probes)" if vs.get("rates_basis") == "probe" else ""
        out.append(f"- `{model}`, {dflt['label']} vs {lc['label']}{basis}: " + "; ".join([
            verdict(vs.get("decode"), "decode"), verdict(vs.get("prefill"), "prefill"),
            verdict(vs.get("e2e"), "summary end-to-end"), f"peak RSS llama.cpp {ratio(vs.get('peak_rss'))}"]))
    return out + [""]


def training_section(doc: dict) -> list[str]:
    rows = doc.get("training") or []
    if not rows:
        return ["## Training", "", doc.get("training_note") or "Not run (--skip-training).", ""]
    r0 = rows[0]
    out = ["## Training (LoRA / QLoRA steps)", "",
           (f"{doc.get('training_model', '')}: the synthetic set's note → summary rows as ChartBrief's "
           f"fine-tuning encodes them (mean {num(r0.get('mean_row_tokens'), 0)} tokens), batch 1, "
           f"{doc.get('training_plan', {}).get('steps')} timed steps after "
           f"{doc.get('training_plan', {}).get('warmup_steps')} warm-up, the same rows for every variant; "
           "tokens/s counts prompt + summary tokens. QLoRA rows run ChartBrief's own model loading and "
           "trainer (loss, and so the LM head, only on summary tokens); the baseline is a stock Trainer + "
           "peft. Share of GEMM peak uses 6·weights·tokens FLOPs (frozen-base LoRA really does ≈4·, "
           "gradient checkpointing adds 2·)."), ""]
    body = []
    for r in rows:
        label = row_label(r)
        tps = num(r.get("tokens_per_s"), 2)
        if r.get("tokens_per_s") is None and r.get("estimated_tokens_per_s"):
            tps = f"(≈{num(r['estimated_tokens_per_s'], 2)} est.)"
        body.append([label, r["status"], str(r.get("threads") or DASH), str(r.get("tcmalloc_loaded")), tps,
                     ratio(r.get("vs_baseline")), ratio(r.get("vs_default")), num(r.get("step_s"), 2),
                     num(r.get("cpu_util"), 2), num(r.get("peak_rss_mib"), 0), pct(r.get("share_of_gemm_peak"))])
    out += table(["Variant", "Status", "Threads", "TCMalloc loaded", "Tokens/s", "vs baseline LoRA fp32",
                  "vs default", "Step s", "CPU share", "Peak RSS MiB", "% of GEMM peak"], body)
    notes = [f"- {r['label']}: {r['skipped']}" for r in rows if r.get("skipped")]
    notes += [f"- {r['label']}: {p}" for r in rows for p in r.get("problems") or []]
    return out + notes + ([""] if notes else [])


def choice_section(doc: dict) -> list[str]:
    ch = doc.get("choice") or {}
    tc = doc.get("training_choice") or {}
    if tc.get("compute_dtype"):
        train = [(f"Fine-tuning compute dtype: **{tc['compute_dtype']}** (tokens/s {tc['tokens_per_s']}), written "
                  "to the training cache; the worker's `auto` dtype follows it.")]
    else:
        train = [tc["note"]] if tc.get("note") else []
    if not ch.get("entry"):
        return ["## Engine choice", "", ch.get("note", "Nothing written to auto's cache."), "", *train, ""]
    e = ch["entry"]
    return ["## Engine choice", "",
            (f"Written to `auto`'s cache ({ch.get('file')}): **{e['engine']} {e['variant']}** with {e['threads']} "
            f"thread(s), {num(e['e2e_s'])} s for the {e['basis']}. `auto` now starts this engine with that "
            "thread count for the embedded model on this CPU."), "", *train, ""]


def plots_section(doc: dict) -> str:
    plots = doc.get("plots") or []
    if not plots:
        return ""
    return "\n## Plots\n\n" + "\n".join(f"![{p}]({p})" for p in plots) + "\n"
