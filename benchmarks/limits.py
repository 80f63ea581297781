"""This machine's measured limits: memory bandwidth (STREAM-style copy and triad over arrays of
several GB, far beyond any cache) and FP32/BF16 matmul throughput (torch GEMM), at given thread counts.

Run as ``python -m benchmarks.limits OUT.json [--quick] THREADS [THREADS ...]`` so that thread settings and memory
are fresh. Best of several repeats, because other work on a shared machine only ever slows a run down.
"""

from __future__ import annotations

import json
import sys
import time

from benchmarks import roofline

ARRAY_GIB = 1.0  # per array; triad touches three, so 3 GiB per pass
REPEATS = 5


def _best(fn, repeats: int) -> tuple[float, float]:
    """Best wall time and best process CPU time (all threads) over ``repeats`` calls."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu


def bandwidth(threads: int, gib: float = ARRAY_GIB, repeats: int = REPEATS) -> dict:
    import torch

    torch.set_num_threads(threads)
    n = int(gib * 2**30 // 4)
    a, b, c = torch.empty(n), torch.rand(n), torch.rand(n)
    a.copy_(b)  # touch every page before timing
    t_copy, c_copy = _best(lambda: a.copy_(b), repeats)
    t_triad, c_triad = _best(lambda: torch.add(b, c, alpha=3.0, out=a), repeats)
    copy_b, triad_b = roofline.stream_bytes(n, 4, "copy"), roofline.stream_bytes(n, 4, "triad")
    return {
        "threads": threads,
        "array_gib": gib,
        "copy_gbs": round(copy_b / t_copy / 1e9, 2),
        "triad_gbs": round(triad_b / t_triad / 1e9, 2),
        # per CPU-second of this process (all threads): what the machine gives while we hold the cores
        "copy_gbs_cpu": round(copy_b / c_copy / 1e9, 2),
        "triad_gbs_cpu": round(triad_b / c_triad / 1e9, 2),
    }


def gemm(threads: int, dtype_name: str, n: int = 2048, budget_s: float = 20.0) -> dict:
    """Square matmul rate. Repeats until ``budget_s`` or REPEATS, so a slow (emulated) dtype stays short."""
    import torch

    torch.set_num_threads(threads)
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[dtype_name]
    a, b = torch.rand(n, n).to(dtype), torch.rand(n, n).to(dtype)
    torch.mm(a, b)  # warm-up (oneDNN/MKL kernel selection)
    best, best_cpu, spent, reps = float("inf"), float("inf"), 0.0, 0
    while reps < REPEATS and spent < budget_s:
        c0, t0 = time.process_time(), time.perf_counter()
        torch.mm(a, b)
        dt = time.perf_counter() - t0
        best, best_cpu = min(best, dt), min(best_cpu, time.process_time() - c0)
        spent, reps = spent + dt, reps + 1
    flops = roofline.gemm_flops(n, n, n)
    return {"threads": threads, "dtype": dtype_name, "n": n, "repeats": reps,
            "gflops": round(flops / best / 1e9, 1), "gflops_cpu": round(flops / best_cpu / 1e9, 1)}


# bf16 GEMM without AVX-512-BF16/AMX runs a slow path (well under 1 GFLOP/s here), so a smaller size.
GEMM_N = {"fp32": 2048, "bf16": 512}


def measure(thread_counts: list[int], gib: float = ARRAY_GIB, repeats: int = REPEATS) -> dict:
    out: dict = {"bandwidth": [], "gemm": [], "method": (
        f"bandwidth: torch copy/triad over {gib:g} GiB fp32 arrays, best of {repeats} "
        "(STREAM counting, no write-allocate); GEMM: torch.mm fp32 2048², bf16 512², best of up to 5")}
    for t in thread_counts:
        out["bandwidth"].append(bandwidth(t, gib, repeats))
        for dt in ("fp32", "bf16"):
            out["gemm"].append(gemm(t, dt, n=GEMM_N[dt]))
    return out


def lookup(limits: dict, threads: int) -> dict:
    """The limits measured at ``threads`` (or the nearest count measured): bandwidth GB/s, GFLOP/s, each
    per wall-second and per CPU-second (``*_cpu``)."""
    def nearest(rows):
        return min(rows, key=lambda r: abs(r["threads"] - threads)) if rows else None

    bw = nearest(limits.get("bandwidth", []))
    fp32 = nearest([g for g in limits.get("gemm", []) if g["dtype"] == "fp32"])
    bf16 = nearest([g for g in limits.get("gemm", []) if g["dtype"] == "bf16"])
    return {"bandwidth_gbs": bw["triad_gbs"] if bw else None,
            "fp32_gflops": fp32["gflops"] if fp32 else None,
            "bf16_gflops": bf16["gflops"] if bf16 else None,
            "bandwidth_gbs_cpu": bw.get("triad_gbs_cpu") if bw else None,
            "fp32_gflops_cpu": fp32.get("gflops_cpu") if fp32 else None,
            "bf16_gflops_cpu": bf16.get("gflops_cpu") if bf16 else None}


def main(argv: list[str]) -> int:
    """``OUT.json [--quick] THREADS...``"""
    out_path, rest = argv[0], argv[1:]
    quick = "--quick" in rest
    threads = [int(t) for t in rest if t != "--quick"]
    result = measure(threads, 0.5, 3) if quick else measure(threads)
    with open(out_path, "w") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
