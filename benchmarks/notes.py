"""Benchmark prompts: synthetic notes concatenated to ~500, ~2,000 and ~6,000 prompt tokens, wrapped in
ChartBrief's own "brief" summary prompt (system + user template + the model's chat template).

Pure apart from reading the jsonl: token counting is passed in, so tests use a fake tokenizer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from core import paths

NOTES_FILE = paths.RESOURCES / "datasets" / "synthetic_notes.jsonl"
SEPARATOR = "\n\n---\n\n"


def load_notes(path: Path = NOTES_FILE) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["note"] for line in f if line.strip()]


def build_note(notes: list[str], target_tokens: int, count: Callable[[str], int]) -> str:
    """Concatenate whole notes, then cut the last one at a word boundary, so that ``count(note)`` is as
    close to ``target_tokens`` as word granularity allows without exceeding it (at least one word is kept)."""
    if target_tokens <= 0 or not notes:
        raise ValueError("need notes and a positive target")
    parts: list[str] = []
    i = 0
    while True:
        candidate = notes[i % len(notes)]
        text = SEPARATOR.join([*parts, candidate])
        if count(text) <= target_tokens:
            parts.append(candidate)
            i += 1
            continue
        kept: list[str] = []
        for line in candidate.splitlines():
            if count(SEPARATOR.join([*parts, "\n".join([*kept, line])])) > target_tokens:
                words = line.split(" ")  # the line that overflows: keep as many whole words as fit
                lo, hi = 0, len(words)
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if count(SEPARATOR.join([*parts, "\n".join([*kept, " ".join(words[:mid])])])) <= target_tokens:
                        lo = mid
                    else:
                        hi = mid - 1
                if lo:
                    kept.append(" ".join(words[:lo]))
                break
            kept.append(line)
        if kept:
            parts.append("\n".join(kept))
        if not parts:
            parts.append(candidate.split(" ")[0])
        return SEPARATOR.join(parts)


def build_prompts(targets: list[int], render: Callable[[str], str], count: Callable[[str], int],
                  notes: list[str] | None = None) -> list[dict]:
    """One prompt per target: the note is sized so the *whole rendered prompt* is ≈ target tokens."""
    notes = notes if notes is not None else load_notes()
    overhead = count(render(""))
    out = []
    for target in targets:
        note = build_note(notes, max(1, target - overhead), count)
        prompt = render(note)
        out.append({"target": target, "prompt": prompt, "tokens": count(prompt), "note_chars": len(note)})
    return out


def brief_renderer(tokenizer) -> Callable[[str], str]:
    """ChartBrief's "brief" style rendered through the tokenizer's chat template (as the app does)."""
    from core.summarize import templates

    tpl = templates.load("brief")

    def render(note: str) -> str:
        messages = [{"role": "system", "content": tpl.system}, {"role": "user", "content": tpl.render_user(note)}]
        if getattr(tokenizer, "chat_template", None):
            return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return f"{tpl.system}\n\n{tpl.render_user(note)}\n\nSummary:\n"

    return render
