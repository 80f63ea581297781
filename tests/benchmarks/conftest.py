"""Fixtures for the bench tests: a synthetic bench document (see bench_fixtures)."""

from __future__ import annotations

import pytest
from bench_fixtures import make_doc, make_rows


@pytest.fixture
def rows():
    return make_rows()


@pytest.fixture
def doc(rows):
    return make_doc(rows)
