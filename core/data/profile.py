"""What is known about a run's training rows without keeping their text: note hashes and group values.

The fine-tuning run records this profile; evaluation reads it to leave trained-on notes out and to
tell notes like the training data (*seen*) from notes of a specialty or layout never trained on.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from .pair import Pair
from .split import DEFAULT_GROUP_KEYS

GROUP_KEYS = DEFAULT_GROUP_KEYS


def note_sha256(note: str) -> str:
    return hashlib.sha256(note.encode("utf-8", "surrogatepass")).hexdigest()


def train_profile(train: list[Pair]) -> dict:
    """What evaluation needs to know about the training rows (hashes and group values, no text)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for p in train:
        for key in GROUP_KEYS:
            if key in p.meta:
                groups[key].add(str(p.meta[key]))
    return {"note_sha256": sorted({note_sha256(p.note) for p in train}),
            "groups": {k: sorted(v) for k, v in groups.items()}}
