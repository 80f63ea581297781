"""Check pairs before training: blank rows, duplicates, rows too long for ``max_length``, a length histogram.

Rows that are blank, exact repeats or longer than ``max_length`` tokens are EXCLUDED from training and
listed; nothing is ever truncated silently. The report names rows by file and line, never by text.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from core.errors import DatasetError

from .pair import Pair

LIST_LIMIT = 20


def join_for_length(pair: Pair) -> str:
    """Default text measured per row: note and summary (the app passes its prompt template instead)."""
    return f"{pair.note}\n\n{pair.summary}"


@dataclass
class DatasetReport:
    """What :func:`validate` found. ``excluded`` maps a pair's index to why it is left out."""

    total: int
    max_length: int
    context: int
    empty: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (row, first copy)
    conflicting: list[tuple[str, str]] = field(default_factory=list)  # (row, first row with that note)
    too_long: list[tuple[str, int]] = field(default_factory=list)  # (row, tokens)
    histogram: list[tuple[int, int | None, int]] = field(default_factory=list)  # (from, to or None, rows)
    lengths: dict[str, int] = field(default_factory=dict)  # min, median, max tokens
    excluded: dict[int, str] = field(default_factory=dict)

    @property
    def usable(self) -> int:
        return self.total - len(self.excluded)

    def usable_pairs(self, pairs: list[Pair]) -> list[Pair]:
        """The pairs training may use, in order (``pairs`` is the list that was validated)."""
        return [p for i, p in enumerate(pairs) if i not in self.excluded]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["excluded"] = [{"index": i, "reason": r} for i, r in sorted(self.excluded.items())]
        d["usable"] = self.usable
        return d

    def format(self) -> str:
        """Human-readable text for the CLI and the GUI."""
        lines = [f"{self.total} rows; {self.usable} usable for training."]
        lines.append(_items("Blank note or summary (excluded)", self.empty))
        lines.append(_items("Exact duplicates (excluded; the first copy is kept)",
                            [f"{w} (same as {first})" for w, first in self.duplicates]))
        lines.append(_items("Same note with a different summary (kept; check which summary is right)",
                            [f"{w} (note as in {first})" for w, first in self.conflicting]))
        lines.append(_items(f"Longer than the max length of {self.max_length} tokens (EXCLUDED, never truncated)",
                            [f"{w} ({n} tokens)" for w, n in self.too_long]))
        lines.append(f"Token lengths (note + summary; max length {self.max_length}, context {self.context}):")
        peak = max((n for *_, n in self.histogram), default=0) or 1
        for lo, hi, n in self.histogram:
            label = f"{lo:>6}–{hi:<6}" if hi is not None else f"{'>' + str(lo):>13}"
            flag = ""
            if hi is None:
                flag = "  excluded, beyond the context"
            elif lo >= self.max_length:
                flag = "  excluded"
            lines.append(f"  {label} {n:>6}  {'█' * round(20 * n / peak)}{flag}".rstrip())
        if self.lengths:
            lines.append("  shortest {min}, median {median}, longest {max} tokens".format(**self.lengths))
        return "\n".join(lines)


def _items(title: str, items: list[str]) -> str:
    if not items:
        return f"{title}: none"
    more = f", … and {len(items) - LIST_LIMIT} more" if len(items) > LIST_LIMIT else ""
    return f"{title}: {len(items)} — {', '.join(items[:LIST_LIMIT])}{more}"


def _edges(max_length: int, context: int) -> list[int]:
    edges = {0, max_length, context}
    step = 64
    while step < context:
        edges.add(step)
        step *= 2
    return sorted(edges)


def validate(pairs: list[Pair], count_tokens: Callable[[Any], int], max_length: int, context: int, *,
             render: Callable[[Pair], Any] = join_for_length) -> DatasetReport:
    """Report on ``pairs``. ``count_tokens`` counts the tokens of ``render(pair)`` (the full training text).

    Rows longer than ``max_length`` tokens are excluded; ``max_length`` may not exceed ``context``.
    """
    if not 0 < max_length <= context:
        raise DatasetError(f"max length {max_length} must be between 1 and the model's context ({context})",
                           hint="Choose a smaller max length.")
    report = DatasetReport(total=len(pairs), max_length=max_length, context=context)
    single = len({p.source for p in pairs}) == 1

    def where(p: Pair) -> str:
        return f"line {p.line}" if single and p.line else p.where

    seen_row: dict[tuple[str, str], Pair] = {}
    seen_note: dict[str, Pair] = {}
    lengths: list[int] = []
    for i, p in enumerate(pairs):
        note, summary = p.note.strip(), p.summary.strip()
        if not note or not summary:
            report.empty.append(where(p))
            report.excluded[i] = "blank"
            continue
        tokens = count_tokens(render(p))
        lengths.append(tokens)
        first = seen_row.setdefault((note, summary), p)
        if first is not p:
            report.duplicates.append((where(p), where(first)))
            report.excluded[i] = "duplicate"
            continue
        first = seen_note.setdefault(note, p)
        if first is not p:
            report.conflicting.append((where(p), where(first)))
        if tokens > max_length:
            report.too_long.append((where(p), tokens))
            report.excluded[i] = "too long"
    bins: list[tuple[int, int | None]] = [*itertools.pairwise(_edges(max_length, context)), (context, None)]
    counts = [0] * len(bins)
    for n in lengths:
        counts[next((j for j, (_, hi) in enumerate(bins) if hi is None or n <= hi))] += 1
    report.histogram = [(lo, hi, c) for (lo, hi), c in zip(bins, counts, strict=True)]
    if lengths:
        report.lengths = {"min": min(lengths), "median": round(statistics.median(lengths)), "max": max(lengths)}
    return report
