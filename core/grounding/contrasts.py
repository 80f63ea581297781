"""Modifiers that exclude each other: "duodenal" / "gastric" ulcer, "punch" / "shave" biopsy,
"bipolar I" / "bipolar II" disorder, "MRSA" / "MSSA".

A summary word of a group, with the word after (or before) it, is flagged when the note gives that word
another modifier of the group and never this one ("mild left ventricular enlargement" for the note's "left
atrial enlargement"), or when the note has another word of the group and never this word at all.
Word-by-word support cannot see this: each word may be in the note, just not together.

``resources/grounding/contrasts.txt`` ships with the app (data, written by hand: no maintained
package lists which clinical modifiers exclude each other); ``<config dir>/grounding/contrasts.txt``
adds a clinic's own, in the same format as the abbreviation table.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

from core.grounding import equivalents, support, vocabulary
from core.grounding.findings import Flag, Taken, squash
from core.grounding.support import Indexed
from core.paths import RESOURCES, config_dir

SHIPPED = RESOURCES / "grounding" / "contrasts.txt"
USER_NAME = Path("grounding") / "contrasts.txt"
STANDALONE_LETTERS = 3  # "I" of "C/D/I" is no "bipolar I": a word alone is compared from three letters on


@functools.cache
def _groups_for(user_mtime: float | None) -> dict[str, list[frozenset[str]]]:
    groups = equivalents.parse(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED))
    if user_mtime is not None:
        user = config_dir() / USER_NAME
        groups += equivalents.parse(user.read_text(encoding="utf-8", errors="replace"), str(user))
    by_word: dict[str, list[frozenset[str]]] = {}
    for spellings in groups:
        keys = frozenset(t.key for s in spellings for t in vocabulary.tokens(s)[:1])
        for key in keys:
            by_word.setdefault(key, []).append(keys)
    return by_word


def groups() -> dict[str, list[frozenset[str]]]:
    """Word key -> the groups it is in (the shipped table plus the user's, re-read when it changes)."""
    try:
        mtime = (config_dir() / USER_NAME).stat().st_mtime
    except OSError:
        mtime = None
    return _groups_for(mtime)


def _pairs(index: Indexed) -> set[tuple[str, str]]:
    """Each word key with the word key right after it (spaces or a hyphen between)."""
    tokens, text = index.tokens, index.text
    return {(a.key, b.key) for a, b in itertools.pairwise(tokens)
            if text[a.end : b.start].strip(" -") == ""}


def flags(summary: Indexed, note: Indexed, taken: Taken) -> list[Flag]:
    by_word = groups()
    tokens, text = summary.tokens, summary.text
    if not any(t.key in by_word for t in tokens):
        return []
    note_pairs, written = _pairs(note), {t.key: t.word for t in note.tokens}
    out = []
    for i, token in enumerate(tokens):
        if token.key not in by_word or taken.overlaps(token.start, token.end):
            continue
        if support.in_heading(text, token.start, token.end):  # "Illness severity:" grades nothing
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) and text[token.end : tokens[i + 1].start].strip(" -") == "" else None
        before = tokens[i - 1] if i and text[tokens[i - 1].end : token.start].strip(" -") == "" else None
        for group in by_word[token.key]:
            others = group - {token.key}
            said = None
            if after is not None and (token.key, after.key) not in note_pairs:
                said = next((o for o in sorted(others) if (o, after.key) in note_pairs), None)
            if said is None and before is not None and (before.key, token.key) not in note_pairs \
                    and (after is None or (token.key, after.key) not in note_pairs) and vocabulary.is_content(before):
                # the modifier after what it grades: "Mallampati II" for the note's "Mallampati III" (not when
                # the note has it with the word after: "with moderate variability" is no "with severe features")
                said = next((o for o in sorted(others) if (before.key, o) in note_pairs), None)
                if said is not None:
                    what = squash(text[before.start : token.end])
                    reason = f"{what}: the note says {before.word} {written[said]}, not this"
                    out.append(Flag(token.start, token.end, "term", text[token.start : token.end], reason))
                    break
            if said is None and token.end - token.start >= STANDALONE_LETTERS and token.key not in written and others & written.keys():
                said = min(others & written.keys())
            if said is not None:
                what = squash(text[token.start : after.end if after else token.end])
                reason = f"{what}: the note says {written[said]}" + (f" {after.word}" if after else "") + ", not this"
                out.append(Flag(token.start, token.end, "term", text[token.start : token.end], reason))
                break
    return out
