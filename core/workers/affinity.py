"""Pin a worker process and its compute threads to a set of CPUs (Linux), without importing torch.

:func:`training_cpus` says which CPUs a fine-tuning or evaluation worker gets. Order matters:
:func:`pin_process` and :func:`omp_env` run before torch is imported, so the OpenMP runtime starts
with the right thread count and binds each of its threads to one CPU of the set (``OMP_PROC_BIND=close``
over explicit ``OMP_PLACES``). :func:`pin_threads` then checks every thread in ``/proc/self/task`` and
narrows any that escaped (threads started by native libraries).
"""

from __future__ import annotations

import os
from pathlib import Path

from core import hardware
from core.errors import CpuChoiceError
from core.hardware import format_cpu_list, parse_cpu_list


def training_cpus(cores: tuple[int, ...] | None) -> tuple[int, ...]:
    """The CPUs a training or evaluation worker runs on: ``cores``, else the core plan's training set."""
    try:
        return hardware.core_plan(hardware.detect(), training=cores).training
    except ValueError as exc:
        raise CpuChoiceError(f"fine-tuning option cores: {exc}.",
                             hint="Pick CPUs from the allowed list (see chartbrief doctor).") from None


def allowed_cpus() -> tuple[int, ...] | None:
    """The CPUs this process may run on now (None where the OS does not say)."""
    if hasattr(os, "sched_getaffinity"):
        return tuple(sorted(os.sched_getaffinity(0)))
    import psutil

    proc = psutil.Process()
    return tuple(sorted(proc.cpu_affinity())) if hasattr(proc, "cpu_affinity") else None


def pin_process(cpus: tuple[int, ...]) -> None:
    """Restrict this process (and threads it starts later) to ``cpus``.

    ``sched_setaffinity`` on Linux; psutil where the OS has another call for it (Windows); nothing where
    a process cannot be pinned (macOS)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(cpus))
        return
    import psutil

    proc = psutil.Process()
    if hasattr(proc, "cpu_affinity"):
        proc.cpu_affinity(sorted(cpus))


def omp_env(cpus: tuple[int, ...]) -> dict[str, str]:
    """Environment for OpenMP/MKL: one compute thread per CPU, each bound to its own CPU."""
    n = str(len(cpus))
    places = ",".join(f"{{{c}}}" for c in sorted(cpus))
    return {
        "OMP_NUM_THREADS": n,
        "MKL_NUM_THREADS": n,
        "OMP_PROC_BIND": "close",
        "OMP_PLACES": places,
        # Intel OpenMP reads KMP_AFFINITY instead; harmless for GNU OpenMP (torch's CPU wheels).
        "KMP_AFFINITY": f"granularity=fine,explicit,proclist=[{','.join(map(str, sorted(cpus)))}]",
        "KMP_BLOCKTIME": "1",  # do not spin long between steps on a machine shared with the window
    }


def allocator_path() -> Path | None:
    """IPEX-LLM's bundled tcmalloc, if installed (found without importing ipex_llm)."""
    import importlib.util

    spec = importlib.util.find_spec("ipex_llm")
    if spec is None or not spec.submodule_search_locations:
        return None
    lib = Path(next(iter(spec.submodule_search_locations))) / "libs" / "libtcmalloc.so"
    return lib if lib.is_file() else None


def allocator_loaded() -> str:
    """``tcmalloc`` when the preloaded allocator is mapped into this process, else ``default``."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return "unknown"
    return "tcmalloc" if "libtcmalloc" in maps else "default"


def thread_masks(pid: int | str = "self") -> dict[int, str]:
    """{thread id: Cpus_allowed_list} for every thread of ``pid``."""
    out: dict[int, str] = {}
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.is_dir():  # no /proc (Windows, macOS): nothing to report
        return out
    for task in tasks.iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith("Cpus_allowed_list:"):
                    out[int(task.name)] = line.split(":", 1)[1].strip()
        except (OSError, ValueError):
            continue  # the thread ended while we looked
    return out


def pin_threads(cpus: tuple[int, ...]) -> dict[int, str]:
    """Narrow every thread of this process to ``cpus`` (threads already inside keep their own CPU).

    Returns the masks afterwards, as :func:`thread_masks`.
    """
    allowed = set(cpus)
    for tid, mask in thread_masks().items():
        if not set(parse_cpu_list(mask)) <= allowed:
            try:
                os.sched_setaffinity(tid, allowed)
            except OSError:
                continue
    return thread_masks()


def masks_ok(masks: dict[int, str], cpus: tuple[int, ...]) -> bool:
    """Whether every thread is confined to ``cpus``."""
    return all(set(parse_cpu_list(m)) <= set(cpus) for m in masks.values())


__all__ = ["allocator_loaded", "allocator_path", "format_cpu_list", "masks_ok", "omp_env", "pin_process",
           "pin_threads", "thread_masks", "training_cpus"]
