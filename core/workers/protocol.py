"""The one event protocol between ChartBrief's worker processes and whoever reads them (CLI, window, the
fine-tuning worker relaying its evaluation child): one frozen dataclass per event kind, one writer
(:class:`Emitter`), one reader (:func:`read`), and a version number on every line.

A line is one JSON object: ``{"v": 1, "event": "<kind>", "time": <unix s>, <the kind's fields>}``. The reader
rejects a line from another protocol version, an unknown kind, or missing/unexpected fields with a
:class:`ProtocolError` that says what is wrong (a worker and its reader always come from the same
installation, so a mismatch means a broken install). Lines written before the version field existed
(``events.jsonl`` of older runs, same fields) read as version 1. Anything that is not a JSON object with an
``event`` (a library printing to the stream) is not an event: :func:`read` returns None.

Events are read-only mappings too (``e["step"]``, ``e.get("hint")``, ``e["event"]``), with the same keys as
the JSON line, so a reader may treat them as the plain records they are on disk.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time as _time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from core.errors import ChartBriefError

VERSION = 1


class ProtocolError(ChartBriefError):
    """A worker's line does not follow this installation's event protocol."""


@dataclass(frozen=True)
class Event(Mapping[str, Any]):
    """Base of every event: ``time`` is set by the writer."""

    KIND: ClassVar[str] = ""
    time: float = field(default=0.0, kw_only=True)

    def as_dict(self) -> dict[str, Any]:
        return {"v": VERSION, "event": self.KIND,
                **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}}

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())


@dataclass(frozen=True)
class Started(Event):
    KIND: ClassVar[str] = "started"
    run: str
    pid: int
    cpus: str
    threads: int
    dtype: str
    allocator: str | None
    train_rows: int
    max_steps: int
    resumed_from: int | None
    budget_s: float | None  # training's share of the time budget
    model_id: str
    job_budget_s: float | None = None  # the whole budget: training, then evaluation and registration
    eval_estimate_s: float | None = None  # the evaluation's estimated share (core.finetune.job_budget)
    eval_notes: int | None = None  # held-out notes the evaluation will use (fewer than asked on a short budget)
    processes: int = 1  # training processes (torchrun); cpus and threads are this one's (rank 0)


@dataclass(frozen=True)
class Affinity(Event):
    KIND: ClassVar[str] = "affinity"
    cpus: str
    threads: dict[str, str]  # thread id -> its Cpus_allowed_list
    ok: bool


@dataclass(frozen=True)
class Step(Event):
    KIND: ClassVar[str] = "step"
    step: int
    max_steps: int
    epoch: float
    loss: float
    lr: float
    tokens_per_s: float
    eta_s: float
    elapsed_s: float
    rss_mb: float
    job_eta_s: float | None = None  # the whole job: the rest of training, then evaluation and registration


@dataclass(frozen=True)
class Checkpoint(Event):
    KIND: ClassVar[str] = "checkpoint"
    step: int
    path: str


@dataclass(frozen=True)
class Trained(Event):
    KIND: ClassVar[str] = "trained"
    run: str
    adapter: str
    reason: str  # done | time | cancel
    steps: int
    max_steps: int
    train_seconds: float
    dtype: str
    cpus: str
    tokens_per_s: float  # all training processes together
    final_loss: float | None
    processes: int = 1  # training processes (torchrun); 1 without it


@dataclass(frozen=True)
class EvalProgress(Event):
    KIND: ClassVar[str] = "eval"
    phase: str  # base | adapter | agreement
    done: int
    total: int
    job_eta_s: float | None = None  # the rest of the evaluation, then finishing the run


@dataclass(frozen=True)
class Evaluation(Event):
    KIND: ClassVar[str] = "evaluation"
    adapter_id: str | None
    groups: dict[str, Any]
    table: str
    agreement: dict[str, Any] | None = None  # the fast engine against the reference on a sample (evaluate.runner)


@dataclass(frozen=True)
class Registered(Event):
    KIND: ClassVar[str] = "registered"
    run: str
    adapter_id: str


@dataclass(frozen=True)
class Finished(Event):
    KIND: ClassVar[str] = "finished"
    run: str
    adapter_id: str
    train_seconds: float | None
    tokens_per_s: float | None
    steps: int | None


@dataclass(frozen=True)
class PeerDone(Event):
    """Another machine's processes of a multi-machine run trained their share; rank 0's machine saves,
    registers and evaluates the adapter."""

    KIND: ClassVar[str] = "peer-done"
    run: str
    rank: int
    world_size: int
    steps: int


@dataclass(frozen=True)
class Cancelled(Event):
    KIND: ClassVar[str] = "cancelled"
    message: str
    run: str | None = None
    checkpoint: str | None = None  # resume it with ``chartbrief finetune --resume RUN``
    step: int = 0


@dataclass(frozen=True)
class Failed(Event):
    KIND: ClassVar[str] = "error"
    type: str
    message: str
    hint: str | None = None
    run: str | None = None


KINDS: dict[str, type[Event]] = {cls.KIND: cls for cls in (Started, Affinity, Step, Checkpoint, Trained, EvalProgress,
                                                           Evaluation, Registered, Finished, PeerDone, Cancelled, Failed)}
TERMINAL = frozenset({Finished.KIND, PeerDone.KIND, Cancelled.KIND, Failed.KIND})


def encode(event: Event) -> str:
    """The event's JSON line (with its newline)."""
    return json.dumps(event.as_dict(), sort_keys=True, default=str) + "\n"


def read(line: str | bytes) -> Event | None:
    """The event on one line; None for a line that is not an event. Raises :class:`ProtocolError`."""
    try:
        value = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("event"), str):
        return None
    version = value.pop("v", VERSION)
    kind = value.pop("event")
    if version != VERSION:
        raise ProtocolError(f"A worker wrote event protocol version {version!r}; this ChartBrief reads version "
                            f"{VERSION}.", hint="Reinstall ChartBrief: the worker and the app come from different "
                                                "installations.")
    cls = KINDS.get(kind)
    if cls is None:
        raise ProtocolError(f"A worker wrote an unknown event kind {kind!r}.",
                            hint="Reinstall ChartBrief: the worker and the app come from different installations.")
    names = {f.name for f in dataclasses.fields(cls)}
    unexpected = sorted(set(value) - names)
    missing = sorted(f.name for f in dataclasses.fields(cls) if f.name not in value
                     and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    if unexpected or missing:
        raise ProtocolError(f"A worker's {kind!r} event does not match the protocol"
                            + (f"; missing: {', '.join(missing)}" if missing else "")
                            + (f"; unexpected: {', '.join(unexpected)}" if unexpected else "") + ".",
                            hint="Reinstall ChartBrief: the worker and the app come from different installations.")
    return cls(**value)


class Emitter:
    """The writer: events as JSON lines to a private copy of stdout, and optionally appended to a file.

    With ``take_stdout`` (a worker process), fd 1 is pointed at stderr first, so that a stray ``print`` in a
    library goes to the worker log instead of corrupting the event stream. With ``discard`` nothing is
    written (a training process other than the one that reports).
    """

    def __init__(self, log_file: Path | None = None, *, take_stdout: bool = True, discard: bool = False):
        self.discard = discard
        if take_stdout:
            self._fd = os.dup(1)
            os.dup2(2, 1)
        else:
            self._fd = 1
        self.log_file = log_file

    def give_back_stdout(self) -> None:
        """Point fd 1 at the event stream again (before this process ``exec``s another worker)."""
        if self._fd != 1:
            os.dup2(self._fd, 1)

    def __call__(self, event: Event) -> Event:
        if not event.time:
            event = dataclasses.replace(event, time=round(_time.time(), 3))
        if self.discard:
            return event
        line = encode(event)
        data = line.encode("utf-8")
        while data:
            try:
                data = data[os.write(self._fd, data):]
            except BrokenPipeError:  # the reader went away: keep working, the file still records it
                break
        if self.log_file is not None:
            with open(self.log_file, "a", encoding="utf-8") as f:
                f.write(line)
        return event
