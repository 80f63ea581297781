"""Fine-tuning and evaluation events in words: :func:`describe` gives the CLI's line for an event.

The events themselves (one dataclass per kind, the writer and the one reader) are the worker protocol,
:mod:`core.workers.protocol`. Kinds and their main fields:

    started      run, pid, cpus, threads, dtype, allocator, train_rows, max_steps, resumed_from
    affinity     cpus, threads {tid: Cpus_allowed_list}, ok
    step         step, max_steps, epoch, loss, lr, tokens_per_s, eta_s, elapsed_s, rss_mb
    checkpoint   step, path
    trained      reason (done | time), steps, train_seconds, adapter
    eval         phase (base | adapter), done, total
    evaluation   report (the evaluation JSON)
    registered   adapter_id
    finished     adapter_id, train_seconds
    peer-done    rank, world_size, steps (another machine's share of a torchrun run is done)
    cancelled    step, checkpoint (resume it with ``chartbrief finetune --resume RUN``)
    error        type, message, hint
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


def budget_line(e: Mapping[str, Any]) -> str:
    """How a ``started`` event's time budget is shared ("" without a budget or an evaluation)."""
    total, train, ev = e.get("job_budget_s"), e.get("budget_s"), e.get("eval_estimate_s")
    if not total or not ev:
        return ""
    return (f"\nTime budget {_duration(total)}: training up to {_duration(train)}, then the before/after "
            f"evaluation on {e.get('eval_notes')} held-out notes (about {_duration(ev)}) and registering the adapter")


def describe(e: Mapping[str, Any]) -> str | None:
    """One human line for an event (the CLI's output), or None for events shown elsewhere."""
    kind = e.get("event")
    if kind == "started":
        how = f"resumed from step {e['resumed_from']}" if e.get("resumed_from") else "started"
        procs = e.get("processes") or 1
        where = (f"{procs} processes (torchrun), rank 0 on CPUs {e.get('cpus')}" if procs > 1
                 else f"CPUs {e.get('cpus')}")
        return (f"Run {e.get('run')} {how}: {e.get('train_rows')} training rows, up to {e.get('max_steps')} steps, "
                f"{where} ({e.get('threads')} threads), {e.get('dtype')} compute, "
                f"{e.get('allocator')} allocator" + budget_line(e))
    if kind == "affinity":
        state = "OK" if e.get("ok") else "NOT confined"
        return f"Thread pinning {state}: {len(e.get('threads', {}))} threads on CPUs {e.get('cpus')}"
    if kind == "step":
        job = f" (whole job {_duration(e['job_eta_s'])})" if e.get("job_eta_s") is not None else ""
        return (f"step {e['step']}/{e['max_steps']}  epoch {e['epoch']:.2f}  loss {e['loss']:.4f}  "
                f"lr {e['lr']:.2e}  {e['tokens_per_s']:.0f} tok/s  training ETA {_duration(e.get('eta_s'))}{job}  "
                f"RSS {e['rss_mb'] / 1024:.2f} GiB")
    if kind == "checkpoint":
        return f"checkpoint saved at step {e['step']}"
    if kind == "trained":
        reason = str(e.get("reason"))
        why = {"time": "time budget reached", "done": "all steps done"}.get(reason, reason)
        procs = e.get("processes") or 1
        return (f"Training finished ({why}) after {e.get('steps')} steps, {_duration(e.get('train_seconds'))}, "
                f"{e.get('tokens_per_s')} tokens/s" + (f" over {procs} processes" if procs > 1 else ""))
    if kind == "peer-done":
        return (f"This machine's share is done (rank {e.get('rank')} of {e.get('world_size')}, {e.get('steps')} "
                f"steps); the machine with rank 0 saves, registers and evaluates the adapter.")
    if kind == "eval":
        job = f"  job ETA {_duration(e['job_eta_s'])}" if e.get("job_eta_s") is not None else ""
        return f"evaluating {e['phase']}: {e['done']}/{e['total']}{job}"
    if kind == "registered":
        return f"Adapter registered: {e['adapter_id']}"
    if kind == "cancelled":
        return f"Cancelled at step {e.get('step')}; a checkpoint is kept. Resume with: chartbrief finetune --resume {e.get('run')}"
    if kind == "error":
        hint = f"\n  → {e['hint']}" if e.get("hint") else ""
        return f"Error ({e.get('type')}): {e.get('message')}{hint}"
    return None
