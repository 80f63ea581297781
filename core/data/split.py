"""Seeded, order-independent train / held-out splits that can hold out whole groups (specialty, layout)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

from core.errors import DatasetError

from .pair import Pair

DEFAULT_GROUP_KEYS = ("specialty", "layout")


@dataclass(frozen=True)
class Split:
    """``heldout_unseen`` holds the rows of held-out groups, none of which appear in ``train``."""

    train: list[Pair]
    heldout_seen: list[Pair]
    heldout_unseen: list[Pair]

    def counts(self) -> dict[str, int]:
        return {"train": len(self.train), "heldout_seen": len(self.heldout_seen),
                "heldout_unseen": len(self.heldout_unseen)}


def _in_groups(pair: Pair, groups: dict[str, set[str]]) -> bool:
    return any(key in pair.meta and str(pair.meta[key]) in values for key, values in groups.items())


def _check_groups(pairs: list[Pair], groups: dict[str, set[str]]) -> None:
    for key, values in groups.items():
        present = {str(p.meta[key]) for p in pairs if key in p.meta}
        missing = sorted(set(values) - present)
        if missing:
            have = ", ".join(sorted(present)[:20]) or f"no row has a {key!r} field"
            raise DatasetError(f"no row has {key} {', '.join(map(repr, missing))}",
                               hint=f"Values present: {have}.")


def split(pairs: list[Pair], *, seed: int = 0, holdout_fraction: float = 0.15,
          holdout_groups: dict[str, set[str]] | None = None) -> Split:
    """Deterministic for ``seed`` and independent of row order.

    Rows whose meta matches any of ``holdout_groups`` (e.g. ``{"specialty": {"psychiatry"}}``) go to
    ``heldout_unseen``; about ``holdout_fraction`` of the rest go to ``heldout_seen``. Rows sharing a
    note always land on the same side, so no note leaks from training into a held-out set.
    """
    if not 0 <= holdout_fraction < 1:
        raise ValueError(f"holdout_fraction must be in [0, 1), got {holdout_fraction}")
    groups = {k: {str(v) for v in vals} for k, vals in (holdout_groups or {}).items()}
    _check_groups(pairs, groups)
    unseen = [p for p in pairs if _in_groups(p, groups)]
    rest = [p for p in pairs if not _in_groups(p, groups)]
    by_note: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(rest):
        by_note[p.note.strip()].append(i)

    def rank(note: str) -> bytes:
        return hashlib.sha256(f"{seed}\0{note}".encode("utf-8", "surrogatepass")).digest()

    target = round(holdout_fraction * len(rest))
    held: set[int] = set()
    for note in sorted(by_note, key=rank):
        if len(held) >= target:
            break
        held.update(by_note[note])
    train = [p for i, p in enumerate(rest) if i not in held]
    if pairs and not train:
        raise DatasetError("no rows are left for training after holding out",
                           hint="Hold out fewer groups or a smaller fraction.")
    return Split(train, [p for i, p in enumerate(rest) if i in held], unseen)


def default_holdout_groups(pairs: list[Pair], keys: tuple[str, ...] = DEFAULT_GROUP_KEYS) -> dict[str, set[str]]:
    """One value per key to hold out: the least frequent value with at least 2 rows (ties by name).

    A key is skipped when its meta field is absent or has fewer than 2 distinct values.
    """
    groups: dict[str, set[str]] = {}
    for key in keys:
        counts = Counter(str(p.meta[key]) for p in pairs if key in p.meta)
        candidates = [v for v, n in counts.items() if n >= 2]
        if len(counts) >= 2 and candidates:
            groups[key] = {min(candidates, key=lambda v: (counts[v], v))}
    return groups
