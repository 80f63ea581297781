"""What the ``chartbrief serve`` load test sends and how it judges each answer (pure functions, no server,
no model; ``tests/benchmarks/test_serve_load.py`` feeds them mixed and truncated answers).

**Summaries.** Every request's note is a real note from the shipped sets with one added line, ``Started
montelukast <dose> mg daily.``, where ``<dose>`` is unique to the request (a made-up sentinel: no shipped note
names montelukast, and the fact extractor lists it under the medication changes of every style). The answer
is that request's own only if its summary names its own dose and no other, the summary sentence that names it
cites a span of *this* note whose text holds the sentinel, and every cited span lies inside this note.

**Chat.** Greedy decoding (no ``temperature``) makes an answer a function of its prompt. A handful of prompts
(each a different note's opening) are each answered once, one at a time, before the clock starts; under load
every answer must equal its own prompt's reference exactly — a stream that got another request's tokens, or
lost some, no longer does. The references must differ from each other, or a swap could not be seen. A stream
must also end with a ``finish_reason``, a usage chunk and ``data: [DONE]``, with one completion id throughout,
and no id may appear in two answers.

Outcomes: ``ok``; ``incomplete`` (accepted but the answer is cut short or malformed: counted as **lost**);
``mixed`` (complete, but not this request's); ``error`` (an HTTP error status, or no answer within the
per-request timeout: counted as lost too); ``rejected`` (429 on every try).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

SENTINEL_DRUG = "montelukast"
FIRST_DOSE = 1001
DOSE = re.compile(rf"\b{SENTINEL_DRUG} (\d+) mg\b", re.IGNORECASE)
SUMMARY_KEYS = frozenset({"summary", "style", "flags", "grounding", "chunking", "engine", "timings",
                          "template_source", "source"})
STYLES = ("brief", "soap", "handoff", "discharge")
KINDS = ("summary", "chat", "chat-stream")
"""The endpoint mix: request i is KINDS_CYCLE[i % 4]: half summaries, a quarter chat, a quarter streamed chat."""
KINDS_CYCLE = ("summary", "chat-stream", "summary", "chat")
CHAT_SYSTEM = "You are a concise clinical assistant."
CHAT_EXCERPT_CHARS = 900


@dataclass(frozen=True)
class Item:
    """One request of the run: its kind, the note it uses (index into the pool), and its unique dose
    (summaries) or its prompt (chat)."""

    index: int
    kind: str
    note: int
    dose: int = 0
    style: str = "brief"
    prompt: int = 0


@dataclass
class Verdict:
    outcome: str  # ok | incomplete | mixed | error | rejected
    reason: str = ""
    tokens: int = 0
    completion_id: str = ""


@dataclass
class Stream:
    """A chat completion stream as the client saw it."""

    ids: set[str] = field(default_factory=set)
    text: str = ""
    finish_reason: str | None = None
    usage: dict | None = None
    done: bool = False
    error: dict | None = None
    malformed: int = 0
    role_first: bool = False


def with_sentinel(note: str, dose: int) -> str:
    return f"{note.rstrip()}\n\nADDENDUM:\nStarted {SENTINEL_DRUG} {dose} mg daily.\n"


def chat_messages(note: str) -> list[dict]:
    """A prompt from a note's opening (cut at a line end, so it stays well inside the model's context)."""
    head = note[:CHAT_EXCERPT_CHARS]
    if len(note) > CHAT_EXCERPT_CHARS and "\n" in head:
        head = head[: head.rindex("\n")]
    return [{"role": "system", "content": CHAT_SYSTEM},
            {"role": "user", "content": f"Summarize this clinical note in two sentences.\n\n{head.strip()}"}]


def plan(requests: int, notes: int, chat_prompts: int) -> list[Item]:
    """``requests`` items cycling through the kinds, the notes and the styles; chat items share
    ``chat_prompts`` prompts (notes 0..chat_prompts-1), so each prompt's reference is reused."""
    items = []
    chat_seen = 0
    for i in range(requests):
        kind = KINDS_CYCLE[i % len(KINDS_CYCLE)]
        if kind == "summary":
            items.append(Item(i, kind, note=i % notes, dose=FIRST_DOSE + i, style=STYLES[(i // 2) % len(STYLES)]))
        else:
            p = chat_seen % chat_prompts
            chat_seen += 1
            items.append(Item(i, kind, note=p, prompt=p))
    return items


def chat_prompt_count(requests: int, notes: int, wanted: int = 4) -> int:
    n_chat = sum(KINDS_CYCLE[i % len(KINDS_CYCLE)] != "summary" for i in range(requests))
    return max(1, min(wanted, notes, n_chat))


# -- summaries ---------------------------------------------------------------------------------

def check_summary(note: str, dose: int, status: int, body: bytes) -> Verdict:
    """``note``: the text this request sent (after ChartBrief's cleaning, which leaves the shipped notes
    unchanged); ``dose``: its sentinel dose."""
    if status != 200:
        return Verdict("error", f"HTTP {status}")
    try:
        out = json.loads(body)
    except ValueError:
        return Verdict("incomplete", "the body is not complete JSON")
    if not isinstance(out, dict) or not SUMMARY_KEYS <= set(out):
        return Verdict("incomplete", "fields missing from the answer")
    summary, grounding = out.get("summary"), out.get("grounding")
    if not isinstance(summary, str) or not summary.strip() or not isinstance(grounding, dict):
        return Verdict("incomplete", "no summary or no grounding report")
    sentences = grounding.get("sentences")
    if not isinstance(sentences, list) or not sentences or not isinstance(out.get("timings"), dict):
        return Verdict("incomplete", "no sentences or no timings")
    tokens = int(out["timings"].get("output_tokens") or 0)
    doses = {int(d) for d in DOSE.findall(summary)}
    if doses != {dose}:
        return Verdict("mixed", f"sentinel doses in the summary: {sorted(doses)}, sent {dose}", tokens)
    own = f"{SENTINEL_DRUG} {dose} mg"
    cited = False
    for s in sentences:
        start, end = s.get("start"), s.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and summary[start:end] == s.get("text")):
            return Verdict("mixed", "a sentence's offsets do not match the summary", tokens)
        for src in s.get("sources") or []:
            a, b = src.get("start"), src.get("end")
            if not (isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= len(note)):
                return Verdict("mixed", f"a source span [{a}, {b}) lies outside this note ({len(note)} chars)",
                               tokens)
        if own.lower() in str(s.get("text", "")).lower():
            cited = cited or any(own.lower() in note[src["start"]:src["end"]].lower()
                                 for src in s.get("sources") or [])
    if not cited:
        return Verdict("mixed", "the sentinel's sentence cites no span of this note that holds it", tokens)
    return Verdict("ok", tokens=tokens)


# -- chat --------------------------------------------------------------------------------------

def parse_stream(lines) -> Stream:
    """Server-sent events (``data: …`` lines) → what the stream said."""
    s = Stream()
    first = True
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            s.done = True
            continue
        if s.done:
            s.malformed += 1  # anything after [DONE]
            continue
        try:
            chunk = json.loads(data)
        except ValueError:
            s.malformed += 1
            continue
        if "error" in chunk:
            s.error = chunk["error"]
            continue
        s.ids.add(str(chunk.get("id")))
        if chunk.get("usage"):
            s.usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if first:
                s.role_first = delta.get("role") == "assistant"
                first = False
            if s.finish_reason is not None and delta.get("content"):
                s.malformed += 1  # text after the finish
            s.text += delta.get("content") or ""
            if choice.get("finish_reason"):
                s.finish_reason = choice["finish_reason"]
    return s


def _against_reference(text: str, reference: str | None, others: dict[str, int]) -> tuple[str, str] | None:
    if reference is None:
        return None
    if text == reference:
        return None
    if text and reference.startswith(text):
        return "incomplete", f"the answer stops after {len(text)} of the reference's {len(reference)} characters"
    if text in others:
        return "mixed", f"the answer is prompt {others[text]}'s reference"
    return "mixed", "the answer differs from this prompt's reference"


def check_stream(status: int, s: Stream, reference: str | None, others: dict[str, int], max_tokens: int) -> Verdict:
    """``reference``: this prompt's answer when it ran alone; ``others``: every reference text → its prompt."""
    if status != 200:
        return Verdict("error", f"HTTP {status}")
    tokens = int((s.usage or {}).get("completion_tokens") or 0)
    cid = next(iter(s.ids)) if len(s.ids) == 1 else ""
    if s.error is not None:
        return Verdict("error", f"error event in the stream: {s.error.get('code')}", tokens, cid)
    if len(s.ids) != 1:
        return Verdict("mixed", f"{len(s.ids)} completion ids in one stream", tokens)
    if not s.role_first or s.malformed:
        return Verdict("incomplete", f"malformed stream ({s.malformed} bad events)", tokens, cid)
    if s.finish_reason not in ("stop", "length") or not s.done or s.usage is None:
        missing = [what for what, ok in (("finish_reason", s.finish_reason in ("stop", "length")),
                                         ("[DONE]", s.done), ("usage", s.usage is not None)) if not ok]
        return Verdict("incomplete", f"the stream ended without {', '.join(missing)}", tokens, cid)
    if not 0 < tokens <= max_tokens:
        return Verdict("incomplete", f"{tokens} completion tokens for max_tokens {max_tokens}", tokens, cid)
    wrong = _against_reference(s.text, reference, others)
    if wrong:
        return Verdict(*wrong, tokens=tokens, completion_id=cid)
    return Verdict("ok", tokens=tokens, completion_id=cid)


def check_chat(status: int, body: bytes, reference: str | None, others: dict[str, int], max_tokens: int) -> Verdict:
    """A non-streamed chat completion."""
    if status != 200:
        return Verdict("error", f"HTTP {status}")
    try:
        out = json.loads(body)
        choice = out["choices"][0]
        text = choice["message"]["content"]
        tokens = int(out["usage"]["completion_tokens"])
        cid = str(out["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return Verdict("incomplete", "the body is not a complete chat.completion")
    if out.get("object") != "chat.completion" or choice.get("finish_reason") not in ("stop", "length"):
        return Verdict("incomplete", "no finish_reason", tokens, cid)
    if not isinstance(text, str) or not 0 < tokens <= max_tokens:
        return Verdict("incomplete", f"{tokens} completion tokens for max_tokens {max_tokens}", tokens, cid)
    wrong = _against_reference(text, reference, others)
    if wrong:
        return Verdict(*wrong, tokens=tokens, completion_id=cid)
    return Verdict("ok", tokens=tokens, completion_id=cid)


def duplicate_ids(verdicts: list[Verdict]) -> set[str]:
    """Completion ids that more than one answer carried (each request must get its own)."""
    seen: set[str] = set()
    dup = set()
    for v in verdicts:
        if v.completion_id:
            (dup if v.completion_id in seen else seen).add(v.completion_id)
    return dup


# -- numbers -----------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)
