"""The shipped synthetic sample notes: readable, clearly synthetic, and consistent with themselves."""

from __future__ import annotations

import pytest

from core.documents import read_document
from core.grounding import check
from core.paths import RESOURCES

SAMPLES = RESOURCES / "samples"
NAMES = ["cardiology_admission.txt", "orthopedics_clinic.md", "discharge_summary_pneumonia.txt"]


def test_readme_says_the_samples_are_synthetic():
    assert "synthetic" in (SAMPLES / "README.md").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_synthetic_and_sized_like_a_note(name):
    doc = read_document(SAMPLES / name)
    assert "synthetic" in doc.text.lower()
    assert "Sample" in doc.text
    assert 400 <= len(doc.text.split()) <= 700


@pytest.mark.parametrize("name", NAMES)
def test_a_note_supports_itself(name):
    text = read_document(SAMPLES / name).text
    assert check(text, text) == []


def test_realistic_summary_of_the_cardiology_note():
    note = read_document(SAMPLES / "cardiology_admission.txt").text
    summary = (
        "67-year-old man admitted 03/14/2024 with NSTEMI (troponin 0.09 then 0.21 ng/mL). Exertional chest "
        "pressure, now at rest; denies syncope but has a fever. BP 158/92 mmHg, HR 88, SpO2 96%. "
        "Crackles at the right base; small left pleural effusion. Left knee arthroplasty in 2019. "
        "Plan: aspirin 81 mg, ticagrelor 180 mg load then 90 mg BID, heparin, metoprolol up to 50 mg BID, "
        "atorvastatin 40 mg nightly, furosemide 40 mg IV once, catheterization 03/15/2024, start clopidogrel."
    )
    flags = [(f.kind, f.text) for f in check(summary, note)]
    assert flags == [
        ("negation", "fever"),
        ("laterality", "right base"),
        ("laterality", "Left knee"),
        ("dose", "40 mg"),
        ("medication", "clopidogrel"),
    ]
