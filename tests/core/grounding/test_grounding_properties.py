"""Property tests: any text checks without error, spans index the summary, and a text supports itself."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from core.grounding import KINDS, check
from core.grounding.negation import scopes

_VOCABULARY = (
    "no denies without chest pain fever cough left right bilateral knee hip RLL lobe lower metoprolol "
    "Lasix aspirin lisinopril atorvastatin 25 mg 1,000 1 g 40 mcg/kg/min units BP 120/80 mmHg HR 96 bpm "
    "38.5 °C 101 F 94% 03/14/2024 2024-03-15 March 14 14 March 2024 ruled out rule out but and or , . ; \n"
    "IV of PO BID was is not have reports"
)
WORDS = _VOCABULARY.split(" ")
clinical = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
anything = st.one_of(clinical, st.text(max_size=200))


@settings(max_examples=300, deadline=None)
@given(summary=anything, note=anything)
def test_flags_are_well_formed(summary, note):
    flags = check(summary, note)
    assert [(f.start, f.end) for f in flags] == sorted((f.start, f.end) for f in flags)
    for f in flags:
        assert 0 <= f.start < f.end <= len(summary)
        assert summary[f.start : f.end] == f.text
        assert f.kind in KINDS
        assert f.reason


@settings(max_examples=300, deadline=None)
@given(text=clinical)
def test_a_text_supports_itself(text):
    assert check(text, text) == []


@settings(max_examples=300, deadline=None)
@given(text=anything)
def test_negation_scopes_are_ordered_and_disjoint(text):
    found = scopes(text)
    for scope in found:
        assert scope.start <= scope.end <= len(text)
        # the cue is before its scope ("denies chest pain") or right after it ("PE was ruled out")
        assert scope.trigger <= scope.start or scope.end <= scope.trigger
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
