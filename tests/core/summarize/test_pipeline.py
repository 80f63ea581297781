"""Summaries: map/reduce for a note 3× the context, no truncation, flags, templates, events."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.errors import ChartBriefError
from core.summarize import Finished, Stage, Token, summarize, templates
from core.summarize.chunking import chunk, split_sections
from tests.model_fixtures import SHORT, engine

SAMPLES = Path(__file__).parents[3] / "resources" / "samples"


def words(text: str) -> int:
    return len(text.split())


def test_chunking_prefers_sections_and_loses_nothing():
    note = "".join(f"SECTION {i}:\n" + ("word " * 40) + "\n\n" for i in range(10))
    parts = chunk(note, words, budget=100)
    assert parts.split_on == "sections"
    assert all(words(p) <= 100 for p in parts.parts)
    assert "".join(parts.parts) == note


def test_chunking_falls_back_to_paragraphs_then_tokens():
    note = "\n\n".join("plain " * 30 for _ in range(6))
    assert chunk(note, words, 70).split_on == "paragraphs"
    blob = "x" * 5000
    parts = chunk(blob, lambda t: len(t) // 10, 100)
    assert "".join(parts.parts) == blob and all(len(p) // 10 <= 100 for p in parts.parts)


def test_section_headings_detected():
    note = (SAMPLES / "cardiology_admission.txt").read_text()
    assert len(split_sections(note)) >= 4


def test_user_template_overrides_builtin(home):
    from core import paths

    d = paths.config_dir() / "prompts"
    d.mkdir(parents=True)
    text = (paths.RESOURCES / "prompts" / "brief.txt").read_text().replace("3 to 6 short lines", "ONE line")
    (d / "brief.txt").write_text(text)
    tpl = templates.load("brief")
    assert tpl.source == "user" and "ONE line" in tpl.user


def test_bad_user_template_is_a_specific_error(home):
    from core import paths

    d = paths.config_dir() / "prompts"
    d.mkdir(parents=True)
    (d / "soap.txt").write_text("[system]\nx\n[usr]\n{note}\n")
    with pytest.raises(ChartBriefError, match=r"soap.txt, line 3: unknown section \[usr\]"):
        templates.load("soap")


@pytest.mark.slow
def test_long_note_map_reduce_reaches_first_and_last_sections():
    eng = engine("openvino", "int4")
    context = 1024
    sections = []
    i = 0
    base = (SAMPLES / "discharge_summary_pneumonia.txt").read_text()
    while eng.count_tokens("".join(sections)) < 3 * context:
        i += 1
        sections.append(f"PROGRESS NOTE DAY {i}:\n{base.split(chr(10) + chr(10))[i % 5]}\n\n")
    note = "FIRST SECTION MARKER:\nPatient admitted with fever.\n\n" + "".join(sections) + \
        "LAST SECTION MARKER:\nFollow up in clinic in 2 weeks.\n"
    assert eng.count_tokens(note) > 3 * context
    events = list(summarize(note, "brief", eng, context_limit=context, settings=SHORT, mode="free"))
    result = events[-1].result
    plan = result.chunking
    assert plan["strategy"] == "map_reduce" and plan["parts"] >= 3 and plan["split_on"] == "sections"
    inputs = result.trace["map_inputs"]
    assert inputs[0].startswith("FIRST SECTION MARKER")
    assert inputs[-1].rstrip().endswith("Follow up in clinic in 2 weeks.")
    assert re.sub(r"\s+", "", "".join(inputs)) == re.sub(r"\s+", "", note), "no part of the note is dropped"
    for partial in result.trace["map_outputs"]:
        assert partial in result.trace["final_prompt"], "every part's summary reaches the final prompt"
    stages = [e.name for e in events if isinstance(e, Stage)]
    assert stages.count("part") == plan["parts"] and "combining" in stages


@pytest.mark.slow
def test_events_stream_tokens_then_finish_with_flags():
    eng = engine("reference", "fp32")
    note = (SAMPLES / "cardiology_admission.txt").read_text()
    events = list(summarize(note, "brief", eng, settings=SHORT))
    assert isinstance(events[-1], Finished)
    tokens = "".join(e.text for e in events if isinstance(e, Token))
    assert tokens.strip() == events[-1].result.summary


def test_summary_with_an_invented_dose_is_flagged():
    from core import grounding

    note = "Started lisinopril 10 mg daily. BP 150/90 mmHg."
    flags = grounding.check("Started lisinopril 40 mg daily.", note)
    assert [f.text for f in flags if f.kind == "dose"] == ["40 mg"]


def test_empty_note_is_refused():
    with pytest.raises(ChartBriefError, match="empty"):
        list(summarize("   \n", "brief", engine_stub()))


def engine_stub():
    class Stub:
        pass

    return Stub()
