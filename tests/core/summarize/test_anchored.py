"""The fact-anchored summary: facts in the note's own words, every style, medication changes never cut,
under a third of the note, the model's sentences kept only when the note backs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.errors import Cancelled
from core.facts import extract
from core.summarize import Finished, Stage, Token, anchored, pipeline, structured, summarize
from core.summarize.blocks import STYLES
from tests.stub_engine import StubEngine

DEV = Path(__file__).parents[3] / "resources" / "evalsets" / "summaries" / "dev.jsonl"
NOTES = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def _body_lines(summary: str) -> list[str]:
    return [line[2:] for line in summary.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("row", NOTES[:6], ids=lambda r: r["id"])
def test_every_style_renders_note_text_under_a_third(style, row):
    ex = extract(row["note"])
    summary = structured.render(ex, style)
    assert len(summary.split()) * 3 < len(row["note"].split())
    squashed = re.sub(r"\s+", " ", row["note"])
    for line in _body_lines(summary):
        words = line.split(" ", 1)
        body = words[1] if words[0] in {c.upper() for c in structured.CHANGE_ORDER} and len(words) > 1 else line
        # a medication line may drop its repeated change word; every other line is the note's own text
        assert body in squashed or all(w in squashed for w in body.split()), (style, line)


def test_every_medication_change_is_kept_even_past_the_style_length():
    plan = "\n".join(f"- Start drug{i}? no: start amoxicillin {i} mg" for i in range(1))
    meds = ["lisinopril", "metformin", "atorvastatin", "amlodipine", "furosemide", "apixaban", "sertraline",
            "omeprazole", "levothyroxine", "gabapentin", "metoprolol", "warfarin"]
    plan = "\n".join(f"- Start {m} {10 + i} mg daily." for i, m in enumerate(meds))
    note = "HPI: " + "Long history sentence about the stay and the course. " * 60 + "\nPLAN:\n" + plan + "\n"
    summary = structured.render(extract(note), "brief")
    for m in meds:
        assert re.search(rf"STARTED {m}\b", summary, re.IGNORECASE), m
    assert len(summary.split()) * 3 < len(note.split())



def test_a_continued_drug_past_the_style_length_is_still_named():
    from core.grounding import check

    meds = ["lisinopril", "atorvastatin", "levothyroxine", "sertraline", "tamsulosin", "omeprazole", "metformin",
            "amlodipine", "allopurinol", "finasteride", "losartan", "carvedilol", "spironolactone", "gabapentin",
            "duloxetine", "donepezil", "montelukast", "sitagliptin", "rosuvastatin", "clopidogrel", "aspirin",
            "furosemide", "warfarin", "apixaban", "memantine", "fluticasone", "tiotropium", "albuterol",
            "empagliflozin", "hydrochlorothiazide", "cholecalciferol", "pravastatin", "mirtazapine",
            "ezetimibe", "citalopram", "bupropion", "trazodone", "melatonin", "docusate", "senna"]
    note = ("DISCHARGE SUMMARY\nDiagnoses: community-acquired pneumonia.\nHOSPITAL COURSE\n"
            + "She walked the hallway with physical therapy and felt stronger each day. " * 60
            + "\n\nDISCHARGE MEDICATIONS\n" + "\n".join(f"- {m} 10 mg daily - CONTINUE, no change" for m in meds) + "\n")
    summary = structured.render(extract(note), "brief")
    for m in meds:  # the first in full, the rest (past the style's length) by name
        assert re.search(rf"CONTINUED {m}\b", summary), m
    assert "- CONTINUED senna\n" in summary + "\n"
    assert check(summary, note) == []
    assert len(summary.split()) * 3 < len(note.split())

NOTE = ("CC: chest pain.\nHPI: 61M with hypertension presents with chest pain for 3 hours.\n"
        "SOCIAL HISTORY: He lives with his wife and works as a bus mechanic. He walks every day and does not "
        "smoke. He drinks two or three beers a week. His father had a heart attack at an older age and his "
        "mother had diabetes. He has two grown children who live nearby and visit often. He enjoys fishing and "
        "gardening, keeps a small vegetable plot behind the house, and volunteers at the library on weekends. "
        "He reads the newspaper every morning and plays cards with friends on Friday evenings.\n"
        "PLAN: Start aspirin 81 mg daily. Follow-up in cardiology clinic in 2 weeks.\n")


def test_acceptable_rejects_invented_words_numbers_and_cut_sentences():
    source = "61M with hypertension presents with chest pain for 3 hours."
    assert anchored.acceptable("61M with hypertension presents with chest pain.", source, NOTE)
    assert not anchored.acceptable("61M with cancer presents with chest pain.", source, NOTE)
    assert not anchored.acceptable("61M with hypertension presents with chest pain for 5 hours.", source, NOTE)
    assert not anchored.acceptable("61M with hypertension presents with chest pain for 3", source, NOTE)
    # 81 is in the note, but not in the part the model was shown
    assert not anchored.acceptable("61M takes aspirin 81 mg.", source, NOTE)
    # a stutter the note does not have
    assert not anchored.acceptable("61M with hypertension presents with with chest pain.", source, NOTE)


def _run(engine, note=NOTE, style="brief", **kw):
    return list(summarize(note, style, engine, **kw))


def test_a_supported_one_liner_is_kept_and_streamed():
    events = _run(StubEngine("61M with hypertension presents with chest pain."))
    result = events[-1].result
    assert isinstance(events[-1], Finished)
    assert "".join(e.text for e in events if isinstance(e, Token)) == result.summary
    assert result.summary.splitlines()[1] == "- 61M with hypertension presents with chest pain."
    assert result.chunking["strategy"] == "facts" and result.chunking["narrative_sentences_kept"] == 1
    assert "STARTED aspirin 81 mg daily" in result.summary


def test_an_invented_one_liner_is_dropped_for_the_notes_own_sentence():
    events = _run(StubEngine("The patient is a 58-year-old woman with lung cancer."))
    result = events[-1].result
    assert "cancer" not in result.summary and "58" not in result.summary
    assert "61M with hypertension presents with chest pain for 3 hours." in result.summary
    assert result.chunking["narrative_sentences_kept"] == 0
    assert not [s for s in result.grounding.sentences if s.status == "unsupported"]


def test_the_model_sees_only_the_presenting_part():
    engine = StubEngine("Chest pain.")
    _run(engine)
    assert len(engine.prompts) == 1 and "aspirin" not in engine.prompts[0]


def test_cancel_during_the_narrative_raises_cancelled():
    with pytest.raises(Cancelled):
        _run(StubEngine("word " * 50), should_stop=lambda: True)


def test_free_form_is_used_for_a_users_own_template(home):
    from core import paths

    (paths.config_dir() / "prompts").mkdir(parents=True)
    builtin = (paths.RESOURCES / "prompts" / "brief.txt").read_text()
    (paths.config_dir() / "prompts" / "brief.txt").write_text(builtin)
    assert pipeline.mode_for("brief", None) == "free"
    assert pipeline.mode_for("soap", None) == "facts"
    assert pipeline.mode_for("brief", "facts") == "facts"


def test_settings_modes_match_the_pipeline():
    from core import settings

    assert settings.SUMMARY_MODES == pipeline.MODES
    assert settings.Settings().summary_mode == "facts"


def test_without_a_model_one_liner_the_handoff_opens_with_the_notes_own():
    note = ("HPI: 67-year-old man with hypertension presents with two days of chest pressure.\n"
            "ASSESSMENT: NSTEMI. Heparin infusion per protocol. Cardiac catheterization planned for tomorrow. "
            "Right knee osteoarthritis, stable. Type 2 diabetes mellitus, controlled.\n"
            "PLAN: Start aspirin 81 mg daily.\n" + "Social history: lives with his wife and walks daily. " * 20)
    summary = structured.render(extract(note), "handoff")
    lines = summary.splitlines()
    assert lines[0] == "Patient summary:"
    assert lines[1].startswith("- HPI: 67-year-old man with hypertension"), summary


@pytest.mark.parametrize("style", list(STYLES))
def test_a_short_note_without_sections_or_facts_shows_its_own_sentences_not_nothing(style):
    note = "Seen for a cough for 3 days. No fever. Plan: rest and fluids.\n"
    events = list(anchored.summarize(note, style, StubEngine("Pneumonia."), narrative=False))
    result = events[-1].result
    assert _body_lines(result.summary) == ["Seen for a cough for 3 days.", "No fever.", "Plan: rest and fluids."]
    stages = [e.message for e in events if isinstance(e, Stage)]
    assert result.chunking["note_sentences_shown"] and "first sentences as written" in stages[-1]
    assert not result.flags and not [s for s in result.grounding.sentences if s.status == "unsupported"]


def test_a_medication_line_drops_a_trailing_repeated_change_word_and_a_long_lines_asides():
    from core.facts import Fact
    from core.summarize.structured import medication_line

    stop = Fact("medication", 0, 0, "Zolpidem 10 mg PO at bedtime\n   ACTION: STOP.", change="stopped", drug="zolpidem")
    assert medication_line(stop) == "STOPPED Zolpidem 10 mg PO at bedtime"
    long = Fact("medication", 0, 0, "Omeprazole 20 mg PO daily (started 2029, no documented indication) - stop after "
                "2 more weeks at 20 mg every other day (taper over 14 days, 10 mg doses)", change="stopped",
                drug="omeprazole")
    line = medication_line(long)
    assert "started 2029" not in line and "(taper over 14 days, 10 mg doses)" in line
    short = Fact("medication", 0, 0, "Enoxaparin 30 mg SC daily (VTE prophylaxis)", change="stopped", drug="enoxaparin")
    assert medication_line(short) == "STOPPED Enoxaparin 30 mg SC daily (VTE prophylaxis)"


def test_a_medication_line_keeps_the_change_word_that_makes_a_short_name_a_drug():
    from core.facts import Fact
    from core.summarize.structured import medication_line

    plt = Fact("medication", 0, 0, "plt given 07:15.", change="started", drug="platelet transfusion")
    assert medication_line(plt) == "STARTED plt given 07:15."  # "plt 07:15" would read as a count
    aspirin = Fact("medication", 0, 0, "Start aspirin 81 mg daily", change="started", drug="aspirin")
    assert medication_line(aspirin) == "STARTED aspirin 81 mg daily"


def test_a_medication_line_does_not_end_in_the_next_bullets_arrow():
    from core.facts import Fact
    from core.summarize.structured import medication_line

    stop = Fact("medication", 0, 0, "Tazocin STOPPED\n ->", change="stopped", drug="piperacillin-tazobactam")
    assert medication_line(stop) == "STOPPED Tazocin"
    change = Fact("medication", 0, 0, "Ciclosporin reduced 125 -> 100 mg bd PO from tonight\n ->", change="changed",
                  drug="cyclosporine")
    assert medication_line(change).endswith("100 mg bd PO from tonight")
