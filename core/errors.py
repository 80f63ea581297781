"""Typed errors with text a user can act on.

Every error the core raises for bad input or an impossible request derives from
:class:`ChartBriefError`. Its message says what is wrong, where (file, line), and what to do.
The CLI prints it and exits non-zero; the GUI maps it to a dialog in one place.
Messages never contain note text.
"""

from __future__ import annotations


class ChartBriefError(Exception):
    """Base class: an expected failure with a user-facing message."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n  → {hint}")


class Cancelled(ChartBriefError):
    """The user asked to stop; raised at the next safe point."""

    exit_code = 130


class DocumentError(ChartBriefError):
    """A note file could not be read as text."""


class ModelError(ChartBriefError):
    """A model file or folder is unusable (not a model, corrupt, unsupported)."""


class InsufficientMemory(ModelError):
    """A model would not fit in the memory this machine has free."""


class EngineError(ChartBriefError):
    """An engine is unavailable or failed."""


class DatasetError(ChartBriefError):
    """Training pairs could not be loaded or validated."""


class SettingsError(ChartBriefError):
    """A settings file is unreadable; defaults were used."""


class AuditError(ChartBriefError):
    """The audit log failed verification."""


class CpuChoiceError(ChartBriefError, ValueError):
    """CPUs chosen for a worker that this process may not use."""
