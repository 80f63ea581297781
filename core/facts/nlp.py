"""The medspaCy pipeline the fact extractor runs on: a blank English spaCy pipeline (no model is
downloaded) with medspaCy's sectionizer and ConText, sentence starts taken from the grounding splitter.

medspaCy's own sentence splitter (PyRuSH) is not used: it logs every token's text through loguru at
DEBUG level, and patient text must never reach a log or a console. loguru output from both packages is
disabled here, before they are imported, for the same reason.
"""

from __future__ import annotations

import functools
import threading

from core import paths
from core.facts import clauses, tables

SECTION_RULES = paths.RESOURCES / "facts" / "sections.tsv"
_LOCK = threading.Lock()


def _silence_loguru() -> None:
    from loguru import logger

    for package in ("PyRuSH", "medspacy", "quickumls"):
        logger.disable(package)


@functools.lru_cache(maxsize=1)
def _pipeline():
    _silence_loguru()
    import spacy
    from medspacy.context import ConText
    from medspacy.section_detection import Sectionizer

    nlp = spacy.blank("en")
    extra = section_rules()
    ours = {r.literal.lower() for r in extra}
    defaults = Sectionizer(nlp, rules="default").rules
    sectionizer = Sectionizer(nlp, rules=None, require_start_line=True)
    sectionizer.add([r for r in defaults if r.literal.lower() not in ours] + extra)
    # The targets are whole sentences, so a cue ("No fever.") lies inside its target: keep such modifiers.
    context = ConText(nlp, rules="default", prune_on_modifier_overlap=False)
    return nlp, sectionizer, context


def section_rules():
    """The shipped extra section titles (``resources/facts/sections.tsv``: category, tab, title)."""
    from medspacy.section_detection import SectionRule

    return [SectionRule(literal=title, category=category) for category, title in tables.pairs(SECTION_RULES)]


def preload() -> None:
    """Load spaCy and medspaCy now (about a second), so the first summary does not wait for it."""
    _pipeline()


def parse(text: str):
    """``text`` as a spaCy Doc with sentence starts set and sections found (``doc._.sections``)."""
    import warnings

    # spaCy pipelines are not documented as thread-safe; the window preloads from a thread.
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # W036: medspaCy's empty target matcher, harmless
        nlp, sectionizer, _ = _pipeline()
        doc = nlp.make_doc(text)
        starts = {a for a, _ in clauses.split(text)}
        for token in doc:
            token.is_sent_start = token.i == 0 or token.idx in starts
        return sectionizer(doc)


def assert_context(doc, spans: list[tuple[int, int]]) -> list[dict[str, bool]]:
    """ConText's labels for each character span of ``doc``: negated, historical, hypothetical, family."""
    import warnings

    from spacy.tokens import Span

    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # W036: medspaCy's empty target matcher, harmless
        _, _, context = _pipeline()
        ents: list = []
        taken: set[int] = set()
        for start, end in spans:
            span = doc.char_span(start, end, label="FACT", alignment_mode="expand")
            if span is not None and len(span) > 1:
                # ConText applies a cue to targets after it: leave a leading cue ("No fever") out of the target
                span = doc[span.start + 1 : span.end]
            if span is None or taken & set(range(span.start, span.end)):
                ents.append(None)
                continue
            taken |= set(range(span.start, span.end))
            ents.append(span)
        doc.ents = [Span(doc, s.start, s.end, label="FACT") for s in ents if s is not None]
        context(doc)
        by_start = {e.start: e for e in doc.ents}
        labels = []
        for span in ents:
            ent = by_start.get(span.start) if span is not None else None
            labels.append({k: bool(ent is not None and getattr(ent._, f"is_{k}"))
                           for k in ("negated", "historical", "hypothetical", "family")})
        return labels
