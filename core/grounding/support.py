"""Which note sentences back each summary sentence, and how well (token overlap, weighted by rarity).

Both texts are tokenized and normalized (:mod:`vocabulary`); the note is indexed by sentence. A summary
word is backed by a note sentence that has the same normalized word, an equivalent spelling from the
abbreviation table (``HTN`` / ``hypertension``), or the same drug under another name (``Lasix`` /
``furosemide``). Up to :data:`MAX_SOURCES` note sentences are picked greedily to cover the most of the
summary sentence; the support score is the covered share of its words, each weighted by how rare it
is in English (a drug name or a number says more than "continued"). Measured against rapidfuzz's
``partial_token_set_ratio`` on the planted-error dev split (``benchmarks/grounding_bench.py``), this
separates fabricated from faithful sentences better and, unlike a string ratio, says which words
are backed and where.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass

from core.grounding import equivalents, implied, negation, sentences, shortforms, vocabulary
from core.grounding.findings import Mention

MAX_SOURCES = 4
MIN_GAIN = 0.08  # a further source sentence must cover at least this share of the sentence
NUMBER_WEIGHT = 2.5


def weight(token: vocabulary.Token) -> float:
    if token.key.startswith("#"):
        return NUMBER_WEIGHT
    return min(4.0, max(0.5, 6.0 - vocabulary.zipf(token.word.lower())))


class Indexed:
    """A text's tokens, sentences, equivalence groups and drug mentions, indexed by sentence."""

    def __init__(self, text: str, meds: list[Mention]):
        self.text = text
        self.tokens = vocabulary.tokens(text)
        keys = [t.key for t in self.tokens]
        self.segments = sentences.split(text)
        starts = [a for a, _ in self.segments]
        self.segment_of = [max(0, bisect.bisect_right(starts, t.start) - 1) for t in self.tokens]
        self.words = {t.word.lower() for t in self.tokens}
        self.words |= {re.sub(r"[-/]", "", w) for w in self.words}  # "post-ictal" also as "postictal"
        self.long_forms = shortforms.LongForms(text)
        self._lemmas: frozenset[str] | None = None
        self._by_lemma: dict[str, set[int]] | None = None
        self._by_word: dict[str, set[int]] = defaultdict(set)
        self._values: list[tuple[frozenset, float]] | None = None
        self._joined: frozenset[str] | None = None
        self.by_key: dict[str, set[int]] = defaultdict(set)
        for i, token in enumerate(self.tokens):
            self.by_key[token.key].add(self.segment_of[i])
        self.occurrences = equivalents.occurrences(keys)
        self.by_group: dict[int, set[int]] = defaultdict(set)
        for occ in self.occurrences:
            self.by_group[occ.group].add(self.segment_of[occ.first])
        # Every word of every spelling of a group the text states: "PUD" backs "ulcer" and "peptic".
        self.by_group_word: dict[str, set[int]] = defaultdict(set)
        for group, segs in self.by_group.items():
            for word in equivalents.words_of(group):
                self.by_group_word[word] |= segs
        self.by_med: dict[str, set[int]] = defaultdict(set)
        self.med_of: dict[int, str] = {}  # token index -> drug key
        token_starts = [t.start for t in self.tokens]
        for med in meds:
            i = bisect.bisect_left(token_starts, med.start)
            while i < len(self.tokens) and self.tokens[i].start < med.end:
                self.med_of[i] = med.key
                self.by_med[med.key].add(self.segment_of[i])
                for part in re.split(r"\s*[-/]\s*", str(med.key)) if re.search("[-/]", str(med.key)) else ():
                    self.by_med[part].add(self.segment_of[i])  # "carbidopa-levodopa" also backs "levodopa"
                i += 1

    def joined(self) -> frozenset[str]:
        """Every two adjacent words of the text written as one ("hand wash" -> "handwash"), computed once."""
        if self._joined is None:
            words = self.long_forms.words
            self._joined = frozenset(a + b for a, b in itertools.pairwise(words))
        return self._joined

    def values(self) -> list[tuple[frozenset, float]]:
        """The text's labelled values (lab results, vital signs), computed once."""
        if self._values is None:
            self._values = implied.values(self.text)
        return self._values

    def variant_segments(self, word: str) -> set[int]:
        """The sentences that have another form of ``word`` (as :meth:`has_variant` finds them):
        "axillae" for "axillary", "hypotensive" for "hypotension"."""
        if self._by_lemma is None:
            self._by_lemma = defaultdict(set)
            for i, token in enumerate(self.tokens):
                whole = self.text[token.start : token.end].lower()
                if whole.isalpha() and len(whole) >= 3:
                    self._by_word[whole].add(self.segment_of[i])
            for whole, segs in self._by_word.items():
                for lemma in vocabulary.lemmas(whole):
                    self._by_lemma[lemma] |= segs
        out: set[int] = set()
        for lemma in vocabulary.lemmas(word):
            out |= self._by_lemma.get(lemma, set())
        if len(word) >= 6:
            for other, segs in self._by_word.items():
                if _shared_start(word, other) or _compounded(word, other):
                    out |= segs
        return out

    def has_variant(self, word: str) -> bool:
        """Whether the text has another form of ``word``: the same lemma ("calves" / "calf"), or a long
        shared beginning ("diuresed" / "diuresis", "symptomatic" / "symptoms")."""
        if self._lemmas is None:
            self._lemmas = frozenset(lemma for w in self.long_forms.vocabulary for lemma in vocabulary.lemmas(w))
        if any(lemma in self._lemmas for lemma in vocabulary.lemmas(word)):
            return True
        if any(other in self.long_forms.vocabulary for other in _derived(word)):
            return True
        if len(word) < 6:
            return False
        return any(_shared_start(word, other) or _compounded(word, other) for other in self.long_forms.vocabulary)


# A clinical noun and the adjective made from it name one thing: stenosis / stenotic, ischemia / ischemic,
# septum / septal, retina / retinal, allergy / allergic
_DERIVED = (("sis", "tic"), ("ia", "ic"), ("um", "al"), ("a", "al"), ("y", "ic"))


def _derived(word: str) -> list[str]:
    """The other forms of ``word`` by :data:`_DERIVED`, both ways, from a stem of three letters or more."""
    out = []
    for noun, adjective in _DERIVED:
        for a, b in ((noun, adjective), (adjective, noun)):
            if word.endswith(a) and len(word) - len(a) >= 3:
                out.append(word[: -len(a)] + b)
    return out


def _compounded(word: str, other: str) -> bool:
    """``other`` is ``word`` after a combining form: "nasolaryngoscopy" for "laryngoscopy",
    "videolaryngoscope" for "laryngoscope" (a summary may drop the first part, not add one)."""
    cut = len(other) - len(word)
    return len(word) >= 8 and cut >= 3 and other.endswith(word) and other[cut - 1] == "o"


def _shared_start(word: str, other: str) -> bool:
    """A long shared beginning: "diuresed" / "diuresis", "axillary" / "axillae" (six letters or more, and
    three quarters of the shorter word)."""
    n = min(len(word), len(other))
    if n < 6 or other[:6] != word[:6]:
        return False
    shared = next((i for i in range(n) if word[i] != other[i]), n)
    return shared >= 0.75 * n


_HEADING = re.compile(r"#{1,6}\s.*|\*\*[^*]{1,60}\*\*:?|[A-Za-z][\w /&-]{0,40}:|[A-Z][A-Z&/-]*(?: [A-Z0-9&/-]+){1,5}")


def heading(text: str) -> bool:
    """A heading, not a claim: "### Summary", "**Plan:**", "Assessment:", "HOSPITAL COURSE"."""
    return bool(_HEADING.fullmatch(text.strip())) and len(text.split()) <= 6


def in_heading(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in a heading line ("Medication changes:", "Illness severity:"): a
    heading names a part of the summary, it claims nothing about the patient."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return heading(text[first : last if last >= 0 else len(text)])


def backing(summary: Indexed, note: Indexed) -> list[set[int]]:
    """For each summary token, the note sentences that back it (empty: the note never says it)."""
    out = [set(note.by_key.get(t.key, ())) | note.by_group_word.get(t.key, set()) for t in summary.tokens]
    for occ in summary.occurrences:
        segs = note.by_group.get(occ.group)
        if segs:
            for i in range(occ.first, occ.last):
                out[i] |= segs
    for i, key in summary.med_of.items():
        out[i] |= note.by_med.get(key, set())
    starts = [a for a, _ in note.segments]
    _spelled_out(summary, note, out)
    for i, token in enumerate(summary.tokens):
        if not out[i] and vocabulary.is_content(token) and not token.key.startswith("#"):
            at = note.long_forms.find(token.word if token.word.isalpha() else summary.text[token.start : token.end])
            if at is not None:  # "EBL" backed by the note's "estimated blood loss"
                out[i].add(max(0, bisect.bisect_right(starts, at) - 1))
            elif (part := summary.text[token.start : token.end].lower()).isalpha() and len(part) >= 5:
                out[i] |= note.variant_segments(part)  # "axillary" backed by the note's "axillae"
    return out


def _spelled_out(summary: Indexed, note: Indexed, out: list[set[int]]) -> None:
    """Back the summary's long forms of the note's capital short forms ("lower urinary tract symptoms" by the
    note's "LUTS"), and a short form's plural by its singular ("RBCs" by "RBC")."""
    token_starts = [t.start for t in summary.tokens]
    seen: set[str] = set()
    scoped: list[tuple[int, int]] | None = None
    for n, token in enumerate(note.tokens):
        short = token.word
        if short in seen or not vocabulary.is_acronym(short.rstrip("s")) or short.lower() in summary.words:
            continue
        seen.add(short)
        if scoped is None:
            scoped = [(sc.start, sc.end) for sc in negation.scopes(note.text)]
        if any(a <= token.start < b for a, b in scoped):
            continue  # "declined NRT": the negation check cannot see the long form; leave it to the term check
        seg = note.segment_of[n]
        for a, b in shortforms.spelled_out(short, summary.long_forms):
            if any(vocabulary.is_acronym(w) for w in summary.text[a:b].split()) or re.search(r"\n|[.;:!?,]\s", summary.text[a:b]):
                continue  # "MASH" does not spell the note's "MASLD"; a long form is one phrase
            i = bisect.bisect_left(token_starts, a)
            while i < len(summary.tokens) and summary.tokens[i].start < b:
                out[i].add(seg)
                i += 1
    for i, token in enumerate(summary.tokens):
        word = token.word
        if not out[i] and len(word) >= 3 and word.endswith("s") and vocabulary.is_acronym(word[:-1]):
            segs = [note.segment_of[n] for n, t in enumerate(note.tokens) if t.word == word[:-1]]
            out[i].update(segs)


def content_backed(text: str, against: Indexed) -> list[bool]:
    """For each content word of ``text``, whether ``against`` backs it in some spelling the check accepts."""
    from core.grounding import medications

    index = Indexed(text, medications.find(text))
    backed = backing(index, against)
    return [bool(backed[i]) for i, t in enumerate(index.tokens) if vocabulary.is_content(t)]


@dataclass(frozen=True)
class Alignment:
    start: int
    end: int
    """The summary sentence's span."""
    score: float
    """Share (0..1) of the sentence's rarity-weighted words that its sources back."""
    sources: tuple[tuple[int, int], ...]
    """Spans of the note sentences that back it, in note order."""
    words: int
    """Content words (and numbers) in the sentence."""


def align(summary: Indexed, note: Indexed, backed: list[set[int]]) -> list[Alignment]:
    """One alignment per summary sentence."""
    by_segment: dict[int, list[int]] = defaultdict(list)
    for i, seg in enumerate(summary.segment_of):
        by_segment[seg].append(i)
    out = []
    for seg, (start, end) in enumerate(summary.segments):
        items = [(weight(summary.tokens[i]), backed[i]) for i in by_segment.get(seg, ())
                 if vocabulary.is_content(summary.tokens[i])]
        total = sum(w for w, _ in items)
        if not items or total == 0 or heading(summary.text[start:end]):
            out.append(Alignment(start, end, 1.0, (), 0))
            continue
        chosen: list[int] = []
        covered = [False] * len(items)
        for _ in range(MAX_SOURCES):
            gains: dict[int, float] = defaultdict(float)
            for k, (w, segs) in enumerate(items):
                if not covered[k]:
                    for s in segs:
                        gains[s] += w
            if not gains:
                break
            best = max(gains, key=lambda s: (gains[s], -s))
            if gains[best] < MIN_GAIN * total and chosen:
                break
            chosen.append(best)
            for k, (_, segs) in enumerate(items):
                if best in segs:
                    covered[k] = True
        score = sum(w for (w, _), c in zip(items, covered, strict=True) if c) / total
        sources = tuple(note.segments[s] for s in sorted(chosen))
        out.append(Alignment(start, end, round(score, 3), sources, len(items)))
    return out


class Cover:
    """How much of a span of the summary the note backs, for comparing the note sentences a value could
    come from (rarity-weighted content words, as in :func:`align`)."""

    def __init__(self, summary: Indexed, note: Indexed, backed: list[set[int]]):
        self._note_starts = [x for x, _ in note.segments]
        self._starts = [t.start for t in summary.tokens]
        self._weights = [weight(t) if vocabulary.is_content(t) else 0.0 for t in summary.tokens]
        self._backed = backed

    def _words(self, span: tuple[int, int]) -> list[int]:
        lo, hi = bisect.bisect_left(self._starts, span[0]), bisect.bisect_left(self._starts, span[1])
        return [i for i in range(lo, hi) if self._weights[i]]

    def backed(self, span: tuple[int, int], position: int) -> float:
        """The words of the summary at ``span`` that the note sentence holding ``position`` backs."""
        seg = max(0, bisect.bisect_right(self._note_starts, position) - 1)
        return sum(self._weights[i] for i in self._words(span) if seg in self._backed[i])

    def total(self, span: tuple[int, int]) -> float:
        """All the content words of the summary at ``span``."""
        return sum(self._weights[i] for i in self._words(span))
