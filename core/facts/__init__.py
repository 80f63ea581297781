"""Clinical facts from a note, deterministically, each with its source span: sections (medspaCy's
sectionizer), medications with their change (started, stopped, changed, held, continued), problems,
results, procedures, consults, disposition, follow-up — the facts a summary renders verbatim so that
they come from the note by construction."""

from core.facts.extract import extract
from core.facts.fact import CHANGES, KINDS, Extraction, Fact, Section
from core.facts.nlp import preload

__all__ = ["CHANGES", "KINDS", "Extraction", "Fact", "Section", "extract", "preload"]
