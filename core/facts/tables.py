"""The fact extractor's data files in ``resources/facts``: tab-separated pairs, ``#`` lines are comments.
A malformed line is an error naming the file and the line, so an edit that breaks a table says where."""

from __future__ import annotations

from pathlib import Path

from core.errors import ChartBriefError


def pairs(path: Path) -> list[tuple[str, str]]:
    """``(first, second)`` for every non-comment line ``first<TAB>second``, both stripped."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise ChartBriefError(f"{path.name}, line {number}: expected two columns separated by a tab.",
                                  hint=f"Fix the line in {path}.")
        first, second = line.split("\t", 1)
        out.append((first.strip(), second.strip()))
    return out


def lines(path: Path) -> list[str]:
    """The non-comment, non-empty lines, stripped."""
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
