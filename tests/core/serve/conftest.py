"""Shared by the serve tests."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(scope="module", autouse=True)
def collect_garbage_at_the_end():
    """Each module's clients, apps, event loops and servers are garbage by its end; they are collected here,
    at a known point. Left to the collector, they were collected in the middle of pytest's closing import of
    hypothesis (its plugin imports it at the terminal summary when no test did), and CPython 3.11.7 then
    failed that import with "SystemError: AST constructor recursion depth mismatch" — after every test had
    passed, but with exit status 1 (seen running tests/core/serve, or one of its files, alone)."""
    yield
    gc.collect()
