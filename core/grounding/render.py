"""A checked summary as text for copying and export: marks kept as brackets, or unsupported sentences hidden.

``marked`` is what Copy and Export give by default: every flagged item becomes
``[not in note: ganoderma]`` and every unsupported sentence ``[not supported by the note: …]``, so the
warning travels with the text into the chart. ``plain`` (the summary as written) is a separate,
explicit action. With the *hide* display policy, unsupported sentences are left out and a closing
line says how many were.
"""

from __future__ import annotations

from core.grounding.findings import Report

POLICIES = ("mark", "hide")
ITEM_MARK = "[not in note: {}]"
SENTENCE_MARK = "[not supported by the note: {}]"


def hidden_sentences(report: Report, policy: str) -> list[tuple[int, int]]:
    """Spans of the summary to leave out under ``policy`` (unsupported sentences when hiding)."""
    _check(policy)
    if policy == "mark":
        return []
    return [(s.start, s.end) for s in report.sentences if s.status == "unsupported"]


def marked(summary: str, report: Report, policy: str = "mark") -> str:
    """The summary with every flag written into the text as a bracketed mark (see the module doc)."""
    hidden = hidden_sentences(report, policy)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), non-overlapping
    for start, end in hidden:
        edits.append((start, _after_space(summary, end), ""))
    sentence_spans = {(f.start, f.end) for f in report.flags if f.kind == "sentence"}
    for f in report.flags:
        if f.kind == "sentence" and policy == "mark":
            edits.append((f.start, f.end, SENTENCE_MARK.format(" ".join(f.text.split()))))
    for f in report.flags:
        if f.kind == "sentence":
            continue
        inside = any(a <= f.start and f.end <= b for a, b in [*sentence_spans, *hidden])
        if not inside:
            edits.append((f.start, f.end, ITEM_MARK.format(" ".join(f.text.split()))))
    out, pos = [], 0
    for start, end, text in sorted(_disjoint(edits)):
        out.append(summary[pos:start])
        out.append(text)
        pos = end
    out.append(summary[pos:])
    text = "".join(out).rstrip()
    if hidden:
        n = len(hidden)
        text += f"\n[{n} sentence{'s' if n > 1 else ''} not supported by the note hidden]"
    return text


def _after_space(text: str, end: int) -> int:
    while end < len(text) and text[end] in " \t":
        end += 1
    return end


def _disjoint(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop edits that overlap an earlier-starting (or longer) one: two flags on one word mark it once."""
    kept: list[tuple[int, int, str]] = []
    for edit in sorted(edits, key=lambda e: (e[0], -(e[1] - e[0]))):
        if kept and edit[0] < kept[-1][1]:
            continue
        kept.append(edit)
    return kept


def _check(policy: str) -> None:
    if policy not in POLICIES:
        raise ValueError(f"display policy must be one of {', '.join(POLICIES)}, not {policy!r}")
