"""Dates: ISO, 03/14/2024, 14 March 2024, March 14(, 2024). Keys are sets of (year, month, day).

A numeric date whose day and month could swap (03/04/2024) keeps both readings; a date without a
year matches that day in any year.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from core.grounding.findings import Mention, Taken

MONTHS = {
    name: number
    for number, names in enumerate(
        ["january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
         "august aug", "september sept sep", "october oct", "november nov", "december dec"],
        start=1,
    )
    for name in names.split()
}  # fmt: skip

Key = frozenset[tuple[int | None, int, int]]


@functools.cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    # Month names count only as Title or UPPER case, so "may" and "mar" in prose are not dates.
    names = sorted(MONTHS, key=len, reverse=True)
    month = "|".join([n.title() for n in names] + [n.upper() for n in names])
    month = rf"(?P<month>{month})\.?"
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    year = r"(?P<year>\d{4})"
    return [
        (re.compile(r"(?<![\d/.-])(?P<year>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?![\d/-])"), "iso"),
        (
            re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})([/-])(?P<b>\d{1,2})\2(?P<year>\d{4}|\d{2})(?![\d/-])"),
            "num",
        ),
        (re.compile(r"(?<![\d.])(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<year>\d{4})(?!\d|\.\d)"), "dmy"),
        (re.compile(rf"\b{day}(?:\s+of)?\s+{month}(?:,?\s+{year})?\b"), "text"),
        # "on 10/15", "Wednesday 10/15": month/day without a year only after a word that introduces a date
        (re.compile(r"(?i:\b(?:on|by|until|through|thru|since|from|before|after|starting|due|dated?|of|"
                    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+)"
                    r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?P<year>)(?![\d/])"), "num"),
        (re.compile(rf"\b{month}\s+{day}(?:,?\s+{year})?\b"), "text"),
        # a month of a year, "11/2033" or "November 2033": day 0 stands for the whole month
        (re.compile(r"(?<![\d/.-])(?P<m>\d{1,2})/(?P<year>\d{4})(?![\d/-])"), "month"),
        (re.compile(rf"\b{month},?\s+(?:of\s+)?{year}\b"), "month"),
    ]


def find(text: str, order: str | None = None) -> list[Mention]:
    """Dates in ``text``; ``key`` is the set of (year or None, month, day) it could mean.

    ``order`` (``"md"`` or ``"dm"``, see :func:`numeric_order`) reads 03/04 one way only.
    """
    found: list[Mention] = []
    taken = Taken(len(text))
    for pattern, style in _patterns():
        for m in pattern.finditer(text):
            key = _key(m, style, order)
            a, b = (m.start("a"), m.end()) if style == "num" and not m["year"] else m.span()
            if key and not taken.overlaps(a, b):
                taken.add(a, b)
                found.append(Mention(a, b, text[a:b], key))
    return sorted(found)


_LOOSE = re.compile(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/]|\.\d)")


_SCORE_BEFORE = re.compile(r"(?i:pain|score|scale|rated|rates|severity|strength|power|vas|nrs|gcs|apgars?)"
                           r"(?i:\s*(?:of|is|was|at|:|=))?\s*$")
_SCORE_AFTER = re.compile(r"(?i:\s*(?:strength|power|pain|scale|score))")


def loose(text: str) -> list[Mention]:
    """Every month/day a note may mean by a bare "03/22" ("Admitted 03/22 with ..."), read both ways,
    for comparing a summary's dates with; not a score ("pain 6/10", "5/5 strength"). :func:`find` takes
    a bare one only after a word that introduces a date, since a summary's own "3/10" is often a score."""
    out = []
    for m in _LOOSE.finditer(text):
        if _SCORE_BEFORE.search(text, max(0, m.start() - 20), m.start()) or _SCORE_AFTER.match(text, m.end()):
            continue
        a, b = int(m["a"]), int(m["b"])
        key = frozenset((None, month, day) for month, day in ((a, b), (b, a)) if 1 <= month <= 12 and 1 <= day <= 31)
        if key:
            out.append(Mention(m.start(), m.end(), m.group(), key))
    return out


def numeric_order(text: str) -> str | None:
    """How a text writes numeric dates: "md" (US, 03/14/2031), "dm" (14/03/2031), or None if it does not
    show (no day above 12, or both ways)."""
    seen = set()
    for pattern, style in _patterns():
        if style != "num":
            continue
        for m in pattern.finditer(text):
            a, b = int(m["a"]), int(m["b"])
            if a > 12 >= b:
                seen.add("dm")
            elif b > 12 >= a:
                seen.add("md")
    return seen.pop() if len(seen) == 1 else None


def _key(m: re.Match[str], style: str, order: str | None = None) -> Key:
    year = _year(m["year"]) if m["year"] else None
    if style == "iso":
        readings = [(int(m["m"]), int(m["d"]))]
    elif style == "num":  # US month/day first; the other way round too when both could be a month
        a, b = int(m["a"]), int(m["b"])
        readings = {"md": [(a, b)], "dm": [(b, a)]}.get(order or "", [(a, b), (b, a)])
    elif style == "dmy":
        readings = [(int(m["b"]), int(m["a"]))]
    elif style == "month":
        readings = [(int(m["m"]) if "m" in m.re.groupindex else MONTHS[m["month"].lower()], 0)]
    else:
        readings = [(MONTHS[m["month"].lower()], int(m["day"]))]
    return frozenset((year, mo, d) for mo, d in readings if _valid(year, mo, d))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _valid(year: int | None, month: int, day: int) -> bool:
    if day == 0:  # a whole month ("11/2033")
        return 1 <= month <= 12
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year, so 29 Feb without a year is valid
    except ValueError:
        return False
    return True


def same(a: Key, b: Key) -> bool:
    """Whether two dates can be the same day (a missing year matches any year, a whole month any of its days)."""
    return any(
        ma == mb and (da == db or not da or not db) and (ya is None or yb is None or ya == yb)
        for ya, ma, da in a
        for yb, mb, db in b
    )
