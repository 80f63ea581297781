"""Start a worker: ``python -m <module> ...`` with its environment decided in one place.

Every worker gets OpenMP/MKL threads bound to its CPUs (set before the child imports torch; see
:func:`core.workers.affinity.omp_env`) and unbuffered output (its stdout carries JSON-line events). It runs
as an *installed* module of the same interpreter — nothing put on ``PYTHONPATH``, the working directory
kept off ``sys.path`` — or, in a frozen bundle (no ``python -m``), as the bundle's own executable with
``--run-module`` (see :mod:`gui.launcher`). The allocator differs on purpose:
the fine-tuning worker runs with IPEX-LLM's tcmalloc preloaded, while an evaluation worker must not
have it (OpenVINO's runtime aborts when tcmalloc is preloaded), so it also drops an inherited one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.workers import affinity

RUN_MODULE = "--run-module"  # the frozen bundle's way to say ``-m``


def command(module: str, argv: list[str]) -> list[str]:
    """The command line that runs ``module`` as ``__main__`` with ``argv``, in this installation."""
    if getattr(sys, "frozen", False):
        return [sys.executable, RUN_MODULE, module, *argv]
    # -P: the working directory is not put on sys.path, so the child imports only what is installed.
    return [sys.executable, "-P", "-m", module, *argv]


def environment(cpus: tuple[int, ...], *, preload_allocator: bool, base: dict[str, str] | None = None,
                bind: bool = True) -> dict[str, str]:
    """The worker's environment: ``base`` (default: this process's) plus threads, allocator and paths.

    ``bind=False`` (a launcher such as torchrun that starts several workers, each binding its own share):
    no OpenMP binding, which would pin the launcher's main thread, and with it every child, to the first CPU."""
    env = dict(os.environ if base is None else base)
    if bind:
        env.update(affinity.omp_env(cpus))
    else:
        for name in affinity.omp_env(cpus):
            env.pop(name, None)
    preloaded = [p for p in env.get("LD_PRELOAD", "").split(":") if p]
    if preload_allocator:
        lib = affinity.allocator_path()
        if lib is not None and not any("tcmalloc" in p for p in preloaded):
            preloaded.insert(0, str(lib))
    else:
        preloaded = [p for p in preloaded if "tcmalloc" not in p]
    if preloaded or "LD_PRELOAD" in env:
        env["LD_PRELOAD"] = ":".join(preloaded)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def detach(module: str, argv: list[str], cpus: tuple[int, ...], log_file: Path) -> int:
    """Start a background worker that outlives this process (own session, no pipes, stderr appended to
    ``log_file``); returns its pid. For work nobody waits on, such as auto's measurement after a summary."""
    with open(log_file, "ab") as stderr:
        proc = subprocess.Popen(command(module, argv), stdout=subprocess.DEVNULL, stderr=stderr,
                                stdin=subprocess.DEVNULL, env=environment(cpus, preload_allocator=False),
                                start_new_session=True)
    return proc.pid


def spawn(module: str, argv: list[str], cpus: tuple[int, ...], *, preload_allocator: bool,
          log_file: Path | None = None, new_session: bool = False, bind: bool = True) -> subprocess.Popen[str]:
    """Start the worker; its stdout is a text pipe of event lines, its stderr is appended to ``log_file``
    (default: inherited). ``new_session`` puts it in its own process group, so a kill reaches its children."""
    stderr = open(log_file, "ab") if log_file is not None else None  # noqa: SIM115 - the child owns it
    try:
        return subprocess.Popen(command(module, argv), stdout=subprocess.PIPE, stderr=stderr,
                                stdin=subprocess.DEVNULL, env=environment(cpus, preload_allocator=preload_allocator, bind=bind),
                                start_new_session=new_session, text=True, bufsize=1)
    finally:
        if stderr is not None:
            stderr.close()
