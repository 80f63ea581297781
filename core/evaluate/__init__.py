"""Before/after evaluation on held-out notes: ROUGE-1/2/L, fact recall and grounding flags, reported for
notes like the training data (*seen*) and notes of a specialty or layout never trained on (*unseen*)."""

from core.evaluate.facts import fact_recall, key_terms
from core.evaluate.metrics import NoteScore, aggregate, rouge, score
from core.evaluate.report import format_table, headline
from core.evaluate.runner import evaluate
from core.evaluate.select import Heldout, classify, pick

__all__ = ["Heldout", "NoteScore", "aggregate", "classify", "evaluate", "fact_recall", "format_table", "headline",
           "key_terms", "pick", "rouge", "score"]
