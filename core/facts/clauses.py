"""The note's sentences for fact extraction: the grounding splitter's sentences and lines, with lines of a
hard-wrapped paragraph joined again ("...with hypertension, hyperlipidemia and type 2 diabetes" / "who
presents with two days of chest pressure.") so that a fact is a whole sentence, not half of one."""

from __future__ import annotations

import functools
import re

from core.grounding import sentences

_ENDS = re.compile(r"[.!?:;]['\")\]]?$")
_CONTINUES = re.compile(r"[a-z(,;&/-]|\d(?!\d?[.)]\s)")  # a number goes on ("started" / "2024-01-08."), a list number not
_CELL = re.compile(r"\S\s*\|\s*\S")  # a table row ("14:00 | 37.0 | dexamethasone PO"): each row stands alone
LEADER = re.compile(r"(?:\.\s?){3,}")  # the dots between an item and its value in a list
LEADER_AT_END = re.compile(r"\s*(?:\.\s?){3,}\s*$")
_COLUMNS = re.compile(r"\S {2,}\S.*\S {2,}\S")  # so does a row of space-aligned columns ("03/13  +3   13.8   2.1 mg/24 h")


@functools.lru_cache(maxsize=8)
def split(note: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for a, b in sentences.split(note):
        if out:
            pa, pb = out[-1]
            gap = note[pb:a]
            if LEADER_AT_END.search(note, pa, pb) and "\n" not in gap:
                out[-1] = (pa, b)  # "micafungin 100 mg IV q24h ........ NEW": a dotted leader is no full stop
                continue
            rows = any(bool(p.search(note[pa:pb]) and p.search(note[a:b])) for p in (_CELL, _COLUMNS))
            if gap.count("\n") == 1 and not gap.strip() and not _ENDS.search(note[pa:pb]) \
                    and _CONTINUES.match(note[a]) and not rows:
                out[-1] = (pa, b)  # a wrapped line: the sentence goes on
                continue
        out.append((a, b))
    return tuple(out)
