"""Session-wide model fixtures: the embedded SmolLM2 converted once per test session, and the tiny random
Llama of the fine-tuning, adapter and crash tests, built once per session and imported per test."""

from __future__ import annotations

import pytest

from core.engines.base import GenerationSettings
from tests import tiny_model

SHORT = GenerationSettings(max_new_tokens=24)

_engines: dict = {}


def engine(name: str, variant: str | None = None):
    """Load (once per session) and return an engine on the embedded model."""
    from core import engines

    key = (name, variant)
    if key not in _engines:
        _engines[key] = engines.load(name, None, variant)
    return _engines[key]


@pytest.fixture(scope="session")
def embedded():
    from core.models import registry

    return registry.embedded()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    return tiny_model.build(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture
def tiny_id(home, tiny_model_dir) -> str:
    """The tiny model, imported into this test's fresh ChartBrief home."""
    from core.models import import_model

    return import_model(tiny_model_dir).id
