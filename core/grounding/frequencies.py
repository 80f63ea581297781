"""Dosing frequencies: ``BID`` == ``twice daily`` == ``every 12 hours``; ``nightly`` == ``at bedtime``.

``key`` is a canonical code: ``1/d`` … ``4/d``, ``q<N>h`` for other hourly intervals, ``qhs`` (at night),
``qam`` (in the morning), ``qod``, ``q<N>d`` (every N days), ``weekly``, ``q<N>w``, ``monthly``, ``prn`` (as needed).
"""

from __future__ import annotations

import functools
import re

from core.grounding.findings import Mention

_TIMES = {"once": 1, "one": 1, "twice": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}  # fmt: skip
_PER_DAYS = {1: "1/d", 2: "qod", 7: "weekly"}
_PER_DAY_HOURS = {24: "1/d", 12: "2/d", 8: "3/d", 6: "4/d"}
_FIXED = [
    (r"q\.d\.|qd|q\.?\s?day|daily|every\s+day|once\s+a\s+day|each\s+day|per\s+day|/\s?day", "1/d"),
    (r"b\.i\.d\.|bid", "2/d"),
    (r"t\.i\.d\.|tid", "3/d"),
    (r"q\.i\.d\.|qid", "4/d"),
    ((r"q\.?\s?hs|h\.s\.|nightly|at\s+bedtime|at\s+night|every\s+night|every\s+evening|each\s+evening|"
      r"in\s+the\s+evening|before\s+bed(?:time)?"), "qhs"),
    (r"q\.?\s?am|every\s+morning|each\s+morning|in\s+the\s+morning|in\s+(?-i:AM)\b", "qam"),
    (r"q\.o\.d\.|qod|every\s+other\s+day|on\s+alternate\s+days|alternate\s+days", "qod"),
    (r"weekly|once\s+a\s+week|every\s+week|each\s+week|q\.?\s?wk|q\.?\s?week|/\s?week", "weekly"),
    (r"monthly|once\s+a\s+month|every\s+month|q\.?\s?month", "monthly"),
    (r"p\.r\.n\.|prn|as\s+needed|when\s+needed|if\s+needed|as\s+required", "prn"),
]
_COUNTED = r"(?P<times>once|twice|one|two|three|four|five|six|[1-6])\s*(?:times?|x|doses?)?\s*(?:a|per|each|/)\s*day"
_COUNTED_DAILY = (r"(?P<times2>once|twice|one|two|three|four|five|six|[1-6])[\s-]+(?:times?|doses?)[\s-]+daily|"
                  r"(?P<times3>once|twice)[\s-]+daily")  # "twice-daily timolol", "three-times-daily"
_HOURS = r"(?:q\.?\s?|every\s+)(?P<h>\d{1,2})(?:\s*(?:-|to)\s*(?P<h2>\d{1,2}))?\s*(?:h|hr|hrs|hours?)\b\.?"
_WEEKS = r"(?:q\.?\s?|every\s+)(?P<w>\d{1,2}|two|three|four)\s*(?:wk|wks|weeks?)\b"
# "3x/week", "twice weekly", "two times a week"; not "in 1 week" (a time, not a frequency)
_PER_WEEK = (r"(?P<wtimes>once|twice|one|two|three|four|five|six|[1-6])\s*(?:(?:times?|x)\s*(?:a|per|each|/)?\s*"
             r"(?:week|wk)(?:ly)?|(?:a|per|each|/)\s*(?:week|wk)|weekly|wkly)\b")
_DAYS = r"(?:q\.?\s?|every\s+)(?P<d>\d{1,2}|two|three|four|five|six|seven)\s*(?:d|days?)\b"
_MINUTES = r"(?:q\.?\s?|every\s+)(?P<min>\d{1,2})\s*(?:min|mins|minutes?)\b"
_MONTHS = r"(?:q\.?\s?|every\s+)(?P<mo>\d{1,2}|two|three|four|six)\s*(?:mo|mos|months?)\b"
_BARE_Q = r"q(?P<bare>\d{1,2})(?![\d-]|\s*(?:wk|wks|weeks?|mo|mos|months?|min|minutes?)\b)"


@functools.cache
def _pattern() -> re.Pattern[str]:
    fixed = "|".join(f"(?P<f{i}>{p})" for i, (p, _) in enumerate(_FIXED))
    return re.compile(
        rf"(?<![\w/])(?:{_COUNTED_DAILY}|{_COUNTED}|{_PER_WEEK}|{_HOURS}|{_WEEKS}|{_DAYS}|{_MINUTES}|{_MONTHS}|{_BARE_Q}|{fixed})(?![\w/])", re.IGNORECASE
    )


def find(text: str) -> list[Mention]:
    """Frequencies in ``text``; ``key`` is the canonical code."""
    found = []
    for m in _pattern().finditer(text):
        key = _key(m)
        if key:
            found.append(Mention(m.start(), m.end(), m.group(), key))
    return found


def _key(m: re.Match[str]) -> str | None:
    times = m["times"] or m["times2"] or m["times3"]
    if times:
        n = _TIMES[times.lower()]
        return f"{n}/d"
    if m["h"]:
        if m["h2"]:
            return f"q{int(m['h'])}-{int(m['h2'])}h"
        return _PER_DAY_HOURS.get(int(m["h"]), f"q{int(m['h'])}h")
    if m["wtimes"]:
        n = _TIMES[m["wtimes"].lower()]
        return "weekly" if n == 1 else f"{n}/w"
    if m["d"]:
        days = _TIMES.get(m["d"].lower()) or int(m["d"])
        return _PER_DAYS.get(days, f"q{days}d")
    if m["min"]:
        return f"q{int(m['min'])}min"
    if m["mo"]:
        return f"q{_TIMES.get(m['mo'].lower()) or int(m['mo'])}mo"
    if m["bare"]:
        return _PER_DAY_HOURS.get(int(m["bare"]), f"q{int(m['bare'])}h")
    if m["w"]:
        weeks = _TIMES.get(m["w"].lower()) or int(m["w"])
        return "weekly" if weeks == 1 else f"q{weeks}w"
    for i, (_, key) in enumerate(_FIXED):
        if m[f"f{i}"]:
            return key
    return None


def supports(claim: str, stated: str) -> bool:
    """Whether the note's frequency ``stated`` backs the summary's ``claim``.

    "daily" in a summary is backed by "nightly" or "every morning" in the note (less detail, not a
    different fact); the other way round is not.
    """
    return claim == stated or (claim == "1/d" and stated in ("qhs", "qam"))
