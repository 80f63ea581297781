"""Whatever bytes a dataset file holds, load_pairs returns pairs or raises DatasetError, nothing else."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data import Pair, load_pairs
from core.errors import DatasetError

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["note", "summary", "input", "output", "instruction", "messages", "role", "content", "x"]),
        inner, max_size=5),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def check(path) -> None:
    try:
        pairs = load_pairs(path)
    except DatasetError:
        return
    assert pairs and all(isinstance(p, Pair) and isinstance(p.note, str) and isinstance(p.summary, str)
                         for p in pairs)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_jsonl(folder, data):
    path = folder / "fuzz.jsonl"
    path.write_bytes(data)
    check(path)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_csv(folder, data):
    path = folder / "fuzz.csv"
    path.write_bytes(data)
    check(path)


@FUZZ
@given(rows=st.lists(json_values, max_size=5))
def test_random_json_rows(folder, rows):
    path = folder / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    check(path)


@FUZZ
@given(text=st.text(alphabet=st.sampled_from('note,summary input\t"\n\r x\x00é'), max_size=300))
def test_random_csv_text(folder, text):
    path = folder / "rows.csv"
    path.write_text(text, encoding="utf-8")
    check(path)
