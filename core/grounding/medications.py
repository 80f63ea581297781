"""Medication names: the lexicon in ``resources/grounding/medications.txt`` plus drug-class suffixes."""

from __future__ import annotations

import functools
import re

from core.grounding.model import Mention
from core.paths import RESOURCES

LEXICON = RESOURCES / "grounding" / "medications.txt"
SUFFIXES = (
    "olol", "pril", "sartan", "statin", "mab", "cillin", "mycin", "azole", "prazole", "parin",
    "tidine", "formin", "gliptin", "afil", "dipine", "floxacin", "cycline", "gliflozin", "glutide",
    "tinib", "setron", "triptan", "azepam",
)  # fmt: skip
NOT_DRUGS = frozenset({"april", "pistol", "capril", "parol"})
_SUFFIX_RE = re.compile(rf"(?<![\w-])[A-Za-z]{{3,}}(?:{'|'.join(SUFFIXES)})(?![\w]|-[A-Za-z])", re.IGNORECASE)


@functools.cache
def lexicon() -> tuple[dict[str, str], re.Pattern[str]]:
    """Map of every name (lower case) to its drug's generic name, and a pattern matching any name."""
    names: dict[str, str] = {}
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        aliases = [" ".join(a.lower().split()) for a in line.split("|") if a.strip()]
        for alias in aliases:
            names.setdefault(alias, aliases[0])
    alternatives = sorted(names, key=len, reverse=True)  # longest first: "insulin glargine" > "insulin"
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alternatives)
    return names, re.compile(rf"(?<![\w-])(?:{body})(?![\w]|-[A-Za-z])", re.IGNORECASE)


def find(text: str) -> list[Mention]:
    """Medication mentions in ``text``; ``key`` is the generic name, so brands match generics."""
    names, pattern = lexicon()
    found = [Mention(m.start(), m.end(), m.group(), names[_norm(m.group())]) for m in pattern.finditer(text)]
    taken = [(m.start, m.end) for m in found]
    for m in _SUFFIX_RE.finditer(text):
        word = m.group().lower()
        if word in NOT_DRUGS or any(s < m.end() and m.start() < e for s, e in taken):
            continue
        found.append(Mention(m.start(), m.end(), m.group(), names.get(word, word)))
    return sorted(found)


def _norm(name: str) -> str:
    return " ".join(name.lower().split())
