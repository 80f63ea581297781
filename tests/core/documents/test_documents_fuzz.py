"""Property tests: whatever bytes arrive, the result is a Document or a DocumentError, nothing else."""

from __future__ import annotations

import pytest
from docbuilders import build_docx, build_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.documents import MAX_TEXT_CHARS, Document, read_bytes
from core.errors import DocumentError

EXTENSIONS = ["txt", "md", "docx", "pdf", "rtf"]
SEEDS = {
    "docx": build_docx(["Assessment: stable"], [["aspirin", "81 mg"]]),
    "pdf": build_pdf(["Assessment: stable", None]),
    "rtf": rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 Assessment\par stable\'e9\u8212?\par}",
    "txt": "Assessment: stable, café\r\n".encode(),
}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(data: bytes, name: str) -> None:
    try:
        doc = read_bytes(data, name)
    except DocumentError as exc:
        assert exc.message.startswith(name) or name in exc.message
        return
    assert isinstance(doc, Document)
    assert doc.source == name
    assert doc.text.strip()
    assert len(doc.text) <= MAX_TEXT_CHARS
    assert "\r" not in doc.text
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in doc.text)


@pytest.mark.parametrize("ext", EXTENSIONS)
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(ext, data):
    _outcome(data, f"note.{ext}")


@st.composite
def _mutated(draw, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
            if not data:
                break
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at : at + draw(st.integers(1, 64))]
            if not data:
                break
    return bytes(data)


@pytest.mark.parametrize("ext", sorted(SEEDS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_valid_files(ext, data):
    _outcome(data.draw(_mutated(SEEDS[ext])), f"note.{ext}")


@pytest.mark.parametrize("ext", EXTENSIONS)
@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_under_every_extension(ext, text):
    _outcome(text.encode("utf-8", "surrogatepass"), f"note.{ext}")
