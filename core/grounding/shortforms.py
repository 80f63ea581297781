"""Short forms a clinician coins on the fly: ``EBL`` for the note's "estimated blood loss", ``LVO`` for
"large vessel occlusion", ``HD`` for "hemodialysis", ``pulm`` for "pulmonary", ``mgmt`` for "management".

No table can list every abbreviation a summary may use, so a short form is also accepted when the note
has a long form it abbreviates, found the way Schwartz & Hearst (2003) match abbreviation definitions:
the short form's first letter starts a word, and its other letters follow in order, each new word
starting with the next letter (a word may also give several letters: P-ost V-oid R-esidual,
L-aryngo-P-haryngeal R-eflux); the long form has two words or more, and a two-letter short form
("CT", "PE") fits too many word pairs to be trusted, so only the table's count. Only the
note's long forms count, and the match must use consecutive words (small function words may be
skipped), so a made-up name does not find one by chance. Hand-written because the libraries that
implement it (scispacy's AbbreviationDetector) look only for definitions written out in one text,
"estimated blood loss (EBL)", not for a long form in another text.

The other way round, a summary may spell out what the note abbreviates ("invasive ductal carcinoma" for
the note's ``IDC``, "lower urinary tract symptoms" for ``LUTS``): :func:`spelled_out` finds those
long forms by a stricter match, for the note's capital short forms of three letters or more: each word
gives its first letter, and only a long compound word one more from its second half ("thyro-mental
distance" for ``TMD``), so that "health nursing" does not spell ``HTN``.
"""

from __future__ import annotations

import functools
import re

_SKIP = frozenset({"of", "and", "the", "to", "with", "in", "on", "for", "a", "an", "or", "&"})
_WORD = re.compile(r"[a-z0-9]+")


class LongForms:
    """A note's words, indexed by first letter, for finding long forms."""

    def __init__(self, text: str):
        found = list(_WORD.finditer(text.lower()))
        self.words = [m.group() for m in found]
        self.offsets = [m.start() for m in found]
        self.first_offset: dict[str, int] = {}
        for m in found:
            self.first_offset.setdefault(m.group(), m.start())
        self.vocabulary = frozenset(self.words)
        self.starts: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.starts.setdefault(word[0], []).append(i)

    def abbreviates(self, short: str) -> bool:
        """Whether ``short`` (as written in the summary) abbreviates words of the note."""
        return self.find(short) is not None

    def find(self, short: str) -> int | None:
        """Where in the note the long form of ``short`` starts (character offset), or None."""
        letters = short.lower()
        if len(letters) > 3 and letters.endswith("s") and not short.endswith("S"):
            letters = letters[:-1]  # "TVFs", "accels", "meds"
        if not re.fullmatch(r"[a-z][a-z0-9]*", letters) or len(letters) < 3:
            return None  # two letters ("CT", "PE") fit too many pairs of words: only the table counts
        if short.isupper() or any(c.isupper() for c in short[1:]):
            return next((self.offsets[i] for i in self.starts.get(letters[0], ())
                         if _acronym(letters, self.words, i)), None)
        return self._shorthand(letters)

    def _shorthand(self, short: str) -> int | None:
        """``pulm`` (pulmonary), ``alb`` (albumin), ``mgmt`` (management), ``mtg`` (meeting)."""
        vowelless = len(short) <= 5 and sum(c in "aeiou" for c in short[1:]) <= 1
        for word in sorted(self.vocabulary):
            if len(word) <= len(short) or word[0] != short[0]:
                continue
            if word.startswith(short) or (vowelless and _subsequence(short, word)):
                return self.first_offset[word]
        return None


def _subsequence(short: str, word: str) -> bool:
    it = iter(word)
    return all(ch in it for ch in short)


def _acronym(letters: str, words: list[str], i: int) -> bool:
    return _match(letters, 0, tuple(words[i : i + len(letters) + 3]), 0)


@functools.lru_cache(maxsize=100_000)
def _match(letters: str, k: int, words: tuple[str, ...], w: int) -> bool:
    """Letters ``k:`` matched from word ``w`` on; each used word starts with its first matched letter."""
    if k == len(letters):
        return w > 1  # a long form has two words or more: "metformin" does not spell "MRI"
    if w >= len(words):
        return False
    word = words[w]
    if word in _SKIP and k > 0 and _match(letters, k, words, w + 1):
        return True  # "of" skipped ("acute exacerbation of COPD") or used ("leakage of fluid": LOF)
    if word[0] != letters[k]:
        return False
    if letters.startswith(word, k) and len(word) > 1 and _match(letters, k + len(word), words, w + 1):
        return True  # an abbreviation inside the long form: "AECOPD" <- "acute exacerbation of COPD"
    # this word gives letters[k] and maybe more letters from its inside, in order
    end = k + 1
    positions = [0]
    while True:
        if _match(letters, end, words, w + 1):
            return True
        if end >= len(letters):
            return False
        nxt = word.find(letters[end], positions[-1] + 1)
        if nxt < 0:
            return False
        positions.append(nxt)
        end += 1


def spelled_out(short: str, text: LongForms) -> list[tuple[int, int]]:
    """Character spans of ``text`` where consecutive words spell out the capital short form ``short``
    (``IDC`` -> "invasive ductal carcinoma"); none for short forms under three letters."""
    letters = short.lower()
    if short.endswith("s") and len(letters) > 3:
        letters = letters[:-1]  # "RBCs", "PVCs"
    if not re.fullmatch(r"[a-z][a-z0-9]*", letters) or len(letters) < 3:
        return []
    out = []
    for i in text.starts.get(letters[0], ()):
        for n in range(2, len(letters) + 4):
            words = tuple(text.words[i : i + n])
            if len(words) < n:
                break
            if _initials(letters, 0, words, 0):  # the fewest words that spell it: exactly these n
                last = i + n - 1
                out.append((text.offsets[i], text.offsets[last] + len(text.words[last])))
                break
    return out


@functools.lru_cache(maxsize=100_000)
def _initials(letters: str, k: int, words: tuple[str, ...], w: int) -> bool:
    """Letters ``k:`` spelled by words ``w:``, each word giving its first letter (a long compound word may
    give one more from its second half); every word is used, small function words may be skipped."""
    if w == len(words):
        return k == len(letters) and w > 1
    word = words[w]
    if word in _SKIP and k > 0 and _initials(letters, k, words, w + 1):
        return True
    if k >= len(letters) or word[0] != letters[k] or (k == 0 and word in _SKIP):
        return False  # "a submucosal" does not spell ASA
    if _initials(letters, k + 1, words, w + 1):
        return True
    second = word.find(letters[k + 1], 4) if len(word) >= 8 and k + 1 < len(letters) else -1
    # the second half is a word of its own ("thyro|mental"), not an ending ("submucos|al")
    return 0 <= second <= len(word) - 4 and _initials(letters, k + 2, words, w + 1)
