"""This machine's measured limits: memory bandwidth (STREAM-style copy and triad over arrays of
several GB, far beyond any cache) and FP32/BF16 matmul throughput (torch GEMM), at given thread counts.

Run as ``python -m benchmarks.limits OUT.json THREADS [THREADS ...]`` so that thread settings and memory
are fresh. Best of several repeats, because other work on a shared machine only ever slows a run down.
"""

from __future__ import annotations

import json
import sys
import time

from benchmarks import roofline

ARRAY_GIB = 1.0  # per array; triad touches three, so 3 GiB per pass
REPEATS = 5


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bandwidth(threads: int, gib: float = ARRAY_GIB, repeats: int = REPEATS) -> dict:
    import torch

    torch.set_num_threads(threads)
    n = int(gib * 2**30 // 4)
    a, b, c = torch.empty(n), torch.rand(n), torch.rand(n)
    a.copy_(b)  # touch every page before timing
    t_copy = _best(lambda: a.copy_(b), repeats)
    t_triad = _best(lambda: torch.add(b, c, alpha=3.0, out=a), repeats)
    out = {
        "threads": threads,
        "array_gib": gib,
        "copy_gbs": round(roofline.stream_bytes(n, 4, "copy") / t_copy / 1e9, 2),
        "triad_gbs": round(roofline.stream_bytes(n, 4, "triad") / t_triad / 1e9, 2),
    }
    del a, b, c
    return out


def gemm(threads: int, dtype_name: str, n: int = 2048, budget_s: float = 20.0) -> dict:
    """Square matmul rate. Repeats until ``budget_s`` or REPEATS, so a slow (emulated) dtype stays short."""
    import torch

    torch.set_num_threads(threads)
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[dtype_name]
    a, b = torch.rand(n, n).to(dtype), torch.rand(n, n).to(dtype)
    torch.mm(a, b)  # warm-up (oneDNN/MKL kernel selection)
    best, spent, reps = float("inf"), 0.0, 0
    while reps < REPEATS and spent < budget_s:
        t0 = time.perf_counter()
        torch.mm(a, b)
        dt = time.perf_counter() - t0
        best, spent, reps = min(best, dt), spent + dt, reps + 1
    return {"threads": threads, "dtype": dtype_name, "n": n, "repeats": reps,
            "gflops": round(roofline.gemm_flops(n, n, n) / best / 1e9, 1)}


def measure(thread_counts: list[int]) -> dict:
    out: dict = {"bandwidth": [], "gemm": [], "method": (
        f"bandwidth: torch copy/triad over {ARRAY_GIB:g} GiB fp32 arrays, best of {REPEATS} "
        "(STREAM counting, no write-allocate); GEMM: torch.mm 2048x2048, best of up to 5")}
    for t in thread_counts:
        out["bandwidth"].append(bandwidth(t))
        for dt in ("fp32", "bf16"):
            out["gemm"].append(gemm(t, dt))
    return out


def lookup(limits: dict, threads: int) -> dict:
    """The limits measured at ``threads`` (or the nearest count measured): bandwidth GB/s, GFLOP/s."""
    def nearest(rows):
        return min(rows, key=lambda r: abs(r["threads"] - threads)) if rows else None

    bw = nearest(limits.get("bandwidth", []))
    fp32 = nearest([g for g in limits.get("gemm", []) if g["dtype"] == "fp32"])
    bf16 = nearest([g for g in limits.get("gemm", []) if g["dtype"] == "bf16"])
    return {"bandwidth_gbs": bw["triad_gbs"] if bw else None,
            "fp32_gflops": fp32["gflops"] if fp32 else None,
            "bf16_gflops": bf16["gflops"] if bf16 else None}


def main(argv: list[str]) -> int:
    out_path, threads = argv[0], [int(t) for t in argv[1:]]
    with open(out_path, "w") as f:
        json.dump(measure(threads), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
