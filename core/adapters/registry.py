"""The adapter registry: versioned LoRA adapters in ``data_dir()/adapters``.

    adapters/index.json        {"schema", "adapters": {id: metadata}, "active": {model id: adapter id},
                                "history": {model id: [previously active ids]}, "next_version": {model id: n}}
    adapters/<id>/             adapter_config.json + adapter_model.safetensors (stock PEFT files),
                               metadata.json, evaluation.json (when evaluated)

Ids are ``<model slug>-v<n>`` (``smollm2-135m-v3``); numbers are never reused, so caches keyed by an
adapter id (the engines' merged models) cannot go stale. ``index.json`` is the source of truth for the
active flag. Every change holds an exclusive lock and writes files atomically.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core import atomic, paths
from core.errors import ChartBriefError
from core.models.registry import EMBEDDED_ID

ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")
SCHEMA = 1


class AdapterError(ChartBriefError):
    """An adapter is missing, damaged, or the request does not fit the registry's state."""


@dataclass(frozen=True)
class AdapterInfo:
    id: str
    base_model_id: str
    version: int
    created: str
    dataset_sha256: str | None
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    training: dict[str, Any] = field(default_factory=dict)
    active: bool = False

    @property
    def path(self) -> Path:
        return root() / self.id

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "base_model_id": self.base_model_id, "version": self.version,
                "created": self.created, "dataset_sha256": self.dataset_sha256,
                "hyperparameters": self.hyperparameters, "metrics": self.metrics, "run_id": self.run_id,
                "training": self.training, "active": self.active, "path": str(self.path)}


def root() -> Path:
    path = paths.data_dir() / "adapters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_key(model_id: str | None) -> str:
    return EMBEDDED_ID if model_id in (None, "", "embedded") else str(model_id)


def slug(model_id: str) -> str:
    text = model_id.lower().removeprefix("embedded:")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40] or "model"


# -- index -----------------------------------------------------------------------------------------

def _index_file() -> Path:
    return root() / "index.json"


def read_index() -> dict[str, Any]:
    try:
        data = json.loads(_index_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    except (OSError, ValueError) as exc:
        raise AdapterError(f"The adapter index {_index_file()} is unreadable ({exc}).",
                           hint="Restore it from a backup, or move it aside: adapter folders are kept "
                                "and can be registered again.") from exc
    if not isinstance(data, dict):
        raise AdapterError(f"The adapter index {_index_file()} is not a JSON object.",
                           hint="Move it aside; adapter folders are kept.")
    data.setdefault("schema", SCHEMA)
    for key in ("adapters", "active", "history", "next_version"):
        data.setdefault(key, {})
    return data


@contextlib.contextmanager
def locked() -> Iterator[dict[str, Any]]:
    """The index under an exclusive lock; written back atomically when the block ends without error."""
    with open(root() / ".lock", "a+") as lock:
        atomic.lock(lock.fileno())
        index = read_index()
        yield index
        atomic.write_json(_index_file(), index)


def _info(index: dict[str, Any], adapter_id: str) -> AdapterInfo:
    meta = index["adapters"][adapter_id]
    active = index["active"].get(meta["base_model_id"]) == adapter_id
    known = {k: meta.get(k) for k in ("id", "base_model_id", "version", "created", "dataset_sha256", "run_id")}
    return AdapterInfo(**known, hyperparameters=meta.get("hyperparameters") or {},
                       metrics=meta.get("metrics") or {}, training=meta.get("training") or {}, active=active)


# -- queries ---------------------------------------------------------------------------------------

def list_adapters(model_id: str | None = None) -> list[AdapterInfo]:
    """All adapters (or those of one base model), oldest first."""
    index = read_index()
    out = [_info(index, a) for a in index["adapters"]]
    if model_id is not None:
        out = [a for a in out if a.base_model_id == model_key(model_id)]
    return sorted(out, key=lambda a: (a.base_model_id, a.version))


def get(adapter_id: str) -> AdapterInfo:
    index = read_index()
    if adapter_id not in index["adapters"]:
        known = ", ".join(sorted(index["adapters"])[:10]) or "none yet"
        raise AdapterError(f"No adapter '{adapter_id}'.", hint=f"Known adapters: {known}. "
                                                               "List them with: chartbrief adapters list")
    return _info(index, adapter_id)


def resolve(adapter_id: str) -> tuple[str, Path]:
    """``(id, folder)`` of an adapter whose PEFT files are present."""
    info = get(adapter_id)
    missing = [f for f in ADAPTER_FILES if not (info.path / f).is_file()]
    if missing:
        raise AdapterError(f"Adapter '{adapter_id}' is damaged: {', '.join(missing)} missing in {info.path}.",
                           hint=f"Delete it (chartbrief adapters delete {adapter_id}) and fine-tune again.")
    return info.id, info.path


def active_for(model_id: str | None) -> tuple[str, Path] | None:
    """The active adapter of a base model, or None (the base model alone)."""
    active = read_index()["active"].get(model_key(model_id))
    return resolve(active) if active else None


# -- registration ----------------------------------------------------------------------------------


def resolve_choice(choice: str | None, model_id: str | None = None) -> tuple[str, Path] | None:
    """What a CLI flag or setting names: ``'none'``/None → no adapter; ``'active'`` → the active adapter
    for this model; anything else → that adapter id (:class:`AdapterError` if unknown)."""
    if choice in (None, "none", ""):
        return None
    if choice == "active":
        return active_for(model_id)
    return resolve(choice)

def register(source: Path, *, base_model_id: str | None, dataset_sha256: str | None = None,
             hyperparameters: dict[str, Any] | None = None, run_id: str | None = None,
             training: dict[str, Any] | None = None, metrics: dict[str, Any] | None = None,
             profile: dict[str, Any] | None = None) -> AdapterInfo:
    """Copy a stock PEFT adapter folder into the registry as the base model's next version (inactive).

    ``profile`` describes the training rows (note hashes, specialty/layout values) so that a later
    evaluation can tell held-out and unseen notes apart; it is kept in the folder as ``profile.json``.
    """
    source = Path(source)
    missing = [f for f in ADAPTER_FILES if not (source / f).is_file()]
    if missing:
        raise AdapterError(f"{source} is not a PEFT adapter folder ({', '.join(missing)} missing).",
                           hint="Point at a folder written by peft's save_pretrained.")
    try:
        cfg = json.loads((source / "adapter_config.json").read_text(encoding="utf-8"))
    except ValueError as exc:
        raise AdapterError(f"{source}/adapter_config.json is not valid JSON ({exc}).") from exc
    if str(cfg.get("peft_type", "")).upper() != "LORA":
        raise AdapterError(f"{source} holds a {cfg.get('peft_type')!r} adapter; ChartBrief uses LoRA adapters.")
    base = model_key(base_model_id)
    with locked() as index:
        version = int(index["next_version"].get(base, 1))
        adapter_id = f"{slug(base)}-v{version}"
        while adapter_id in index["adapters"] or (root() / adapter_id).exists():
            version += 1
            adapter_id = f"{slug(base)}-v{version}"
        meta = {"id": adapter_id, "base_model_id": base, "version": version,
                "created": datetime.now(UTC).isoformat(timespec="seconds"), "dataset_sha256": dataset_sha256,
                "hyperparameters": hyperparameters or {}, "metrics": metrics or {}, "run_id": run_id,
                "training": training or {}}
        with atomic.atomic_dir(root() / adapter_id) as tmp:
            for name in ADAPTER_FILES:
                shutil.copy2(source / name, tmp / name)
            atomic.write_json(tmp / "metadata.json", meta)
            if profile is not None:
                atomic.write_json(tmp / "profile.json", profile)
        index["adapters"][adapter_id] = meta
        index["next_version"][base] = version + 1
    return get(adapter_id)


def profile(adapter_id: str) -> dict[str, Any]:
    """The training-rows profile saved at registration (empty when unknown)."""
    try:
        data = json.loads((get(adapter_id).path / "profile.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def set_metrics(adapter_id: str, metrics: dict[str, Any], evaluation: dict[str, Any] | None = None) -> AdapterInfo:
    """Record evaluation results with an adapter (``evaluation.json`` in its folder)."""
    with locked() as index:
        if adapter_id not in index["adapters"]:
            raise AdapterError(f"No adapter '{adapter_id}'.", hint="List adapters with: chartbrief adapters list")
        meta = index["adapters"][adapter_id]
        meta["metrics"] = metrics
        if evaluation is not None:
            atomic.write_json(root() / adapter_id / "evaluation.json", evaluation)
        atomic.write_json(root() / adapter_id / "metadata.json", meta)
    return get(adapter_id)
