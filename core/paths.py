"""Where ChartBrief keeps files: platformdirs' config, data and cache dirs, and the shipped resources.

``CHARTBRIEF_HOME`` (tests, portable installs) puts all three under one folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "chartbrief"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def _home() -> Path | None:
    home = os.environ.get("CHARTBRIEF_HOME")
    return Path(home) if home else None


def _dir(kind: str) -> Path:
    home = _home()
    if home is not None:
        path = home / kind
    else:
        path = Path(getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Settings and user templates."""
    return _dir("config")


def data_dir() -> Path:
    """Imported-model records, adapters, dataset reports, the audit log, fine-tune runs."""
    return _dir("data")


def cache_dir() -> Path:
    """Converted low-bit models and measured engine choices; safe to delete."""
    return _dir("cache")


def log_dir() -> Path:
    """Logs and crash reports (never note text)."""
    return _dir("log")
