"""Run one measurement in a child process and take its peak memory.

Each configuration gets its own process so its RSS peak is its own. The children report their own
``VmHWM`` (peak RSS since exec); here psutil polls the child and its descendants as a backup. (The
``ru_maxrss`` that ``os.wait4`` returns is not used as the peak: Linux carries the pre-exec high-water
mark across exec, so it is never below this process's own RSS at the fork.) Environment variables that must
be set at process start (``LD_PRELOAD``, thread counts, ``CHARTBRIEF_HOME``) and CPU pinning (affinity
set right after the spawn, long before the child starts its thread pools) are applied here. A time
limit kills the child; whatever it wrote stays.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from core.workers import spawn

POLL_S = 0.25


@dataclass
class ChildResult:
    returncode: int
    wall_s: float
    peak_rss_mib: float
    timed_out: bool
    log_tail: str
    ru_maxrss_mib: float = 0.0  # includes the parent's RSS at fork; kept for reference only


def peak_rss(polled_mib: float, reported: dict | None) -> float | None:
    """A child's peak RSS: its own VmHWM report, or the polled peak if larger (or if it reported none)."""
    own = (reported or {}).get("vmhwm_mib")
    best = max(polled_mib or 0.0, own or 0.0)
    return round(best, 1) if best else None


def _tree_rss(proc) -> int:
    import psutil

    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_child(args: list[str], *, env: dict[str, str], log: Path, timeout_s: float,
              cpus: tuple[int, ...] | None = None, cwd: Path | None = None) -> ChildResult:
    """Run ``python args...`` with ``env`` added to this environment; stdout+stderr go to ``log``."""
    import psutil

    full_env = {**os.environ, **env}
    log.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with open(log, "ab") as out:
        command = spawn.command(args[1], args[2:]) if args[:1] == ["-m"] else [sys.executable, *args]
        child = subprocess.Popen(command, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                 cwd=cwd)
        if cpus:  # before the child has started any threads (they inherit the main thread's mask)
            os.sched_setaffinity(child.pid, cpus)
        handle = psutil.Process(child.pid)
        peak, timed_out = 0, False
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if not timed_out and time.perf_counter() - t0 > timeout_s:
                timed_out = True
                _kill_tree(handle)
            peak = max(peak, _tree_rss(handle))
            time.sleep(POLL_S)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    return ChildResult(child.returncode, round(wall, 2), round(peak / 2**20, 1), timed_out, _tail(log),
                       round(usage.ru_maxrss / 1024, 1))


def _kill_tree(handle) -> None:
    import psutil

    try:
        kids = handle.children(recursive=True)
    except psutil.Error:
        kids = []
    for p in [*kids, handle]:
        try:
            p.kill()
        except psutil.Error:
            pass


def _tail(path: Path, limit: int = 1500) -> str:
    try:
        data = path.read_bytes()[-limit:]
    except OSError:
        return ""
    return data.decode("utf-8", "replace")
