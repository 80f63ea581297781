"""Dates: ISO, 03/14/2024, 14 March 2024, March 14(, 2024). Keys are sets of (year, month, day).

A numeric date whose day and month could swap (03/04/2024) keeps both readings; a date without a
year matches that day in any year.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from core.grounding.model import Mention, Taken

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
        (re.compile(rf"\b{month}\s+{day}(?:,?\s+{year})?\b"), "text"),
    ]


def find(text: str) -> list[Mention]:
    """Dates in ``text``; ``key`` is the set of (year or None, month, day) it could mean."""
    found: list[Mention] = []
    taken = Taken(len(text))
    for pattern, style in _patterns():
        for m in pattern.finditer(text):
            key = _key(m, style)
            if key and not taken.overlaps(*m.span()):
                taken.add(*m.span())
                found.append(Mention(m.start(), m.end(), m.group(), key))
    return sorted(found)


def _key(m: re.Match[str], style: str) -> Key:
    year = _year(m["year"]) if m["year"] else None
    if style == "iso":
        readings = [(int(m["m"]), int(m["d"]))]
    elif style == "num":  # US month/day first; the other way round too when both could be a month
        a, b = int(m["a"]), int(m["b"])
        readings = [(a, b), (b, a)]
    elif style == "dmy":
        readings = [(int(m["b"]), int(m["a"]))]
    else:
        readings = [(MONTHS[m["month"].lower()], int(m["day"]))]
    return frozenset((year, mo, d) for mo, d in readings if _valid(year, mo, d))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year, so 29 Feb without a year is valid
    except ValueError:
        return False
    return True


def same(a: Key, b: Key) -> bool:
    """Whether two dates can be the same day (a missing year matches any year)."""
    return any(
        ma == mb and da == db and (ya is None or yb is None or ya == yb)
        for ya, ma, da in a
        for yb, mb, db in b
    )
