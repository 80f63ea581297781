"""Word .docx: paragraphs and table cells in order; zip bombs, legacy and corrupt files refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from docbuilders import build_docx

from core.documents import limits, read_bytes
from core.errors import DocumentError


def test_paragraphs_and_table_cells_in_document_order():
    data = build_docx(
        ["HISTORY", "Chest pain for two days."],
        [["Medication", "Dose"], ["metoprolol", "25 mg BID"]],
        ["PLAN", "Follow up in one week."],
    )
    doc = read_bytes(data, "admission.docx")
    assert doc.format == "docx"
    assert doc.text.split("\n") == [
        "HISTORY",
        "Chest pain for two days.",
        "Medication\tDose",
        "metoprolol\t25 mg BID",
        "PLAN",
        "Follow up in one week.",
    ]


def test_nested_table_text_is_kept():
    import docx

    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Vitals"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "BP 120/80"
    out = io.BytesIO()
    document.save(out)
    text = read_bytes(out.getvalue(), "n.docx").text
    assert "Vitals" in text
    assert "BP 120/80" in text


def test_document_without_text_is_empty():
    with pytest.raises(DocumentError, match=r"blank\.docx contains no text"):
        read_bytes(build_docx([""]), "blank.docx")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_highly_compressed_member_is_a_zip_bomb():
    data = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (11 * 1024 * 1024)})
    assert len(data) < 100_000
    with pytest.raises(DocumentError, match=r"bomb\.docx would expand .* zip bomb"):
        read_bytes(data, "bomb.docx")


def test_total_uncompressed_size_is_capped(monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 50_000)
    data = build_docx(["x" * 10])
    with pytest.raises(DocumentError, match="zip bomb"):
        read_bytes(data, "big.docx")


def test_too_many_members(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(DocumentError, match="zip bomb"):
        read_bytes(_zip({f"f{i}": b"" for i in range(4)}), "many.docx")


@pytest.mark.parametrize(
    "data",
    [
        b"plain text, not a zip",
        b"PK\x03\x04" + b"\x00" * 40,
        _zip({"hello.txt": b"not a word document"}),
        _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}),
    ],
    ids=["text", "zip-header-only", "other-zip", "broken-xml"],
)
def test_non_docx_and_corrupt_files(data):
    with pytest.raises(DocumentError, match=r"bad\.docx is not a readable Word \.docx file") as info:
        read_bytes(data, "bad.docx")
    assert info.value.hint


def test_truncated_docx():
    data = build_docx(["Some text"])
    with pytest.raises(DocumentError, match="not a readable Word"):
        read_bytes(data[: len(data) // 2], "cut.docx")


def test_legacy_or_encrypted_word_file():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(DocumentError, match="old-style Word file or a password-protected") as info:
        read_bytes(ole, "renamed.docx")
    assert "save it as a .docx" in info.value.hint
