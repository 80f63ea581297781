"""Progress events: plain dicts, one JSON object per line, shared by the worker, the CLI and the GUI.

Every event has ``event`` (its kind) and ``time``. Kinds and their main fields:

    started      run, pid, cpus, threads, dtype, allocator, train_rows, max_steps, resumed_from
    affinity     cpus, threads {tid: Cpus_allowed_list}, ok
    step         step, max_steps, epoch, loss, lr, tokens_per_s, eta_s, elapsed_s, rss_mb
    checkpoint   step, path
    trained      reason (done | time), steps, train_seconds, adapter
    eval         phase (base | adapter), done, total
    evaluation   report (the evaluation JSON)
    registered   adapter_id
    finished     adapter_id, train_seconds
    cancelled    step, checkpoint (resume it with ``chartbrief finetune --resume RUN``)
    error        type, message, hint

The worker writes events to its real stdout (its fd 1 is pointed at stderr first, so that a stray
``print`` in a library cannot corrupt the stream) and appends them to the run's ``events.jsonl``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

TERMINAL = frozenset({"finished", "cancelled", "error"})


class Emitter:
    """Write events as JSON lines to a private copy of stdout, and optionally to a file."""

    def __init__(self, log_file: Path | None = None, *, take_stdout: bool = True):
        if take_stdout:
            self._fd = os.dup(1)
            os.dup2(2, 1)  # fd 1 (print, C libraries) now goes to stderr, i.e. the worker log
        else:
            self._fd = 1
        self.log_file = log_file

    def __call__(self, event: str, **fields: Any) -> dict[str, Any]:
        record = {"event": event, "time": round(time.time(), 3), **fields}
        line = json.dumps(record, sort_keys=True, default=str) + "\n"
        data = line.encode("utf-8")
        while data:
            try:
                data = data[os.write(self._fd, data):]
            except BrokenPipeError:  # the reader went away: keep working, the file still records it
                break
        if self.log_file is not None:
            with open(self.log_file, "a", encoding="utf-8") as f:
                f.write(line)
        return record


def parse(line: str | bytes) -> dict[str, Any] | None:
    """An event from one line, or None for anything else."""
    try:
        value = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) and isinstance(value.get("event"), str) else None


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


def describe(e: dict[str, Any]) -> str | None:
    """One human line for an event (the CLI's output), or None for events shown elsewhere."""
    kind = e.get("event")
    if kind == "started":
        how = f"resumed from step {e['resumed_from']}" if e.get("resumed_from") else "started"
        return (f"Run {e.get('run')} {how}: {e.get('train_rows')} training rows, up to {e.get('max_steps')} steps, "
                f"CPUs {e.get('cpus')} ({e.get('threads')} threads), {e.get('dtype')} compute, "
                f"{e.get('allocator')} allocator")
    if kind == "affinity":
        state = "OK" if e.get("ok") else "NOT confined"
        return f"Thread pinning {state}: {len(e.get('threads', {}))} threads on CPUs {e.get('cpus')}"
    if kind == "step":
        return (f"step {e['step']}/{e['max_steps']}  epoch {e['epoch']:.2f}  loss {e['loss']:.4f}  "
                f"lr {e['lr']:.2e}  {e['tokens_per_s']:.0f} tok/s  ETA {_duration(e.get('eta_s'))}  "
                f"RSS {e['rss_mb'] / 1024:.2f} GiB")
    if kind == "checkpoint":
        return f"checkpoint saved at step {e['step']}"
    if kind == "trained":
        why = {"time": "time budget reached", "done": "all steps done"}.get(e.get("reason"), e.get("reason"))
        return f"Training finished ({why}) after {e.get('steps')} steps, {_duration(e.get('train_seconds'))}"
    if kind == "eval":
        return f"evaluating {e['phase']}: {e['done']}/{e['total']}"
    if kind == "registered":
        return f"Adapter registered: {e['adapter_id']}"
    if kind == "cancelled":
        return f"Cancelled at step {e.get('step')}; a checkpoint is kept. Resume with: chartbrief finetune --resume {e.get('run')}"
    if kind == "error":
        hint = f"\n  → {e['hint']}" if e.get("hint") else ""
        return f"Error ({e.get('type')}): {e.get('message')}{hint}"
    return None
