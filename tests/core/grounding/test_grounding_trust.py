"""What clinicians rely on: invented drugs and terms are flagged, paraphrases are not, each sentence
shows its source in the note, and ``chartbrief check`` says so with its exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.grounding import analyze, check, equivalents
from core.grounding.render import marked
from tests.core.test_no_leaks import CANARY, scan

ROOT = Path(__file__).resolve().parents[3]

# The primary-care note and the embedded model's summary a new user saw (issue 11).
NOTE = """PRIMARY CARE FOLLOW-UP
58-year-old with type 2 diabetes, hypertension, hyperlipidemia and painful neuropathy.
MEDICATIONS
- Metformin 1000 mg twice daily, continued.
- Glipizide 5 mg daily: STOPPED today (lows at night).
- Semaglutide 0.25 mg subcutaneously once weekly: NEW.
- Gabapentin 300 mg at bedtime.
- Losartan 50 mg daily.
- Atorvastatin 40 mg nightly.
A1c 8.4%. BP 138/84. Denies chest pain. Follow up in 3 months.
"""
GANODERMA = """1. 1000 mg of ganoderma 1000mg twice daily, 2xd/day, 2xd of ganadex 1000, 2xd 2xd of 1000.
3. 1200 mg of gandana 1200, 2000 gandana, 2001 gandana, 1200 gandana"""


def flagged(summary: str, note: str = NOTE) -> set[tuple[str, str]]:
    return {(f.kind, f.text) for f in check(summary, note)}


def test_the_ganoderma_summary_flags_every_invented_drug_and_the_doses():
    flags = check(GANODERMA, NOTE)
    texts = [f.text for f in flags if f.kind == "term"]
    assert {"ganoderma", "ganadex", "gandana"} <= set(texts)
    assert texts.count("gandana") == 4, "every occurrence is marked, not only the first"
    doses = {f.text for f in flags if f.kind == "dose"}
    assert {"1000 mg", "1000mg", "1200 mg"} <= doses
    ganoderma = GANODERMA.index("1000 mg")
    dose = next(f for f in flags if f.start == ganoderma)
    assert "ganoderma" in dose.reason
    assert analyze(GANODERMA, NOTE).status_line().startswith("0 of 2 sentences supported")


@pytest.mark.parametrize(("summary", "note"), [
    ("Lasix 40 mg IV given.", "Furosemide 40 mg IV given."),
    ("Furosemide 40 mg IV given.", "Lasix 40 mg IV given."),
    ("Started Ozempic 0.25 mg weekly.", NOTE),
    ("Lipitor 40 mg nightly.", NOTE),
    ("Tylenol 650 mg q6h.", "Acetaminophen 650 mg every 6 hours."),
])
def test_brand_and_generic_support_each_other(summary, note):
    assert flagged(summary, note) == set()


@pytest.mark.parametrize(("summary", "note"), [
    ("RLQ tenderness.", "Tenderness in the right lower quadrant."),
    ("Tenderness in the right lower quadrant.", "RLQ tenderness."),
    ("History of HTN.", "History of hypertension."),
    ("History of hypertension.", "History of HTN."),
    ("Reports SOB on exertion.", "Reports shortness of breath on exertion."),
    ("Reports shortness of breath on exertion.", "Reports SOB on exertion."),
    ("Metformin 500 mg BID.", "Metformin 500 mg twice daily."),
    ("Metformin 500 mg twice daily.", "Metformin 500 mg bid."),
    ("Follow-up in two weeks.", "Follow up in 2 weeks."),
])
def test_abbreviations_and_expansions_support_each_other(summary, note):
    assert flagged(summary, note) == set()


@pytest.mark.parametrize(("summary", "kind", "text"), [
    ("Started clopidogrel 75 mg daily.", "medication", "clopidogrel"),
    ("Metformin 1000 mg three times daily.", "frequency", "three times daily"),
    ("History of atrial fibrillation.", "term", "atrial fibrillation"),
    ("Colonoscopy is scheduled.", "term", "Colonoscopy"),
    ("MRI of the brain was normal.", "term", "MRI"),
    ("Gabapentin 300 mg every morning.", "frequency", "every morning"),
])
def test_invented_claims_are_flagged(summary, kind, text):
    assert (kind, text) in flagged(summary)


def test_each_sentence_shows_its_source_span_in_the_note():
    summary = "Glipizide was stopped. She was counseled on smoking cessation and agreed to a walking program."
    report = analyze(summary, NOTE)
    first, second = report.sentences
    assert first.status == "supported"
    assert [NOTE[a:b] for a, b in first.sources] == ["Glipizide 5 mg daily: STOPPED today (lows at night)."]
    assert second.status == "unsupported" and second.sources == ()
    assert ("sentence", summary[second.start : second.end]) in {(f.kind, f.text) for f in report.flags}
    as_json = report.as_dict(summary, NOTE)
    assert as_json["sentences"][0]["sources"][0]["text"].startswith("Glipizide 5 mg daily")
    assert as_json["status"].startswith("1 of 2 sentences supported · 1 not supported by the note")


def test_copy_text_keeps_the_marks():
    summary = "Metformin 1000 mg twice daily. Add ganoderma daily."
    text = marked(summary, analyze(summary, NOTE))
    assert "[not in note: ganoderma]" in text or "[not supported by the note: Add ganoderma daily.]" in text
    assert text.startswith("Metformin 1000 mg twice daily.")


def test_a_users_abbreviation_table_adds_to_the_shipped_one(home):
    summary, note = "Completed XRT.", "Completed radiation therapy."
    assert ("term", "XRT") in flagged(summary, note)
    user = home / "config" / equivalents.USER_NAME
    user.parent.mkdir(parents=True)
    user.write_text("# clinic additions\nxrt | radiation therapy\n")
    assert flagged(summary, note) == set()
    user.write_text("just one spelling\n")
    with pytest.raises(Exception, match=r"abbreviations.txt, line 1: a group needs at least two spellings"):
        check(summary, note)


@pytest.mark.parametrize(("summary", "note"), [
    ("EBL 25 mL.", "Estimated blood loss 25 mL."),
    ("CTA: LVO.", "CT angiogram shows a large vessel occlusion."),
    ("AECOPD treated.", "Acute exacerbation of COPD, treated."),
    ("Pulm consult.", "Pulmonary consult."),
    ("Mgmt discussed at family mtg.", "Management discussed at the family meeting."),
])
def test_short_forms_of_the_notes_words_are_not_flagged(summary, note):
    assert flagged(summary, note) == set()


def test_a_short_form_needs_a_long_form_of_two_words_or_more():
    assert ("term", "MRI") in flagged("MRI was normal.", "Metformin continued. Imaging was normal.")


def test_check_command_exit_codes(tmp_path, capsys, home):
    note, good, bad = tmp_path / "note.txt", tmp_path / "good.txt", tmp_path / "bad.txt"
    note.write_text(NOTE)
    good.write_text("58-year-old with T2DM and HTN. Stopped glipizide; started Ozempic 0.25 mg weekly.\n")
    bad.write_text(GANODERMA)
    assert main(["check", str(note), str(good)]) == 0
    assert main(["check", str(note), str(bad)]) == 1
    assert main(["check", str(note), str(tmp_path / "missing.txt")]) == 2
    assert main(["check", "-", "-"]) == 2
    capsys.readouterr()
    assert main(["check", str(note), str(bad), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["supported"] is False
    assert {"ganoderma", "ganadex", "gandana"} <= {f["text"] for f in out["flags"]}


def test_check_never_logs_the_texts(tmp_path):
    home, note, summary = tmp_path / "home", tmp_path / "note.txt", tmp_path / "summary.txt"
    note.write_text(f"{NOTE}\nSOCIAL HISTORY: {CANARY}.\n")
    summary.write_text(f"Metformin continued. {CANARY}. Ganoderma started.\n")
    env = dict(os.environ, CHARTBRIEF_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "gui.launcher", "-v", "check", str(note), str(summary)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert CANARY not in proc.stderr
    assert scan(home, CANARY) == []
    assert (home / "log" / "chartbrief.log").exists(), "the log was written (and scanned)"


def test_faithful_reference_summaries_of_the_synthetic_set_are_not_flagged():
    """The shipped synthetic set's reference summaries are faithful by construction (resources/datasets)."""
    rows = [json.loads(line) for line in
            (ROOT / "resources" / "datasets" / "synthetic_notes.jsonl").read_text().splitlines()][::6]
    flagged = [(row["id"], f.kind, f.text) for row in rows for f in check(row["summary"], row["note"])]
    assert flagged == []


@pytest.mark.parametrize(("summary", "note", "flagged_term"), [
    ("Hyperkalemia noted.", "K 5.9 this morning.", None),
    ("Hyperkalemia noted.", "K 4.1 this morning.", "Hyperkalemia"),
    ("Afebrile overnight.", "T 37.2 C overnight.", None),
    ("Afebrile overnight.", "Temp 101.3 F overnight.", "Afebrile"),
    ("Hypotensive and tachycardic.", "BP 84/50, HR 118.", None),
    ("Hypoxemic on room air.", "SpO2 96% on room air.", "Hypoxemic"),
])
def test_findings_stated_by_the_notes_values(summary, note, flagged_term):
    terms = {f.text for f in check(summary, note) if f.kind == "term"}
    assert terms == ({flagged_term} if flagged_term else set())


def test_headings_are_not_claims():
    summary = "### Summary\nGlipizide was stopped.\n**Plan:**\nFollow up in 3 months."
    report = analyze(summary, NOTE)
    assert [s.status for s in report.sentences] == ["no_claim", "supported", "no_claim", "supported"]
    assert report.clean
