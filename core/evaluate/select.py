"""Which held-out notes to evaluate on, and whether each is *seen* or *unseen*.

A row is held out when its note was not trained on (the run's :func:`core.data.train_profile` lists
those). It is *unseen* when a group value of it (its ``specialty`` or ``layout``) never occurs in the
training rows, else *seen*. Tags say which values were
new (``unseen:specialty``, ``unseen:layout``). :func:`pick` takes half of the limit from each group and,
within unseen, rotates over the tag combinations so that every kind of novelty is represented.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from core.data import Pair
from core.data.profile import GROUP_KEYS, note_sha256


@dataclass(frozen=True)
class Heldout:
    pair: Pair
    group: str  # "seen" or "unseen"
    tags: tuple[str, ...]
    sha256: str


def classify(pairs: list[Pair], profile: dict) -> list[Heldout]:
    """The rows of ``pairs`` not trained on, each marked seen or unseen."""
    trained = set(profile.get("note_sha256", ()))
    groups = {k: set(v) for k, v in profile.get("groups", {}).items()}
    out: list[Heldout] = []
    seen_notes: set[str] = set()
    for p in pairs:
        digest = note_sha256(p.note)
        if digest in trained or digest in seen_notes or not p.note.strip() or not p.summary.strip():
            continue
        seen_notes.add(digest)
        tags = tuple(f"unseen:{k}" for k in GROUP_KEYS
                     if k in p.meta and k in groups and str(p.meta[k]) not in groups[k])
        out.append(Heldout(p, "unseen" if tags else "seen", tags, digest))
    return out


def pick(rows: list[Heldout], limit: int, seed: int = 0) -> list[Heldout]:
    """Up to ``limit`` rows: half seen, half unseen (the other group fills a shortfall); deterministic."""
    def rank(h: Heldout) -> str:
        return hashlib.sha256(f"{seed}\0{h.sha256}".encode()).hexdigest()

    seen = sorted((h for h in rows if h.group == "seen"), key=rank)
    unseen = _rotate(sorted((h for h in rows if h.group == "unseen"), key=rank))
    want_unseen = min(len(unseen), max(limit - len(seen), (limit + 1) // 2))
    want_seen = min(len(seen), limit - want_unseen)
    return seen[:want_seen] + unseen[:want_unseen]


def _rotate(rows: list[Heldout]) -> list[Heldout]:
    """Interleave rows by tag combination: both-new first, then each single kind, round robin."""
    buckets: dict[tuple[str, ...], list[Heldout]] = defaultdict(list)
    for h in rows:
        buckets[h.tags].append(h)
    order = sorted(buckets, key=lambda t: (-len(t), t))
    out: list[Heldout] = []
    while any(buckets[t] for t in order):
        for t in order:
            if buckets[t]:
                out.append(buckets[t].pop(0))
    return out
