"""A drug named by its pump or catheter (core/grounding/devices.py): the fact extractor and the grounding check
read "PCA" and "epidural" alone as the drug last named with them."""

from __future__ import annotations

from core.grounding import check
from core.grounding.devices import mentions
from core.grounding.medications import find

NOTE = ("DAY +6 | 03/16/2033 | BMT NOTE\nOral mucositis grade 3. Hydromorphone PCA started 11:00: demand 0.2 mg, "
        "lockout 10 min, no basal.\n\nDAY +8 | 03/18/2033 | BMT NOTE\nMucositis: 38 demands/24 h on the PCA. PCA ↑: "
        "demand 0.2 -> 0.3 mg, basal 0.1 mg/h added.\n")


def test_a_bare_pump_stands_for_the_drug_last_named_with_it():
    found = mentions(NOTE, find(NOTE))
    assert [(m.text, m.key) for m in found] == [("PCA", "hydromorphone"), ("PCA", "hydromorphone")]
    assert mentions("Left PCA territory infarct on MRI.", []) == []  # no hydromorphone PCA before: a territory


def test_a_dose_said_of_the_pump_backs_the_drugs_new_dose():
    summary = "Medication changes:\n- CHANGED hydromorphone PCA ↑: demand 0.2 -> 0.3 mg, basal 0.1 mg/h added.\n"
    assert not [f for f in check(summary, NOTE) if f.kind == "dose"]
    wrong = "Medication changes:\n- CHANGED hydromorphone PCA ↑: demand 0.2 -> 0.5 mg.\n"
    assert [f.text for f in check(wrong, NOTE) if f.kind in ("dose", "number")] == ["0.5 mg"]


def test_a_hydration_fluid_is_named_by_its_label_and_only_a_fluid_is():
    note = ("- Cy 4,320 mg IV with mesna and hyperhydration.\n- Hyperhydration: D5-1/2NS + KCl 20 mEq/L at 150 mL/h.\n"
            "Hyperhydration stopped 12:00 today.\n")
    assert [(m.text, m.key) for m in mentions(note, find(note))] == [("Hyperhydration", "potassium chloride")]
    assert mentions("Cy with mesna and hyperhydration.\nHyperhydration stopped.\n",
                    find("Cy with mesna and hyperhydration.\nHyperhydration stopped.\n")) == []
