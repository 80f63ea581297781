"""Scan a fine-tuning dataset for likely patient identifiers, and scrub them from text.

Detected kinds: titled person names, MRNs, phone numbers, emails, street addresses and dates of birth.
This is a heuristic safety net, not de-identification: it finds common patterns in English notes.
A :class:`PrivacyReport` holds counts and row numbers per kind, never the matched values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"""(?:
      \d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})    # 03/14/1962, 14.03.62
    | \d{{4}}-\d{{2}}-\d{{2}}                            # 1962-03-14
    | \d{{1,2}}\s+{_MONTH},?\s+\d{{4}}                   # 14 March 1962
    | {_MONTH}\s+\d{{1,2}},?\s+\d{{4}}                   # March 14, 1962
)"""

# A capitalized name word: Smith, O'Neil, McDonald, Baker-Jones.
_WORD = r"(?:[A-Z]')?(?:Mc|Mac)?[A-Z][a-z]+(?:-(?:[A-Z]')?[A-Z][a-z]+)?"

# Each pattern's group "id" is the identifier itself; any label around it is kept by scrub_text.
PATTERNS: dict[str, re.Pattern[str]] = {
    "name": re.compile(rf"""
        (?: \b(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof)\b\.?\s+              # a title, then
            (?!(?:He|She|They|The|This|It|We|His|Her|Patient|Pt)\b) #   (not "Oak Dr. He ...")
            (?P<id>{_WORD}(?:[ \t]+(?:[A-Z]\.[ \t]+)?{_WORD})?)   #   a name and maybe a surname
        )
      | (?: \b(?i:patient\s+name|patient|name)\s*:[ \t]*         # "Name: John A. Smith"
            (?P<id2>{_WORD}(?:[ \t]+[A-Z]\.?)?[ \t]+{_WORD})
        )
    """, re.VERBOSE),
    "mrn": re.compile(r"""
        \b(?i:MRN|MR\s*\#|medical\s+record\s+(?:number|no\.?|\#)|hospital\s+(?:number|no\.?)
              |patient\s+(?:id|number|no\.?)|chart\s+(?:number|no\.?))
        [^\w\n]{0,4}(?i:is\s+)?                                  # ": ", " # ", " is "
        (?P<id>[A-Z]{0,3}-?\d{4,12})\b                           # MRN 12345678, MRN: AB-1234567
      | \b(?i:MRN|medical\s+record|record|chart|hospital)\b     # a 6-10 digit ID near a label
        [^\d\n]{0,20}?(?<![\d.])(?P<id2>\d{6,10})\b(?![.,]\d)
    """, re.VERBOSE),
    "phone": re.compile(r"""
        (?<![\w/.-])
        (?P<id> (?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}   # (555) 123-4567, 555.123.4567
              | \+\d{1,3}(?:[\s.-]?\d{2,4}){2,4} )                         # +44 20 7946 0958
        (?![\w/-]|\.\d)
    """, re.VERBOSE),
    "email": re.compile(r"(?P<id>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b"),
    "address": re.compile(r"""
        (?P<id>\b\d{1,5}[A-Za-z]?\s+                             # house number
            (?:(?:[A-Z][a-z]+|\d+(?:st|nd|rd|th))\.?\s+){1,3}    # street name words: Oak, 5th, St. James
            (?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct
               |Way|Place|Pl|Terrace|Close|Crescent|Highway|Hwy)\b\.?)
    """, re.VERBOSE),
    "dob": re.compile(rf"""
        \b(?i:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)
        [^\w\n]{{0,4}}                                           # ": ", " - "
        (?P<id>{_DATE})(?!\d)
    """, re.VERBOSE),
}
PLACEHOLDERS = {"name": "[NAME]", "mrn": "[MRN]", "phone": "[PHONE]", "email": "[EMAIL]",
                "address": "[ADDRESS]", "dob": "[DOB]"}
KINDS = tuple(PATTERNS)


@dataclass(frozen=True)
class PrivacyReport:
    """Counts and row numbers per kind; holds no matched text."""

    rows_scanned: int
    counts: dict[str, int]
    rows: dict[str, tuple[int, ...]]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def clean(self) -> bool:
        return self.total == 0

    def summary(self, max_rows: int = 10) -> str:
        """One line per kind found, e.g. ``phone: 3 in rows 4, 9``."""
        if self.clean:
            return f"No likely identifiers found in {self.rows_scanned} rows."
        out = [f"Likely identifiers in {self.rows_scanned} rows:"]
        for kind in KINDS:
            if self.counts[kind]:
                rows = self.rows[kind]
                shown = ", ".join(map(str, rows[:max_rows])) + (" ..." if len(rows) > max_rows else "")
                out.append(f"  {kind}: {self.counts[kind]} in rows {shown}")
        return "\n".join(out)


def find_spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) of each identifier, in text order (one pass).

    :func:`scrub_text` and :func:`scan_texts` repeat the search on the scrubbed text, which can
    reveal an identifier that a neighbour hid ("MRN: 1234567 7654321").
    """
    found: list[tuple[int, int, str]] = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            group = "id" if m.group("id") is not None else "id2"
            found.append((m.start(group), m.end(group), kind))
    found.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    spans: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, kind))
    return spans


def _scrub(text: str) -> tuple[str, list[str]]:
    """(scrubbed text, kind of each identifier replaced)."""
    kinds: list[str] = []
    for _ in range(10):  # each pass replaces at least one identifier; placeholders never match
        spans = find_spans(text)
        if not spans:
            break
        for start, end, kind in reversed(spans):
            text = text[:start] + PLACEHOLDERS[kind] + text[end:]
            kinds.append(kind)
    return text, kinds


def scan_texts(rows: Iterable[tuple[int, str]]) -> PrivacyReport:
    """Scan ``(row number, text)`` pairs; the report lists counts and rows per kind."""
    counts = dict.fromkeys(KINDS, 0)
    hits: dict[str, set[int]] = {k: set() for k in KINDS}
    scanned = 0
    for row, text in rows:
        scanned += 1
        for kind in _scrub(text)[1]:
            counts[kind] += 1
            hits[kind].add(row)
    return PrivacyReport(scanned, counts, {k: tuple(sorted(v)) for k, v in hits.items()})


def scrub_text(text: str) -> str:
    """``text`` with each identifier replaced by its placeholder (``[NAME]``, ``[MRN]``, ...)."""
    return _scrub(text)[0]
