"""One inference configuration, measured in its own process: ``python -m benchmarks.infer_worker JOB.json``.

Modes: ``cold`` (load with an empty cache: the conversion from scratch), ``warm`` (load from the cache,
then prefill, time to first token, decode and a whole summary), ``llamacpp`` (llama-cpp-python on a
GGUF file: nothing to convert, so load twice, then the same measurements).

The result file is rewritten after every step, so a run stopped by its time limit still reports what
it measured. The measurement budget starts after the load; steps that would not fit what is left of it
are skipped with the reason written down.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

SHORT_PROMPT = "Patient seen for follow-up of hypertension. BP 128/82 mmHg."
PROBE_PROMPT = ("Summarize: 64-year-old with type 2 diabetes and hypertension, two days of exertional chest "
                "pressure. Metformin 1000 mg twice daily, lisinopril 20 mg daily. BP 152/88 mmHg, HR 96 bpm. "
                "Troponin 0.04 ng/mL, creatinine 1.6 mg/dL. Plan: stress test, follow-up in 2 weeks. ") * 2
ATTENTION_SAFETY = 1.3  # longer prompts cost more than linearly (attention); pad predictions by this


class Recorder:
    def __init__(self, path: Path):
        self.path, self.data = path, {"steps": {}, "skipped": {}, "pid": os.getpid()}

    def put(self, key: str, value) -> None:
        self.data[key] = value
        self.flush()

    def step(self, key: str, value: dict) -> None:
        # the process's peak RSS so far: steps run short to long, so this is the peak per note length
        self.data["steps"][key] = {**value, "vmhwm_mib": vmhwm_mib()}
        self.flush()

    def skip(self, key: str, reason: str) -> None:
        self.data["skipped"][key] = reason
        self.flush()

    def flush(self) -> None:
        self.data["vmhwm_mib"] = vmhwm_mib()
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1))
        os.replace(tmp, self.path)


def vmhwm_mib() -> float | None:
    """This process's peak RSS since exec (``VmHWM``). Not ``ru_maxrss``: Linux carries the pre-exec
    high-water mark over exec, so a child's ``ru_maxrss`` is at least its parent's RSS at fork time."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def predicted_prefill_s(tokens: int, rate_tps: float | None, measured_tokens: int | None = None) -> float | None:
    """Seconds a prefill of ``tokens`` should take at ``rate_tps`` measured on ``measured_tokens``.

    Attention grows with the square of the length, so the per-token rate falls on longer prompts: the
    linear estimate is padded by ATTENTION_SAFETY, times the square root of the length ratio when
    extrapolating upwards (3× longer → ×1.7; measured 500→6,000 on OpenVINO took over twice linear).
    """
    if not rate_tps:
        return None
    pad = ATTENTION_SAFETY
    if measured_tokens and tokens > measured_tokens:
        pad *= (tokens / measured_tokens) ** 0.5
    return tokens / rate_tps * pad


def _import_engine_libs(engine: str) -> float:
    t0 = time.perf_counter()
    import torch  # noqa: F401
    import transformers  # noqa: F401

    if engine == "ipex_llm":
        # ChartBrief's module first: it records transformers' stock generate before ipex-llm patches it.
        from core.engines import ipex_llm as cb_ipex

        if hasattr(cb_ipex, "import_ipex_llm"):
            cb_ipex.import_ipex_llm()
        else:
            import ipex_llm.transformers  # noqa: F401
    elif engine == "openvino":
        import openvino  # noqa: F401
    return round(time.perf_counter() - t0, 2)


def _record(job: dict):
    from core.models.registry import ModelRecord

    return ModelRecord(**job["record"])


def run_cold(job: dict, rec: Recorder) -> None:
    from core.engines import engine_class

    rec.put("import_s", _import_engine_libs(job["engine"]))
    eng = engine_class(job["engine"])(_record(job), variant=job["variant"])
    info = eng.load()
    rec.put("load_s", round(info.load_seconds, 2))
    rec.put("loaded_from_cache", info.loaded_from_cache)
    rec.put("threads", info.threads)


def _fits(rec: Recorder, key: str, guess: float | None, left: float, job: dict, what: str) -> bool:
    if guess is not None and guess > left:
        rec.skip(key, f"{what} predicted {guess:.0f}s from the measured rates; {left:.0f}s of the "
                      f"{job['budget_s']}s budget left")
        return False
    return True


def _measure(gen, count_prompt, job: dict, rec: Recorder, t_begin: float) -> None:
    """Warm-up and a ~100-token probe, then the end-to-end summary (the number the engine choice uses),
    then the prefills from short to long, each only if the measured rates say it fits the budget."""
    budget_end = t_begin + float(job["budget_s"])
    prompts = {p["target"]: p["prompt"] for p in job["prompts"]}
    gen(SHORT_PROMPT, 2, None)  # warm-up: kernels, caches, thread pools
    rate = at = None
    if job.get("probe", True):  # --quick skips it: its one summary has a deadline anyway
        probe = gen(PROBE_PROMPT, 8, None)
        rec.step("probe", probe)
        rate, at = probe.get("prefill_tps"), probe.get("prompt_tokens")
    target, n_new = job["e2e_target"], int(job["new_tokens"])
    # Skipped only when its prefill alone cannot fit (linear estimate from the short probe: the summary is
    # the number that matters most, so it gets the benefit of the doubt); a decode that runs out of
    # budget is cut, and the rates come from the tokens produced.
    prefill_guess = predicted_prefill_s(count_prompt(prompts[target]), rate)
    if _fits(rec, "e2e", prefill_guess, budget_end - time.perf_counter(), job, "the summary's prefill"):
        runs = [gen(prompts[target], n_new, budget_end)]
        for _ in range(int(job.get("repeats", 1)) - 1):  # more runs while the budget allows: keep the median
            if not runs[-1]["complete"] or time.perf_counter() + runs[-1]["total_s"] > budget_end:
                break
            runs.append(gen(prompts[target], n_new, budget_end))
        res = dict(sorted(runs, key=lambda r: r["total_s"])[len(runs) // 2])
        if len(runs) > 1:
            res["runs"] = [{k: r.get(k) for k in ("total_s", "ttft_s", "decode_tps")} for r in runs]
        if not res["complete"]:
            res["note"] = "stopped at the time budget; rates are from the tokens produced"
        rec.step("e2e", res)
        if res.get("prefill_tps"):
            rate, at = res["prefill_tps"], res["prompt_tokens"]
    for item in sorted(job["prefill_targets"]):
        if item == target and "e2e" in rec.data["steps"]:
            continue  # the summary's time to first token is this prefill
        n = count_prompt(prompts[item])
        guess = predicted_prefill_s(n, rate, at)
        if _fits(rec, f"prefill_{item}", guess, budget_end - time.perf_counter(), job, "prefill"):
            res = gen(prompts[item], 1, None)
            rec.step(f"prefill_{item}", res)
            if res.get("prefill_tps") and n >= (at or 0):  # extrapolate from the longest prompt measured
                rate, at = res["prefill_tps"], n


def run_warm(job: dict, rec: Recorder) -> None:
    from benchmarks.timing import engine_generate, hf_generate
    from core.engines import engine_class

    rec.put("import_s", _import_engine_libs(job["engine"]))
    eng = engine_class(job["engine"])(_record(job), variant=job["variant"])
    info = eng.load()
    rec.put("load_s", round(info.load_seconds, 2))
    rec.put("loaded_from_cache", info.loaded_from_cache)
    rec.put("threads", info.threads)

    def gen(prompt, n, deadline):
        if hasattr(eng, "generate_ids"):  # an engine with its own token loop is measured through it
            return engine_generate(eng, prompt, n, deadline)
        return hf_generate(eng.model, eng.tokenizer, prompt, n, deadline)

    _measure(gen, eng.count_tokens, job, rec, time.perf_counter())


def run_llamacpp(job: dict, rec: Recorder) -> None:
    t0 = time.perf_counter()
    import llama_cpp

    rec.put("import_s", round(time.perf_counter() - t0, 2))
    rec.put("llama_cpp_version", getattr(llama_cpp, "__version__", "?"))
    threads = int(job["threads"])
    kwargs = {"model_path": job["gguf"], "n_ctx": int(job.get("n_ctx", 8192)), "n_threads": threads,
                  "n_threads_batch": threads, "verbose": False}
    t_begin = time.perf_counter()
    llm = llama_cpp.Llama(**kwargs)
    rec.put("load_cold_s", round(time.perf_counter() - t_begin, 2))
    del llm
    t1 = time.perf_counter()
    llm = llama_cpp.Llama(**kwargs)
    rec.put("load_s", round(time.perf_counter() - t1, 2))
    rec.put("threads", threads)
    rec.put("n_batch", llm.n_batch)

    from benchmarks.timing import llamacpp_generate

    def gen(prompt, n, deadline):
        return llamacpp_generate(llm, prompt, n, deadline)

    def count(prompt):
        return len(llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))

    _measure(gen, count, job, rec, time.perf_counter())


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text())
    rec = Recorder(Path(job["result"]))
    from core import runtime

    runtime.setup()
    rec.put("omp_threads", os.environ.get("OMP_NUM_THREADS"))
    {"cold": run_cold, "warm": run_warm, "llamacpp": run_llamacpp}[job["mode"]](job, rec)
    rec.put("done", True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
