"""Numbers named by their label (core/grounding/labelled.py): "stage 2" where the note says "stage 1"."""

from __future__ import annotations

from core.grounding import check, labelled


def _numbers(summary: str, note: str) -> list[str]:
    return [f.text for f in check(summary, note) if f.kind == "number"]


def test_a_labelled_number_the_note_gives_otherwise_is_flagged_though_the_number_is_elsewhere():
    note = "Sacral stage 1 pressure injury. Turns every 2 hours. Sun protection: SPF 50 daily; 30 years outdoors."
    assert _numbers("Sacral stage 2 pressure injury.", note) == ["2"]
    assert _numbers("Use SPF 30 daily.", note) == ["30"]
    assert _numbers("Sacral stage 1 pressure injury; SPF 50 daily.", note) == []


def test_a_threshold_is_no_value():
    note = "SpO2 93% on CPAP 5, FiO2 0.30. Surfactant if FiO2 > 0.40 persistently. Fever 38.0 or higher -> ED. T 37.1."
    assert _numbers("On CPAP 5 with FiO2 0.40.", note) == ["0.40"]
    assert _numbers("On CPAP 5 with FiO2 0.30.", note) == []
    assert _numbers("To the ED for temperature 38.0 or more.", note) == []


def test_listed_values_and_values_with_units_count_for_their_label():
    note = "Apgars 7 and 8. Hgb 7.1 g/dL on arrival, 8.6 after transfusion."
    assert _numbers("Apgar 8 at the second check.", note) == []
    assert _numbers("Arrival Hgb 7.1, then 8.6.", note) == []


def test_hedges_and_everyday_words_are_no_labels():
    assert labelled.pairs("approximately 40 nevi, day 3, in 2 weeks, x3") == []
    assert [p[2:] for p in labelled.pairs("FiO2 0.3, PHQ-9 = 19, Apgars 7 and 8")] == [
        ("fio2", 0.3), ("phq-9", 19.0), ("apgar", 7.0), ("apgar", 8.0)]


def test_a_repetition_the_note_never_gives_is_flagged_without_a_drug():
    note = "Full-skin exam every 6 months given risk. Neuro checks q2h overnight. Contractions q4-5 min."
    flags = [f.text for f in check("Full-skin exams every 3 months.", note) if f.kind == "frequency"]
    assert flags == ["every 3 months"]
    assert [f for f in check("Skin exams every 6 months; neuro checks every 2 hours overnight.", note)
            if f.kind == "frequency"] == []
    assert [f for f in check("Weight loss of 3 kg over 3 wk.", "Lost 3 kg over 3 weeks.") if f.kind == "frequency"] == []


def test_a_value_the_note_writes_another_way_is_not_flagged():
    note = ("Hydromorphone PCA basal 0.3 mg/h, demand 0.2 mg q10 min; 6 demands in last 24 h. "
            "Checked her BP at home this morning: 148/96. Transfer if chest tube output < 100 mL/8 h.")
    summary = ("Hydromorphone PCA 0.3 mg/h basal with 0.2 mg demand every 10 minutes, 6 demands in 24 hours. "
               "Home BP 148/96. Transfer if chest tube output < 100 mL per 8 h.")
    assert [f.text for f in check(summary, note) if f.kind == "number"] == []
    assert [f.text for f in check("Home BP 150/96.", note) if f.kind == "number"] == ["150/96"]


def test_a_value_belongs_to_the_label_in_its_own_table_cell():
    from core.grounding import check

    note = "Flowsheet:\n| BP 118/72 | Wt 74.6 kg (+9.1 kg) | FHR 142 | FH 28 cm |"
    assert [f for f in check("Fetal heart rate 142.", note) if f.kind == "number"] == []
