"""Fine-tuning data: load note→summary pairs, validate them, split them.

    pairs = load_pairs(Path("notes.jsonl"))
    report = validate(pairs, count_tokens, max_length=1024, context=8192)
    parts = split(report.usable_pairs(pairs), seed=0, holdout_groups=default_holdout_groups(pairs))
"""

from .loaders import MAX_FILE_BYTES, load_pairs
from .pair import Pair, dataset_sha256
from .profile import train_profile
from .split import Split, default_holdout_groups, split
from .validate import DatasetReport, validate

__all__ = [
    "MAX_FILE_BYTES",
    "DatasetReport",
    "Pair",
    "Split",
    "dataset_sha256",
    "default_holdout_groups",
    "load_pairs",
    "split",
    "train_profile",
    "validate",
]
