"""Is a new adapter better than its base model? A recommendation per held-out group, from the evaluation.

Read from an adapter's kept metrics (:func:`core.evaluate.report.headline`: ROUGE-L and fact recall per
group, base and adapter), so the CLI's ``finetune --activate`` and ``adapters activate`` and the window's
"Use this adapter" give the same answer at any later time.

Per group: **worse** when fact recall falls by more than ``RECALL_MARGIN`` or ROUGE-L by more than
``ROUGE_MARGIN`` points; **better** when either rises by more than its margin and neither falls by more;
otherwise **no change**. The margins are about one note's worth on the default 24 held-out notes (a fact
or a few words), below which a difference is noise rather than a verdict. Fact recall weighs first in the
words: a summary that keeps the note's facts is the product's promise.
"""

from __future__ import annotations

from dataclasses import dataclass

RECALL_MARGIN = 0.02
ROUGE_MARGIN = 1.0  # ROUGE-L points (0-100)
GROUP_NAMES = {"seen": "held-out notes like the training data", "unseen": "notes of a specialty or layout "
               "kept out of training", "all": "all held-out notes"}


@dataclass(frozen=True)
class GroupVerdict:
    group: str
    verdict: str  # better | worse | no change
    recall_change: float | None
    rouge_change: float | None
    notes: int | None

    def line(self) -> str:
        parts = []
        if self.recall_change is not None:
            parts.append(f"fact recall {self.recall_change:+.3f}")
        if self.rouge_change is not None:
            parts.append(f"ROUGE-L {self.rouge_change:+.1f}")
        notes = f", {self.notes} notes" if self.notes else ""
        return f"{self.verdict.upper()} on {self.group} ({', '.join(parts)}{notes})"


@dataclass(frozen=True)
class Recommendation:
    groups: tuple[GroupVerdict, ...]

    @property
    def evaluated(self) -> bool:
        return bool(self.groups)

    @property
    def worse(self) -> tuple[GroupVerdict, ...]:
        return tuple(g for g in self.groups if g.verdict == "worse")

    @property
    def overall(self) -> str:
        """``worse`` if worse on any group, ``better`` if better on some and worse on none, else ``no change``;
        ``not evaluated`` without metrics."""
        if not self.groups:
            return "not evaluated"
        if self.worse:
            return "worse"
        return "better" if any(g.verdict == "better" for g in self.groups) else "no change"

    def text(self) -> str:
        if not self.groups:
            return "Not evaluated: no before/after comparison is kept with this adapter."
        head = {"worse": "Not recommended: the adapter is worse than the base model on "
                         + ", ".join(g.group for g in self.worse) + ".",
                "better": "Recommended: the adapter is better than the base model and worse on no group.",
                "no change": "No clear change from the base model."}[self.overall]
        return head + "\n" + "\n".join(f"  {g.line()}" for g in self.groups)


def recommend(metrics: dict) -> Recommendation:
    """The verdict from an adapter's metrics (``headline``: ``{group: {base_fact_recall, adapter_fact_recall,
    base_rougeL, adapter_rougeL, notes}}``); groups without both sides are left out."""
    order = [g for g in ("seen", "unseen", "unseen:specialty", "unseen:layout", "all") if g in metrics]
    order += sorted(g for g in metrics if g not in order)
    out = []
    for group in order:
        entry = metrics.get(group) or {}
        recall = _change(entry, "fact_recall")
        rouge = _change(entry, "rougeL")
        if recall is None and rouge is None:
            continue
        falls = (recall is not None and recall < -RECALL_MARGIN) or (rouge is not None and rouge < -ROUGE_MARGIN)
        rises = (recall is not None and recall > RECALL_MARGIN) or (rouge is not None and rouge > ROUGE_MARGIN)
        verdict = "worse" if falls else ("better" if rises else "no change")
        out.append(GroupVerdict(group=group, verdict=verdict, recall_change=recall, rouge_change=rouge,
                                notes=entry.get("notes")))
    return Recommendation(groups=tuple(out))


def _change(entry: dict, key: str) -> float | None:
    before, after = entry.get(f"base_{key}"), entry.get(f"adapter_{key}")
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return None
    return round(after - before, 4)
