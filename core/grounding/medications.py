"""Medication names: a maintained drug dictionary, ChartBrief's lexicon, and drug-class suffixes.

- ``drug-named-entity-recognition`` (Fast Data Science; DrugBank, MeSH and Wikipedia names, over 100,000
  generic and brand spellings, shipped inside the package, no network) finds most names and resolves
  brands to their generic (``Lasix`` -> furosemide).
- ``resources/grounding/medications.txt`` (common abbreviations such as ``ASA``, ``HCTZ``) and the user's
  ``<config dir>/grounding/medications.txt`` (same format) add names the dictionary lacks.
- Words ending in a drug-class suffix (``-olol``, ``-pril``, ...) count as drugs even when unknown.

Every mention's ``key`` is one generic name, so a brand in the summary matches the generic in the note.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

from core.grounding import vocabulary
from core.grounding.findings import Mention
from core.paths import RESOURCES, config_dir

LEXICON = RESOURCES / "grounding" / "medications.txt"
USER_LEXICON = Path("grounding") / "medications.txt"
SUFFIXES = (
    "olol", "pril", "sartan", "statin", "mab", "cillin", "mycin", "azole", "prazole", "parin",
    "tidine", "formin", "gliptin", "afil", "dipine", "floxacin", "cycline", "gliflozin", "glutide",
    "tinib", "setron", "triptan", "azepam",
)  # fmt: skip
NOT_DRUGS = frozenset({"april"})  # English words that happen to end in a drug suffix
# A dictionary name as common as this in English ("plan b", "all clear", "special k") is far more
# likely the English words than the product; ChartBrief's own lexicon is not filtered.
ORDINARY_NAME_ZIPF = 4.0
_SUFFIX_RE = re.compile(rf"[A-Za-z]{{3,}}(?:{'|'.join(SUFFIXES)})", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*(?:[-/][A-Za-z0-9']+)*")
_LONGEST = 4  # words in the longest name looked up


def _read_lexicon(path: Path, names: dict[str, str]) -> None:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        aliases = [" ".join(a.lower().split()) for a in line.split("|") if a.strip()]
        for alias in aliases:
            names.setdefault(alias, aliases[0])


@functools.cache
def _lexicon_for(user_mtime: float | None) -> dict[str, str]:
    names: dict[str, str] = {}
    _read_lexicon(LEXICON, names)
    if user_mtime is not None:
        _read_lexicon(config_dir() / USER_LEXICON, names)
    return names


def lexicon() -> dict[str, str]:
    """ChartBrief's names (shipped + the user's): every name, lower case, mapped to its generic."""
    try:
        mtime = (config_dir() / USER_LEXICON).stat().st_mtime
    except OSError:
        mtime = None
    return _lexicon_for(mtime)


@functools.cache
def dictionary() -> dict[str, list[str]]:
    """The drug dictionary: lower-case spelling -> generic names (loaded once, ~3 s)."""
    from drug_named_entity_recognition import drugs_finder

    return drugs_finder.drug_variant_to_canonical


@functools.cache
def _dictionary_first_words() -> frozenset[str]:
    return frozenset(name.split(" ", 1)[0] for name in dictionary())


@functools.lru_cache(maxsize=100_000)
def _dictionary_generic(name: str) -> str | None:
    canon = dictionary().get(name)
    if not canon:
        return None
    return canon[0].lower()


def generic(name: str, names: dict[str, str] | None = None) -> str | None:
    """The generic a lower-case, single-spaced name resolves to, or None if it is not a known drug.

    ``names`` is :func:`lexicon`'s result when the caller already has it.
    """
    local = (lexicon() if names is None else names).get(name)
    if local is not None:
        return _dictionary_generic(local) or local
    if len(name) < 4 or not re.search(r"[a-z]{3}", name) or vocabulary.zipf(name) >= ORDINARY_NAME_ZIPF:
        return None
    return _dictionary_generic(name) if _specific(name) else None


@functools.lru_cache(maxsize=100_000)
def _specific(name: str) -> bool:
    """Whether the dictionary's entry for ``name`` is one drug (it has a DrugBank id), not a class or a
    family ("antibiotics", "statins", "opioids", plain "insulin"): a class in a summary is a vaguer
    claim than any drug of the note, and is checked as a term instead."""
    from drug_named_entity_recognition import drugs_finder

    canon = dictionary().get(name)
    if not canon:
        return False
    return "drugbank_id" in drugs_finder.drug_canonical_to_data.get(canon[0], {})


def find(text: str) -> list[Mention]:
    """Medication mentions in ``text``; ``key`` is the generic name, so brands match generics."""
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    names = lexicon()
    firsts = _dictionary_first_words() | {name.split(" ", 1)[0] for name in names}
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
                key = generic(part.group(), names)
                if key:
                    a, b = start + part.start(), start + part.end()
                    found.append(Mention(a, b, text[a:b], key))
        elif word.endswith(SUFFIXES) and word not in NOT_DRUGS and _SUFFIX_RE.fullmatch(word):
            found.append(Mention(start, end, text[start:end], word))
        i += 1
    return _hyphen_joined(text, found, names, firsts)


_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*")


def _hyphen_joined(text: str, found: list[Mention], names: dict[str, str], firsts: frozenset[str]) -> list[Mention]:
    """Names of two or more words that a hyphen joins to the next name ("calcium carbonate-vitamin D3"): the
    whole-token pass cannot see them, because "carbonate-vitamin" is one token. Looked up again on the
    hyphen's parts; a name found this way replaces the single parts it covers."""
    if "-" not in text and "/" not in text:
        return found
    parts = [(m.start(), m.end(), m.group().lower()) for m in _PART.finditer(text)]
    extra: list[Mention] = []
    i = 0
    while i < len(parts):
        hit = _longest_name(text, parts, i, names, joiners="-/") if parts[i][2] in firsts else None
        start = parts[i][0]
        if hit and " " in text[start : hit[1]] and (text[hit[1] : hit[1] + 1] in ("-", "/")
                                                     or (start and text[start - 1] in "-/")):
            end = hit[1]
            if not any(m.start <= start and end <= m.end for m in found):  # not inside a longer name
                extra.append(Mention(start, end, text[start:end], hit[2]))
            i = hit[0]
            continue
        i += 1
    if not extra:
        return found
    kept = [m for m in found if not any(e.start <= m.start and m.end <= e.end for e in extra)]
    return sorted(kept + extra, key=lambda m: m.start)


def _longest_name(text: str, tokens: list[tuple[int, int, str]], i: int, names: dict[str, str], joiners: str = ""):
    """``(next token, end, generic)`` for the longest name starting at token ``i``, or None. The words of a
    name are separated by spaces only; ``joiners`` may also end it ("carbonate-" of "calcium
    carbonate-vitamin D3"): a joiner may follow the name's last word, never stand inside the name."""
    for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
        span = tokens[i : i + n]
        gaps = (text[a[1] : b[0]] for a, b in itertools.pairwise(span))
        if n > 1 and any(gap.strip() or "\n" in gap for gap in gaps):
            continue  # the words of a name are separated by spaces only
        if joiners and span[-1][1] < len(text) and text[span[-1][1]].isalnum():
            continue  # a part cut out of a longer word is no name
        key = generic(" ".join(t[2] for t in span), names)
        if key:
            return i + n, span[-1][1], key
    return None
