"""A model-free engine for tests of the summary workflows: it writes ``reply`` for every prompt, word by
word, and can stand in for a user's Ctrl-C (``KeyboardInterrupt``) when a prompt holds ``interrupt_on``."""

from __future__ import annotations

from core.engines.base import EngineInfo


class StubEngine:
    def __init__(self, reply: str = "The patient was seen in clinic.", interrupt_on: str | None = None):
        self.reply = reply
        self.interrupt_on = interrupt_on
        self.prompts: list[str] = []
        self.info = EngineInfo(name="stub", model_id="stub", variant="none")

    def chat_prompt(self, system: str, user: str) -> str:
        return f"{system}\n{user}"

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, prompt, settings=None, stop=None):
        self.prompts.append(prompt)
        for word in self.reply.split(" "):
            if self.interrupt_on is not None and self.interrupt_on in prompt:
                raise KeyboardInterrupt
            if stop is not None and stop():
                return
            yield word + " "
