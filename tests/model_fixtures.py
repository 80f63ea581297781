"""Session-wide real-model fixtures: the embedded SmolLM2 converted once per test session."""

from __future__ import annotations

import pytest

from core.engines.base import GenerationSettings

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
