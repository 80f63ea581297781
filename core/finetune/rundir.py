"""A fine-tuning run's folder, ``data_dir()/runs/<id>``: what the launcher, worker and GUI share.

    options.json      the TrainOptions (written once by the launcher)
    dataset.json      dataset path, sha256, split row indices, holdout groups, validation report
    events.jsonl      every progress event the worker emitted, appended (the GUI can replay it)
    worker.log        the worker's stderr (library logs; never note text)
    cancel            present = the user asked to stop; the worker checkpoints and exits
    checkpoints/checkpoint-<step>/   complete checkpoints only (each renamed into place whole)
    adapter/          the finished adapter, stock PEFT files
    evaluation.json   before/after metrics
    status.json       {"state": created|running|cancelled|trained|finished|failed, ...}

Everything is written atomically. Nothing here holds note text.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import atomic, paths
from core.errors import ChartBriefError
from core.workers import protocol

CHECKPOINT_PREFIX = "checkpoint-"


class RunError(ChartBriefError):
    """A fine-tuning run folder is missing or unusable."""


def runs_root() -> Path:
    return paths.data_dir() / "runs"


def new_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


@dataclass(frozen=True)
class RunDir:
    path: Path

    @classmethod
    def create(cls) -> RunDir:
        root = runs_root()
        root.mkdir(parents=True, exist_ok=True)
        while True:
            path = root / new_id()
            try:
                path.mkdir()
                return cls(path)
            except FileExistsError:
                continue

    @classmethod
    def open(cls, run: str | Path) -> RunDir:
        """By id (``20261123-101500-ab12``) or by folder path."""
        text = str(run)
        path = Path(text) if Path(text).is_dir() else runs_root() / text
        if not (path / "options.json").is_file():
            raise RunError(f"No fine-tuning run '{text}' (no options.json in {path}).",
                           hint=f"Runs live in {runs_root()}; pass the run id printed when it started.")
        return cls(path)

    @property
    def id(self) -> str:
        return self.path.name

    # -- files ----------------------------------------------------------------------------
    @property
    def options_file(self) -> Path:
        return self.path / "options.json"

    @property
    def dataset_file(self) -> Path:
        return self.path / "dataset.json"

    @property
    def events_file(self) -> Path:
        return self.path / "events.jsonl"

    @property
    def log_file(self) -> Path:
        return self.path / "worker.log"

    @property
    def cancel_file(self) -> Path:
        return self.path / "cancel"

    @property
    def checkpoints(self) -> Path:
        return self.path / "checkpoints"

    @property
    def adapter_dir(self) -> Path:
        return self.path / "adapter"

    @property
    def evaluation_file(self) -> Path:
        return self.path / "evaluation.json"

    @property
    def status_file(self) -> Path:
        return self.path / "status.json"

    # -- state ----------------------------------------------------------------------------
    def read_json(self, path: Path) -> dict[str, Any]:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RunError(f"Run {self.id} has no {path.name}.", hint="Start a new run.") from None
        except ValueError as exc:
            raise RunError(f"Run {self.id}: {path.name} is unreadable ({exc}).", hint="Start a new run.") from exc

    def status(self) -> dict[str, Any]:
        try:
            return json.loads(self.status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"state": "created"}

    def set_status(self, state: str, **extra: Any) -> None:
        """Record the run's state; fields of earlier states (training summary, adapter id) are kept."""
        old = {k: v for k, v in self.status().items() if not (k == "error" and state != "failed")}
        atomic.write_json(self.status_file, {**old, "state": state, "time": time.time(), **extra})

    def latest_checkpoint(self) -> Path | None:
        """The newest complete checkpoint (incomplete ones never get a final name)."""
        if not self.checkpoints.is_dir():
            return None
        done = [p for p in self.checkpoints.glob(f"{CHECKPOINT_PREFIX}*")
                if p.name[len(CHECKPOINT_PREFIX):].isdigit() and (p / "progress.json").is_file()]
        return max(done, key=lambda p: int(p.name[len(CHECKPOINT_PREFIX):]), default=None)

    def worker_pid(self) -> int | None:
        """The worker's pid: from ``status.json`` (set before the worker reports), else the newest
        ``started`` event."""
        pid = self.status().get("pid")
        if isinstance(pid, int):
            return pid
        started = [e.pid for e in self.read_events() if isinstance(e, protocol.Started)]
        return started[-1] if started else None

    def read_events(self) -> list[protocol.Event]:
        """The run's recorded events (``events.jsonl``); a line cut short by a kill is skipped."""
        try:
            lines = self.events_file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return [e for e in map(protocol.read, lines) if e is not None]


def list_runs() -> list[RunDir]:
    root = runs_root()
    if not root.is_dir():
        return []
    return sorted((RunDir(p) for p in root.iterdir() if (p / "options.json").is_file()), key=lambda r: r.id)
