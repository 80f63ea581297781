"""Medication timeline grids: an EHR export whose rows are drugs and whose space-aligned columns are days
("ruxolitinib (mg PO)   5 pm   5 BID   5 qd   -"), so that a change is only seen by reading across a row: the
first column with a new value is the day it changed. A row's value appearing after "-" is a start, "-" after a
value a stop, "H" a hold and a value after "H" a restart; a new dose or schedule is a change. A grid continued
in a later export ("1 OF 4", "2 OF 4") goes on from the last column of the one before.

No table library reads this: the columns are aligned by spaces, a cell may hold spaces ("8 q8h IV"), and its
meaning is the difference between neighbouring cells, so the reading is written here."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from core.facts.med_names import mentions

_DAY = re.compile(r"(?:D|Day\s?|HD|POD)[+-]?\d{1,3}|\d{1,2}/\d{1,2}(?:/\d{2,4})?", re.IGNORECASE)
_GAP = re.compile(r"\S+(?: \S+)*")  # a cell: words joined by single spaces
MIN_COLUMNS = 4
_LEVEL = re.compile(r"\b(?:levels?|troughs?|peaks?|random|conc\w*|auc|serum|plasma|blood|urine|resistan\w*|mic)\b",
                    re.IGNORECASE)


@dataclass(frozen=True)
class GridChange:
    change: str
    start: int
    """The row's start (its label) in the note."""
    end: int
    """The end of the cell that shows the change."""
    drug: str


def changes(note: str) -> list[GridChange]:
    """Every change a timeline grid in ``note`` shows, in note order."""
    rows: dict[str, list[tuple[str | None, int, int, str]]] = {}  # row label -> its cells, across continued grids
    columns: list[int] | None = None
    offset = 0
    for line in note.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        header = _header(body)
        if header is not None:  # a second header row (the dates under "D-10  D-9 ...") keeps the first's columns
            columns = header if columns is None else columns
        elif columns is not None and not body.strip():
            columns = None
        elif columns is not None:
            _row(offset, body, columns, rows)
        offset += len(line)
    out = [c for cells in rows.values() for c in _read(cells)]
    return sorted(out, key=lambda c: c.end)


def _header(line: str) -> list[int] | None:
    """The columns' start positions of a grid header ("Drug (unit, route)   D-10   D-9   D-8 ..."), or None."""
    cells = list(_GAP.finditer(line))
    days = [c for c in cells if _DAY.fullmatch(c.group())]
    if len(days) < MIN_COLUMNS or len(days) < len(cells) - 1:
        return None
    return [c.start() for c in days]


def _row(offset: int, line: str, columns: list[int], rows) -> None:
    label = line[: columns[0]].strip()
    named = mentions(label) if label and not _LEVEL.search(label) else []
    if not named:
        return  # not a drug's row, or a drug's levels ("tacrolimus trough  5.9  6.1  8.2"): results, not doses
    at = line.find(label)
    cells = list(_GAP.finditer(line, at + len(label)))
    if len(cells) != len(columns):
        return  # not aligned with its header: not read
    key = re.sub(r"\s+", " ", label.lower())
    rows.setdefault(key, []).extend((_value(c.group()), offset + at, offset + c.end(), named[0].key) for c in cells)


def _read(cells: list[tuple[str | None, int, int, str]]) -> list[GridChange]:
    """A row's changes. A drug given on some days with blanks between ("MTX 27 - 18 - - 18", PRN doses,
    transfusions) has more than one gap: its days are a schedule, so only its first start counts. One gap is a
    stop and a later restart."""
    given = [i for i, c in enumerate(cells) if c[0] is not None]
    if not given:
        return []
    gaps = sum(1 for a, b in itertools.pairwise(given) if b > a + 1)
    once = len(given) == 1  # a single dose ("pentamidine 300" on one day) was given, not stopped
    out: list[GridChange] = []
    first = given[0]
    value, row_start, end, drug = cells[first]
    if first > 0:
        out.append(GridChange("held" if value == "H" else "started", row_start, end, drug))
    last = first
    for i in given[1:]:
        here = cells[i]
        if i > last + 1 and gaps == 1:
            out.append(GridChange("stopped", cells[last][1], cells[last][2], drug))
            out.append(GridChange("held" if here[0] == "H" else "started", here[1], here[2], drug))
        else:
            change = _transition(cells[last][0], here[0])
            if change is not None:
                out.append(GridChange(change, here[1], here[2], drug))
        last = i
    if last < len(cells) - 1 and not once and gaps < 2:
        out.append(GridChange("stopped", cells[last][1], cells[last][2], drug))
    return out


def shown(text: str, change: str | None = None) -> str | None:
    """A grid fact as a summary line shows it: the row's label and the cell with the change ("levetiracetam
    (mg PO) … 500 BID"), for a change also the value before it ("tacrolimus IV (mg/24 h cont.) … 1.0 -> 0.7"), not
    the blanks and repeats between them; None when ``text`` is no grid row."""
    parts = re.split(r" {2,}", text.strip())
    if "\n" in text or len(parts) < 3 or not all(_CELL.fullmatch(c) for c in parts[1:]):
        return None  # "Vancomycin  1 g  q12h  STOPPED": a table row, not a run of days
    before = [c for c in parts[1:-1] if c not in ("-", "H")]
    if change == "changed" and before and before[-1] != parts[-1]:
        return f"{parts[0]} … {before[-1]} -> {parts[-1]}"
    return f"{parts[0]} … {parts[-1]}"


# A grid's cell: "-", "H", or a short dose ("500 BID", "0.4 x3", "8 q8h IV", "1 am/1.5 pm", "PCA off 10:00", "prn x2")
_CELL = re.compile(r"[-H]|(?=.{1,16}$)(?:\d|pca\b|prn\b).*", re.IGNORECASE)


def _value(cell: str) -> str | None:
    """A cell as compared with its neighbours: None when nothing was given, "H" when held, else the dose and
    schedule without counts of doses ("0.4 x3" and "0.4 x5" are the same PRN order)."""
    text = cell.strip().lower()
    if text in ("", "-", "–", "—", "0"):
        return None
    if text in ("h", "held") or text.startswith("h "):
        return "H"
    text = re.sub(r"\bx\s?\d+\b|\boff\b.*$|\b\d{1,2}:\d{2}\b", "", text)
    return re.sub(r"\s+", " ", text).strip() or "given"


_FREQUENCY = re.compile(r"\b(?:qd|daily|bid|tid|qid|q\d{1,2}h|prn|pca|hs|qhs)\b")


def _transition(before: str | None, after: str | None) -> str | None:
    if before == after:
        return None
    if before is None:
        return "started" if after != "H" else "held"
    if after is None:
        return "stopped"
    if after == "H":
        return "held"
    if before == "H":
        return "started"
    if not (_FREQUENCY.search(before) and _FREQUENCY.search(after)) and ("pca" in before) == ("pca" in after) \
            and _AMOUNT.findall(before)[:1] == _AMOUNT.findall(after)[:1]:
        return None  # "5 pm" (the first day's evening dose) then "5 BID": the same dose, compared by amount
    return "changed"


_AMOUNT = re.compile(r"\d+(?:\.\d+)?")
