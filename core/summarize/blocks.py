"""The blocks of each structured style: which facts each block renders, in what order, and which
blocks the model writes (narrative). Handoff follows I-PASS: Illness severity, Patient summary, Action
list, Situation awareness and contingencies, Synthesis by receiver (left for the receiver to fill)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    title: str
    kinds: tuple[str, ...] = ()
    """Fact kinds rendered here; ``medication`` renders changes (``changes`` says which)."""
    limit: int = 4
    """Most facts of these kinds shown (medication changes are never cut)."""
    narrative: str | None = None
    """Name of a model-written part (``one_liner`` or ``course``), written first in the block."""
    changes: tuple[str, ...] = ("started", "stopped", "changed", "held", "continued")
    """Medication changes shown; all but ``continued`` are never cut, continued ones fill the budget."""


MED_CHANGES = Block("Medication changes", ("medication",), limit=0)

STYLES: dict[str, tuple[Block, ...]] = {
    "brief": (
        Block("Patient", ("presentation", "history"), limit=2, narrative="one_liner"),
        Block("Assessment", ("problem",), limit=5),
        MED_CHANGES,
        Block("Key results", ("result", "exam"), limit=4),
        Block("Plan", ("procedure", "consult", "disposition", "follow_up"), limit=5),
    ),
    "soap": (
        Block("S", ("presentation",), limit=2, narrative="one_liner"),
        Block("O", ("result", "exam"), limit=5),
        Block("A", ("problem",), limit=4),
        Block("P", ("medication", "procedure", "consult", "disposition", "follow_up"), limit=5),
    ),
    "discharge": (
        Block("Diagnoses", ("problem",), limit=4),
        Block("Hospital course", ("course", "presentation"), limit=3, narrative="course"),
        Block("Procedures", ("procedure",), limit=3),
        Block("Medication changes", ("medication",), limit=0),
        Block("Key results", ("result", "exam"), limit=3),
        Block("Disposition", ("disposition", "severity"), limit=2),
        Block("Follow-up", ("follow_up", "consult"), limit=4),
    ),
    "handoff": (
        Block("Illness severity", ("severity",), limit=2),
        Block("Patient summary", ("presentation", "history", "problem", "result", "exam"), limit=5,
              narrative="one_liner"),
        Block("Action list", ("medication", "follow_up", "consult", "disposition"), limit=4),
        Block("Situation awareness and contingencies", ("contingency",), limit=3),
        Block("Synthesis by receiver", (), limit=0),
    ),
}
