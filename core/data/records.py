"""Map one record (a JSON object or a CSV row) to a :class:`Pair`.

Accepted shapes: ``note``/``summary``; ``input``/``output``; Alpaca ``instruction``/``input``/``output``
(the note is ``input``, or ``instruction`` when ``input`` is blank, so a generic instruction never
enters the note); chat ``messages`` (user turns are the note, the last assistant turn the summary;
system turns are ignored). Key names match case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.errors import DatasetError

from .pair import Pair

SHAPES_HINT = (
    "Each row needs note and summary fields (or input/output, Alpaca instruction/input/output, "
    "or chat messages), or choose the note and summary columns explicitly."
)
META_MAX_CHARS = 200


@dataclass(frozen=True)
class Schema:
    """Which keys of a record hold what. ``kind`` is ``fields`` or ``chat``."""

    kind: str
    note: str | None = None
    summary: str | None = None
    instruction: str | None = None


def show_keys(keys: Iterable[str], limit: int = 20) -> str:
    """Key or column names for a message; long ones (likely text, not a name) are not shown."""
    keys = list(keys)
    shown = [repr(k) if len(k) <= 40 else f"<column {i + 1}: long name not shown>" for i, k in enumerate(keys)]
    more = f", … ({len(keys) - limit} more)" if len(keys) > limit else ""
    return (", ".join(shown[:limit]) + more) if shown else "none"


def detect(keys: Iterable[str], note_column: str | None = None, summary_column: str | None = None) -> Schema:
    """The schema for records with these keys; ``ValueError`` says what is missing."""
    lower: dict[str, str] = {}
    for k in keys:
        lower.setdefault(k.strip().lower(), k)

    def find(*names: str) -> str | None:
        return next((lower[n.lower()] for n in names if n.lower() in lower), None)

    if note_column or summary_column:
        note = find(note_column) if note_column else find("note", "input")
        summary = find(summary_column) if summary_column else find("summary", "output")
        for chosen, found, what in ((note_column, note, "note"), (summary_column, summary, "summary")):
            if chosen and not found:
                raise ValueError(f"no {what} column {chosen!r}")
        if not (note and summary):
            raise ValueError(f"no {'note' if not note else 'summary'} column found")
        return Schema("fields", note, summary)
    if find("note") and find("summary"):
        return Schema("fields", find("note"), find("summary"))
    if find("output") and (find("input") or find("instruction")):
        return Schema("fields", find("input"), find("output"), find("instruction"))
    if find("messages"):
        return Schema("chat", note=find("messages"))
    raise ValueError("no note and summary fields")


def _type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _text(rec: dict, key: str | None, where: str, *, optional: bool = False) -> str:
    value = rec.get(key) if key is not None else None
    if isinstance(value, str):
        return value
    if value is None and optional:
        return ""
    if key is None or key not in rec:
        raise DatasetError(f"{where}: missing field {key!r} (found {show_keys(rec)})", hint=SHAPES_HINT)
    raise DatasetError(f"{where}: field {key!r} is {_type(value)}, expected text",
                       hint="Make the note and summary plain strings.")


def _chat(messages: Any, where: str) -> tuple[str, str]:
    hint = "Use messages like [{\"role\": \"user\", \"content\": NOTE}, {\"role\": \"assistant\", \"content\": SUMMARY}]."
    if not isinstance(messages, list):
        raise DatasetError(f"{where}: 'messages' is {_type(messages)}, expected a list", hint=hint)
    user: list[str] = []
    assistant: list[str] = []
    for n, m in enumerate(messages, 1):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str) or not isinstance(m.get("content"), str):
            raise DatasetError(f"{where}: message {n} needs text 'role' and 'content'", hint=hint)
        {"user": user, "assistant": assistant}.get(m["role"], []).append(m["content"])
    if not user or not assistant:
        roles = sorted({m["role"] for m in messages})[:10]
        raise DatasetError(f"{where}: messages need a user and an assistant turn (roles found: "
                           f"{show_keys(roles)})", hint=hint)
    return "\n\n".join(user), assistant[-1]


def to_pair(rec: dict, schema: Schema, *, source: str, line: int, where: str) -> Pair:
    """Build the pair for ``rec``; :class:`DatasetError` names ``where`` and what to fix."""
    meta: dict[str, Any] = {}
    if schema.kind == "chat":
        note, summary = _chat(rec.get(schema.note), where)
        used = {schema.note}
    else:
        summary = _text(rec, schema.summary, where)
        alpaca = schema.instruction is not None
        note = _text(rec, schema.note, where, optional=alpaca) if schema.note else ""
        if alpaca:
            instruction = _text(rec, schema.instruction, where, optional=schema.note is not None)
            if not note.strip():
                note = instruction
            elif instruction.strip():
                meta["instruction"] = instruction
        used = {schema.note, schema.summary, schema.instruction}
    for text in (note, summary):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise DatasetError(f"{where}: the text holds an invalid character (an unpaired surrogate escape)",
                               hint="Remove the broken \\uD8xx-style escape from that row.") from None
    for k, v in rec.items():
        if k not in used and isinstance(v, (str, int, float, bool)) and len(str(v)) <= META_MAX_CHARS:
            meta[k] = v
    return Pair(note, summary, source, line, meta)
