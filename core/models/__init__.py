"""Models: registry (embedded + imported), header inspection, one-time conversion, memory estimate."""

from core.models.registry import EMBEDDED_ID, ModelRecord, get, import_model, list_models

__all__ = ["EMBEDDED_ID", "ModelRecord", "get", "import_model", "list_models"]
