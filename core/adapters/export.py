"""Export an adapter: as a stock PEFT folder, or merged into a full Hugging Face model folder.

The PEFT folder loads with ``peft.PeftModel.from_pretrained(base, folder)`` onto the base model's
Hugging Face folder; its ``base_model_name_or_path`` names that folder so ``AutoPeftModelForCausalLM``
finds it too. The merged folder loads with ``transformers.AutoModelForCausalLM.from_pretrained``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from core import atomic, audit
from core.adapters.registry import ADAPTER_FILES, AdapterError, get, resolve


def _target(dest: Path | str) -> Path:
    dest = Path(dest).expanduser().resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise AdapterError(f"{dest} already exists and is not an empty folder.",
                           hint="Choose a new folder name; exports never overwrite files.")
    return dest


def export(adapter_id: str, dest: Path | str, *, merged: bool = False) -> Path:
    """Write the adapter (or the base model with it merged) to ``dest``; returns ``dest``."""
    from core.models import registry
    from core.models.convert import hf_folder

    dest = _target(dest)
    adapter_id, folder = resolve(adapter_id)
    info = get(adapter_id)
    base_folder = hf_folder(registry.get(info.base_model_id))
    if merged:
        _export_merged(folder, base_folder, dest)
    else:
        with atomic.atomic_dir(dest) as tmp:
            for name in ADAPTER_FILES:
                shutil.copy2(folder / name, tmp / name)
            cfg = json.loads((tmp / "adapter_config.json").read_text(encoding="utf-8"))
            cfg["base_model_name_or_path"] = str(base_folder)
            atomic.write_json(tmp / "adapter_config.json", cfg)
            atomic.write_json(tmp / "chartbrief.json", info.as_dict() | {"path": None})
    audit.record("adapter-export", adapter_id=adapter_id, model_id=info.base_model_id, merged=merged)
    return dest


def _export_merged(adapter: Path, base: Path, dest: Path) -> None:
    from core.adapters.merge import merged_copy

    merged_copy(base, adapter, dest)
