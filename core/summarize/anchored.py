"""The fact-anchored summary: facts extracted from the note (``core.facts``) rendered in the note's own
words by style block, and only the narrative parts — a one-liner, a hospital course — written by the
model, from the part of the note they are about. Each model sentence is checked against the whole note
(``core.grounding``) and kept only if the note supports it; otherwise the note's own sentence stands in.

Long notes need no map/reduce here: extraction reads the whole note, so no medication change or result
is lost to a partial summary; the model only ever sees a short section.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time
from collections.abc import Callable, Iterator

from core import paths
from core.engines.base import Engine, GenerationSettings
from core.errors import Cancelled
from core.summarize import structured
from core.summarize.blocks import STYLES
from core.summarize.events import Finished, Stage, SummaryResult, Token

log = logging.getLogger(__name__)

SOURCES = {"one_liner": ("chief_complaint", "history_of_present_illness", "reason_for_examination"),
           "course": ("hospital_course", "history_of_present_illness", "chief_complaint")}
SOURCE_WORDS = 160
"""The most words of the note the model sees for a narrative part (a short context is where a small
model is least wrong); the facts come from the whole note regardless."""
NARRATIVE_TOKENS = {"one_liner": 48, "course": 80}
KEEP_SENTENCES = {"one_liner": 1, "course": 2}
NARRATIVE_MIN_PARAMETERS = 1_000_000_000
"""Below this size the model writes no narrative part unless an adapter is active: on the dev split the
embedded 135M model's one-liners were never acceptable (0 of 12 with the shipped prompt; with looser
prompts the few that passed were empty of meaning, "The patient is a patient of the hospital."), so the
note's own sentence is shown and the summary takes no model time."""
SYSTEM = ("You are a careful clinical documentation assistant. Use only facts stated in the text. Keep names, "
          "doses, numbers, dates and sides exactly as written. Never invent anything.")


def prompt_template(name: str) -> str:
    user = paths.config_dir() / "prompts" / "narrative" / f"{name}.txt"
    path = user if user.is_file() else paths.RESOURCES / "prompts" / "narrative" / f"{name}.txt"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return "\n".join(lines).strip()


def source_text(extraction, name: str) -> str:
    text = extraction.section_text(*SOURCES[name], limit_words=SOURCE_WORDS)
    if not text.strip():
        text = " ".join(extraction.note.split()[:SOURCE_WORDS])
    return text


def write_narrative(engine: Engine, extraction, name: str, stop: Callable[[], bool],
                    settings: GenerationSettings | None) -> tuple[list[str], int]:
    """The model's sentences for one narrative part that the note supports, and how many it wrote."""
    from core.grounding import sentences

    text = source_text(extraction, name)
    prompt = engine.chat_prompt(SYSTEM, prompt_template(name).replace("{text}", text))
    gen = dataclasses.replace(settings or GenerationSettings(), max_new_tokens=NARRATIVE_TOKENS[name])
    written = "".join(engine.stream(prompt, gen, stop)).strip()
    if stop():
        raise Cancelled("Summary cancelled.")
    spans = sentences.split(written)
    kept = []
    for a, b in spans:
        sentence = written[a:b].strip()
        if acceptable(sentence, text, extraction.note):
            kept.append(sentence)
        if len(kept) == KEEP_SENTENCES[name]:
            break
    return kept, len(spans)


_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


def acceptable(sentence: str, source: str, note: str) -> bool:
    """Whether a model-written sentence may stand in a fact-anchored summary. Stricter than the display
    check, because the model's words stand beside facts copied from the note: the sentence is complete
    (ends with . ! or ?), the grounding check finds nothing wrong with it, every content word is in the
    note in some spelling the check accepts, and every number is in the part of the note the model saw
    (a number that only occurs elsewhere — "58" from "father MI @ 58" — is not evidence), and no word is
    said twice in a row unless the note says it so ("retired retired bookkeeper": a small model's stutter)."""
    from core import grounding
    from core.grounding import support

    if not sentence.rstrip().endswith((".", "!", "?")):
        return False
    if any(re.search(rf"\b{re.escape(m.group(0))}\b", note, re.IGNORECASE) is None for m in _DOUBLED.finditer(sentence)):
        return False
    report = grounding.analyze(sentence, note)
    if report.flags or any(s.status != "supported" for s in report.sentences):
        return False
    if not all(support.content_backed(sentence, _note_index(note))):
        return False
    in_source = set(_NUMBER.findall(source))
    return all(n in in_source for n in _NUMBER.findall(sentence))


@functools.lru_cache(maxsize=2)
def _note_index(note: str):
    """The note indexed once for all the sentences of a summary, not once per sentence."""
    from core.grounding import medications, support

    return support.Indexed(note, medications.find(note))


def writes_narrative(engine: Engine) -> bool:
    """Whether the model writes the narrative parts: a model of 1B parameters or more, or any model with an
    adapter (one trained for this may earn it); see ``NARRATIVE_MIN_PARAMETERS``."""
    record = getattr(engine, "record", None)
    if record is None or engine.info.adapter_id:
        return True
    return int(getattr(record, "parameters", 0) or 0) >= NARRATIVE_MIN_PARAMETERS


def summarize(note: str, style: str, engine: Engine, *, should_stop: Callable[[], bool] | None = None,
              settings: GenerationSettings | None = None, narrative: bool | None = None
              ) -> Iterator[Stage | Token | Finished]:
    """``narrative``: whether the model writes the narrative parts (None: ``writes_narrative(engine)``)."""
    from core import facts, grounding
    from core.grounding import support as grounding_support

    stop = should_stop or (lambda: False)
    t_start = time.perf_counter()
    yield Stage("facts", "Finding the note's medications, problems, results and plan…")
    extraction = facts.extract(note)
    narratives: dict[str, list[str]] = {}
    written = kept = 0
    t_gen = time.perf_counter()
    narrative = writes_narrative(engine) if narrative is None else narrative
    for name in dict.fromkeys(b.narrative for b in STYLES[style] if b.narrative and narrative):
        yield Stage("writing", "Writing the one-line summary…" if name == "one_liner"
                    else "Writing the hospital course…")
        sentences, n = write_narrative(engine, extraction, name, stop, settings)
        narratives[name] = sentences
        written, kept = written + n, kept + len(sentences)
    gen_s = time.perf_counter() - t_gen
    summary = structured.render(extraction, style, narratives)
    fallback = not any(line.strip() and not grounding_support.heading(line) for line in summary.splitlines())
    if fallback:  # nothing but headings (an empty I-PASS "Synthesis by receiver:")
        yield Stage("facts", "No sections or facts found in this note; showing its first sentences as written.")
        summary = structured.note_sentences(note)
    for line in summary.splitlines(keepends=True):
        yield Token(line)
    report = grounding.analyze(summary, note)
    result = SummaryResult(
        summary=summary, style=style, flags=list(report.flags), grounding=report,
        chunking={"strategy": "facts", "parts": 1, "split_on": "none", "note_tokens": engine.count_tokens(note),
                  "facts": len(extraction.facts), "narrative": "model" if narrative else "note",
                  "narrative_sentences_written": written, "narrative_sentences_kept": kept,
                  "note_sentences_shown": fallback},
        engine={"name": engine.info.name, "variant": engine.info.variant, "model": engine.info.model_id,
                "adapter": engine.info.adapter_id, "threads": engine.info.threads,
                "loaded_from_cache": engine.info.loaded_from_cache},
        timings={"load_s": round(engine.info.load_seconds, 3), "first_token_s": round(gen_s, 3),
                 "tokens_per_s": 0.0, "output_tokens": engine.count_tokens(summary),
                 "total_s": round(time.perf_counter() - t_start, 3)},
        template_source="facts",
        trace={"facts": extraction, "narratives": narratives},
    )
    log.info("summary done: style=%s mode=facts facts=%d narrative kept=%d of %d", style, len(extraction.facts),
             kept, written)
    yield Finished(result)
