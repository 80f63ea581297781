"""Summaries scored on an independent evaluation set (``resources/evalsets/summaries/``): fact recall
against each note's reference fact list, sentences the grounding check finds unsupported, ROUGE-L against
the reference summary, and length — per style and per engine.

A set is JSON lines with ``id``, ``note``, ``facts`` (short terms a correct summary must contain) and
``reference`` (``{"brief": …, "handoff": …}``; a style without its own reference is scored against
``brief``). The report holds scores and note hashes only, never text.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import ChartBriefError

REQUIRED = ("id", "note", "facts", "reference")


@dataclass(frozen=True)
class Item:
    id: str
    note: str
    facts: tuple[str, ...]
    references: dict[str, str]
    long: bool = False
    changes: tuple[tuple[str, str], ...] = ()
    """``(drug, change)`` for every medication change the note makes (``medication_changes``)."""

    def reference(self, style: str) -> str:
        return self.references.get(style) or self.references.get("brief") or next(iter(self.references.values()))


def load(path: Path | str) -> list[Item]:
    """The set's items; a malformed line is an error naming the file, the line and what is wrong."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ChartBriefError(f"{path} was not found.", hint="Give the path of an evaluation set (.jsonl).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChartBriefError(f"{path} could not be read as UTF-8 text ({exc}).") from None
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ChartBriefError(f"{path}, line {number}: not valid JSON ({exc.msg}, column {exc.colno}).",
                                  hint="Each line must be one JSON object.") from None
        missing = [k for k in REQUIRED if not isinstance(row, dict) or k not in row]
        if missing:
            raise ChartBriefError(f"{path}, line {number}: missing {', '.join(missing)}.",
                                  hint=f"Each record needs {', '.join(REQUIRED)}.")
        refs = row["reference"] if isinstance(row["reference"], dict) else {"brief": row["reference"]}
        if not (isinstance(row["note"], str) and row["note"].strip() and isinstance(row["facts"], list)
                and all(isinstance(f, str) for f in row["facts"]) and all(isinstance(v, str) for v in refs.values())
                and refs):
            raise ChartBriefError(f"{path}, line {number}: 'note' must be text, 'facts' a list of texts and "
                                  "'reference' a text or {style: text}.")
        changes = tuple((str(c.get("drug", "")), str(c.get("change", ""))) for c in row.get("medication_changes") or ()
                        if isinstance(c, dict))
        items.append(Item(str(row["id"]), row["note"], tuple(row["facts"]), refs, bool(row.get("long")), changes))
    if not items:
        raise ChartBriefError(f"{path} has no records.", hint="Give a .jsonl file with one record a line.")
    return items


def fact_found(fact: str, summary_index) -> bool:
    """Whether every word of ``fact`` is in the summary, in any spelling the grounding check accepts
    (``furosemide`` for "Lasix", ``BID`` for "twice daily", ``K`` for "potassium", 1 g for 1,000 mg)."""
    from core.grounding import support

    backed = support.content_backed(fact, summary_index)
    return bool(backed) and all(backed)


_SALT_WORDS = {"sodium", "potassium", "calcium", "magnesium", "acid", "hydrochloride", "sulfate", "chloride", "human",
               "vitamin", "oral", "iv", "and", "in", "of"}


def _one_drug(key: str, other: str) -> bool:
    """Whether two drug keys name one drug, one more specifically: the words of one (less salt and form words)
    are all in the other ("insulin" / "insulin glargine", "piperacillin" / "piperacillin-tazobactam", "heparin" /
    "heparin sodium"); not two products that share a salt ("sodium bicarbonate" / "sodium chloride")."""
    a, b = (set(re.split(r"[\s/-]+", k.lower())) - {""} for k in (key, other))
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return bool(small - _SALT_WORDS) and small <= large


def change_found(drug: str, change: str, summary: str) -> bool:
    """Whether ``summary`` says what happened to ``drug``: a line (or sentence) of it names the drug (brand
    or generic, or a more specific form: "insulin glargine" for "insulin") and says the change in words the fact
    extractor reads ("STARTED", "increase", "held", "->").
    A continued drug counts when it is named at all."""
    from core.facts.med_cues import change_in
    from core.facts.med_names import mentions
    from core.grounding import sentences

    wanted = {m.key for m in mentions(drug)} or {drug.lower()}
    for a, b in sentences.split(summary):
        line = summary[a:b]
        named: list = [m for m in mentions(line) if m.key in wanted or any(_one_drug(m.key, w) for w in wanted)] or (
            [None] if drug.lower() in line.lower() else [])
        if not named:
            continue
        if change == "continued":
            return True
        if named[0] is not None:
            anchor, anchor_end = named[0].start, named[0].end
        else:
            anchor = line.lower().find(drug.lower())
            anchor_end = anchor + len(drug)
        hit = change_in(line, anchor, anchor_end)
        if hit and hit[0] == change:
            return True
    return False


@dataclass
class Score:
    """One summary's scores (no text: ``note_sha256`` identifies the note)."""

    item: str
    note_sha256: str
    style: str
    engine: str
    facts_found: int
    facts_total: int
    sentences: int
    unsupported: int
    flags: int
    rougeL: float
    changes_found: int
    changes_total: int
    summary_words: int
    note_words: int
    seconds: float


def score_one(item: Item, style: str, engine: str, summary: str, report, seconds: float) -> Score:
    from core.evaluate.metrics import rouge
    from core.grounding import medications, support

    index = support.Indexed(summary, medications.find(summary))
    found = sum(fact_found(f, index) for f in item.facts)
    claims = [s for s in report.sentences if s.status != "no_claim"]
    return Score(item.id, hashlib.sha256(item.note.encode()).hexdigest(), style, engine, found, len(item.facts),
                 len(claims), sum(s.status == "unsupported" for s in claims),
                 sum(f.kind != "sentence" for f in report.flags), rouge(summary, item.reference(style))["rougeL"],
                 sum(change_found(d, c, summary) for d, c in item.changes), len(item.changes),
                 len(summary.split()), len(item.note.split()), round(seconds, 2))


def run(items: list[Item], styles: list[str], engine, summarize: Callable, mode: str | None = None) -> Iterator[Score]:
    """Summarize every item in every style with ``summarize(note, style, engine, mode=mode) -> SummaryResult``
    (``mode``: ``facts``, ``free`` or None for the app's default)."""
    label = f"{engine.info.name} {engine.info.variant}" + (f" {mode}" if mode else "")
    for style in styles:
        for item in items:
            t = time.perf_counter()
            result = summarize(item.note, style, engine, mode=mode)
            yield score_one(item, style, label, result.summary,
                            result.grounding, time.perf_counter() - t)


def summary_table(scores: list[Score]) -> list[dict]:
    """Per style and engine: fact recall (pooled), unsupported-sentence rate, mean ROUGE-L, mean length,
    and how many summaries are shorter than a third of their note."""
    groups: dict[tuple[str, str], list[Score]] = {}
    for s in scores:
        groups.setdefault((s.style, s.engine), []).append(s)
    rows = []
    for (style, engine), group in groups.items():
        sentences = sum(s.sentences for s in group)
        rows.append({
            "style": style, "engine": engine, "notes": len(group),
            "fact_recall": round(sum(s.facts_found for s in group) / max(1, sum(s.facts_total for s in group)), 3),
            "unsupported_sentences": round(sum(s.unsupported for s in group) / max(1, sentences), 3),
            "flags_per_summary": round(statistics.mean(s.flags for s in group), 2),
            "rougeL": round(statistics.mean(s.rougeL for s in group), 1),
            "medication_changes": round(sum(s.changes_found for s in group) / max(1, sum(s.changes_total for s in group)),
                                        3),
            "summary_words": round(statistics.mean(s.summary_words for s in group), 1),
            "shorter_than_third": sum(s.summary_words * 3 < s.note_words for s in group),
            "seconds": round(statistics.mean(s.seconds for s in group), 1),
        })
    return rows


def format_table(rows: list[dict]) -> str:
    head = ("| style | engine | notes | fact recall | medication changes | unsupported sentences | flags/summary "
            "| ROUGE-L | words | < 1/3 of note |")
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        lines.append(f"| {r['style']} | {r['engine']} | {r['notes']} | {r['fact_recall']:.3f} | "
                     f"{r.get('medication_changes', 0):.3f} | "
                     f"{r['unsupported_sentences']:.1%} | {r['flags_per_summary']} | {r['rougeL']} | "
                     f"{r['summary_words']} | {r['shorter_than_third']}/{r['notes']} |")
    return "\n".join(lines)


def report(scores: list[Score], set_path: Path | str) -> dict:
    return {"set": str(set_path), "summary": summary_table(scores), "scores": [asdict(s) for s in scores]}
