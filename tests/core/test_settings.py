"""Settings: round trip, validation, forgiving load of bad files, migration, stale temp files."""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
import os
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from core import settings
from core.settings import Settings


def _write(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(obj if isinstance(obj, bytes) else json.dumps(obj).encode())


def test_missing_file_gives_defaults_without_warning(home):
    result = settings.load()
    assert result == settings.LoadResult(Settings(), None, None)
    assert settings.default_path() == home / "config" / "settings.json"


def test_round_trip(home):
    s = Settings(style="detailed", model_id="gguf:llama 3.2 1b (q4_k_m)", engine="openvino", qtype="asym_int4",
                 adapter_id="ad-20260101-1", font_size=14, window_geometry=base64.b64encode(b"\x01\xd9").decode(),
                 last_open_dir="/home/ward 7/notes", training_cores="2-3,6", unsupported_sentences="hide")
    settings.save(s)
    assert settings.load() == settings.LoadResult(s)
    on_disk = json.loads(settings.default_path().read_text())
    assert on_disk["schema_version"] == settings.SCHEMA_VERSION and on_disk["font_size"] == 14


def test_every_field_has_help():
    help_text = settings.help_text()
    assert set(help_text) == {f.name for f in dataclasses.fields(Settings)}
    assert all(help_text.values())


def test_sentence_policies_match_the_renderer():
    from core.grounding import render

    assert settings.SENTENCE_POLICIES == render.POLICIES
    assert Settings().unsupported_sentences == "mark"


@pytest.mark.parametrize("name, value", [
    ("font_size", 100), ("font_size", "11"), ("font_size", True), ("style", ""), ("style", "a\nb"),
    ("engine", None), ("engine", "ipex llm"), ("qtype", 4), ("model_id", "x" * 300), ("model_id", " "),
    ("adapter_id", ""), ("window_geometry", "not base64!"),
    ("last_open_dir", ""), ("training_cores", "3-1"), ("training_cores", "all"), ("schema_version", 2),
    ("unsupported_sentences", "delete"), ("unsupported_sentences", None),
])
def test_validation_names_the_bad_value(name, value):
    with pytest.raises(ValueError, match=name) as err:
        Settings(**{name: value})
    assert repr(value)[:20] in str(err.value)


def test_corrupt_json_gives_defaults_and_is_kept_aside(home):
    path = settings.default_path()
    _write(path, b'{"style": "detailed",')
    result = settings.load()
    assert result.settings == Settings()
    assert str(path) in result.warning and "not valid JSON" in result.warning
    assert result.kept_as.name.startswith("settings.json.corrupt-")
    assert result.kept_as.read_bytes() == b'{"style": "detailed",'
    assert str(result.kept_as) in result.warning
    # repaired: the next load is clean and makes no second copy
    assert settings.load() == settings.LoadResult(Settings())
    assert len(list(path.parent.glob("settings.json.corrupt-*"))) == 1


def test_copies_are_never_overwritten(home):
    path = settings.default_path()
    kept = set()
    for junk in (b"\xff\xfe", b"[]", b"nope"):
        _write(path, junk)
        kept.add(settings.load().kept_as)
    assert len(kept) == 3 and all(p.exists() for p in kept)


def test_wrong_type_resets_only_that_field(home):
    _write(settings.default_path(), {"schema_version": 1, "style": "detailed", "font_size": "big"})
    result = settings.load()
    assert result.settings == Settings(style="detailed")
    assert "font_size='big'" in result.warning and "default used" in result.warning
    assert result.kept_as.exists()


@pytest.mark.parametrize("raw, expect", [
    ({"schema_version": 99, "style": "detailed"}, "unknown schema_version 99"),
    ({"schema_version": "1"}, "unknown schema_version '1'"),
    ([1, 2], "expected a JSON object, found list"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"", "not valid JSON"),
])
def test_unreadable_files_give_defaults(home, raw, expect):
    _write(settings.default_path(), raw)
    result = settings.load()
    assert result.settings == Settings()
    assert expect in result.warning and result.kept_as.exists()


def test_bad_sentence_policy_in_the_file_falls_back_to_mark(home):
    _write(settings.default_path(), {"schema_version": 1, "font_size": 13, "unsupported_sentences": "delete"})
    result = settings.load()
    assert result.settings == Settings(font_size=13) and result.settings.unsupported_sentences == "mark"
    assert "unsupported_sentences='delete'" in result.warning and "mark or hide" in result.warning


def test_unknown_keys_are_ignored_with_a_warning(home):
    _write(settings.default_path(), {"schema_version": 1, "font_size": 13, "colour": "red"})
    result = settings.load()
    assert result.settings == Settings(font_size=13)
    assert "'colour'" in result.warning and result.kept_as is None


def test_v0_file_is_migrated(home):
    assert set(range(settings.SCHEMA_VERSION)) <= set(settings.MIGRATIONS)
    _write(settings.default_path(), {"style": "detailed", "font_size": 12})
    assert settings.load() == settings.LoadResult(Settings(style="detailed", font_size=12))


def test_stale_temp_files_are_removed_fresh_ones_kept(home):
    path = settings.default_path()
    settings.save(Settings())
    stale, fresh = path.with_name(".settings.json.a1.tmp"), path.with_name(".settings.json.b2.tmp")
    for tmp in (stale, fresh):
        tmp.write_bytes(b'{"half": ')
    old = time.time() - settings.STALE_TMP_SECONDS - 10
    os.utime(stale, (old, old))
    assert settings.load() == settings.LoadResult(Settings())
    assert not stale.exists() and fresh.exists()


_scalar = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_json = _scalar | st.lists(_scalar, max_size=3) | st.dictionaries(st.text(max_size=6), _scalar, max_size=3)
_names = st.sampled_from([f.name for f in dataclasses.fields(Settings)] + ["junk"])
_valid = st.sampled_from(["brief", "sym_int4", "0-1", "AAAA", 11, 1, 0, None, "/tmp"])
_settings_like = st.dictionaries(_names, _valid | _json, max_size=6).map(lambda d: json.dumps(d).encode())
_payload = st.one_of(
    st.binary(max_size=300),
    _json.map(lambda v: json.dumps(v).encode()),
    _settings_like,
    st.tuples(_settings_like, st.integers(0, 300)).map(lambda t: t[0][: t[1]]),  # torn writes
)
_tmp = tempfile.TemporaryDirectory(prefix="settings-fuzz-")
_count = itertools.count()


@hyp_settings(max_examples=1000, deadline=None)
@given(raw=_payload)
def test_load_never_raises(raw):
    # fsync (durability, covered by test_crash_safety) would make up three quarters of the run time
    folder = Path(_tmp.name) / str(next(_count))
    folder.mkdir()
    path = folder / "settings.json"
    path.write_bytes(raw)
    with mock.patch("os.fsync"):
        result = settings.load(path)
        assert isinstance(result.settings, Settings)
        assert Settings(**dataclasses.asdict(result.settings)) == result.settings
        again = settings.load(path)  # a bad file was repaired: no second copy, same settings
    assert again.settings == result.settings and again.kept_as is None
