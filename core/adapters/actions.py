"""Switching adapters on and off: activate, rollback to the previously active one, delete.

Each base model has at most one active adapter. Activating pushes the adapter it replaces onto that
model's history; :func:`rollback` pops it back (or returns to the base model when the history is empty).
Each action is recorded in the audit log (ids only).
"""

from __future__ import annotations

import logging
import shutil

from core import audit, paths
from core.adapters.registry import AdapterError, AdapterInfo, get, locked, model_key, resolve, root

log = logging.getLogger(__name__)


def activate(adapter_id: str) -> AdapterInfo:
    """Make ``adapter_id`` the active adapter of its base model."""
    resolve(adapter_id)  # refuse a damaged adapter before switching to it
    with locked() as index:
        meta = index["adapters"][adapter_id]
        base = meta["base_model_id"]
        previous = index["active"].get(base)
        if previous != adapter_id:
            if previous:
                index["history"].setdefault(base, []).append(previous)
            index["active"][base] = adapter_id
    audit.record("adapter-activate", adapter_id=adapter_id, model_id=base, previous_adapter_id=previous)
    return get(adapter_id)


def deactivate(model_id: str | None = None) -> str | None:
    """Use the base model alone; returns the adapter that was active (kept in the history)."""
    base = model_key(model_id)
    with locked() as index:
        previous = index["active"].pop(base, None)
        if previous:
            index["history"].setdefault(base, []).append(previous)
    audit.record("adapter-activate", adapter_id=None, model_id=base, previous_adapter_id=previous)
    return previous


def rollback(model_id: str | None = None) -> AdapterInfo | None:
    """Return to the previously active adapter of ``model_id``; None means the base model alone."""
    base = model_key(model_id)
    with locked() as index:
        current = index["active"].get(base)
        history = index["history"].get(base, [])
        target = None
        while history:
            candidate = history.pop()
            if candidate in index["adapters"] and candidate != current:
                target = candidate
                break
        if current is None and target is None:
            raise AdapterError(f"Nothing to roll back for {base}: no adapter is active and none was before.",
                               hint="Activate one with: chartbrief adapters activate ID")
        if target is None:
            index["active"].pop(base, None)
        else:
            index["active"][base] = target
    audit.record("adapter-rollback", model_id=base, from_adapter_id=current, adapter_id=target)
    return get(target) if target else None


def delete(adapter_id: str) -> None:
    """Remove an inactive adapter, its files and the engines' caches built from it."""
    with locked() as index:
        if adapter_id not in index["adapters"]:
            raise AdapterError(f"No adapter '{adapter_id}'.", hint="List adapters with: chartbrief adapters list")
        base = index["adapters"][adapter_id]["base_model_id"]
        if index["active"].get(base) == adapter_id:
            raise AdapterError(f"Adapter '{adapter_id}' is active for {base}; it cannot be deleted.",
                               hint="Roll back or activate another adapter first (chartbrief adapters rollback).")
        del index["adapters"][adapter_id]
        for model, ids in index["history"].items():
            index["history"][model] = [i for i in ids if i != adapter_id]
        folder = root() / adapter_id
        if folder.exists():
            trash = folder.with_name(f".{adapter_id}.deleted")
            folder.rename(trash)  # one rename: a crash leaves no half-deleted adapter under its name
            shutil.rmtree(trash, ignore_errors=True)
    _drop_engine_caches(adapter_id)
    audit.record("adapter-delete", adapter_id=adapter_id, model_id=base)


def _drop_engine_caches(adapter_id: str) -> None:
    """Merged/quantized models the engines cached for this adapter (``<engine>-<variant>+<id>``)."""
    models = paths.cache_dir() / "models"
    if not models.is_dir():
        return
    for folder in models.glob(f"*/*+{adapter_id}*"):
        if folder.name.split("+", 1)[1].removesuffix(".merged") == adapter_id:
            shutil.rmtree(folder, ignore_errors=True)
