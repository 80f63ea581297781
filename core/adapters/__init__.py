"""Versioned LoRA adapters: register, list, activate, roll back, delete, export (stock PEFT or merged).

    adapters.active_for(model_id)   -> (id, folder) | None     what the summarizer loads
    adapters.resolve(id)            -> (id, folder)
    adapters.resolve_choice(choice, model_id)  'none' | 'active' | an id -> (id, folder) | None
"""

from core.adapters.actions import activate, deactivate, delete, rollback
from core.adapters.export import export
from core.adapters.registry import (
    ADAPTER_FILES,
    AdapterError,
    AdapterInfo,
    active_for,
    get,
    list_adapters,
    profile,
    register,
    resolve,
    resolve_choice,
    set_metrics,
)

list = list_adapters  # ``adapters.list()`` reads naturally; builtins.list is untouched elsewhere

__all__ = ["ADAPTER_FILES", "AdapterError", "AdapterInfo", "activate", "active_for", "deactivate", "delete",
           "export", "get", "list", "list_adapters", "profile", "register", "resolve", "resolve_choice", "rollback", "set_metrics"]
