"""Terms not in the note: a word of the summary that the note never says, in any spelling we know,
and that is not ordinary English — an invented drug, diagnosis, procedure, test or organism.

"Not ordinary English" is decided by data, not by a hand list: the word is rare in English
(``wordfreq`` Zipf below :data:`RARE_ZIPF`), or an all-capital abbreviation (``MRI``, ``CKD``), or a
word of ICD-10-CM's disease and finding titles that is not among the most common English words
(``pneumonia``, ``diabetes``, ``fibrillation``). A word that English knows only as a verb, adjective or
adverb (``endorses``, ``initially``, ``persistent`` — parts of speech from ``lemminflect``, whose
lexicon comes from the NLM SPECIALIST Lexicon) is how a sentence is phrased, not a thing it claims,
and is not flagged by itself. Words the note has — after case, plural, hyphen,
word-ending and abbreviation/synonym normalization — are never flagged.
"""

from __future__ import annotations

import re

from core.grounding import equivalents, implied, quantities, support, vocabulary
from core.grounding.findings import Flag, Taken, squash
from core.grounding.support import Indexed

# Words that report a test or a procedure: an unbacked noun next to one of them ("chest ultrasound
# showed", "underwent closed reduction", "stress test negative") is a claimed test or procedure, however
# common the word is in English.
_FINDING_VERBS = (
    "underwent undergo undergoes undergoing performed showed shows show revealed reveals demonstrated "
    "demonstrates ordered obtained scheduled planned done negative positive unremarkable abnormal "
    "consistent confirmed applied placed inserted administered"
)
FINDING_VERBS = frozenset(_FINDING_VERBS.split())
# Words that name a part of the record or a treatment's purpose ("Hx of eczema", "Diagnosis is gout",
# "HR 118 on admission", "VTE ppx with heparin"), not a finding: the claim is in the words they go with.
RECORD_WORDS = frozenset({"hx", "history", "dx", "diagnosis", "diagnoses", "admission", "ppx", "prophylaxis"})
CONTEXT_TOKENS = 4
RARE_ZIPF = 3.0
CLINICAL_ZIPF = 4.3
ACRONYM_ZIPF = 5.0  # "PLAN", "NOTE" in capitals are headings, not abbreviations


def is_term(word: str) -> bool:
    """Whether a summary word the note lacks makes a claim worth flagging (see the module doc)."""
    lower = word.lower()
    if len(word) >= 6 and vocabulary.is_acronym(word) and vocabulary.zipf(lower) >= RARE_ZIPF:
        word = lower  # "CONTINUED", "STOPPED": an ordinary word in capitals, not an abbreviation
    if lower in RECORD_WORDS:
        return False
    frequency = vocabulary.zipf(lower)
    if not vocabulary.is_acronym(word) and not vocabulary.can_be_noun(lower):
        return _site_or_cause(lower, frequency)
    if frequency < RARE_ZIPF:
        return True
    if vocabulary.is_acronym(word) and frequency < ACRONYM_ZIPF:
        return True
    return (frequency < CLINICAL_ZIPF and vocabulary.only_noun(lower)
            and vocabulary.stem(lower) in vocabulary.clinical_stems())


def _site_or_cause(lower: str, frequency: float) -> bool:
    """A rare relational adjective of ICD-10-CM's titles names where or from what a disease is
    ("duodenal" ulcer, "pericardial" effusion, "streptococcal" pharyngitis): a claim. Relational
    adjectives are made from nouns (-al, -ar, -ic, -ary); descriptive ones ("purulent", "febrile",
    "erythematous") say how a finding looks, which a paraphrase may reword."""
    return (frequency < RARE_ZIPF and lower.endswith(_RELATIONAL) and vocabulary.only_adjective(lower)
            and vocabulary.stem(lower) in vocabulary.clinical_stems())


_RELATIONAL = ("al", "ar", "ic", "ary")


def flags(summary: Indexed, note: Indexed, backed: list[set[int]], taken: Taken) -> list[Flag]:
    """One flag per run of adjacent unbacked terms (``lumbar puncture`` is one flag, not two)."""
    runs: list[list[int]] = []
    stated = None
    phrased = _unstated_phrases(summary, note)
    named = _unstated_diagnoses(summary, note, backed)
    for i, token in enumerate(summary.tokens):
        if (backed[i] and i not in named) or token.key.startswith("#") or not vocabulary.is_content(token) \
                or re.fullmatch(r"q\d+\w*", token.key):  # "q4" of "q4-5 min": an interval, not a term
            continue
        if i in summary.med_of or taken.overlaps(token.start, token.end):
            continue  # drug names are the medication check's; dates, doses, sides already flagged
        part = summary.text[token.start : token.end]
        if _label(summary.text, token) or support.in_heading(summary.text, token.start, token.end):
            continue
        whole = token.word.lower()
        if i in named:
            pass  # each word is in the note, but never the diagnosis they name together
        elif whole in note.words or re.sub(r"[-/]", "", whole) in note.words or part.lower() in note.words:
            continue
        elif note.has_variant(part.lower()) or implied.implied(part, note.values()) or whole in note.joined():
            continue  # "handwash" for the note's "hand wash"
        if implied.is_label(part):
            stated = stated if stated is not None else {v for _, _, v in quantities.all_numbers(note.text)}
            if _value_after(summary.text, token.end, stated):
                continue  # "BP 148/82", "Tmax 38.4 C": the value is the claim, checked as a value
        if not is_term(part) and not _reported_test(summary, i, part) and not _diagnosed(summary, i, part) \
                and i not in phrased and i not in named:
            continue
        previous = summary.tokens[runs[-1][-1]] if runs else None
        gap = summary.text[previous.end : token.start] if previous else "x"
        if previous and runs[-1][-1] == i - 1 and gap.strip(" -/") == "" and "\n" not in gap:
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for run in runs:
        start, end = summary.tokens[run[0]].start, summary.tokens[run[-1]].end
        text = summary.text[start:end]
        out.append(Flag(start, end, "term", text, f"{squash(text)} is not in the note"))
    return out


def _unstated_phrases(summary: Indexed, note: Indexed) -> set[int]:
    """Token indices of the summary's clinical phrases of everyday words ("frozen section", "bone scan"),
    spellings of the abbreviation table's groups, that the note states in no spelling: the table says
    they name a clinical thing, however ordinary their words are."""
    out: set[int] = set()
    for occ in summary.occurrences:
        words = [k for k in range(occ.first, occ.last) if vocabulary.is_content(summary.tokens[k])]
        if len(words) >= 2 and occ.group not in note.by_group and not _everyday(occ.group):
            out.update(range(occ.first, occ.last))
    return out


EVERYDAY_ZIPF = 5.0  # "after", "stop", "week": a word everyone uses


def _everyday(group: int) -> bool:
    """A group that English also says in one everyday word ("s/p | status post | after") is a way of
    putting things, not a clinical thing: its phrases claim nothing by themselves."""
    return any(re.fullmatch(r"[a-z]{4,}", spelling.lower()) and vocabulary.zipf(spelling.lower()) >= EVERYDAY_ZIPF
               for spelling in equivalents.table().groups[group])  # not "or", "hi": abbreviations as well


def _unstated_diagnoses(summary: Indexed, note: Indexed, backed: list[set[int]]) -> set[int]:
    """Token indices of the summary's diagnoses named by the abbreviation table in words the note has,
    but never together ("alcohol use disorder" where the note has "alcohol use" and "bipolar disorder"):
    a spelling of two content words or more that ends in a disease word (ICD-10-CM's titles: "disorder",
    "failure", "disease"), whose group the note never states, whose words no one note sentence backs
    all of, and that no group the note states says with more detail ("heart failure" is in the note's
    "heart failure with preserved ejection fraction"). A phrase with a word the note lacks altogether is
    left to the word-by-word check."""
    out: set[int] = set()
    table = equivalents.table()
    stated = None
    for occ in summary.occurrences:
        if occ.group in note.by_group:
            continue
        content = [k for k in range(occ.first, occ.last) if vocabulary.is_content(summary.tokens[k])]
        words = [summary.tokens[k] for k in content]
        if len(words) < 2 or words[-1].key.startswith("#") or not all(backed[k] for k in content):
            continue
        if set.intersection(*(backed[k] for k in content)):
            continue  # one note sentence has every word: "SOB on exertion" for "shortness of breath on exertion"
        head = words[-1].word.lower()
        if vocabulary.stem(head) not in vocabulary.clinical_stems() or not vocabulary.can_be_noun(head):
            continue
        if stated is None:
            stated = [frozenset(t.key for t in vocabulary.tokens(spelling) if vocabulary.is_content(t))
                      for group in note.by_group for spelling in table.groups[group]]
        keys = {t.key for t in words}
        if not any(keys <= spelled for spelled in stated):
            out.update(range(occ.first, occ.last))
    return out


def number_flags(summary: str, note: str, taken: Taken, note_dates=(), digits: str | None = None) -> list[Flag]:
    """Bare numbers (counts, scores, ages without a unit) that appear nowhere in the note; with ``digits``
    (the summary with number words as digits, same offsets) numbers written as words count too."""
    stated = {value for _, _, value in quantities.all_numbers(note)}
    stated |= {float(x) for x in re.findall(r"(?<![A-Za-z])[xX×]\s?(\d+)\b", note)}  # "falls x2"
    stated |= {float(year) for d in note_dates for year, _, _ in d.key if year}  # "February 2033"
    words = set(re.findall(r"[a-z]+", note.lower()))
    stated |= {float(v) for w, v in (*vocabulary.NUMBER_WORDS.items(), *vocabulary.ORDINALS.items()) if w in words}
    out = []
    for start, end, value in quantities.all_numbers(digits or summary):
        while end < len(summary) and summary[end].isalpha() and summary[end - 1].isalpha():
            end += 1  # "three", not "t"
        if value in stated or taken.overlaps(start, end) or _list_number(summary, start, end):
            continue
        text = summary[start:end]
        out.append(Flag(start, end, "number", text, f"the number {text} does not appear in the note"))
    return out


def _value_after(text: str, end: int, stated: set[float]) -> bool:
    """Whether a number the note states follows a label within a few words ("BP drop 148/82")."""
    gap = len(re.match(r"[^.;\n\d]{0,20}", text[end:]).group())  # type: ignore[union-attr]  # {0,} always matches
    numbers = quantities.all_numbers(text[end + gap : end + gap + 12])
    return bool(numbers) and numbers[0][0] == 0 and numbers[0][2] in stated


def _list_number(text: str, start: int, end: int) -> bool:
    """``1.`` or ``2)`` opening a line: a list marker, not a claim."""
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and text[end : end + 1] in (".", ")")


def _reported_test(summary: Indexed, i: int, word: str) -> bool:
    """An unbacked noun within a few words of a test/procedure word, in the same clause."""
    tokens, text = summary.tokens, summary.text
    if vocabulary.zipf(word.lower()) >= 5.0 or not (vocabulary.can_be_noun(word.lower()) or _modifier(summary, i)):
        return False
    lo, hi = max(0, i - CONTEXT_TOKENS), min(len(tokens), i + CONTEXT_TOKENS + 1)
    for j in range(lo, hi):
        if j != i and tokens[j].word.lower() in FINDING_VERBS:
            a, b = sorted((tokens[i].end, tokens[j].start)) if j > i else sorted((tokens[j].end, tokens[i].start))
            if not re.search(r"[.;:,()\n]", text[a:b]):
                return True
    return False


_DIAGNOSIS_CUE = re.compile(
    r"\b(?:history\s+of|hx\s+of|h/o|pmh|past\s+medical\s+history|diagnosed\s+with|diagnosis\s+of|dx\s+of|"
    r"known|complicated\s+by|secondary\s+to|due\s+to|consistent\s+with|suspected|presumed|"
    r"concerning\s+for|concern\s+for|suspicious\s+for|suggestive\s+of|worrisome\s+for|c/w)\b",
    re.IGNORECASE,
)


def _diagnosed(summary: Indexed, i: int, word: str) -> bool:
    """A disease word that is also everyday English ("depression", "stroke", "migraine", "fracture": an
    ICD-10-CM word, a noun, Zipf below 5) named where a summary lists diagnoses: after "history of",
    "diagnosed with", "complicated by", ... in the same sentence."""
    lower = word.lower()
    if vocabulary.zipf(lower) >= 5.0 or not vocabulary.can_be_noun(lower) or vocabulary.stem(lower) not in vocabulary.clinical_stems():
        return False
    text, start = summary.text, summary.tokens[i].start
    before = text[max(0, start - 80) : start]
    before = re.split(r"[.;:\n]", before)[-1]
    return bool(_DIAGNOSIS_CUE.search(before))


def _modifier(summary: Indexed, i: int) -> bool:
    """An adjective right before a noun: "nuclear" of "nuclear stress test" (a kind of test)."""
    tokens = summary.tokens
    if not vocabulary.only_adjective(tokens[i].word.lower()):
        return False
    if i + 1 >= len(tokens) or summary.text[tokens[i].end : tokens[i + 1].start] != " ":
        return False
    return vocabulary.can_be_noun(tokens[i + 1].word.lower())


def _label(text: str, token: vocabulary.Token) -> bool:
    """``Diagnosis:``, ``Dx:``, ``Plan:`` opening a line or sentence: a field label, not a claim."""
    if text[token.end : token.end + 1] != ":":
        return False
    before = text[: token.start].rstrip(" -*•\t")
    return not before or before[-1] in ".\n"
