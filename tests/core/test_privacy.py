"""Identifier scan and scrub: each kind with positives and negatives; reports hold no values."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import privacy

POSITIVES = {
    "name": ["Seen by Dr. Smith today.", "Dr Alice Brown reviewed", "Mrs Jane O'Neil-Baker called",
             "Mr. McDonald declined", "Ms Lee", "Miss Taylor", "Patient name: John A. Smith",
             "Name: Mary Jones"],
    "mrn": ["MRN: 00123456", "MRN 1234567", "medical record number is AB-1234567", "MR# 445566",
            "Record no. 1234567 reviewed", "hospital number 99887766", "chart reviewed, id 12345678"],
    "phone": ["call (555) 123-4567", "tel 555-123-4567", "555.123.4567", "+1 555 123 4567",
              "+44 20 7946 0958"],
    "email": ["email john.doe@example.org.", "j_smith+ward@mail.hospital.co.uk"],
    "address": ["lives at 12 Oak Street", "221B Baker St.", "1600 Pennsylvania Ave", "123 5th Avenue",
                "40 Mill Lane", "7 Elm Dr", "9 Long Road"],
    "dob": ["DOB: 03/14/1962", "D.O.B. 14.03.62", "date of birth 1962-03-14", "born on March 14, 1962",
            "DOB - 14 Mar 1962"],
}
NEGATIVES = {
    "name": ["Dr. recommended rest", "Missed doses", "MS flare", "Lives at 12 Oak Dr. He reports pain",
             "Patient: Alert and oriented", "Mrsa screen negative"],
    "mrn": ["1000 mg daily", "metformin 500 mg", "record BP 120/80", "hospital day 3", "MRN pending",
            "WBC 12000000"],
    "phone": ["5 mg", "BP 120/80, HR 72", "2024-01-15", "1000 mg", "Hb 12.5", "+2 edema", "ratio 1:1000"],
    "email": ["no email on file", "@home", "user@localhost"],
    "address": ["5 mg", "2 Tablets Daily", "took 3 Advil", "12 Lead ECG", "at 5 PM", "Dr. Smith"],
    "dob": ["DOB unknown", "Date of admission: 01/02/2024", "born at 38 weeks", "newborn 01/02/2024"],
}
CASES = [(k, t, True) for k, ts in POSITIVES.items() for t in ts] + \
        [(k, t, False) for k, ts in NEGATIVES.items() for t in ts]


@pytest.mark.parametrize("kind, text, found", CASES)
def test_each_kind(kind, text, found):
    kinds = {k for _, _, k in privacy.find_spans(text)}
    assert (kind in kinds) is found, (kind, text, privacy.find_spans(text))
    if found:
        assert privacy.PLACEHOLDERS[kind] in privacy.scrub_text(text)


def test_scrub_keeps_labels_and_replaces_values():
    text = ("Mrs Jane Doe (MRN: 00123456, DOB: 03/14/1962) lives at 12 Oak Street; "
            "call (555) 123-4567 or jane.doe@example.org. Seen by Dr. Smith.")
    assert privacy.scrub_text(text) == (
        "Mrs [NAME] (MRN: [MRN], DOB: [DOB]) lives at [ADDRESS]; "
        "call [PHONE] or [EMAIL]. Seen by Dr. [NAME].")


def test_report_counts_rows_and_holds_no_values():
    values = ["Zebulon Quixley", "00987654", "555-867-5309", "zq@example.org", "77 Quince Road", "02/29/1960"]
    rows = [
        (1, "Mr Zebulon Quixley, MRN 00987654."),
        (2, "Dressing changed; no concerns."),
        (5, "Phone 555-867-5309, email zq@example.org, home 77 Quince Road, DOB 02/29/1960."),
        (9, "Mr Zebulon Quixley again."),
    ]
    report = privacy.scan_texts(iter(rows))
    assert report.rows_scanned == 4 and report.total == 7 and not report.clean
    assert report.counts == {"name": 2, "mrn": 1, "phone": 1, "email": 1, "address": 1, "dob": 1}
    assert report.rows["name"] == (1, 9) and report.rows["phone"] == (5,) and report.rows["mrn"] == (1,)
    dumped = [repr(report), str(dataclasses.asdict(report)), report.summary(), pickle.dumps(report).decode("latin-1")]
    for value in values:
        for blob in dumped:
            assert value not in blob
    assert "name: 2 in rows 1, 9" in report.summary()


def test_clean_dataset():
    report = privacy.scan_texts([(1, "Afebrile. Plan: continue metformin 500 mg twice daily.")])
    assert report.clean and report.summary() == "No likely identifiers found in 1 rows."


_words = st.sampled_from(["Dr.", "Mr", "Smith", "Jane", "MRN:", "00123456", "12", "Oak", "Street", "DOB",
                          "03/14/1962", "555-123-4567", "a@b.org", "mg", "500", "pain", "Lane", "Name:", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_words, max_size=14).map(" ".join))
def test_scrubbed_text_has_nothing_left_to_find(text):
    scrubbed = privacy.scrub_text(text)
    assert privacy.find_spans(scrubbed) == []
    assert privacy.scrub_text(scrubbed) == scrubbed
