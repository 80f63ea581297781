"""PDF: text layer page by page; scanned, encrypted and corrupt PDFs get their own errors."""

from __future__ import annotations

import pytest
from docbuilders import build_pdf, encrypt_pdf

from core.documents import limits, read_bytes, read_document
from core.errors import DocumentError


def test_text_layer_page_by_page(tmp_path):
    path = tmp_path / "discharge.pdf"
    path.write_bytes(build_pdf(["DISCHARGE SUMMARY\nPatient A. Sample", "Follow-up (clinic) in 2 weeks"]))
    doc = read_document(path)
    assert (doc.source, doc.format, doc.warnings) == ("discharge.pdf", "pdf", ())
    lines = [line for line in doc.text.splitlines() if line.strip()]
    assert lines == ["DISCHARGE SUMMARY", "Patient A. Sample", "Follow-up (clinic) in 2 weeks"]


def test_scanned_pdf_needs_ocr():
    with pytest.raises(DocumentError) as info:
        read_bytes(build_pdf([None, None]), "scan.pdf")
    message = str(info.value)
    assert "scan.pdf has no text layer" in message
    assert "OCR" in message
    assert "ChartBrief does not do OCR" in message


def test_partly_scanned_pdf_warns_about_pages():
    doc = read_bytes(build_pdf(["Page one text", None, "Page three text"]), "mixed.pdf")
    assert "Page one text" in doc.text
    assert "Page three text" in doc.text
    assert doc.warnings == ("Page(s) 2 had no text layer (scanned?) and were skipped.",)


def test_encrypted_pdf():
    data = encrypt_pdf(build_pdf(["Confidential"]), user_password="s3cret")
    with pytest.raises(DocumentError, match=r"locked\.pdf is password-protected") as info:
        read_bytes(data, "locked.pdf")
    assert "unprotected copy" in info.value.hint


def test_pdf_with_only_an_owner_password_opens():
    data = encrypt_pdf(build_pdf(["Copying restricted"]), user_password="")
    assert "Copying restricted" in read_bytes(data, "restricted.pdf").text


@pytest.mark.parametrize(
    "data",
    [b"not a pdf at all", b"%PDF-1.4\n", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", b"\x00" * 64],
    ids=["text", "header-only", "truncated", "zeros"],
)
def test_corrupt_pdf(data):
    with pytest.raises(DocumentError, match=r"(bad\.pdf is not a readable PDF|bad\.pdf has no pages)"):
        read_bytes(data, "bad.pdf")


def test_truncated_real_pdf():
    data = build_pdf(["Some text here"])
    with pytest.raises(DocumentError):
        read_bytes(data[:200], "cut.pdf")


def test_text_limit_stops_extraction(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 30)
    with pytest.raises(DocumentError, match="too much text"):
        read_bytes(build_pdf(["a" * 20, "b" * 20, "c" * 20]), "long.pdf")


def test_pdf_problems_never_log_note_text(caplog):
    data = build_pdf(["SECRET-CLINICAL-WORDS here", "more SECRET-CLINICAL-WORDS"])
    variants = [data[:cut] for cut in range(50, len(data), 23)]
    # pypdf's own warning for this one quotes the bytes that follow, i.e. the page's text.
    variants += [data.replace(b"<< /Length", b"<<u/Length"), data.replace(b"xref", b"xrfe")]
    caplog.set_level("DEBUG")
    for variant in variants:
        try:
            read_bytes(variant, "broken.pdf")
        except DocumentError as exc:
            assert "SECRET" not in str(exc)
    assert not [r for r in caplog.records if "SECRET" in r.getMessage()]
