"""A copy of a fine-tuning dataset with likely identifiers replaced (``[NAME]``, ``[MRN]``, …).

What the window's "Scrub a copy" and ``chartbrief finetune DATA --scrub`` train on when the privacy scan
found identifiers. The copy goes to ``data_dir()/datasets/<name>.scrubbed.jsonl`` (JSON lines, each
row's other fields kept); the original is never touched.
"""

from __future__ import annotations

import json
from pathlib import Path

from core import atomic, paths, privacy
from core.data import load_pairs


def target_for(data: Path | str) -> Path:
    return paths.data_dir() / "datasets" / f"{Path(data).stem}.scrubbed.jsonl"


def write_copy(data: Path | str) -> Path:
    """Write the scrubbed copy of ``data`` (atomically) and return its path."""
    pairs = load_pairs(Path(data))
    lines = [json.dumps({**p.meta, "note": privacy.scrub_text(p.note), "summary": privacy.scrub_text(p.summary)},
                        ensure_ascii=False) for p in pairs]
    target = target_for(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(target, "\n".join(lines) + "\n")
    return target
