"""Append-only, hash-chained audit log (JSON lines) of what the app did, never of note text.

Each entry has ``seq`` (1, 2, ...), ``time`` (UTC ISO), ``action``, ``app_version``, caller fields
(hashes and ids only), ``prev`` (the previous entry's ``hash``) and ``hash`` (sha256 of the canonical
JSON of the entry without ``hash``). :func:`verify` finds edited, removed, reordered and garbled lines.
Removing the newest entries from the end cannot be detected from the file alone.

Appends take an exclusive lock (``flock``; :func:`core.atomic.lock`) and use ``O_APPEND`` + ``fsync``, so
several processes may append.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core import __version__, atomic, paths

ACTIONS = frozenset({
    "summarize", "export", "import-model", "finetune-start", "finetune-stop", "finetune-finish",
    "adapter-activate", "adapter-rollback", "adapter-export", "adapter-delete", "evaluate",
})
GENESIS = "0" * 64
MAX_STRING = 200
RESERVED = frozenset({"seq", "time", "action", "app_version", "prev", "hash"})
TEXT_WORDS = frozenset({"text", "note", "notes", "summary", "content", "body", "prompt"})
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    problems: list[str] = field(default_factory=list)


def default_path() -> Path:
    return paths.data_dir() / "audit.jsonl"


def sha256_text(text: str) -> str:
    """Hex sha256 of ``text`` as UTF-8: how notes, summaries and datasets appear in the log."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(entry: dict) -> str:
    """sha256 of the canonical JSON of ``entry`` without its ``hash`` key."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(action: str, *, path: Path | str | None = None, **fields: Any) -> dict:
    """Append one entry and return it. Raises ValueError for an unknown action or a text-like field."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {', '.join(sorted(ACTIONS))}")
    for key, value in fields.items():
        _check_field(key, value)
    path = Path(path) if path else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        atomic.lock(fd)
        last, ends_clean = _last_entry(fd)
        entry = {
            "seq": last["seq"] + 1 if last else 1,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "action": action,
            "app_version": __version__,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()},
            "prev": last["hash"] if last else GENESIS,
        }
        entry["hash"] = entry_hash(entry)
        line = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
        data = (b"" if ends_clean else b"\n") + line.encode("utf-8")
        while data:  # a regular-file write is complete in practice; loop in case it is not
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock
    return entry



def record_summary(note_text: str, result: Any) -> dict:
    """The audit entry for one summary (:class:`core.summarize.SummaryResult`): hashes and ids, no text."""
    return record("summarize", note_sha256=sha256_text(note_text), model_id=result.engine.get("model"),
                  adapter_id=result.engine.get("adapter"), engine=result.engine.get("name"),
                  template=f"{result.style}:{result.template_source}")

def verify(path: Path | str | None = None) -> VerifyResult:
    """Check every line and the chain; each problem names its line number and what is wrong."""
    lines = _read_lines(Path(path) if path else default_path())
    problems: list[str] = []
    prev: dict | None = None
    prev_line = 0
    entries = 0
    for n, (raw, complete) in enumerate(lines, start=1):
        entry = _parse(raw)
        if entry is None:
            what = "truncated last line (incomplete write)" if not complete else "garbled line (not an entry)"
            problems.append(f"line {n}: {what}")
            continue
        entries += 1
        issues = []
        if entry_hash(entry) != entry["hash"]:
            issues.append("hash mismatch: the entry was edited")
        want = prev["seq"] + 1 if prev else 1
        if entry["seq"] > want:
            issues.append(f"seq {entry['seq']} where {want} was expected: entries missing (removed or moved)")
        elif entry["seq"] < want:
            issues.append(f"seq {entry['seq']} after seq {want - 1}: lines reordered or duplicated")
        if entry["prev"] != (prev["hash"] if prev else GENESIS):
            ref = f"line {prev_line}" if prev else "the start of the log"
            issues.append(f"prev does not match the hash of {ref}: a line was removed, inserted or moved")
        if issues:
            problems.append(f"line {n} (seq {entry['seq']}): " + "; ".join(issues))
        if entry["seq"] >= want:  # an entry that went backwards does not become the reference
            prev, prev_line = entry, n
    return VerifyResult(not problems, entries, problems)


def read(path: Path | str | None = None, limit: int | None = None) -> list[dict]:
    """Parsed entries, oldest first (garbled lines skipped); the newest ``limit`` if given."""
    entries = [e for raw, _ in _read_lines(Path(path) if path else default_path()) if (e := _parse(raw))]
    return entries[-limit:] if limit else entries


# --- helpers --------------------------------------------------------------------------------------

def _check_field(key: str, value: Any) -> None:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"audit field name {key!r} must be lower_snake_case")
    if key in RESERVED:
        raise ValueError(f"audit field {key!r} is set by the log itself")
    if key in TEXT_WORDS or key.rsplit("_", 1)[-1] in TEXT_WORDS:
        raise ValueError(f"audit field {key!r} looks like text; log a sha256 (e.g. note_sha256) instead")
    if key.endswith("_sha256") and not (isinstance(value, str) and _SHA256.fullmatch(value)):
        raise ValueError(f"audit field {key!r} must be a lowercase hex sha256")
    for item in value if isinstance(value, list | tuple) else (value,):
        if isinstance(item, str):
            if len(item) > MAX_STRING or "\n" in item or "\r" in item:
                raise ValueError(f"audit field {key!r} looks like text ({len(item)} chars); "
                                 "log a sha256 instead")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError(f"audit field {key!r} must be a finite number")
        elif item is not None and not isinstance(item, bool | int):
            raise ValueError(f"audit field {key!r} has unsupported type {type(item).__name__}")


def _parse(raw: bytes) -> dict | None:
    try:
        entry = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(entry, dict):
        return None
    if type(entry.get("seq")) is not int or not all(isinstance(entry.get(k), str) for k in ("prev", "hash")):
        return None
    return entry


def _read_lines(path: Path) -> list[tuple[bytes, bool]]:
    """(line, ends with newline) for each line; read under a shared lock."""
    try:
        with open(path, "rb") as f:
            atomic.lock(f.fileno(), shared=True)
            data = f.read()
    except FileNotFoundError:
        return []
    parts = data.split(b"\n")
    tail = parts.pop()  # b"" when the file ends with a newline
    out = [(p, True) for p in parts]
    if tail:
        out.append((tail, False))
    return out


def _last_entry(fd: int, block: int = 65536) -> tuple[dict | None, bool]:
    """(newest parseable entry, whether the file ends with a newline), reading backwards."""
    pos = os.fstat(fd).st_size
    ends_clean = pos == 0 or os.pread(fd, 1, pos - 1) == b"\n"
    carry = b""
    while pos > 0:
        step = min(block, pos)
        pos -= step
        lines = (os.pread(fd, step, pos) + carry).split(b"\n")
        carry = lines.pop(0) if pos > 0 else b""
        for raw in reversed(lines):
            if raw and (entry := _parse(raw)) is not None:
                return entry, ends_clean
    return None, ends_clean
