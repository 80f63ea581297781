"""Spoken punctuation in a dictated note ("... held comma no more KCl period Enoxaparin was ..."): a copy of
the note with the words made marks, offset for offset, so that clauses and change words are read as in a
typed note while every fact still points into (and quotes) the note itself. Only a note that dictates its
punctuation throughout is read so: "a period of two weeks" in a typed note is left alone."""

from __future__ import annotations

import functools
import re

_SPOKEN = re.compile(r" (comma|period|colon|semicolon|new paragraph)(?=\s|$)", re.IGNORECASE)
_MARK = {"comma": ",", "period": ".", "colon": ":", "semicolon": ";"}
MIN_SPOKEN = 5
"""Spoken marks of each of "comma" and "period" a note needs before its words are read as punctuation."""


@functools.lru_cache(maxsize=8)
def punctuated(note: str) -> str:
    """``note`` with " comma" / " period" / " colon" / " semicolon" as ",", ".", ":", ";" and " new paragraph"
    as a blank line, padded with spaces to the same length (so every offset holds), when the note dictates its
    punctuation; else ``note``."""
    words = [m.group(1).lower() for m in _SPOKEN.finditer(note)]
    if words.count("comma") < MIN_SPOKEN or words.count("period") < MIN_SPOKEN:
        return note
    out = list(note)
    for m in _SPOKEN.finditer(note):
        word = m.group(1).lower()
        if word == "new paragraph":  # a paragraph break: the spaces first, so that the next line starts at its word
            mark = "\n\n".rjust(len(m.group()))
        else:
            mark = _MARK[word].ljust(len(m.group()))
        out[m.start() : m.end()] = mark
        if word in ("period", "new paragraph"):  # the next sentence starts with a capital, as typed
            nxt = _NEXT_WORD.match(note, m.end())
            if nxt:
                out[nxt.end() - 1] = out[nxt.end() - 1].upper()
    return "".join(out)


_NEXT_WORD = re.compile(r"\s+[a-z]")
