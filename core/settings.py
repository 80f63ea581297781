"""User settings: one typed dataclass, loaded forgivingly and saved atomically.

:func:`load` never raises for a bad file. A missing file gives defaults. A file that is not JSON, has an
unknown schema version or values of the wrong type gives defaults for what is bad, a warning naming the
file and the problem, a copy of the bad file kept as ``settings.json.corrupt-<timestamp>`` (never
deleted) and a repaired ``settings.json``. Unknown keys are ignored with a warning. Older schema
versions are upgraded through :data:`MIGRATIONS`. Stale temp files of interrupted saves are removed.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import atomic, paths

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 4 * 1024 * 1024
STALE_TMP_SECONDS = 300  # a save takes milliseconds; older temp files are left from a killed save

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:+/-]{0,63}")
# The summary view's choices for unsupported sentences; the same as core.grounding.render.POLICIES (a test
# checks), kept here so that loading settings does not import the grounding check.
SENTENCE_POLICIES = ("mark", "hide")
# core.summarize.pipeline.MODES, kept here for the same reason (a test checks they agree).
SUMMARY_MODES = ("facts", "free")
_CPU_LIST = re.compile(r"(\d{1,4})(?:-(\d{1,4}))?(?:,(\d{1,4})(?:-(\d{1,4}))?)*")


@dataclass(frozen=True)
class Settings:
    """Everything the app remembers between runs."""

    schema_version: int = field(default=SCHEMA_VERSION, metadata={"help": "settings file format version"})
    style: str = field(default="brief", metadata={"help": "summary style (prompt template name)"})
    model_id: str = field(default="embedded:smollm2-135m", metadata={"help": "model used to summarize"})
    engine: str = field(default="auto", metadata={"help": "inference engine, or auto to pick the fastest"})
    qtype: str = field(default="sym_int4", metadata={"help": "low-bit weight format of the loaded model"})
    adapter_id: str | None = field(default=None, metadata={"help": "active fine-tuned adapter, or none"})
    font_size: int = field(default=11, metadata={"help": "editor font size in points (6-48)"})
    window_geometry: str | None = field(default=None, metadata={"help": "base64 of Qt's saveGeometry()"})
    last_open_dir: str | None = field(default=None, metadata={"help": "folder of the last opened note"})
    training_cores: str | None = field(default=None, metadata={"help": "CPU list for fine-tuning, e.g. 2-3"})
    unsupported_sentences: str = field(default="mark", metadata={
        "help": "unsupported summary sentences: mark (default) or hide"})
    summary_mode: str = field(default="facts", metadata={
        "help": "facts (default): facts copied from the note, the model writes only the one-liner; "
                "free: the whole note to the model"})

    def __post_init__(self) -> None:
        if type(self.schema_version) is not int or self.schema_version != SCHEMA_VERSION:
            _bad("schema_version", self.schema_version, f"must be {SCHEMA_VERSION}")
        _check_token("engine", self.engine)
        _check_token("qtype", self.qtype)
        for name in ("style", "model_id", "adapter_id"):  # ids come from file names: spaces allowed
            if name != "adapter_id" or self.adapter_id is not None:
                _check_name(name, getattr(self, name))
        if type(self.font_size) is not int or not 6 <= self.font_size <= 48:
            _bad("font_size", self.font_size, "must be a whole number from 6 to 48")
        if self.window_geometry is not None:
            _check_base64("window_geometry", self.window_geometry)
        if self.last_open_dir is not None:
            v = self.last_open_dir
            if not isinstance(v, str) or not v or len(v) > 4096 or "\0" in v:
                _bad("last_open_dir", v, "must be a folder path")
        if self.training_cores is not None:
            _check_cpu_list("training_cores", self.training_cores)
        if self.summary_mode not in SUMMARY_MODES:
            _bad("summary_mode", self.summary_mode, f"must be {' or '.join(SUMMARY_MODES)}")
        if self.unsupported_sentences not in SENTENCE_POLICIES:
            _bad("unsupported_sentences", self.unsupported_sentences, f"must be {' or '.join(SENTENCE_POLICIES)}")


def help_text() -> dict[str, str]:
    """{field name: description}, for the CLI and the settings dialog."""
    return {f.name: f.metadata["help"] for f in dataclasses.fields(Settings)}


@dataclass(frozen=True)
class LoadResult:
    settings: Settings
    warning: str | None = None
    kept_as: Path | None = None  # where a bad file was copied, if one was


def default_path() -> Path:
    return paths.config_dir() / "settings.json"


def save(settings: Settings, path: Path | str | None = None) -> None:
    """Write ``settings`` atomically (old file or new file, never half of one)."""
    if not isinstance(settings, Settings):
        raise TypeError(f"expected Settings, got {type(settings).__name__}")
    atomic.write_json(Path(path) if path else default_path(), dataclasses.asdict(settings))


def load(path: Path | str | None = None) -> LoadResult:
    """Read settings; never raises for a missing, corrupt or foreign file (see the module doc)."""
    path = Path(path) if path else default_path()
    _remove_stale_temp_files(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadResult(Settings())
    except OSError as exc:
        return LoadResult(Settings(), f"Settings file {path} could not be read ({exc.strerror}); "
                                      "using defaults.")
    data, problem = _parse(raw)
    problems: list[str] = []
    unknown: list[str] = []
    if data is not None:
        data, problem = _migrate(data)
    if data is None:
        settings, problems = Settings(), [f"{problem}; using defaults"]
    else:
        settings, problems, unknown = _from_dict(data)
    kept_as = _keep_aside(path, raw, settings) if problems else None
    notes = list(problems)
    if unknown:
        notes.append(f"ignored unknown setting(s) {', '.join(unknown)}")
    if not notes:
        return LoadResult(settings)
    warning = f"Settings file {path}: " + "; ".join(notes) + "."
    if problems:
        warning += f" The original was kept as {kept_as}." if kept_as else " It could not be kept aside."
    return LoadResult(settings, warning, kept_as)


# --- schema migrations: version N -> N + 1 --------------------------------------------------------

def _v0_to_v1(data: dict) -> dict:
    """v0 (files without ``schema_version``) had the same keys as v1."""
    return {**data, "schema_version": 1}


MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: _v0_to_v1}


def _migrate(data: dict) -> tuple[dict | None, str | None]:
    version = data.get("schema_version", 0)
    if type(version) is not int or not 0 <= version <= SCHEMA_VERSION:
        return None, f"unknown schema_version {_short(version)} (this app reads 0-{SCHEMA_VERSION})"
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        log.info("settings migrated from schema %d to %d", version, data["schema_version"])
        version = data["schema_version"]
    return data, None


# --- helpers --------------------------------------------------------------------------------------

def _parse(raw: bytes) -> tuple[dict | None, str | None]:
    if len(raw) > MAX_FILE_BYTES:
        return None, f"file is {len(raw)} bytes, larger than {MAX_FILE_BYTES}"
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON ({type(exc).__name__})"
    if not isinstance(data, dict):
        return None, f"expected a JSON object, found {type(data).__name__}"
    return data, None


def _from_dict(data: dict) -> tuple[Settings, list[str], list[str]]:
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(_short(k) for k in data if k not in known)
    good: dict[str, Any] = {}
    problems: list[str] = []
    for name in sorted(known & data.keys()):
        try:
            Settings(**{name: data[name]})
        except ValueError as exc:
            problems.append(f"{exc} (default used)")
        else:
            good[name] = data[name]
    return Settings(**good), problems, unknown


def _keep_aside(path: Path, raw: bytes, repaired: Settings) -> Path | None:
    """Copy the bad file beside it (never overwriting a copy), then write the repaired settings."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for n in range(1000):
        copy = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n else ""))
        try:
            with open(copy, "xb") as f:
                f.write(raw)
                f.flush()
                os.fsync(f.fileno())
            break
        except FileExistsError:
            continue
        except OSError:
            return None
    else:
        return None
    try:
        save(repaired, path)
    except OSError as exc:
        log.warning("repaired settings could not be written: %s", exc.strerror)
    return copy


def _remove_stale_temp_files(path: Path) -> None:
    cutoff = time.time() - STALE_TMP_SECONDS
    try:
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink(missing_ok=True)
    except OSError:
        pass


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bad(name: str, value: Any, why: str) -> None:
    raise ValueError(f"setting {name}={_short(value)} is invalid: {why}")


def _check_token(name: str, value: Any) -> None:
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        _bad(name, value, "must be a short name (letters, digits, _ . : + / -)")


def _check_name(name: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 200 or not value.isprintable():
        _bad(name, value, "must be a name of 1-200 printable characters")


def _check_base64(name: str, value: Any) -> None:
    if not isinstance(value, str) or len(value) > MAX_FILE_BYTES // 4:
        _bad(name, value, "must be base64 text")
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        _bad(name, value, "must be base64 text")


def _check_cpu_list(name: str, value: Any) -> None:
    m = isinstance(value, str) and _CPU_LIST.fullmatch(value)
    if not m or any(int(lo) > int(hi) for lo, hi in re.findall(r"(\d+)-(\d+)", value)):
        _bad(name, value, "must be a CPU list such as 0-3,6")
