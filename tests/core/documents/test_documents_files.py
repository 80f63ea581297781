"""read_document: missing files, folders, permissions, size and length limits, unknown formats."""

from __future__ import annotations

import os

import pytest

from core.documents import MAX_FILE_BYTES, SUPPORTED, limits, read_bytes, read_document
from core.errors import DocumentError


def test_reads_a_file_by_path(tmp_path):
    path = tmp_path / "visit.txt"
    path.write_text("Assessment: stable.\n", encoding="utf-8")
    doc = read_document(path)
    assert (doc.text, doc.source, doc.format) == ("Assessment: stable.\n", "visit.txt", "txt")
    assert read_document(str(path)) == doc


def test_missing_file_names_only_the_file(tmp_path):
    path = tmp_path / "private-folder" / "absent.txt"
    with pytest.raises(DocumentError, match=r"absent\.txt was not found") as info:
        read_document(path)
    assert "private-folder" not in str(info.value)
    assert info.value.hint


def test_directory_is_refused(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes.txt").mkdir()
    for name in ("notes", "notes.txt"):
        with pytest.raises(DocumentError, match=rf"{name} is a folder, not a file"):
            read_document(tmp_path / name)


def test_permission_error_is_wrapped(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("x")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("core.documents.reader.open", refuse, raising=False)
    with pytest.raises(DocumentError, match=r"not allowed to read locked\.txt"):
        read_document(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file_on_disk(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("x")
    path.chmod(0)
    try:
        with pytest.raises(DocumentError, match="not allowed to read"):
            read_document(path)
    finally:
        path.chmod(0o600)


def test_other_os_errors_are_wrapped(tmp_path, monkeypatch):
    path = tmp_path / "flaky.txt"
    path.write_text("x")

    def fail(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("core.documents.reader.open", fail, raising=False)
    with pytest.raises(DocumentError, match=r"flaky\.txt could not be read \(Input/output error\)"):
        read_document(path)


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk

    def must_not_open(*args, **kwargs):
        raise AssertionError("the file was opened although stat() showed it is too large")

    monkeypatch.setattr("core.documents.reader.open", must_not_open, raising=False)
    with pytest.raises(DocumentError, match=r"huge\.txt is too large \(20 MB; the limit is 20 MB\)"):
        read_document(path)


def test_size_limit_applies_to_bytes_too(monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10)
    with pytest.raises(DocumentError, match="too large"):
        read_bytes(b"x" * 11, "a.txt")
    assert read_bytes(b"x" * 10, "a.txt").text == "x" * 10


def test_too_much_text_is_refused_not_truncated(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 100)
    assert len(read_bytes(b"a" * 100, "ok.txt").text) == 100
    with pytest.raises(DocumentError, match=r"long\.txt has too much text \(101 characters\)") as info:
        read_bytes(b"a" * 101, "long.txt")
    assert "never summarizes part" in info.value.hint


def test_default_text_limit_is_two_million_characters():
    assert limits.MAX_TEXT_CHARS == 2_000_000
    with pytest.raises(DocumentError, match="too much text"):
        read_bytes(b"word " * 400_001, "big.txt")


@pytest.mark.parametrize("name", ["scan.png", "note", "archive.zip", "Note.PAGES"])
def test_unknown_extension_lists_supported_formats(name, tmp_path):
    with pytest.raises(DocumentError, match="not supported") as info:
        read_bytes(b"hello", name)
    assert SUPPORTED in str(info.value)
    path = tmp_path / name
    path.write_bytes(b"hello")
    with pytest.raises(DocumentError, match="not supported"):
        read_document(path)


def test_legacy_doc_gets_a_save_as_hint():
    with pytest.raises(DocumentError) as info:
        read_bytes(b"\xd0\xcf\x11\xe0", "old.doc")
    assert "save it as .docx" in info.value.hint


def test_read_bytes_uses_only_the_file_name():
    doc = read_bytes(b"x", "/home/someone/secret-folder/visit.md")
    assert doc.source == "visit.md"


def test_messages_never_contain_note_text(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 10)
    secret = "PATIENT-SECRET-TEXT"
    for data, name in [(secret.encode(), "a.txt"), (secret.encode(), "a.rtf"), (secret.encode(), "a.pdf")]:
        with pytest.raises(DocumentError) as info:
            read_bytes(data, name)
        assert "SECRET" not in str(info.value)


def test_unexpected_parser_exceptions_become_document_errors(monkeypatch, caplog):
    from core.documents import reader

    def boom(data, name):
        raise ValueError("parser exploded on PATIENT-SECRET")

    monkeypatch.setitem(reader.FORMATS, ".txt", ("txt", boom))
    with pytest.raises(DocumentError, match=r"x\.txt could not be read \(txt parser error\)"):
        read_bytes(b"PATIENT-SECRET", "x.txt")
    assert "ValueError" in caplog.text
    assert "SECRET" not in caplog.text
