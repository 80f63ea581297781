"""Where ChartBrief keeps files: platformdirs' config, data and cache dirs, and the shipped resources.

``CHARTBRIEF_HOME`` (tests, portable installs) puts all three under one folder.
"""

from __future__ import annotations

import os
from importlib import resources as _resources
from pathlib import Path

import platformdirs

APP = "chartbrief"


def _shipped() -> Path:
    """The installed ``chartbrief_resources`` package's folder (``resources/`` in the source tree), in a
    checkout, an installed wheel or a frozen bundle alike.

    ChartBrief is always installed unzipped (pip, the bundle), so the package is a real folder; the data is
    read with ordinary file calls from there.
    """
    root = _resources.files("chartbrief_resources")
    if not isinstance(root, Path) or not (root / "prompts").is_dir():
        raise RuntimeError(f"ChartBrief's shipped data is missing or zipped ({root}); reinstall ChartBrief.")
    return root


RESOURCES = _shipped()


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
