"""Several training processes, on one machine or several, with PyTorch's own launcher (``torchrun``).

ChartBrief adds no cluster code of its own: :func:`torchrun_argv` builds the arguments of
``python -m torch.distributed.run`` (torchrun) around the ordinary fine-tuning worker, and the
``transformers.Trainer`` inside it does data-parallel training (DDP over ``gloo`` on CPU) when torchrun's
environment says so. This module holds the small pieces around that:

- :class:`Rank` — which process this is (torchrun's ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``,
  ``LOCAL_WORLD_SIZE``; a plain single process when they are absent);
- :func:`process_cpus` — this process's share of the machine's training CPUs, so each process pins its own
  threads to its own cores;
- :func:`agree` — one collective per step so that every process stops (time budget, cancel) at the same step;
  processes that disagreed would wait for each other forever.

Importing it does not import torch.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from core.errors import CpuChoiceError

LAUNCHER_MODULE = "torch.distributed.run"  # torchrun's module: the same as the ``torchrun`` script


@dataclass(frozen=True)
class Rank:
    rank: int = 0
    local_rank: int = 0
    world_size: int = 1
    local_world_size: int = 1

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Rank:
        env = dict(os.environ if env is None else env)
        return cls(rank=int(env.get("RANK", 0)), local_rank=int(env.get("LOCAL_RANK", 0)),
                   world_size=int(env.get("WORLD_SIZE", 1)), local_world_size=int(env.get("LOCAL_WORLD_SIZE", 1)))

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def main(self) -> bool:
        """The process that reports progress, writes the adapter and registers it."""
        return self.rank == 0


def process_cpus(cpus: tuple[int, ...], local_rank: int, local_world_size: int) -> tuple[int, ...]:
    """This process's contiguous share of ``cpus`` (the first shares one CPU larger when they do not divide)."""
    if local_world_size > len(cpus):
        raise CpuChoiceError(f"{local_world_size} training processes need at least {local_world_size} CPUs; "
                             f"the training CPUs are {len(cpus)}.",
                             hint="Lower --nproc-per-node, or give more CPUs with --cores.")
    ordered = sorted(cpus)
    size, extra = divmod(len(ordered), local_world_size)
    start = local_rank * size + min(local_rank, extra)
    return tuple(ordered[start:start + size + (1 if local_rank < extra else 0)])


def rendezvous_id(dataset_sha256: str, options: dict) -> str:
    """The same id on every machine given the same data and options (torchrun's ``--rdzv-id``)."""
    digest = hashlib.sha256(repr((dataset_sha256, sorted(options.items()))).encode()).hexdigest()
    return f"chartbrief-{digest[:16]}"


def torchrun_argv(module: str, argv: list[str], *, nproc_per_node: int, nnodes: int, rdzv: str | None,
                  rdzv_id: str) -> list[str]:
    """torchrun's arguments that start ``nproc_per_node`` copies of ``python -m module argv`` here.

    One machine: ``--standalone`` (a private rendezvous on a free loopback port). Several: torchrun's
    ``c10d`` rendezvous at ``rdzv``, hosted by the machine whose address it is. No restarts: a failed
    process ends the run, which is resumed from its newest checkpoint like any other.
    """
    args = [f"--nproc-per-node={nproc_per_node}", f"--nnodes={nnodes}", "--max-restarts=0"]
    if nnodes == 1:
        args.append("--standalone")
    else:
        args += ["--rdzv-backend=c10d", f"--rdzv-endpoint={rdzv}", f"--rdzv-id={rdzv_id}"]
    return [*args, "-m", module, *argv]


def accept_indexed_cpu_locations() -> None:
    """Let ``torch.load`` read tensors tagged ``cpu:N``.

    With several CPU processes accelerate gives each the device ``cpu:<local index>``, the Trainer saves the
    optimizer state from there and reloads it with that device as ``map_location`` on resume; torch's own CPU
    loader knows only ``cpu``. A storage tagged ``cpu:N`` is a CPU storage: it is returned as it is. Registered
    through torch's public ``register_package``, after torch's own loaders."""
    import torch.serialization as ts

    global _registered
    if _registered:
        return

    def tag(_obj):
        return None

    def restore(obj, location: str):
        return obj if isinstance(location, str) and location.startswith("cpu:") else None

    ts.register_package(90, tag, restore)
    _registered = True


_registered = False


def agree(flags: tuple[bool, ...], tokens: int) -> tuple[tuple[bool, ...], int]:
    """Across all training processes: each flag set by any process, and the tokens all have processed.

    A single process (no process group) answers for itself."""
    import torch
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return tuple(flags), tokens
    values = torch.tensor([*(1.0 if f else 0.0 for f in flags), float(tokens)], dtype=torch.float64)
    dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return tuple(bool(v > 0) for v in values[:-1].tolist()), int(values[-1].item())
