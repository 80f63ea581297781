"""Load note→summary pairs from JSONL, JSON, CSV/TSV, or a folder of ``NAME.txt`` + ``NAME.summary.txt``.

Every failure is a :class:`~core.errors.DatasetError` that names the file and line and says what to
do; messages never quote note text.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from core.errors import DatasetError

from .pair import Pair
from .records import SHAPES_HINT, Schema, detect, show_keys, to_pair

MAX_FILE_BYTES = 256 * 1024 * 1024
SUMMARY_SUFFIX = ".summary.txt"
FORMATS_HINT = "Use .jsonl, .json, .csv or .tsv, or a folder of NAME.txt + NAME.summary.txt files."


def load_pairs(path: Path, *, note_column: str | None = None, summary_column: str | None = None) -> list[Pair]:
    """All pairs in ``path`` (a file or a folder), in file order.

    ``note_column``/``summary_column`` choose the fields of JSON or CSV rows; by default they are
    detected (see :mod:`core.data.records`). Blank notes or summaries are kept for
    :func:`~core.data.validate` to report.
    """
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder", hint="Check the path and try again.")
    if path.is_dir():
        return _folder(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".json", ".csv", ".tsv"):
        raise DatasetError(f"{path.name}: unsupported file type {suffix or '(no extension)'!r}", hint=FORMATS_HINT)
    text = _read(path)
    if not text.strip():
        raise DatasetError(f"{path.name}: the file is empty", hint="Add one note→summary pair per row.")
    cols = (note_column, summary_column)
    if suffix in (".csv", ".tsv"):
        pairs = _csv(text, path.name, "\t" if suffix == ".tsv" else ",", *cols)
    elif suffix == ".json":
        pairs = _json(text, path.name, *cols)
    else:
        pairs = _jsonl(text, path.name, *cols)
    if not pairs:
        raise DatasetError(f"{path.name}: no rows found", hint="Add one note→summary pair per row.")
    return pairs


def _read(path: Path) -> str:
    """The file's text (UTF-8, or UTF-16 with a byte-order mark), within the size limit."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DatasetError(f"{path.name} is {size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES / 2**20:.0f} MiB",
                               hint="Use a smaller file: remove rows you do not need or split it.")
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path.name}: cannot read the file ({exc.strerror or type(exc).__name__})",
                           hint="Check that the file exists and that you may read it.") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DatasetError(f"{path.name}: not valid UTF-16 text", hint="Save the file as UTF-8.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DatasetError(f"{path.name} line {line}: not UTF-8 text (byte {exc.start})",
                           hint="Save the file as UTF-8.") from None


def _parse(raw: str, where: str, hint: str) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{where}: bad JSON ({exc.msg} at column {exc.colno})", hint=hint) from None
    except (ValueError, RecursionError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else "a number is too long"
        raise DatasetError(f"{where}: bad JSON ({problem})", hint=hint) from None


def _record(obj: object, source: str, line: int, where: str, cols: tuple) -> Pair:
    if not isinstance(obj, dict):
        kind = {list: "an array", str: "a string", type(None): "null"}.get(type(obj), "a number or true/false")
        raise DatasetError(f"{where}: expected a JSON object, found {kind}",
                           hint="Write one object per row, e.g. {\"note\": \"...\", \"summary\": \"...\"}; "
                           "a whole-file JSON array belongs in a .json file.")
    try:
        schema = detect(obj, *cols)
    except ValueError as exc:
        raise DatasetError(f"{where}: {exc} (found keys: {show_keys(obj)})", hint=SHAPES_HINT) from None
    return to_pair(obj, schema, source=source, line=line, where=where)


def _jsonl(text: str, name: str, *cols: str | None) -> list[Pair]:
    pairs = []
    for n, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        where = f"{name} line {n}"
        obj = _parse(raw, where, f"Fix or remove line {n}; each line must be one complete JSON object.")
        pairs.append(_record(obj, name, n, where, cols))
    return pairs


def _json(text: str, name: str, *cols: str | None) -> list[Pair]:
    """A JSON array of objects; JSON Lines saved as ``.json`` (as many exporters do) also loads."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return _jsonl(text, name, *cols)
        raise DatasetError(f"{name} line {exc.lineno}: bad JSON ({exc.msg} at column {exc.colno})",
                           hint="Fix the file; it must be one JSON array of objects, or one object per line.") from None
    except (ValueError, RecursionError):
        return _jsonl(text, name, *cols)
    if isinstance(data, dict):
        return [_record(data, name, 1, f"{name} item 1", cols)]
    if not isinstance(data, list):
        raise DatasetError(f"{name}: expected a JSON array of objects", hint=FORMATS_HINT)
    return [_record(obj, name, i, f"{name} item {i}", cols) for i, obj in enumerate(data, 1)]


def _csv(text: str, name: str, delimiter: str, *cols: str | None) -> list[Pair]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))  # long notes: validate() reports them
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = _csv_rows(reader, name)
    if not rows:
        raise DatasetError(f"{name}: the file is empty", hint="Add a header row and one pair per row.")
    (_, header), body = rows[0], rows[1:]
    header = [h.strip() for h in header]
    try:
        schema: Schema = detect(header, *cols)
    except ValueError as exc:
        raise DatasetError(f"{name}: {exc}; available columns: {show_keys(header)}",
                           hint="The first row must name the columns, e.g. note,summary (or input,output); "
                           "or choose the note and summary columns.") from None
    if schema.kind == "chat":
        raise DatasetError(f"{name}: a chat 'messages' column is not supported in CSV", hint=FORMATS_HINT)
    pairs = []
    for line, row in body:
        where = f"{name} line {line}"
        if len(row) != len(header) and (len(row) < len(header) or any(c.strip() for c in row[len(header):])):
            raise DatasetError(f"{where}: {len(row)} fields, but the header has {len(header)}",
                               hint="Quote fields that contain the delimiter or line breaks, or fix the row.")
        rec: dict[str, str] = {}
        for h, v in zip(header, row, strict=False):
            if h:
                rec.setdefault(h, v)
        pairs.append(to_pair(rec, schema, source=name, line=line, where=where))
    return pairs


def _csv_rows(reader, name: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the line each starts on."""
    rows: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            raise DatasetError(f"{name} line {reader.line_num}: malformed CSV ({exc})",
                               hint="Check the quoting on that line; fields with quotes need doubled quotes.") from None
        if any(c.strip() for c in row):
            rows.append((start, row))
        start = reader.line_num + 1


def _folder(folder: Path) -> list[Pair]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    summaries = {p.name[: -len(SUMMARY_SUFFIX)]: p for p in files if p.name.lower().endswith(SUMMARY_SUFFIX)}
    notes = {p.name[:-4]: p for p in files
             if p.suffix.lower() == ".txt" and not p.name.lower().endswith(SUMMARY_SUFFIX)}
    orphans = sorted([notes[k].name for k in notes.keys() - summaries.keys()]
                     + [summaries[k].name for k in summaries.keys() - notes.keys()])
    if orphans:
        more = f", … ({len(orphans) - 10} more)" if len(orphans) > 10 else ""
        raise DatasetError(f"{folder.name}: {len(orphans)} file(s) without a partner: {', '.join(orphans[:10])}{more}",
                           hint="Each NAME.txt needs a NAME.summary.txt and the reverse; add the missing file or "
                           "move the orphan out of the folder.")
    if not notes:
        raise DatasetError(f"{folder.name}: no NAME.txt + NAME.summary.txt pairs found", hint=FORMATS_HINT)
    total = sum(p.stat().st_size for k in notes for p in (notes[k], summaries[k]))
    if total > MAX_FILE_BYTES:
        raise DatasetError(f"{folder.name}: {total / 2**20:.1f} MiB of text; the limit is "
                           f"{MAX_FILE_BYTES / 2**20:.0f} MiB", hint="Use fewer files.")
    return [Pair(_read(notes[k]), _read(summaries[k]), notes[k].name, 0, {"name": k}) for k in sorted(notes)]
