"""The evaluation report (a JSON-ready dict) and its table for the CLI and the GUI.

    {"schema": 1, "created", "model_id", "adapter_id", "engine", "variant", "max_new_tokens", "style",
     "groups": {"seen": {"base": {...}, "adapter": {...}, "delta": {...}}, "unseen": ..., "all": ...,
                "unseen:specialty": ..., "unseen:layout": ...},
     "per_note": {"base": [NoteScore...], "adapter": [...]}}

Each ``base``/``adapter`` entry is :func:`core.evaluate.metrics.aggregate`; ``delta`` is adapter minus
base for ROUGE (points), fact recall and flags per note.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.evaluate.metrics import ROUGE_TYPES, NoteScore, aggregate

DELTA_KEYS = (*ROUGE_TYPES, "fact_recall", "flags_per_note")
GROUP_ORDER = ("seen", "unseen", "unseen:specialty", "unseen:layout", "all", "independent")


def _members(scores: list[NoteScore], group: str) -> list[NoteScore]:
    if group == "all":  # the held-out rows of the training data; the independent set is its own group
        return [s for s in scores if s.group != "independent"]
    if group.startswith("unseen:"):
        return [s for s in scores if group in s.tags]
    return [s for s in scores if s.group == group]


def build(base: list[NoteScore], tuned: list[NoteScore] | None, **meta) -> dict:
    groups: dict[str, dict] = {}
    for g in GROUP_ORDER:
        b = _members(base, g)
        if not b:
            continue
        entry: dict = {"base": aggregate(b)}
        if tuned is not None:
            entry["adapter"] = aggregate(_members(tuned, g))
            entry["delta"] = delta(entry["base"], entry["adapter"])
        groups[g] = entry
    return {
        "schema": 1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
        "groups": groups,
        "per_note": {"base": [s.as_dict() for s in base],
                     "adapter": [s.as_dict() for s in tuned] if tuned is not None else None},
    }


def delta(base: dict, tuned: dict) -> dict:
    out = {}
    for k in DELTA_KEYS:
        a, b = base.get(k), tuned.get(k)
        out[k] = round(b - a, 4) if isinstance(a, int | float) and isinstance(b, int | float) else None
    return out


def headline(report: dict) -> dict:
    """The numbers an adapter's metadata keeps: ROUGE-L and fact recall per group, base and adapter."""
    out = {}
    for g, entry in report.get("groups", {}).items():
        out[g] = {f"{who}_{k}": entry[who].get(k) for who in ("base", "adapter") if who in entry
                  for k in ("rougeL", "fact_recall")}
        out[g]["notes"] = entry["base"].get("notes")
    return out


def _fmt(value, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "fact_recall":
        return f"{value:.3f}"
    return f"{value:.2f}" if kind == "flags_per_note" else f"{value:.1f}"


def _fmt_delta(value, kind: str) -> str:
    return "-" if value is None else ("+" if value >= 0 else "") + _fmt(value, kind)


def format_table(report: dict) -> str:
    """A plain-text before/after table, one block per group."""
    cols = (*ROUGE_TYPES, "fact_recall", "flags_per_note")
    names = ("ROUGE-1", "ROUGE-2", "ROUGE-L", "fact recall", "flags/note")
    lines = [f"{'':28}{'':9}" + "".join(f"{n:>12}" for n in names)]
    for g, entry in report.get("groups", {}).items():
        label = f"{g} ({entry['base'].get('notes', 0)} notes)"
        rows = [("base", entry["base"], _fmt)]
        if "adapter" in entry:
            rows += [("adapter", entry["adapter"], _fmt), ("change", entry["delta"], _fmt_delta)]
        for i, (who, values, fmt) in enumerate(rows):
            lines.append(f"{label if i == 0 else '':28}{who:9}" + "".join(f"{fmt(values.get(c), c):>12}" for c in cols))
    lines.append(f"engine {report.get('engine')} ({report.get('variant')}), greedy, "
                 f"max {report.get('max_new_tokens')} new tokens, style {report.get('style')}")
    if "independent" in report.get("groups", {}):
        lines.append("independent: notes of the shipped evaluation set, written apart from any training data")
    agreement = report.get("agreement")
    if agreement:
        lines.append(agreement_line(agreement, report.get("engine")))
    return "\n".join(lines)


def agreement_line(a: dict, engine: str | None) -> str:
    """The fast engine against the reference engine on the agreement sample, in words."""
    verdict = "agrees" if a.get("agrees") else "DISAGREES: read the verdict with care"
    recall = (f"fact recall {_fmt(a.get('fact_recall_fast'), 'fact_recall')} vs "
              f"{_fmt(a.get('fact_recall_reference'), 'fact_recall')}")
    return (f"{engine} vs reference engine (fp32) on {a.get('notes')} held-out notes: {a.get('identical')} identical, "
            f"ROUGE-L between them {_fmt(a.get('rougeL_between'), 'rougeL')}, {recall}: {verdict}")
