"""Before a run: load, validate, privacy-scan and split the pairs; record it all in ``dataset.json``.

The run keeps the dataset's path, SHA-256 and the row indices of each split, never a copy of the text;
the worker and the evaluator reload the file and refuse it if its hash changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import privacy
from core.data import (
    DatasetReport,
    Pair,
    dataset_sha256,
    default_holdout_groups,
    load_pairs,
    split,
    train_profile,
    validate,
)
from core.errors import DatasetError
from core.finetune.options import TrainOptions

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    pairs: list[Pair]
    report: DatasetReport
    privacy: privacy.PrivacyReport
    info: dict[str, Any]  # what dataset.json holds

    @property
    def train_rows(self) -> int:
        return len(self.info["train"])

    def summary_lines(self) -> list[str]:
        i = self.info
        groups = ", ".join(f"{k}={'/'.join(v)}" for k, v in i["holdout_groups"].items()) or "none"
        return [(f"Split: {len(i['train'])} training rows, {len(i['heldout_seen'])} held out (seen groups), "
                 f"{len(i['heldout_unseen'])} held out (unseen groups: {groups}).")]


def tokenizer_for(model_id: str | None):
    """The base model's tokenizer (converting a GGUF model to a HF folder once, if needed)."""
    from transformers import AutoTokenizer

    from core.models import registry
    from core.models.convert import hf_folder

    record = registry.get(model_id)
    return record, AutoTokenizer.from_pretrained(hf_folder(record))


def prepare(data: Path | str, options: TrainOptions) -> Prepared:
    from core.finetune.dataset import Formatter

    path = Path(data).expanduser().resolve()
    pairs = load_pairs(path)
    record, tokenizer = tokenizer_for(options.model_id)
    fmt = Formatter.for_tokenizer(tokenizer)
    # validate() counts tokens of render(pair); counting the encoded pair itself is exact (prompt and
    # summary are tokenized apart, as in training).
    report = validate(pairs, fmt.length, options.max_length, record.context_length,
                      render=lambda p: p)
    usable_idx = [i for i in range(len(pairs)) if i not in report.excluded]
    usable = [pairs[i] for i in usable_idx]
    if not usable:
        raise DatasetError(f"{path.name}: no row is usable for training ({report.total} rows).",
                           hint="See the dataset report; raise --max-length if rows are too long.")
    groups = default_holdout_groups(usable)
    parts = split(usable, seed=options.seed, holdout_groups=groups)
    index = {id(p): i for p, i in zip(usable, usable_idx, strict=True)}
    info = {
        "path": str(path),
        "sha256": dataset_sha256(pairs),
        "rows": len(pairs),
        "model_id": record.id,
        "train": [index[id(p)] for p in parts.train],
        "heldout_seen": [index[id(p)] for p in parts.heldout_seen],
        "heldout_unseen": [index[id(p)] for p in parts.heldout_unseen],
        "holdout_groups": {k: sorted(v) for k, v in groups.items()},
        "profile": train_profile(parts.train),
        "report": report.as_dict(),
    }
    found = privacy.scan_texts((p.line or n, f"{p.note}\n\n{p.summary}") for n, p in enumerate(pairs, 1))
    info["privacy"] = {"rows_scanned": found.rows_scanned, "counts": found.counts,
                       "rows": {k: list(v) for k, v in found.rows.items()}}
    return Prepared(pairs, report, found, info)


def reload(info: dict[str, Any]) -> list[Pair]:
    """The run's pairs, checked against the recorded hash."""
    path = Path(info["path"])
    pairs = load_pairs(path)
    if dataset_sha256(pairs) != info["sha256"]:
        raise DatasetError(f"{path.name} changed since this run started (its SHA-256 differs).",
                           hint="Restore the original file, or start a new fine-tuning run on the new data.")
    return pairs


def rows(info: dict[str, Any], pairs: list[Pair], part: str) -> list[Pair]:
    """The pairs of one part of the split: ``train``, ``heldout_seen`` or ``heldout_unseen``."""
    return [pairs[i] for i in info[part]]
