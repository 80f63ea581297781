"""The finders behind the grounding check: medications, quantities, dates, sides, negation scopes."""

from __future__ import annotations

import pytest

from core.grounding import check, dates, laterality, medications, negation, quantities


def texts(mentions) -> list[str]:
    return [m.text for m in mentions]


def test_lexicon_file_loads_with_aliases():
    names = medications.lexicon()
    assert len(set(names.values())) >= 300
    assert names["tylenol"] == names["paracetamol"] == "acetaminophen"
    assert names["lasix"] == "furosemide"


def test_medication_finder_lexicon_and_suffixes():
    found = medications.find(
        "Insulin glargine 10 units, Lopressor, nadolol, quinapril; April visit; aspirin-81."
    )
    assert texts(found) == ["Insulin glargine", "Lopressor", "nadolol", "quinapril", "aspirin"]
    assert [m.key for m in found][:2] == ["insulin glargine", "metoprolol"]


@pytest.mark.parametrize(
    "word", ["bisoprolol", "trandolapril", "azilsartan", "pitavastatin", "ustekinumab", "ticarcillin",
             "fidaxomycin", "ketoconazole", "rabeprazole", "tinzaparin", "nizatidine", "alogliptin", "vardenafil"],
)  # fmt: skip
def test_suffix_heuristics(word):
    assert texts(medications.find(f"Started {word} today.")) == [word]


@pytest.mark.parametrize(
    ("text", "dim", "values"),
    [
        ("1,000 mg", "mg", (1000.0,)),
        ("1000mg", "mg", (1000.0,)),
        ("1 g", "mg", (1000.0,)),
        ("500 mcg", "mg", (0.5,)),
        ("500 µg", "mg", (0.5,)),
        ("2 L", "ml", (2000.0,)),
        ("10 units", "unit", (10.0,)),
        ("10 IU", "unit", (10.0,)),
        ("20 mEq", "meq", (20.0,)),
        ("0.5-1 mg/kg", "mg/kg", (0.5, 1.0)),
        ("5 mcg/kg/min", "mg/kg/min", (0.005,)),
        ("120/80 mmHg", "mmhg", (120.0, 80.0)),
        ("88 bpm", "/min", (88.0,)),
        ("22 breaths/min", "/min", (22.0,)),
        ("94%", "%", (94.0,)),
        ("5.4 mmol/L", "mmol/l", (5.4,)),
        ("110 mg/dL", "mg/dl", (110.0,)),
        ("80 kg", "kg", (80.0,)),
        ("170 cm", "mm", (1700.0,)),
        ("2 weeks", "days", (14.0,)),
        ("12.1 x10^9/L", "10^9/l", (12.1,)),
    ],
)
def test_quantities_normalize(text, dim, values):
    [found] = quantities.find(f"Value {text} noted.")
    assert found.text == text
    assert found.key.dim == dim
    assert found.key.values == pytest.approx(values)


def test_quantity_matching_with_conversions():
    def key(text):
        return quantities.find(text)[0].key

    assert quantities.matches(key("1 g"), key("1,000 mg"))
    assert quantities.matches(key("38.5 °C"), key("101.3 °F"))
    assert quantities.matches(key("80 kg"), key("176 lbs"))
    assert not quantities.matches(key("1 g"), key("100 mg"))
    assert not quantities.matches(key("10 mg"), key("10 mL"))


def test_quantities_skip_words_and_ids():
    assert quantities.find("COVID-19, T2DM, q6h, SpO2 on 2 L, 5 u") != []
    assert texts(quantities.find("COVID-19 and T2DM, q6h dosing")) == []
    assert texts(quantities.find("HR 101, K 3.2")) == ["101", "3.2"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2024-03-14", {(2024, 3, 14)}),
        ("03/14/2024", {(2024, 3, 14)}),
        ("3/4/24", {(2024, 3, 4), (2024, 4, 3)}),
        ("14 March 2024", {(2024, 3, 14)}),
        ("March 14th, 2024", {(2024, 3, 14)}),
        ("Mar 14", {(None, 3, 14)}),
        ("14.03.2024", {(2024, 3, 14)}),
    ],
)
def test_dates(text, key):
    [found] = dates.find(f"Seen {text}.")
    assert (found.text, set(found.key)) == (text, key)


def test_not_dates():
    assert dates.find("BP 120/80, 13/45/2024, you may 5 times, 13/2024") == []


def test_a_month_of_a_year_is_a_whole_month():
    assert [(d.text, set(d.key)) for d in dates.find("Seen March 2024 and 11/2033.")] == [
        ("March 2024", {(2024, 3, 0)}), ("11/2033", {(2033, 11, 0)})]
    assert dates.same(frozenset({(2024, 3, 0)}), frozenset({(2024, 3, 14)}))
    assert not dates.same(frozenset({(2024, 3, 0)}), frozenset({(2024, 4, 14)}))


def test_laterality_finder():
    found = laterality.find(
        "Left knee and right hip; RLL; L ankle; bilateral lower extremities; patient left."
    )
    assert [(m.text, m.key.side, m.key.part) for m in found] == [
        ("Left knee", "left", "knee"),
        ("right hip", "right", "hip"),
        ("RLL", "right", "lobe"),
        ("L ankle", "left", "ankle"),
        ("bilateral lower extremities", "bilateral", "extremity"),
    ]


def test_bilateral_in_the_note_supports_one_side():
    left = laterality.Side("left", "knee", frozenset())
    both = laterality.Side("bilateral", "knee", frozenset())
    assert laterality.supports(left, both)
    assert not laterality.supports(both, left)


def test_negation_scopes_and_terminators():
    text = "Denies fever, chills, or night sweats but reports cough. No rash. MI was ruled out."
    found = negation.concepts(text, negation.scopes(text))
    assert [(s.polarity, c.text) for s, c in found] == [
        ("negated", "fever"),
        ("negated", "chills"),
        ("negated", "night sweats"),
        ("negated", "rash"),
        ("negated", "MI"),
    ]
    cough = text.index("cough")
    assert negation.state(negation.scopes(text), (cough, cough + 5)) == "affirmed"


def test_uncertain_and_pseudo_negation():
    text = "Rule out sepsis. No change in rash. Family history of diabetes."
    scopes = negation.scopes(text)
    assert [(s.polarity, c.text) for s, c in negation.concepts(text, scopes)] == [
        ("uncertain", "sepsis"),
        ("uncertain", "diabetes"),
    ]
    rash = text.index("rash")
    assert negation.state(scopes, (rash, rash + 4)) == "affirmed"


def test_a_result_in_brackets_or_a_culture_that_grew():
    from core.grounding import results

    def found(text):
        return [(sorted(m.key.subject), m.key.positive) for m in results.find(text)]

    assert found("Rheumatoid factor 64 IU/mL (positive), anti-CCP 210.") == [(["factor", "rheumatoid"], True)]
    assert found("Blood cultures (peripheral) grew E. coli.") == [(["blood", "cultur"], True)]
    assert found("Blood cultures showed no growth.") == [(["blood", "cultur"], False)]


def test_frequencies_in_doses_a_day_and_every_n_days():
    from core.grounding import frequencies

    keys = [m.key for m in frequencies.find("two doses a day; 3 doses daily; every 3 days; q2d; every 7 days")]
    assert keys == ["2/d", "3/d", "q3d", "qod", "weekly"]
    assert frequencies.find("for 3 days, day 5") == []


def test_inhalations_are_puffs():
    a, b = quantities.find("2 inhalations")[0].key, quantities.find("two puffs".replace("two", "2"))[0].key
    assert quantities.matches(a, b)


def test_a_part_of_a_part_and_a_limb_by_its_everyday_name():
    assert [m.key.phrase() for m in laterality.find("right thumbnail, left leg, R arm")] == [
        "right thumb", "left lower extremity", "right upper extremity"]
    assert [m.key.phrase() for m in laterality.after_part("Hands: tremor bilaterally. Feet: pulses 2+")] == [
        "bilateral hand"]


def test_ordinals_are_their_words():
    from core.grounding import vocabulary

    assert [t.key for t in vocabulary.tokens("2nd 3rd")] == [vocabulary.stem("second"), vocabulary.stem("third")]


@pytest.mark.parametrize(("text", "side", "part"), [
    ("R dorsal hand", "right", "hand"), ("R total knee arthroplasty", "right", "knee"),
    ("small L pleural effusion", "left", "effusion"), ("bilat dorsal hands", "bilateral", "hand"),
    ("L TM mild dullness", "left", "ear"),
])
def test_a_single_letter_side_reaches_past_a_word_that_describes_the_part(text, side, part):
    [found] = laterality.find(text)
    assert (found.key.side, found.key.part) == (side, part)


def test_a_single_letter_side_does_not_reach_past_other_words():
    assert laterality.find("1 L NS bolus, 2 L nasal cannula, R and L lip") == []


def test_the_worse_side_is_compared_with_the_notes():
    note = "Lungs: scattered expiratory wheeze R>L, no crackles."
    assert [f.text for f in check("Expiratory wheeze L>R.", note) if f.kind == "laterality"] == ["L>R"]
    assert [f for f in check("Expiratory wheeze R>L.", note) if f.kind == "laterality"] == []
    note = "HA: L > R temporal, throbbing."
    assert [f.text for f in check("Headaches right-predominant.", note) if f.kind == "laterality"] == ["right-predominant"]
    assert [f for f in check("Headaches left-predominant.", note) if f.kind == "laterality"] == []
    assert [f for f in check("Wheeze worse on the left.", "Wheeze bilaterally.") if f.kind == "laterality"] == []


@pytest.mark.parametrize(("text", "values"), [
    ("Wt 84.1 kg (prev 85.3), BMI 31.2", [("84.1 kg", (84.1,)), ("85.3", (85.3,))]),
    ("Ulcer 1.4 x 1.1 x 0.3 cm (prev 2.0 x 1.5 x 0.4 on 02/06)", [("0.3 cm", (3.0,)), ("2.0", (20.0,)), ("1.5", (15.0,)), ("0.4", (4.0,))]),
    ("Debride q1-2 wks; test of cure 4+ wks after", [("1-2 wks", (7.0, 14.0)), ("4+ wks", (28.0,))]),
    ("metoprolol 25 mg q8h", [("25 mg", (25.0,))]),
])
def test_earlier_values_take_their_units_and_intervals_are_durations(text, values):
    assert [(m.text, m.key.values) for m in quantities.find(text) if m.key.dim] == values


def test_a_side_said_after_the_part_or_heading_its_line():
    from core.grounding import check, laterality

    found = {(m.key.side, m.key.part) for m in laterality.after_part(
        "Nail pitting on 4 of 5 fingernails of the left hand.\nStrength LLE: hip flexion 3/5, ankle dorsiflexion 2-/5.")}
    assert found == {("left", "finger"), ("left", "hip"), ("left", "ankle")}
    note = "Nail pitting on 4 of 5 fingernails of the left hand, onycholysis absent."
    assert [f for f in check("There was pitting of four left fingernails.", note) if f.kind == "laterality"] == []
    assert [f.kind for f in check("There was pitting of four right fingernails.", note)
            if f.kind == "laterality"] == ["laterality"]


def test_hyphenated_twice_daily_is_a_frequency():
    from core.grounding import check

    note = "Timolol 0.5% 1 gtt OS BID. Latanoprost 1 gtt OU qhs."
    assert [f for f in check("He uses twice-daily timolol in the left eye.", note) if f.kind == "frequency"] == []
    assert [f.kind for f in check("He uses once-daily timolol in the left eye.", note)] == ["frequency"]
