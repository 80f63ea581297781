"""Laterality: left/right/bilateral attached to the body part that follows (``left knee``, ``RLL``)."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from core.grounding.findings import Mention

SIDES = {"left": "left", "lt": "left", "l": "left", "right": "right", "rt": "right", "r": "right",
         "bilateral": "bilateral", "bilat": "bilateral", "both": "bilateral", "b/l": "bilateral"}  # fmt: skip
_PARTS = (
    "eye ear cheek jaw neck shoulder arm forearm elbow wrist hand finger thumb palm chest breast "
    "nipple axilla rib lung lobe hemithorax effusion pneumothorax flank kidney ureter adrenal ovary "
    "fallopian testicle testis scrotum groin inguinal hip buttock thigh femur knee patella leg calf shin "
    "tibia fibula ankle foot heel toe hallux extremity side hemisphere carotid clavicle scapula humerus "
    "radius ulna tonsil temple parotid quadrant base apex"
)
PARTS = frozenset(_PARTS.split())
_IRREGULAR = {"feet": "foot", "teeth": "tooth", "extremities": "extremity", "testes": "testis", "calves": "calf",
              "halves": "half"}
# A part of a part is named by the whole for its side: "right thumbnail" is the right thumb
_WITHIN = {"thumbnail": "thumb", "fingernail": "finger", "fingertip": "finger", "toenail": "toe",
           "eyelid": "eye", "earlobe": "ear", "kneecap": "knee", "tm": "ear", "tympanic": "ear",
           "ica": "carotid"}  # fmt: skip  # TM: tympanic membrane; ICA: internal carotid artery
# The limb by its everyday name: a leg is a lower extremity, an arm an upper one
_LIMB_NAMES = {"leg": "lower", "arm": "upper"}
# Abbreviations that carry their own side: right lower lobe, left lower extremity, ...
ABBREVIATIONS = {
    "RUL": ("right", "upper lobe"), "RML": ("right", "middle lobe"), "RLL": ("right", "lower lobe"),
    "LUL": ("left", "upper lobe"), "LLL": ("left", "lower lobe"), "RUE": ("right", "upper extremity"),
    "LUE": ("left", "upper extremity"), "RLE": ("right", "lower extremity"),
    "LLE": ("left", "lower extremity"), "BLE": ("bilateral", "lower extremity"),
    "BUE": ("bilateral", "upper extremity"), "RUQ": ("right", "upper quadrant"),
    "LUQ": ("left", "upper quadrant"), "RLQ": ("right", "lower quadrant"), "LLQ": ("left", "lower quadrant"),
    "OD": ("right", "eye"), "OS": ("left", "eye"), "OU": ("bilateral", "eye"),
}  # fmt: skip


_LIMBS = {"LE": "lower", "UE": "upper"}  # "R LE": right lower extremity
_MODIFIER = re.compile(
    r"dorsal|volar|palmar|plantar|medial|lateral|anterior|posterior|proximal|distal|upper|lower|middle|inferior|"
    r"superior|total|pleural|basilar|hemi|partial|internal|external|common|inner|outer|index|ring|small|great|"
    r"big|little|long", re.IGNORECASE)
_STOP = {*SIDES, "and", "or", "with", "of", "to", "in", "the", "than", "was", "is"}


class Side(NamedTuple):
    side: str  # left, right or bilateral
    part: str  # the body part, singular: "knee", "lobe"
    modifiers: frozenset[str]  # words between side and part: {"lower"} in "right lower lobe"

    def phrase(self) -> str:
        return " ".join([self.side, *sorted(self.modifiers), self.part])


@functools.cache
def _pattern() -> re.Pattern[str]:
    side = r"(?P<side>left|right|bilateral|bilat|both|lt|rt|b/l|(?-i:L|R))\.?(?:[- ]sided)?"
    words = r"(?=(?P<words>(?:(?:[^\S\n]*-[^\S\n]*|[^\S\n]+)[A-Za-z]+){1,3}))"  # on the same line
    abbreviation = rf"(?P<abbr>(?-i:{'|'.join(ABBREVIATIONS)}))"
    return re.compile(rf"\b(?:{side}{words}|{abbreviation})\b", re.IGNORECASE)


def _singular(word: str) -> str:
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    word = word[:-1] if word.endswith("s") and (word[:-1] in PARTS or word[:-1] in _WITHIN) else word
    return _WITHIN.get(word, word)


def find(text: str) -> list[Mention]:
    """Side + body-part mentions; ``key`` is a :class:`Side`."""
    found = []
    for m in _pattern().finditer(text):
        if m["abbr"]:
            side, part = ABBREVIATIONS[m["abbr"]]
            *words, part = part.split()
            found.append(Mention(m.start(), m.end(), m.group(), Side(side, part, frozenset(words))))
            continue
        tokens = re.findall(r"[A-Za-z]+", m["words"])
        single_letter = m["side"] in ("L", "R")
        for i, token in enumerate(tokens[:3]):
            if single_letter and i and not _MODIFIER.fullmatch(tokens[i - 1]):
                break  # "L" / "R" reach past a word only when it describes the part: "R dorsal hand", "L total knee"
            low = token.lower()
            if low in ("and", "or") and tokens[i + 1 : i + 2] and tokens[i + 1].lower() in SIDES:
                continue  # "left and right knees": both sides name the knees
            if low in SIDES and i and tokens[i - 1].lower() in ("and", "or"):
                continue
            if low in _STOP:
                break
            part = _singular(token)
            mods = frozenset(t.lower() for t in tokens[:i] if t.lower() not in _STOP)
            if token in _LIMBS:  # "R LE", "L UE"
                part, mods = "extremity", mods | {_LIMBS[token]}
            elif part in _LIMB_NAMES:
                part, mods = "extremity", mods | {_LIMB_NAMES[part]}
            if part in PARTS:
                end = m.start("words") + _token_end(m["words"], i)
                found.append(
                    Mention(m.start(), end, text[m.start() : end], Side(SIDES[m["side"].lower()], part, mods))
                )
                break
    return found


# "Feet: monofilament sensation intact bilaterally": the part, then (in its clause) "bilaterally"
_PART_THEN_BOTH = re.compile(r"\b(?P<part>[A-Za-z]+)\b(?P<gap>[^.;\n]{0,50}?)\bbilaterally\b", re.IGNORECASE)
# "4 of 5 fingernails of the left hand", "the second toe of the right foot"
_PART_OF_SIDE = re.compile(r"\b(?P<part>[A-Za-z]+)\s+(?:of|on|in)\s+(?:the|his|her)\s+(?P<side>left|right)\s+"
                           r"(?P<whole>[A-Za-z]+)", re.IGNORECASE)
# a line headed by its side: "Strength LLE: hip flexion 3/5, ankle dorsiflexion 2-/5", "Left ear: ..."
_SIDE_LINE = re.compile(r"^[^\S\n]*(?:[-*•][^\S\n]*)?(?:[A-Za-z]+[^\S\n]+){0,2}(?P<side>left|right|bilateral|"
                        r"(?-i:L|R|LLE|RLE|LUE|RUE|BLE|BUE))(?:[^\S\n]+[A-Za-z]+)?[^\S\n]*:(?P<rest>[^\n]*)",
                        re.IGNORECASE | re.MULTILINE)
_LINE_SIDES = {"lle": "left", "lue": "left", "rle": "right", "rue": "right", "ble": "bilateral", "bue": "bilateral"}


def after_part(text: str) -> list[Mention]:
    """Parts whose side is said after them or above them: a "bilaterally" later in the same clause,
    "fingernails of the left hand", a line headed "LLE:" or "Left ear:"; ``key`` is a :class:`Side` (for
    looking up what the note states, not for flagging)."""
    out = []
    for m in _PART_THEN_BOTH.finditer(text):
        part = _singular(m["part"])
        if part in _LIMB_NAMES:
            out.append(Mention(m.start(), m.end(), m.group(), Side("bilateral", "extremity", frozenset({_LIMB_NAMES[part]}))))
        elif part in PARTS:
            out.append(Mention(m.start(), m.end(), m.group(), Side("bilateral", part, frozenset())))
    for m in _PART_OF_SIDE.finditer(text):
        if (part := _singular(m["part"])) in PARTS and _singular(m["whole"]) in PARTS:
            out.append(Mention(m.start(), m.end(), m.group(), Side(m["side"].lower(), part, frozenset())))
    for m in _SIDE_LINE.finditer(text):
        key = m["side"].lower()
        side = _LINE_SIDES.get(key) or SIDES.get(key)
        for word in re.finditer(r"[A-Za-z]+", m["rest"]):
            if side and (part := _singular(word.group())) in PARTS:
                at = m.start("rest") + word.start()
                out.append(Mention(at, at + len(word.group()), word.group(), Side(side, part, frozenset())))
    return out


def _token_end(words: str, index: int) -> int:
    return list(re.finditer(r"[A-Za-z]+", words))[index].end()


def compatible(a: Side, b: Side) -> bool:
    """Same body part, and modifiers that do not conflict (one side may say less)."""
    return a.part == b.part and (a.modifiers <= b.modifiers or b.modifiers <= a.modifiers)


def supports(claim: Side, stated: Side) -> bool:
    """Whether the note's ``stated`` side backs the summary's ``claim``."""
    if not compatible(claim, stated):
        return False
    return stated.side == claim.side or (stated.side == "bilateral" and claim.side != "bilateral")


# "deviated to the right", "worse on the left than on the right"; not "the right soft palate" (a side of a
# part this module does not list: a modifier, not a bare side)
_BARE = re.compile(
    r"\bthe\s+(?P<side>left|right)\b(?:\s+side\b)?(?!\s+(?!(?:side|sided|than|and|or|of|at|on|in|with|but|more|"
    r"when|while|during|for|after|is|was|were|are)\b)[A-Za-z])",
    re.IGNORECASE,
)


def bare(text: str, parts: list[Mention]) -> list[Mention]:
    """Sides named without a body part ("worse on the left", "on the right side"), outside the ``parts``
    mentions that :func:`find` gave; ``key`` is the side."""
    out = []
    for m in _BARE.finditer(text):
        a = m.start("side")
        if not any(p.start <= a < p.end for p in parts):
            out.append(Mention(a, m.end(), text[a : m.end()], m["side"].lower()))
    return out


# Which side is worse: "wheeze L>R", "R > L temporal", "right-predominant", "right-greater-than-left", "worse
# on the left"
_DOMINANT = re.compile(
    r"(?<![\w/])(?P<a>(?-i:L|R)|left|right|lt|rt)\s*>\s*(?P<b>(?-i:L|R)|left|right|lt|rt)(?![\w/])"
    r"|\b(?P<c>left|right)[- ](?:predominant|dominant|greater[- ]than[- ](?:left|right))\b"
    r"|\bworse\s+on\s+the\s+(?P<d>left|right)\b",
    re.IGNORECASE,
)


def dominance(text: str) -> list[Mention]:
    """Statements of which side is worse; ``key`` is that side ("left" or "right")."""
    out = []
    for m in _DOMINANT.finditer(text):
        word = m["a"] or m["c"] or m["d"]
        side = SIDES[word.lower()]
        if m["a"] and SIDES[m["b"].lower()] == side:
            continue  # "L > L" is no comparison
        out.append(Mention(m.start(), m.end(), m.group(), side))
    return out
