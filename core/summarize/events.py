"""Plain events that ``summarize()`` yields; the CLI prints them, the GUI turns them into signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Stage:
    """A step began: ``loading``, ``chunking``, ``part`` (i of n), ``combining``, ``writing``."""

    name: str
    message: str
    part: int = 0
    parts: int = 0


@dataclass(frozen=True)
class Token:
    """A piece of the final summary's text (streamed)."""

    text: str


@dataclass
class SummaryResult:
    summary: str
    style: str
    flags: list = field(default_factory=list)
    chunking: dict = field(default_factory=dict)
    engine: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    template_source: str = "builtin"
    grounding: Any = None
    """The grounding :class:`core.grounding.Report`: sentence support and provenance (``flags`` is its flags)."""
    # In-memory trace for tests and the GUI (never logged or written): the prompts' note parts and
    # the partial summaries fed to the combining step.
    trace: dict = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return {
            "summary": self.summary,
            "style": self.style,
            "flags": [asdict(f) for f in self.flags],
            "grounding": self.grounding.as_dict(self.summary) if self.grounding is not None else None,
            "chunking": self.chunking,
            "engine": self.engine,
            "timings": self.timings,
            "template_source": self.template_source,
        }


@dataclass(frozen=True)
class Finished:
    result: SummaryResult
