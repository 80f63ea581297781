"""The table of equivalent wordings (clinical abbreviations and synonyms), used both ways.

``resources/grounding/abbreviations.txt`` ships with the app; ``<config dir>/grounding/abbreviations.txt``
(same format) adds a clinic's own. No maintained, offline, permissively licensed table of clinical
abbreviations with their expansions exists as a Python package, so this one is data we keep, not code.

A group is *stated* in a text when any of its spellings occurs there (as a run of normalized tokens);
then every spelling of the group counts as supported by that text.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from core.errors import ChartBriefError
from core.grounding import vocabulary
from core.paths import RESOURCES, config_dir

SHIPPED = RESOURCES / "grounding" / "abbreviations.txt"
USER_NAME = Path("grounding") / "abbreviations.txt"
log = logging.getLogger(__name__)


class Occurrence(NamedTuple):
    group: int
    first: int  # index of the first token
    last: int  # index after the last token


class Table(NamedTuple):
    groups: list[tuple[str, ...]]
    """Each group's spellings, as written in the file."""
    words: list[frozenset[str]]
    """Each group's content-word token keys, all spellings together."""
    by_first: dict[str, list[tuple[tuple[str, ...], int]]]
    """First token key -> (all token keys of a spelling, its group)."""


def parse(text: str, source: str) -> list[tuple[str, ...]]:
    """Groups from a table file's text; a line with fewer than two spellings is an error."""
    groups = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        spellings = tuple(s.strip() for s in line.split("|") if s.strip())
        if len(spellings) < 2:
            raise ChartBriefError(
                f"{source}, line {number}: a group needs at least two spellings separated by '|'.",
                hint="Write one group a line, e.g. 'htn | hypertension', or start the line with # to ignore it.",
            )
        groups.append(spellings)
    return groups


def _user_file() -> Path:
    return config_dir() / USER_NAME


@functools.cache
def _table_for(user_mtime: float | None) -> Table:
    groups = parse(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED))
    user = _user_file()
    if user_mtime is not None:
        groups += parse(user.read_text(encoding="utf-8", errors="replace"), str(user))
    by_first: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
    words: list[frozenset[str]] = []
    for gid, spellings in enumerate(groups):
        group_words: set[str] = set()
        for spelling in spellings:
            tokens = vocabulary.tokens(spelling)
            keys = tuple(t.key for t in tokens)
            if keys:
                by_first[keys[0]].append((keys, gid))
            group_words |= {t.key for t in tokens if vocabulary.is_content(t) and not t.key.startswith("#")}
        words.append(frozenset(group_words))
    for entries in by_first.values():
        entries.sort(key=lambda e: -len(e[0]))  # longest spelling first
    return Table(groups, words, dict(by_first))


def table() -> Table:
    """The shipped table plus the user's additions (re-read when the user's file changes)."""
    user = _user_file()
    try:
        mtime = user.stat().st_mtime
    except OSError:
        mtime = None
    return _table_for(mtime)


def occurrences(keys: list[str]) -> list[Occurrence]:
    """Every spelling of every group found in a token-key sequence (overlaps allowed)."""
    by_first = table().by_first
    found = []
    for i, key in enumerate(keys):
        for spelling, gid in by_first.get(key, ()):
            n = len(spelling)
            if tuple(keys[i : i + n]) == spelling:
                found.append(Occurrence(gid, i, i + n))
    return found


def words_of(group: int) -> frozenset[str]:
    """The content-word keys of all of a group's spellings."""
    return table().words[group]


ORDINARY_ZIPF = 4.5  # "walk", "week", "woman" are spellings too, but ordinary English


def single_words() -> frozenset[str]:
    """Token keys of the table's one-word spellings that are not ordinary English (``crackles``,
    ``dyspnea``, ``febrile``): clinical words."""
    current = table()
    if _SINGLE[0] is not current:  # built once per table (the user's file may change it)
        _SINGLE[:] = [current, _single_words(current.groups)]
    return _SINGLE[1]


_SINGLE: list = [None, frozenset()]


def _single_words(groups: list[tuple[str, ...]]) -> frozenset[str]:
    words = set()
    for spellings in groups:
        for spelling in spellings:
            tokens = vocabulary.tokens(spelling)
            if len(tokens) == 1 and vocabulary.is_content(tokens[0]) and not tokens[0].key.startswith("#") \
                    and vocabulary.zipf(spelling.lower()) < ORDINARY_ZIPF:
                words.add(tokens[0].key)
    return frozenset(words)
