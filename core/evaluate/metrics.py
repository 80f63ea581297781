"""Per-note scores and their averages: ROUGE-1/2/L (F1, stemmed, in points 0-100), fact recall (0-1),
and grounding flags (claims in the output that the note does not support)."""

from __future__ import annotations

import functools
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field

from core.evaluate.facts import recall_counts

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@functools.cache
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def rouge(output: str, reference: str) -> dict[str, float]:
    """F1 of ROUGE-1, ROUGE-2 and ROUGE-L in points (0-100)."""
    scores = _scorer().score(reference, output)
    return {k: round(100 * scores[k].fmeasure, 3) for k in ROUGE_TYPES}


@dataclass
class NoteScore:
    """Scores for one note; holds no text (``note_sha256`` identifies the note)."""

    note_sha256: str
    group: str  # "seen" or "unseen"
    rouge1: float
    rouge2: float
    rougeL: float
    facts_found: int
    facts_total: int
    flags: dict[str, int] = field(default_factory=dict)
    output_tokens: int = 0
    seconds: float = 0.0
    tags: list[str] = field(default_factory=list)  # e.g. "unseen:specialty"

    @property
    def fact_recall(self) -> float | None:
        return self.facts_found / self.facts_total if self.facts_total else None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["fact_recall"] = self.fact_recall
        return d

    @classmethod
    def from_dict(cls, d: dict) -> NoteScore:
        d = {k: v for k, v in d.items() if k != "fact_recall"}
        return cls(**d)


def score(output: str, reference: str, note: str, *, note_sha256: str, group: str,
          tags: list[str] | None = None, output_tokens: int = 0, seconds: float = 0.0,
          flags: list | None = None) -> NoteScore:
    """Score one output; ``flags`` are its grounding flags if already computed (else checked here)."""
    if flags is None:
        from core import grounding

        flags = grounding.check(output, note)
    r = rouge(output, reference)
    found, total = recall_counts(output, reference)
    kinds = Counter(f.kind for f in flags)
    return NoteScore(note_sha256, group, r["rouge1"], r["rouge2"], r["rougeL"], found, total, dict(kinds),
                     output_tokens, round(seconds, 2), list(tags or []))


def aggregate(scores: list[NoteScore]) -> dict:
    """Means over notes (fact recall: mean of per-note recall over notes with key terms)."""
    if not scores:
        return {"notes": 0}
    recalls = [s.fact_recall for s in scores if s.fact_recall is not None]
    flags: Counter[str] = Counter()
    for s in scores:
        flags.update(s.flags)
    return {
        "notes": len(scores),
        **{k: round(statistics.fmean(getattr(s, k) for s in scores), 2) for k in ROUGE_TYPES},
        "fact_recall": round(statistics.fmean(recalls), 4) if recalls else None,
        "facts_found": sum(s.facts_found for s in scores),
        "facts_total": sum(s.facts_total for s in scores),
        "flags": sum(flags.values()),
        "flags_by_kind": dict(sorted(flags.items())),
        "flags_per_note": round(sum(flags.values()) / len(scores), 2),
        "output_tokens_mean": round(statistics.fmean(s.output_tokens for s in scores), 1),
    }
