"""Findings a note states through its values: "hyperkalemia" is backed by "K 5.9", "afebrile" by
"T 37.2 C", "hypotension" by "BP 84/50".

The rules are data (``resources/grounding/implied_by_values.txt``, plus the user's copy in the config
dir): a finding, the lab or vital sign it is read from, and a threshold.
"""

from __future__ import annotations

import functools
import operator
import re
from pathlib import Path
from typing import NamedTuple

from core.errors import ChartBriefError
from core.grounding import equivalents, quantities, vocabulary
from core.paths import RESOURCES, config_dir

SHIPPED = RESOURCES / "grounding" / "implied_by_values.txt"
USER_NAME = Path("grounding") / "implied_by_values.txt"
_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_LABEL = re.compile(rf"\b(?:{quantities.LABELS}|BP|SBP|blood pressure|Tmax|(?-i:T))\b", re.IGNORECASE)
# "K 5.9", "glucose of 320", "glucose rose to the 300s", "Hgb dropped to 6.8"
_VALUE = re.compile(
    r"\s*(?:[:=]|of|was|is|at|(?:(?:rose|rising|fell|falling|dropped|climbed|increased|decreased|peaked|up|down)\s+)?"
    r"(?:to|at|in)(?:\s+the)?)?\s*(\d+(?:\.\d+)?)(?:s\b)?(?:\s*/\s*\d+)?\s*(°\s?[CF]|[CF]\b)?"
)


class Rule(NamedTuple):
    label: frozenset  # the value's equivalence groups (or its own normalized spelling)
    compare: str
    threshold: float


def parse(text: str, source: str) -> dict[str, list[Rule]]:
    rules: dict[str, list[Rule]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        m = re.fullmatch(r"(>=|<=|>|<)\s*(\d+(?:\.\d+)?)", parts[2]) if len(parts) == 3 else None
        if not m or not parts[0] or not parts[1]:
            raise ChartBriefError(f"{source}, line {number}: expected 'finding, … | value | > number'.",
                                  hint="For example: 'hyperkalemia | potassium | > 5.0'.")
        rule = Rule(label_groups(parts[1]), m[1], float(m[2]))
        for finding in parts[0].split(","):
            rules.setdefault(finding.strip().lower(), []).append(rule)
    return rules


@functools.lru_cache(maxsize=4096)
def label_groups(label: str) -> frozenset:
    """What a lab or vital-sign label means: its abbreviation-table groups (``K`` and ``potassium``
    share one), plus its own normalized spelling."""
    keys = [t.key for t in vocabulary.tokens(label)]
    return frozenset({o.group for o in equivalents.occurrences(keys)} | {" ".join(keys)})


@functools.cache
def _rules_for(user_mtime: float | None) -> dict[str, list[Rule]]:
    rules = parse(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED))
    if user_mtime is not None:
        user = config_dir() / USER_NAME
        for finding, more in parse(user.read_text(encoding="utf-8", errors="replace"), str(user)).items():
            rules.setdefault(finding, []).extend(more)
    return rules


def rules() -> dict[str, list[Rule]]:
    try:
        mtime = (config_dir() / USER_NAME).stat().st_mtime
    except OSError:
        mtime = None
    return _rules_for(mtime)


def is_label(word: str) -> bool:
    """Whether ``word`` is a lab or vital-sign label ("BP", "Tmax", "creatinine")."""
    m = _LABEL.match(word)
    return m is not None and m.end() == len(word)


def values(text: str) -> list[tuple[frozenset, float]]:
    """Every labelled value in ``text`` (temperatures in °C): ``[(label groups, value), ...]``."""
    out = []
    for m in _LABEL.finditer(text):
        v = _VALUE.match(text, m.end())
        if not v:
            continue
        value = float(v[1])
        unit = (v[2] or "").replace("°", "").strip().upper()
        groups = label_groups(m.group())
        if unit == "F" or (not unit and value > 45 and groups & label_groups("temperature")):
            value = (value - 32) * 5 / 9
        out.append((groups, value))
    return out


def implied(word: str, note_values: list[tuple[frozenset, float]]) -> bool:
    """Whether the note's values state the finding ``word`` (see the module doc)."""
    for rule in rules().get(word.lower(), ()):
        compare = _COMPARE[rule.compare]
        if any(groups & rule.label and compare(value, rule.threshold) for groups, value in note_values):
            return True
    return False
