"""RTF via striprtf."""

from __future__ import annotations

import pytest

from core.documents import read_bytes
from core.errors import DocumentError

RTF = rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}\f0 ASSESSMENT\par Caf\'e9 visit, left knee pain.\par}"


def test_rtf_text():
    doc = read_bytes(RTF, "visit.rtf")
    assert doc.format == "rtf"
    assert doc.text.split("\n")[:2] == ["ASSESSMENT", "Café visit, left knee pain."]


def test_rtf_with_utf8_bom_header():
    assert "ASSESSMENT" in read_bytes(b"\xef\xbb\xbf" + RTF, "bom.rtf").text


def test_not_rtf():
    with pytest.raises(DocumentError, match=r"plain\.rtf is not an RTF file"):
        read_bytes(b"just text", "plain.rtf")


def test_rtf_without_text():
    with pytest.raises(DocumentError, match="contains no text"):
        read_bytes(rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}}", "empty.rtf")


def test_embedded_picture_is_skipped_quickly():
    picture = "\n".join("89504e470d0a1a0a" * 8 for _ in range(2000))  # ~260 KB of hex image data
    data = (r"{\rtf1\ansi Before\par{\pict\pngblip" + "\n" + picture + r"}After\par}").encode()
    doc = read_bytes(data, "picture.rtf")
    assert doc.text.split() == ["Before", "After"]
