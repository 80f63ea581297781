"""Render a structured summary from extracted facts: each style's blocks (``blocks.py``), fact blocks
in the note's own words (so they are backed by the note by construction), medication changes first
and never cut, the rest chosen by priority to fit a length budget, and the model's checked narrative
sentences at the top of their block."""

from __future__ import annotations

import re

from core.facts import Extraction, Fact, med_cues, med_grid, med_names
from core.summarize.blocks import STYLES, Block

SHARE_OF_NOTE = 0.32
"""A summary stays under this share of the note's words (always under a third)."""
MIN_WORDS = 60
STYLE_WORDS = {"brief": 200, "soap": 240, "handoff": 220, "discharge": 320}
CHANGE_ORDER = ("started", "stopped", "changed", "held", "continued")


def budget(note: str, style: str) -> tuple[int, int]:
    """(hard, soft) word budgets: medication changes may use the hard one, other facts the soft one."""
    words = len(note.split())
    # A short note (a few lines typed into the window) gets up to MIN_WORDS rather than a third of itself:
    # an empty summary helps no one. Notes past MIN_WORDS / SHARE_OF_NOTE words are always cut to the share.
    hard = max(min(words, MIN_WORDS), int(words * SHARE_OF_NOTE))
    return hard, min(hard, STYLE_WORDS.get(style, 200))


def medication_line(fact: Fact) -> str:
    """``STARTED semaglutide 0.25 mg …``: the change, then the note's clause without a repeated cue."""
    text = re.sub(r"\s+", " ", med_grid.shown(fact.text, fact.change) or fact.text).strip()  # a timeline grid's row: its
    # label and the changed cell
    text = text.replace("~~", " ").strip()  # a copied-forward line's strike marks: the words after them say it
    text = re.sub(r"\s*\bACTION:\s*", " ", text, flags=re.IGNORECASE)  # a reconciliation list's action line
    text = re.sub(r"(?:\s*(?:->|→))+$", "", text)  # the next bullet's arrow ("Tazocin STOPPED\n -> meropenem")
    label = (fact.change or "listed").upper()
    # "PCA ↑: demand 0.2 -> 0.3 mg", "Epidural rate decreased 6 -> 4 mL/h": the note names the drug by its pump
    # or catheter; the line says which drug and keeps the note's words whole.
    unnamed = bool(fact.drug) and not any(m.key == fact.drug for m in med_names.mentions(text))
    hit = None if unnamed else med_cues.change_in(text, 0)
    # A repeated change word goes ("STARTED Start aspirin"); an arrow between two doses stays ("20 -> 80 mg").
    word = hit is not None and text[hit[1] : hit[2]].strip()[:1].isalpha()
    last = hit is not None and not text[hit[2] :].strip(" .;,")  # "Zolpidem 10 mg PO at bedtime STOP."
    if hit and word and hit[0] == fact.change and (hit[1] == 0 or last or _directly_after_name(text, hit[1])):
        cut = (text[: hit[1]] + ("" if last else text[hit[2] :])).strip(" :-–,")
        cut = re.sub(r"\s{2,}", " ", re.sub(r"\(\s*\)", "", cut)).strip(" :-–,")  # "heparin SC (new)"
        # a name only its context makes a drug keeps that context ("plt given 07:15", not "plt 07:15": a count)
        if not fact.drug or any(m.key == fact.drug for m in med_names.mentions(cut)):
            text = cut
    if len(text.split()) > LONG_LINE:  # a long line keeps its doses and dates, not its asides
        text = _ASIDE.sub(lambda m: m.group() if med_cues.dose_in(m.group()) else "", text)
    text = re.sub(r"\s+([.,;)])", r"\1", text)
    if unnamed and text:
        text = f"{fact.drug} {text}"
    return f"{label} {text}" if text else label


def short_line(fact: Fact) -> str:
    """``CONTINUED losartan``: the change and the drug as the note names it, nothing else."""
    name = next((m.text for m in med_names.mentions(fact.text) if m.key == fact.drug), fact.drug or "")
    return f"{(fact.change or 'listed').upper()} {name}".strip()


LONG_LINE = 12
"""Words past which a medication line drops its asides: a parenthesis with no dose in it ("(not on list;
reported by daughter)", "(started 2029, no documented indication)"), so that every change fits the budget."""
_ASIDE = re.compile(r"\s*\([^()]*\)")
_NAME_AND_DOSE = re.compile(r"[\w/.-]+(?:\s+[\w/.%-]+){0,5}")
_VERB = re.compile(r"\b(?:is|was|are|were|be|been|will|has|have|had)\b", re.IGNORECASE)


def _directly_after_name(text: str, at: int) -> bool:
    """Whether the change word at ``at`` follows only the drug's name and dose ("Metformin HELD",
    "Metoprolol succinate 50 mg HELD"), so it can go without losing sense ("is started at" keeps it)."""
    before = text[:at].rstrip()
    return bool(_NAME_AND_DOSE.fullmatch(before)) and not _VERB.search(before)


def render(extraction: Extraction, style: str, narratives: dict[str, list[str]] | None = None) -> str:
    """The summary text. Budgets: medication changes (other than "continued") may use up to the hard budget
    (a share of the note); everything else — narrative, facts, continued medications — the soft one (the
    style's length), not counting the changes, so a long medication list cannot crowd out the diagnosis."""
    narratives = narratives or {}
    blocks = STYLES[style]
    hard, soft = budget(extraction.note, style)
    used: list[tuple[int, int]] = []
    # Each block's lines with a display order: the model's sentences, then medication changes as ranked
    # (started, stopped, changed, held, continued), then other facts in the note's order.
    chosen: dict[int, list[tuple[tuple[int, int], str]]] = {
        i: [((0, n), line) for n, line in enumerate(narratives.get(b.narrative or "", []))]
        for i, b in enumerate(blocks)}
    total = sum(len(" ".join(t for _, t in v).split()) + len(v) + len(blocks[i].title.split())
                for i, v in chosen.items() if v)
    changes_words = 0  # words spent on the medication changes that are never cut

    changes = {c for b in blocks if "medication" in b.kinds for c in b.changes}
    reserved = [(f.start, f.end) for f in extraction.of("medication") if f.change in changes]
    # A plan line that is a medication change belongs to the medication block, with its change label.
    queues = {i: [f for f in _candidates(extraction, b, narratives) if not _overlaps(f, reserved)]
              for i, b in enumerate(blocks)}

    def cost(i: int, line: str) -> int:
        """Words a line adds: its own, its bullet, and the block's title if it is the block's first line."""
        return len(line.split()) + 1 + (0 if chosen[i] else len(blocks[i].title.split()))

    def add(i: int, fact: Fact, line: str, mandatory: bool, cap: int) -> bool:
        nonlocal total, changes_words
        c = cost(i, line)
        if total + c > hard or (not mandatory and total - changes_words + c > cap):
            return False
        total += c
        changes_words += c if mandatory else 0
        chosen[i].append(((1, len(chosen[i])) if fact.kind == "medication" else (2, fact.start), line))
        used.append((fact.start, fact.end))
        return True

    def take(i: int, limit: int, cap: int) -> bool:
        """Add block ``i``'s best remaining fact if it fits under ``cap`` words; whether one was added."""
        block = blocks[i]
        shown = len(chosen[i]) - len(narratives.get(block.narrative or "", []))
        while queues[i] and shown < limit:
            f = queues[i].pop(0)
            if not _overlaps(f, used) and add(i, f, re.sub(r"\s+", " ", f.text).strip(), False, cap):
                return True  # (one that is too long for what is left is skipped: a shorter one may fit)
        return False

    for i, block in enumerate(blocks):  # each block's best fact first, in half the budget, so that the
        take(i, min(1, block.limit), soft // 2)  # changes cannot crowd out the diagnosis, nor it the changes
    for i, block in enumerate(blocks):  # medication changes: all of them, within the hard budget
        if "medication" not in block.kinds:
            continue
        meds = [f for f in extraction.of("medication") if f.change in block.changes and not _overlaps(f, used)]
        meds.sort(key=lambda f: (CHANGE_ORDER.index(f.change), f.start))
        for f in meds:
            add(i, f, medication_line(f), f.change != "continued", soft)
        for f in [f for f in meds if f.change == "continued" and (f.start, f.end) not in used]:
            add(i, f, short_line(f), True, soft)  # a continued drug the soft budget had no room for: by name,
            # within the hard one

    progress = True
    while progress:  # round robin over blocks, best fact first, until the soft budget is spent
        progress = False
        for i, block in enumerate(blocks):
            progress = take(i, block.limit, soft) or progress
    out = []
    for i, block in enumerate(blocks):
        if chosen[i] or block.limit == 0 and not block.kinds:
            out.append(f"{block.title}:")
            out += [f"- {line}" for _, line in sorted(chosen[i])]
    return "\n".join(out)


def _candidates(extraction: Extraction, block: Block, narratives: dict[str, list[str]]) -> list[Fact]:
    kinds = [k for k in block.kinds if k != "medication"]
    if block.narrative and narratives.get(block.narrative):
        kinds = [k for k in kinds if k != "presentation"]  # the model's one-liner already says it
    facts = sorted((f for f in extraction.facts if f.kind in kinds), key=lambda f: (-f.priority, f.start))
    if block.narrative and "presentation" in kinds:
        # No model one-liner: the note's own best presentation sentence stands in for it, first.
        first = next((f for f in facts if f.kind == "presentation"), None)
        if first is not None:
            facts.remove(first)
            facts.insert(0, first)
    return facts


def _overlaps(fact: Fact, used: list[tuple[int, int]]) -> bool:
    length = max(1, fact.end - fact.start)
    return any(min(fact.end, b) - max(fact.start, a) > 0.5 * min(length, b - a) for a, b in used)


FALLBACK_SENTENCES = 8
FALLBACK_HEADING = "From the note:"  # a heading (not a claim) for the grounding check


def note_sentences(note: str, limit: int = FALLBACK_SENTENCES) -> str:
    """The summary of a note the extractor finds nothing in (a short, heading-less note such as "Seen for a
    cough. No fever. Plan: rest."): its first ``limit`` sentences, as written — never an empty summary, and
    nothing the note does not say."""
    from core.grounding import sentences

    lines = [re.sub(r"\s+", " ", note[a:b]).strip() for a, b in sentences.split(note)[:limit]]
    lines = [line for line in lines if line]
    return "\n".join([FALLBACK_HEADING, *(f"- {line}" for line in lines)]) + "\n" if lines else ""
