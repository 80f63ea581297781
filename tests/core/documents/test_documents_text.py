"""Plain text and markdown: encodings, newlines, control characters, empty text, from_text."""

from __future__ import annotations

import codecs

import pytest

from core.documents import Document, read_bytes
from core.errors import DocumentError

NOTE = "Patient A. Sample, 67 y/o.\nCafé visit — résumé of naïve symptoms; temp 38.5 °C.\n"


def test_utf8_text_reads_as_is():
    doc = read_bytes(NOTE.encode("utf-8"), "note.txt")
    assert doc == Document(text=NOTE, source="note.txt", format="txt", warnings=())


def test_markdown_format_and_uppercase_extension():
    assert read_bytes(b"# Plan\n- rest", "NOTE.MD").format == "md"
    assert read_bytes(b"x", "a.TXT").format == "txt"


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_byte_order_marks(bom, encoding):
    doc = read_bytes(bom + NOTE.encode(encoding), "note.txt")
    assert doc.text == NOTE
    assert not doc.warnings


def test_utf16_without_bom():
    assert read_bytes(NOTE.encode("utf-16-le"), "note.txt").text == NOTE


@pytest.mark.parametrize("copies", [5, 200])
def test_legacy_encoding_is_guessed_with_a_warning(copies):
    text = "Le patient a été vu à l'hôpital. Fièvre élevée, très fatigué, réévaluation prévue.\n" * copies
    doc = read_bytes(text.encode("cp1252"), "note.txt")
    assert doc.text == text
    assert any("encoding was guessed" in w for w in doc.warnings)


def test_newlines_are_normalized():
    assert read_bytes(b"a\r\nb\rc\n", "n.txt").text == "a\nb\nc\n"


def test_control_characters_are_removed_but_tabs_kept():
    doc = read_bytes(b"BP\t120/80\x00\x07\x1b mmHg\x7f\n", "n.txt")
    assert doc.text == "BP\t120/80 mmHg\n"
    assert doc.warnings == ("4 control character(s) were removed.",)


def test_binary_is_refused():
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8 + b"\x00" * 512
    with pytest.raises(DocumentError, match=r"scan\.txt does not look like a text file"):
        read_bytes(data, "scan.txt")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", b"\x01\x02 \x03", codecs.BOM_UTF8])
def test_empty_or_blank_is_refused(data):
    with pytest.raises(DocumentError, match=r"blank\.txt contains no text") as info:
        read_bytes(data, "blank.txt")
    assert info.value.hint


def test_from_text_cleans_and_checks():
    doc = Document.from_text("line one\r\nline two\x00")
    assert doc.text == "line one\nline two"
    assert (doc.source, doc.format) == ("pasted text", "txt")
    assert Document.from_text("x", source="dropped text").source == "dropped text"
    with pytest.raises(DocumentError, match="contains no text"):
        Document.from_text(" \n ")


def test_repr_never_shows_the_text():
    doc = Document.from_text("SECRET-CLINICAL-DETAIL")
    assert "SECRET" not in repr(doc)
    assert "SECRET" not in str(doc)


def test_document_is_frozen():
    doc = Document.from_text("x")
    with pytest.raises(AttributeError):
        doc.text = "y"  # type: ignore[misc]
