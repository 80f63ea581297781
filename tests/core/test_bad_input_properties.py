"""Bad input never hurts: ≥1,000 generated cases per entry point (document readers, dataset loaders,
settings loader, model importer). Each case ends in a result or the entry point's own specific error —
never another exception — and leaves no partial or temp file behind. Plus the named nasty cases:
a 200 MB file, empty files, gigantic lines, invalid UTF-8, a zip-bomb docx, an image-only PDF."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import settings as app_settings
from core.data import load_pairs
from core.documents import read_bytes, read_document
from core.errors import DatasetError, DocumentError, ModelError
from core.models import import_model
from core.models import inspect as inspect_model

CASES = settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

payloads = st.one_of(
    st.binary(max_size=4096),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=300).map(lambda t: ("\n".join([t] * 20)).encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04", b"%PDF-1.7\n", b"{\\rtf1", b"GGUF",
                     b'{"note": "x", "summary": 1}\n', b"note,summary\n", b"\x00" * 100, b"\xc3\x28" * 50]),
)


def listing(d: Path) -> set[str]:
    return {str(p.relative_to(d)) for p in d.rglob("*")}


@CASES
@given(data=payloads, ext=st.sampled_from([".txt", ".md", ".docx", ".pdf", ".rtf", ".doc", ".exe", ""]))
def test_document_reader_never_crashes(tmp_path_factory, data, ext):
    d = tmp_path_factory.mktemp("doc")
    f = d / f"note{ext}"
    f.write_bytes(data)
    before = listing(d)
    try:
        doc = read_document(f)
        assert doc.text.strip()
    except DocumentError as exc:
        assert f.name in str(exc)
    assert listing(d) == before


@CASES
@given(data=payloads, ext=st.sampled_from([".jsonl", ".json", ".csv", ".tsv", ".ndjson"]))
def test_dataset_loader_never_crashes(tmp_path_factory, data, ext):
    d = tmp_path_factory.mktemp("data")
    f = d / f"pairs{ext}"
    f.write_bytes(data)
    before = listing(d)
    try:
        pairs = load_pairs(f)
        assert pairs and all(isinstance(p.note, str) and isinstance(p.summary, str) for p in pairs)
    except DatasetError as exc:
        assert f.name in str(exc)
    assert listing(d) == before


@CASES
@given(data=payloads)
def test_settings_loader_never_crashes(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("settings")
    f = d / "settings.json"
    f.write_bytes(data)
    result = app_settings.load(f)
    assert isinstance(result.settings, app_settings.Settings)
    leftovers = [p.name for p in d.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


@CASES
@given(data=payloads, kind=st.sampled_from(["gguf", "bin", "hf-config", "hf-folder"]))
def test_model_importer_never_crashes(tmp_path_factory, monkeypatch_session, data, kind):
    d = tmp_path_factory.mktemp("model")
    monkeypatch_session.setenv("CHARTBRIEF_HOME", str(d / "home"))
    if kind in ("gguf", "bin"):
        target = d / f"model.{kind}"
        target.write_bytes((b"GGUF" if kind == "gguf" and len(data) % 2 else b"") + data)
    else:
        target = d / "folder"
        target.mkdir()
        (target / "config.json").write_bytes(data)
        if kind == "hf-folder":
            (target / "model.safetensors").write_bytes(data[:64])
            (target / "tokenizer.json").write_bytes(data[:64])
    try:
        import_model(target)
    except ModelError as exc:
        assert target.name in str(exc)
    store = d / "home" / "data"
    assert not store.exists() or not [p for p in store.iterdir() if p.name.startswith(".")]


@pytest.fixture(scope="module")
def monkeypatch_session():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


# --- The named cases ------------------------------------------------------------------------

def test_200_mb_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(200 * 2**20)
    with pytest.raises(DocumentError, match="huge.txt"):
        read_document(big)
    big_model = tmp_path / "huge.gguf"
    os.link(big, big_model)
    with pytest.raises(ModelError, match="not a GGUF"):
        inspect_model.inspect(big_model)


def test_200_mb_settings_file_falls_back_to_defaults(tmp_path):
    f = tmp_path / "settings.json"
    with open(f, "wb") as fh:
        fh.truncate(200 * 2**20)
    result = app_settings.load(f)
    assert result.settings == app_settings.Settings() and result.warning


@pytest.mark.parametrize("ext", [".txt", ".md", ".docx", ".pdf", ".rtf"])
def test_empty_files(tmp_path, ext):
    f = tmp_path / f"empty{ext}"
    f.write_bytes(b"")
    with pytest.raises(DocumentError, match=f"empty{ext}"):
        read_document(f)


def test_gigantic_single_line_note_is_read_whole(tmp_path):
    line = ("word " * 300_000).encode()  # 1.5 MB in one line, under the text limit
    doc = read_bytes(line, "oneline.txt")
    assert len(doc.text.strip()) == len(line.strip())


def test_invalid_utf8_is_decoded_or_refused_not_crashed():
    try:
        doc = read_bytes(b"Patient \xff\xfe\xfd note with \xc3\x28 bad bytes " * 20, "bad.txt")
        assert "Patient" in doc.text
    except DocumentError:
        pass


def test_zip_bomb_docx_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (300 * 2**20))  # 300 MB of zeros compress to ~300 KB
    with pytest.raises(DocumentError, match="bomb.docx"):
        read_bytes(buf.getvalue(), "bomb.docx")


def test_image_only_and_encrypted_pdfs_get_specific_errors():
    from tests.core.documents.docbuilders import build_pdf, encrypt_pdf

    with pytest.raises(DocumentError, match="(?i)ocr"):
        read_bytes(build_pdf([None, None]), "scan.pdf")
    with pytest.raises(DocumentError, match="(?i)password"):
        read_bytes(encrypt_pdf(build_pdf(["Note text here."]), "secret"), "locked.pdf")
