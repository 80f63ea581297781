"""Words of a text, normalized so that a summary and its note can be compared word by word.

Normalization: lower case, hyphen and slash compounds split into their parts (``follow-up`` ==
``follow up``), Snowball stems (``fevers``/``febrile`` stay apart, ``infections``/``infection`` meet),
numbers by value (``1,000`` == ``1000``, ``two`` == ``2``). The equivalence table (abbreviations and
synonyms, used both ways) is applied by :mod:`core.grounding.equivalents` on top of these tokens.

How "ordinary" a word is comes from ``wordfreq`` (Zipf scale: 7 for "the", 3 for a word seen once per
million words); which words are clinical comes from ICD-10-CM's disease and finding titles
(``simple_icd_10_cm``) — both shipped with their packages, nothing is downloaded.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

import snowballstemmer
import wordfreq

TOKEN = re.compile(
    r"\d*[A-Za-z][A-Za-z0-9']*(?:[-/][A-Za-z0-9][A-Za-z0-9']*)*|\d+(?:[-/][A-Za-z][A-Za-z0-9']*)+"
    r"|\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
)
_UNITS = "m f yo y yr yrs mo mos d h hr hrs wk wks min mg mcg g kg ml l cm mm x am pm u"
_GLUED_UNITS = frozenset(_UNITS.split())
_PART = re.compile(r"[A-Za-z0-9']+")
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "twice": 2,
}  # fmt: skip
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}  # fmt: skip
_ORDINAL_WORD = {value: word for word, value in ORDINALS.items()}
# Function words: they carry no claim of their own (standard English stop words, plus "s" of
# possessives). Negation words ("no", "not", "without") are here too: polarity is the negation
# check's job, not a term's.
_STOPWORDS = """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each either few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over own
    per same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up upon very was we were what when where which while who whom
    why will with within without would you your yours yourself yourselves s t d ll m re ve y via
    patient pt pts mr mrs ms dr plus minus versus vs etc"""
STOPWORDS = frozenset(_STOPWORDS.split())


class Token(NamedTuple):
    """One normalized part of a word (or one number) and where it is in the text."""

    start: int
    end: int
    key: str
    """Stem of a word part, or ``#<value>`` for a number."""
    word: str
    """The whole word as written (``follow-up`` for both of its parts)."""


@functools.cache
def _stemmer():
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    word = word.lower().removesuffix("'s").replace("'", "")
    return _stemmer().stemWord(word)


def number_key(value: float) -> str:
    return f"#{value:g}"


def tokens(text: str) -> list[Token]:
    """Every normalized token of ``text`` in order; a compound word gives one token per part."""
    out: list[Token] = []
    for m in TOKEN.finditer(text):
        word = m.group()
        if (word[0].isdigit() or word[0] == ".") and not re.search("[A-Za-z]", word):
            out.append(Token(m.start(), m.end(), number_key(float(word.replace(",", ""))), word))
            continue
        lower = word.lower()
        if lower in NUMBER_WORDS:
            out.append(Token(m.start(), m.end(), number_key(NUMBER_WORDS[lower]), word))
            continue
        times = re.fullmatch(r"[xX](\d+)", word)
        if times:  # "x3" (three times, three days): a count
            out.append(Token(m.start() + 1, m.end(), number_key(float(times[1])), times[1]))
            continue
        glued = re.fullmatch(r"(\d+)([A-Za-z][A-Za-z0-9]*)", word)
        if glued and glued[2].lower() in _GLUED_UNITS:  # "84F", "10mg", "2wks": a number and a unit
            out.append(Token(m.start(), m.start() + len(glued[1]), number_key(float(glued[1])), glued[1]))
            out.append(Token(m.start() + len(glued[1]), m.end(), stem(glued[2]), glued[2]))
            continue
        ordinal = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word, re.IGNORECASE)
        if ordinal and int(ordinal[1]) in _ORDINAL_WORD:  # "2nd" is "second"
            out.append(Token(m.start(), m.end(), stem(_ORDINAL_WORD[int(ordinal[1])]), word))
            continue
        if glued:  # "6MWT", "12th": one word
            out.append(Token(m.start(), m.end(), stem(word), word))
            continue
        plural = re.fullmatch(r"([A-Z][A-Z0-9]+)s", word)
        if plural:  # "TMs", "LFTs": an abbreviation's plural is the abbreviation
            out.append(Token(m.start(), m.end(), stem(plural[1]), word))
            continue
        for part in _PART.finditer(word):
            a, b = m.start() + part.start(), m.start() + part.end()
            piece = part.group()
            if piece.isdigit():
                out.append(Token(a, b, number_key(float(piece)), word))
            else:
                out.append(Token(a, b, stem(piece), word))
    return out


def is_content(token: Token) -> bool:
    """Whether a token can carry a claim: not a function word, not a lone letter."""
    if token.key.startswith("#"):
        return True
    return len(token.key) > 1 and token.key not in STOPWORDS and token.word.lower() not in STOPWORDS


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """How common ``word`` is in English: Zipf frequency from ``wordfreq`` (0 = never seen)."""
    return wordfreq.zipf_frequency(word, "en", wordlist="best")


def is_acronym(word: str) -> bool:
    """``MRI``, ``CKD``, ``HbA1c``-like all-capital abbreviations (two letters or more)."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and not _ROMAN.fullmatch(word)


_ROMAN = re.compile(r"[IVX]+")


@functools.cache
def clinical_stems() -> frozenset[str]:
    """Stems of the words of ICD-10-CM's titles for diseases, symptoms and findings (chapters A-R).

    Injury mechanisms, external causes and encounter codes (S-Z) are left out: their words are
    about circumstances ("encounter", "subsequent"), not findings; except the complications of
    transplanted organs (T86: "rejection"), which are diagnoses.
    """
    import simple_icd_10_cm as icd

    words: set[str] = set()
    for code in icd.get_all_codes(with_dots=False):
        if code[:1] in "ABCDEFGHIJKLMNOPQR" and code[:1].isalpha() or code.startswith("T86"):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", icd.get_description(code)))
    return frozenset(stem(w) for w in words)


@functools.lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset[str]:
    """Every dictionary form of ``word`` (``calves`` -> calf, calve; ``diuresed`` -> diurese)."""
    import lemminflect

    return frozenset(form for forms in lemminflect.getAllLemmas(word).values() for form in forms) | {word}


@functools.lru_cache(maxsize=200_000)
def can_be_noun(word: str) -> bool:
    """False for a word English knows only as a verb, adjective or adverb form; True for nouns and for
    words the lexicon does not know (clinical jargon, invented names)."""
    import lemminflect

    tags = lemminflect.getAllLemmas(word)
    return not tags or "NOUN" in tags or "PROPN" in tags


@functools.lru_cache(maxsize=200_000)
def only_noun(word: str) -> bool:
    """True for a word English knows only as a noun (``pneumonia``, ``asthma``), or does not know."""
    import lemminflect

    tags = lemminflect.getAllLemmas(word)
    return not tags or set(tags) <= {"NOUN", "PROPN"}


@functools.lru_cache(maxsize=200_000)
def only_adjective(word: str) -> bool:
    """True for a word English knows only as an adjective (``nuclear``, ``mild``)."""
    import lemminflect

    return set(lemminflect.getAllLemmas(word)) == {"ADJ"}
