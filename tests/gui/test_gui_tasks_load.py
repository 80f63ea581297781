"""The window's engine load (gui/tasks.py, Qt-free): for a style whose summary takes every word from the note
(fact-anchored, a model that writes no narrative) only the tokenizer is loaded, so a first start does not
wait for the model's conversion; the model loads when a summary first asks it for text."""

from __future__ import annotations

from gui import tasks
from tests.gui.conftest import SHORT_NOTE


class Ctx:
    def __init__(self):
        self.statuses: list[str] = []
        self.tokens: list[str] = []

    def status(self, text: str) -> None:
        self.statuses.append(text)

    def token(self, text: str) -> None:
        self.tokens.append(text)

    def stage(self, stage) -> None:
        pass

    def should_stop(self) -> bool:
        return False


def _request() -> tasks.EngineRequest:
    return tasks.EngineRequest(engine="reference", variant="fp32", adapter="none")


def test_fact_anchored_style_loads_only_the_tokenizer_and_free_form_loads_the_model_when_asked(home):
    ctx = Ctx()
    engine = tasks.load_engine(ctx, _request(), None, "brief", None)
    assert engine.model is None and engine.tokenizer is not None and engine.info.tokenizer_only
    assert any("tokenizer" in s for s in ctx.statuses)

    facts = tasks.summarize_note(ctx, engine, 1, SHORT_NOTE, "brief", None, None, None)
    assert engine.model is None  # every word came from the note
    assert "troponin" in facts.result.summary

    ctx = Ctx()
    free = tasks.summarize_note(ctx, engine, 2, SHORT_NOTE, "brief", None, None, "free")
    assert engine.model is not None and not engine.info.tokenizer_only  # the first summary asking for text loaded it
    assert any(s.startswith("Loading the model") for s in ctx.statuses)
    assert free.result.summary.strip()


def test_free_form_mode_and_no_style_load_the_model(home):
    assert tasks.load_engine(Ctx(), _request(), None, "brief", "free").model is not None
    assert tasks.load_engine(Ctx(), _request()).model is not None
