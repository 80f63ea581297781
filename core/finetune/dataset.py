"""Training examples: the exact prompt the summarizer sends, then the reference summary.

The prompt is built by the same code as inference (:meth:`core.engines.base.Engine.chat_prompt` with the
``brief`` template's system text and ``render_user(note)``), so the adapter learns to answer the prompt it
will see. The target is what the chat template appends for an assistant turn (the summary and the
end-of-turn token), so the model learns to stop. Loss is on target tokens only (prompt labels are -100).
Nothing is truncated: rows longer than ``max_length`` are excluded by validation before training.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from core.data import Pair
from core.engines.base import Engine
from core.summarize import templates

IGNORE = -100
STYLE = "brief"


@dataclass(frozen=True)
class Formatter:
    """Turns pairs into token ids with one tokenizer and the summarizer's template."""

    tokenizer: Any
    template: templates.Template

    @classmethod
    def for_tokenizer(cls, tokenizer, style: str = STYLE) -> Formatter:
        return cls(tokenizer, templates.load(style))

    def prompt(self, note: str) -> str:
        # Engine.chat_prompt only reads ``self.tokenizer``: reuse it rather than copy it.
        holder = SimpleNamespace(tokenizer=self.tokenizer)
        return Engine.chat_prompt(holder, self.template.system, self.template.render_user(note))  # type: ignore[arg-type]

    def target(self, note: str, summary: str) -> str:
        """The assistant turn as the chat template writes it after the prompt."""
        tok = self.tokenizer
        prompt = self.prompt(note)
        if getattr(tok, "chat_template", None):
            messages = [{"role": "system", "content": self.template.system},
                        {"role": "user", "content": self.template.render_user(note)},
                        {"role": "assistant", "content": summary}]
            full = tok.apply_chat_template(messages, tokenize=False)
            if full.startswith(prompt) and summary in full[len(prompt):]:
                return full[len(prompt):].rstrip("\n")
        return summary + (tok.eos_token or "")

    def encode(self, pair: Pair) -> dict[str, list[int]]:
        """``input_ids`` (prompt + target) and ``labels`` (-100 over the prompt)."""
        tok = self.tokenizer
        prompt_ids = tok(self.prompt(pair.note), add_special_tokens=False)["input_ids"]
        target_ids = tok(self.target(pair.note, pair.summary), add_special_tokens=False)["input_ids"]
        return {"input_ids": prompt_ids + target_ids, "labels": [IGNORE] * len(prompt_ids) + target_ids}

    def length(self, pair: Pair) -> int:
        return len(self.encode(pair)["input_ids"])


def collate(pad_id: int):
    """A collator padding on the right: pad tokens are masked out and carry no loss."""

    def _collate(rows: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(r["input_ids"]) for r in rows)
        ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
        labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            n = len(r["input_ids"])
            ids[i, :n] = torch.tensor(r["input_ids"])
            labels[i, :n] = torch.tensor(r["labels"])
            mask[i, :n] = 1
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}

    return _collate


def pad_id(tokenizer) -> int:
    for value in (tokenizer.pad_token_id, tokenizer.eos_token_id, 0):
        if value is not None:
            return int(value)
    return 0
