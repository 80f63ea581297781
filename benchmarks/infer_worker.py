"""One inference configuration, measured in its own process: ``python -m benchmarks.infer_worker JOB.json``.

Modes: ``cold`` (load with an empty cache: the conversion from scratch), ``warm`` (load from the cache,
then prefill, time to first token, decode and a whole summary), ``llamacpp`` (llama-cpp-python on a
GGUF file: nothing to convert, so load twice, then the same measurements).

The result file is rewritten after every step, so a run stopped by its time limit still reports what
it measured. Steps that would not fit the remaining budget are skipped with the reason written down.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

SHORT_PROMPT = "Patient seen for follow-up of hypertension. BP 128/82 mmHg."
ATTENTION_SAFETY = 1.3  # longer prompts cost more than linearly (attention); pad predictions by this


class Recorder:
    def __init__(self, path: Path):
        self.path, self.data = path, {"steps": {}, "skipped": {}, "pid": os.getpid()}

    def put(self, key: str, value) -> None:
        self.data[key] = value
        self.flush()

    def step(self, key: str, value: dict) -> None:
        self.data["steps"][key] = value
        self.flush()

    def skip(self, key: str, reason: str) -> None:
        self.data["skipped"][key] = reason
        self.flush()

    def flush(self) -> None:
        import resource

        self.data["self_maxrss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1))
        os.replace(tmp, self.path)


def predicted_prefill_s(tokens: int, rate_tps: float | None) -> float | None:
    """Seconds a prefill of ``tokens`` should take at ``rate_tps`` measured on a shorter prompt."""
    if not rate_tps:
        return None
    return tokens / rate_tps * ATTENTION_SAFETY


def _import_engine_libs(engine: str) -> float:
    t0 = time.perf_counter()
    import torch  # noqa: F401
    import transformers  # noqa: F401

    if engine == "ipex_llm":
        import ipex_llm.transformers  # noqa: F401
    elif engine == "openvino":
        import optimum.intel  # noqa: F401
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


def _measure(gen, count_prompt, job: dict, rec: Recorder, t_begin: float) -> None:
    """Warm-up, the smallest prefill, the end-to-end summary, then the longer prefills, within budget."""
    from benchmarks.timing import summarize_times  # noqa: F401  (keeps the import cost out of timings)

    budget_end = t_begin + float(job["budget_s"])
    prompts = {p["target"]: p["prompt"] for p in job["prompts"]}
    gen(SHORT_PROMPT, 4, None)  # warm-up: kernels, caches, thread pools
    targets = sorted(job["prefill_targets"])
    rate = None
    order = targets[:1] + ["e2e"] + targets[1:]
    for item in order:
        left = budget_end - time.perf_counter()
        if item == "e2e":
            target, n_new = job["e2e_target"], int(job["new_tokens"])
            guess = predicted_prefill_s(count_prompt(prompts[target]), rate)
            if guess is not None and guess > left:
                rec.skip("e2e", f"prefill alone predicted {guess:.0f}s at {rate:.1f} tok/s; {left:.0f}s of "
                                f"the {job['budget_s']}s budget left")
                continue
            res = gen(prompts[target], n_new, budget_end)
            if not res["complete"]:
                res["note"] = "stopped at the time budget; rates are from the tokens produced"
            rec.step("e2e", res)
            continue
        guess = predicted_prefill_s(count_prompt(prompts[item]), rate)
        if guess is not None and guess > left:
            rec.skip(f"prefill_{item}", f"predicted {guess:.0f}s at {rate:.1f} tok/s; {left:.0f}s of the "
                                        f"{job['budget_s']}s budget left")
            continue
        res = gen(prompts[item], 1, None)
        rec.step(f"prefill_{item}", res)
        rate = res.get("prefill_tps") or rate


def run_warm(job: dict, rec: Recorder) -> None:
    from benchmarks.timing import hf_generate
    from core.engines import engine_class

    rec.put("import_s", _import_engine_libs(job["engine"]))
    t_begin = time.perf_counter()
    eng = engine_class(job["engine"])(_record(job), variant=job["variant"])
    info = eng.load()
    rec.put("load_s", round(info.load_seconds, 2))
    rec.put("loaded_from_cache", info.loaded_from_cache)
    rec.put("threads", info.threads)

    def gen(prompt, n, deadline):
        return hf_generate(eng.model, eng.tokenizer, prompt, n, deadline)

    _measure(gen, eng.count_tokens, job, rec, t_begin)


def run_llamacpp(job: dict, rec: Recorder) -> None:
    t0 = time.perf_counter()
    import llama_cpp

    rec.put("import_s", round(time.perf_counter() - t0, 2))
    rec.put("llama_cpp_version", getattr(llama_cpp, "__version__", "?"))
    threads = int(job["threads"])
    kwargs = dict(model_path=job["gguf"], n_ctx=int(job.get("n_ctx", 8192)), n_threads=threads,
                  n_threads_batch=threads, verbose=False)
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

    _measure(gen, count, job, rec, t1)


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
