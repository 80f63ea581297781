"""Fine-tuning fixtures for GUI tests: the tiny random Llama of tests/core/finetune, imported per test home."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TINY = str(Path(__file__).resolve().parents[1] / "core" / "finetune")
if TINY not in sys.path:
    sys.path.insert(0, TINY)
import tiny_model  # the fine-tuning tests' tiny Llama builder (tests/core/finetune has no __init__.py)

__all__ = ["tiny_id", "tiny_model", "tiny_model_dir"]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return tiny_model.build(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture
def tiny_id(home, tiny_model_dir) -> str:
    """The tiny model, imported into this test's fresh ChartBrief home."""
    from core.models import import_model

    return import_model(tiny_model_dir).id
