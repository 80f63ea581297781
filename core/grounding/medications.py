"""Medication names: the lexicon in ``resources/grounding/medications.txt`` plus drug-class suffixes."""

from __future__ import annotations

import functools
import itertools
import re

from core.grounding.model import Mention
from core.paths import RESOURCES

LEXICON = RESOURCES / "grounding" / "medications.txt"
SUFFIXES = (
    "olol", "pril", "sartan", "statin", "mab", "cillin", "mycin", "azole", "prazole", "parin",
    "tidine", "formin", "gliptin", "afil", "dipine", "floxacin", "cycline", "gliflozin", "glutide",
    "tinib", "setron", "triptan", "azepam",
)  # fmt: skip
NOT_DRUGS = frozenset({"april"})  # English words that happen to end in a drug suffix
_SUFFIX_RE = re.compile(rf"[A-Za-z]{{3,}}(?:{'|'.join(SUFFIXES)})", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*(?:[-/][A-Za-z0-9']+)*")
_LONGEST = 4  # words in the longest lexicon name


@functools.cache
def lexicon() -> dict[str, str]:
    """Every name (lower case, single spaces) mapped to its drug's generic name."""
    names: dict[str, str] = {}
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        aliases = [" ".join(a.lower().split()) for a in line.split("|") if a.strip()]
        for alias in aliases:
            names.setdefault(alias, aliases[0])
    return names


@functools.cache
def _first_words() -> frozenset[str]:
    return frozenset(name.split()[0] for name in lexicon())


def find(text: str) -> list[Mention]:
    """Medication mentions in ``text``; ``key`` is the generic name, so brands match generics."""
    names, firsts = lexicon(), _first_words()
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        start, end, word = tokens[i]
        hit = _longest_name(text, tokens, i, names) if word in firsts else None
        if hit:
            i, end, key = hit
            found.append(Mention(start, end, text[start:end], key))
            continue
        if "-" in word or "/" in word:  # "aspirin-81", "Lasix/furosemide": look at the parts
            for part in re.finditer(r"[a-z0-9']+", word):
                if part.group() in names:
                    a, b = start + part.start(), start + part.end()
                    found.append(Mention(a, b, text[a:b], names[part.group()]))
        elif word.endswith(SUFFIXES) and word not in NOT_DRUGS and _SUFFIX_RE.fullmatch(word):
            found.append(Mention(start, end, text[start:end], word))
        i += 1
    return found


def _longest_name(text: str, tokens: list[tuple[int, int, str]], i: int, names: dict[str, str]):
    """``(next token, end, generic)`` for the longest name starting at token ``i``, or None."""
    for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
        span = tokens[i : i + n]
        gaps = (text[a[1] : b[0]] for a, b in itertools.pairwise(span))
        if n > 1 and any(gap.strip() or "\n" in gap for gap in gaps):
            continue  # the words of a name are separated by spaces only
        phrase = " ".join(t[2] for t in span)
        if phrase in names:
            return i + n, span[-1][1], names[phrase]
    return None
