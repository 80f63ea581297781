"""Every style on every engine with the real embedded model, in the default (fact-anchored) mode: the
medication changes of the note are in the summary, nothing in it is unsupported, and it is shorter than
a third of the note; and the free-form mode still runs on each engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.engines.base import GenerationSettings
from core.evaluate.evalset import change_found
from core.summarize import STYLES, anchored, run
from tests.model_fixtures import engine

pytestmark = pytest.mark.slow

DEV = Path(__file__).parents[3] / "resources" / "evalsets" / "summaries" / "dev.jsonl"
ROW = json.loads(DEV.read_text(encoding="utf-8").splitlines()[1])  # an outpatient letter: prose, no headings
ENGINES = [("reference", "fp32"), ("ipex_llm", "sym_int4"), ("openvino", "int4")]


@pytest.mark.parametrize(("name", "variant"), ENGINES)
def test_every_style_on_every_engine(name, variant):
    eng = engine(name, variant)
    assert not anchored.writes_narrative(eng)  # 135M parameters: the app shows the note's own sentence
    for style in STYLES:
        result = run(ROW["note"], style, eng)
        assert result.chunking["strategy"] == "facts" and result.chunking["narrative"] == "note"
        forced = list(anchored.summarize(ROW["note"], style, eng, narrative=True))[-1].result  # as a 1B+ model
        assert forced.chunking["narrative"] == "model" and forced.chunking["narrative_sentences_written"] >= 1
        assert not [s for s in forced.grounding.sentences if s.status == "unsupported"], (style, forced.summary)
        assert result.engine["name"] == name
        claims = [s for s in result.grounding.sentences if s.status != "no_claim"]
        assert claims and not [s for s in claims if s.status == "unsupported"], (style, result.summary)
        assert len(result.summary.split()) * 3 < len(ROW["note"].split()), style
        changes = [(c["drug"], c["change"]) for c in ROW["medication_changes"] if c["change"] != "continued"]
        kept = [d for d, c in changes if change_found(d, c, result.summary)]
        assert len(kept) >= len(changes) - 1, (style, result.summary)


@pytest.mark.parametrize(("name", "variant"), ENGINES)
def test_free_form_still_runs_on_every_engine(name, variant):
    result = run(ROW["note"], "brief", engine(name, variant), mode="free",
                 settings=GenerationSettings(max_new_tokens=24))
    assert result.summary and result.chunking["strategy"] in ("single", "map_reduce")
