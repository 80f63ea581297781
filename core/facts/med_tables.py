"""Changes that a table says by its layout: a reconciliation row's status cell or Status/Action column,
a second status after a dash, a before/after pair of dose columns, and a row of an administration record
(a clock time and an amount)."""

from __future__ import annotations

import re

from core.facts.med_cues import DOSE_UNIT, change_in, differs, dose_of


def status_cell(note: str, m, limit: int) -> tuple[str, int, int] | None:
    """The change a reconciliation table's status cell gives the drug its row opens with: the first later
    cell (before ``limit``) that begins with a change word ("| CHANGED (held 03/09) |", "| NEW - ... |").
    The status column is the table's answer; a change word elsewhere in the row ("every other day, start
    03/23") only describes the dose."""
    line_start = note.rfind("\n", 0, m.start) + 1
    line_end = note.find("\n", m.end)
    line_end = len(note) if line_end < 0 else line_end
    if note.count("|", line_start, line_end) < 2 or note[line_start : m.start].strip(" |"):
        return None  # not a table row, or the drug is not its first cell
    column = _status_column(note, line_start, line_end)
    if column is not None:
        return column if column[0] != "listed" else None
    cell = note.find("|", m.end, line_end)
    while 0 <= cell < min(line_end, limit):
        following = note.find("|", cell + 1, line_end)
        text = note[cell + 1 : following if following >= 0 else line_end]
        hit = change_in(text.lstrip(), 0)
        if hit and hit[1] == 0 and hit[0] != "none":
            at = cell + 1 + len(text) - len(text.lstrip())
            return hit[0], at, at + hit[2]
        cell = following
    return _state_change(note, line_start, line_end)


_BEFORE_HEADER = re.compile(r"\b(?:before|prior|pre-?\w*|home|admission|previous|old|current)\b", re.IGNORECASE)


_AFTER_HEADER = re.compile(r"\b(?:on|after|post-?\w*|at\s+(?:discharge|transfer)|discharge|transfer|new|now|"
                           r"recommend\w*|adjusted)\b",
                           re.IGNORECASE)


_EMPTY_CELL = re.compile(r"\s*(?:[-–—]|none|n/a|not\s+on\s+it)?\s*", re.IGNORECASE)


def _state_change(note: str, line_start: int, line_end: int) -> tuple[str, int, int] | None:
    """The change a before/after table shows by its two dose columns ("| Drug | Before CRRT | On CRRT |
    Comment |"): started when only the second has a dose, stopped when only the first, changed when both
    have one and they differ. Only right after the drug's cell, and only for headers that say before and after."""
    found = _header_and_row(note, line_start, line_end)
    if found is None:
        return None
    header, row = found
    if len(header) < 3 or len(row) != len(header) or not (
            _BEFORE_HEADER.search(header[1][1]) and _AFTER_HEADER.search(header[2][1])
            and not _AFTER_HEADER.search(header[1][1].replace("on ", ""))):
        return None
    (_, before), (offset, after) = row[1], row[2]
    at = line_start + offset + len(after) - len(after.lstrip())
    empty_before, empty_after = _EMPTY_CELL.fullmatch(before), _EMPTY_CELL.fullmatch(after)
    if empty_before and not empty_after and DOSE_UNIT.search(after):
        return "started", at, at + len(after.strip())
    if empty_after and not empty_before and DOSE_UNIT.search(before):
        return "stopped", at, at + len(after.strip())
    if not empty_before and not empty_after and DOSE_UNIT.search(after) and dose_of(after) \
            and differs(dose_of(after), dose_of(before)):
        return "changed", at, at + len(after.strip())
    return None


_STATUS_HEADER = re.compile(r"\b(?:status|action|change|disposition)\b", re.IGNORECASE)


_STILL = re.compile(r"\s*(?:remains|remain|stays|stay|still)\b", re.IGNORECASE)


def _header_and_row(note: str, line_start: int, line_end: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]] | None:
    """The cells of the table's header (its first line) and of the row at ``line_start``; None when the row
    is the table's first line or no table."""
    top = line_start
    while top > 0:
        above = note.rfind("\n", 0, top - 1) + 1
        if note.count("|", above, top - 1) < 2:
            break
        top = above
    if top == line_start:
        return None
    return _cells(note[top : note.find("\n", top)]), _cells(note[line_start:line_end])


def _cells(line: str) -> list[tuple[int, str]]:
    """A table row's cells as (offset in the line, text), without the empty edges of "| a | b |"."""
    out, pos = [], 0
    for part in line.split("|"):
        out.append((pos, part))
        pos += len(part) + 1
    if out and not out[0][1].strip():
        out = out[1:]
    if out and not out[-1][1].strip():
        out = out[:-1]
    return out


def _status_column(note: str, line_start: int, line_end: int) -> tuple[str, int, int] | None:
    """The change in the row's cell under a header named Status, Action, Change or Disposition ("| Medication
    | SICU order | Floor order | Transfer action |"): the table's own answer, whatever other cells say ("held"
    in the "SICU order" column of a drug the action column resumes). ``("listed", …)`` when the table has such
    a column and this row's cell gives no change ("ACTIVE"); None when it has none."""
    found = _header_and_row(note, line_start, line_end)
    if found is None:
        return None
    header, row = found
    columns = [i for i, (_, text) in enumerate(header) if _STATUS_HEADER.search(text)]
    if not columns or columns[0] >= len(row) or len(row) != len(header):
        return None
    offset, text = row[columns[0]]
    at = line_start + offset + len(text) - len(text.lstrip())
    text = text.strip()
    hit = change_in(text, 0)
    if hit is None or hit[0] == "none":
        return ("listed", at, at) if hit is None else None
    if hit[0] == "continued" and _STILL.match(text):  # "remains STOPPED", "stays held": the state, not the stay
        later = change_in(text[hit[2] :], 0)
        if later and later[0] in ("stopped", "held"):
            hit = (later[0], hit[2] + later[1], hit[2] + later[2])
    if hit[0] == "started" and _RESTARTED.match(text):  # "RESUME, CHANGED": restarted at another dose
        later = change_in(text[hit[2] :], 0)
        if later and later[0] == "changed":
            hit = (later[0], hit[2] + later[1], hit[2] + later[2])
    return hit[0], at + hit[1], at + hit[2]


_RESTARTED = re.compile(r"(?:resum|restart|re-start)\w*\s*[,/&+]\s*(?:and\s+)?\w", re.IGNORECASE)


_THEN_CELL = re.compile(r"\s+[-–]\s+|\s*\(\s*")  # "NEW - changed from ...", "CONTINUE (resumed; held inpatient)"


def second_status(note: str, status: tuple[str, int, int]) -> tuple[str, int] | None:
    """A status cell's second change, after a dash or in brackets: "NEW - changed from scheduled to PRN today"
    is a drug started in the stay and changed at discharge; "CONTINUE (resumed; held inpatient)" one held in
    the stay and resumed. (change, end of the cell)"""
    line_end = note.find("\n", status[2])
    cell_end = note.find("|", status[2], line_end if line_end >= 0 else len(note))
    rest = note[status[2] : cell_end if cell_end >= 0 else (line_end if line_end >= 0 else len(note))]
    dash = _THEN_CELL.match(rest)
    if not dash:
        return None
    hit = change_in(rest[dash.end() :], 0)
    if "(" in dash.group() and not (hit and hit[0] == "started" and status[0] == "continued"):
        return None  # "STOPPED (tapered)", "RESUMED (held during the stay)": how, not a second change
    if hit and hit[1] == 0 and hit[0] not in ("none", "continued", status[0]):
        return hit[0], status[2] + len(rest.rstrip())
    return None


_TIMED_CELL = re.compile(r"\s*(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?\s+)?\d{1,2}:\d{2}(?:\s*[-–]\s*\d{1,2}:\d{2})?\s*$")


_TIMED_LINE = re.compile(r"[ \t]*(?:[-*•][ \t]*)?\d{1,2}:\d{2}[ \t]*[:-]?[ \t]+")


_AMOUNT_CELL = re.compile(r"\d\s*(?:u|units?|pools?|mg|mcg|g|ml|meq|mmol|tabs?)\b", re.IGNORECASE)


def administered_row(note: str, at: int) -> str | None:
    """``started`` for a drug in a row of an administration record — a table whose rows open with a clock
    time ("| 02:50 | OR | Calcium chloride | 1 g IV | iCa 0.86 |", a transfusion flowsheet, a MAR excerpt) —
    with an amount in the row: a dose given at that time."""
    line_start = note.rfind("\n", 0, at) + 1
    line_end = note.find("\n", at)
    line = note[line_start : line_end if line_end >= 0 else len(note)]
    timed = _TIMED_LINE.match(line)
    if timed and "|" not in line:  # "- 05:10: cefepime 2 g IV q8h + metronidazole 500 mg IV q8h"
        return "started" if at - line_start >= timed.end() and _AMOUNT_CELL.search(line[at - line_start :]) else None
    cells = _cells(line)
    if len(cells) < 3 or not _TIMED_CELL.match(cells[0][1]) or at - line_start < cells[1][0]:
        return None
    return "started" if _AMOUNT_CELL.search(line[at - line_start :]) else None
