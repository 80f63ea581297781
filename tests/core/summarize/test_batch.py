"""A folder of notes summarized with one engine: which files, in what order, resumable, a bad note
reported while the others are written, and never a half-written summary (model-free: a stub engine)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core import atomic, audit
from core.documents import read_document
from core.errors import ChartBriefError, DocumentError, EngineError
from core.summarize import batch
from tests.core.documents.docbuilders import build_docx
from tests.stub_engine import StubEngine

SAMPLES = Path(__file__).parents[3] / "resources" / "samples"
NOTE_A = (SAMPLES / "orthopedics_clinic.md").read_text()
NOTE_B = (SAMPLES / "cardiology_admission.txt").read_text()  # its prompt to the model has "substernal" in it
NOTE_C = (SAMPLES / "discharge_summary_pneumonia.txt").read_text()
SHORT = "Seen for a cough for three days. No fever. Plan: rest and fluids, review in one week if not better.\n"


class Loader:
    """``load_engine`` for :func:`batch.run` that counts its calls."""

    def __init__(self, engine=None):
        self.engine = engine or StubEngine()
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.engine


def notes_folder(tmp_path: Path) -> Path:
    """b.txt, a.md, c.docx (notes), pic.jpg (not a note), .hidden.txt, ~$c.docx (Word's lock file), sub/."""
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "inner.txt").write_text(NOTE_A)
    (folder / "b.txt").write_text(NOTE_B)
    (folder / "a.md").write_text(NOTE_A)
    (folder / "c.docx").write_bytes(build_docx(NOTE_C.split("\n")))
    (folder / "pic.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".hidden.txt").write_text(NOTE_A)
    (folder / "~$c.docx").write_bytes(b"lock")
    return folder


def events_of(plan, loader, **kwargs):
    return list(batch.run(plan, loader, style="brief", **kwargs))


def test_every_note_in_the_folder_is_summarized_in_name_order_with_one_engine_load(tmp_path, home):
    folder, out = notes_folder(tmp_path), tmp_path / "out"
    plan = batch.prepare(folder, out, style="brief")
    assert [j.note.name for j in plan.todo] == ["a.md", "b.txt", "c.docx"]
    assert plan.ignored == ["pic.jpg", "~$c.docx"] and plan.subfolders == 1 and plan.done == []
    loader = Loader()
    events = events_of(plan, loader)
    assert loader.calls == 1
    written = [e for e in events if isinstance(e, batch.FileWritten)]
    assert [e.job.note.name for e in written] == ["a.md", "b.txt", "c.docx"]
    assert not [e for e in events if isinstance(e, batch.FileFailed)]
    assert sorted(p.name for p in out.iterdir()) == [
        "a.md.brief.summary.md", "b.txt.brief.summary.md", "c.docx.brief.summary.md"]
    for e in written:
        assert e.job.summary.read_text() == batch.as_text(e.result)
    assert "ticagrelor 180 mg" in (out / "b.txt.brief.summary.md").read_text()
    assert "inner.txt.brief.summary.md" not in os.listdir(out)
    entries = [json.loads(line) for line in audit.default_path().read_text().splitlines()]
    assert [e["action"] for e in entries] == ["summarize"] * 3
    assert [e["note_sha256"] for e in entries] == [
        audit.sha256_text(read_document(folder / name).text) for name in ("a.md", "b.txt", "c.docx")]


def test_a_rerun_skips_summaries_not_older_than_their_note_and_redoes_edited_notes(tmp_path, home):
    folder, out = notes_folder(tmp_path), tmp_path / "out"
    events_of(batch.prepare(folder, out, style="brief"), Loader())
    again = batch.prepare(folder, out, style="brief")
    assert again.todo == [] and [j.note.name for j in again.done] == ["a.md", "b.txt", "c.docx"]
    summary = out / "b.txt.brief.summary.md"
    st = summary.stat()
    os.utime(folder / "b.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # edited after its summary
    edited = batch.prepare(folder, out, style="brief")
    assert [j.note.name for j in edited.todo] == ["b.txt"] and len(edited.done) == 2
    assert len(batch.prepare(folder, out, style="brief", redo=True).todo) == 3
    assert len(batch.prepare(folder, out, style="soap").todo) == 3  # another style is another summary


def test_a_bad_note_is_reported_with_the_readers_error_and_the_others_are_written(tmp_path, home):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "1-good.txt").write_text(NOTE_A)
    (folder / "2-empty.txt").write_bytes(b"")
    (folder / "3-broken.docx").write_bytes(b"PK\x03\x04 definitely not a real zip")
    (folder / "4-good.md").write_text(NOTE_B)
    out = tmp_path / "out"
    loader = Loader()
    events = events_of(batch.prepare(folder, out, style="brief"), loader)
    failed = {e.job.note.name: e.error for e in events if isinstance(e, batch.FileFailed)}
    assert set(failed) == {"2-empty.txt", "3-broken.docx"}
    assert all(isinstance(err, DocumentError) and err.hint for err in failed.values())
    assert "2-empty.txt contains no text" in failed["2-empty.txt"].message
    assert failed["3-broken.docx"].message.startswith("3-broken.docx ")
    assert sorted(p.name for p in out.iterdir()) == ["1-good.txt.brief.summary.md", "4-good.md.brief.summary.md"]
    assert loader.calls == 1


def test_an_empty_summary_is_a_failure_not_a_blank_file_a_rerun_would_skip(tmp_path, home, monkeypatch):
    from core.summarize import structured

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "short.txt").write_text(SHORT)  # no sections, no facts: the note's own sentences are the summary
    (folder / "z.md").write_text(NOTE_A)
    out = tmp_path / "out"
    events = events_of(batch.prepare(folder, out, style="brief"), Loader())
    assert not [e for e in events if isinstance(e, batch.FileFailed)]
    assert "- No fever." in (out / "short.txt.brief.summary.md").read_text()

    monkeypatch.setattr(structured, "note_sentences", lambda note: "")  # were it empty all the same
    (folder / "short2.txt").write_text(SHORT)
    events = events_of(batch.prepare(folder, out, style="brief"), Loader())
    failed = [e for e in events if isinstance(e, batch.FileFailed)]
    assert [e.job.note.name for e in failed] == ["short2.txt"] and "came out empty" in failed[0].error.message
    assert "short2.txt.brief.summary.md" not in os.listdir(out)


def test_an_unexpected_error_in_one_note_is_reported_and_the_next_note_still_runs(tmp_path, home):
    class Flaky(StubEngine):
        def stream(self, prompt, settings=None, stop=None):
            if "substernal" in prompt:
                raise RuntimeError("a bug")
            yield from super().stream(prompt, settings, stop)

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_B)
    (folder / "b.txt").write_text(NOTE_A)
    out = tmp_path / "out"
    events = events_of(batch.prepare(folder, out, style="brief"), Loader(Flaky()))
    failed = [e for e in events if isinstance(e, batch.FileFailed)]
    assert len(failed) == 1 and failed[0].error.message == "a.txt could not be summarized (unexpected RuntimeError)."
    assert os.listdir(out) == ["b.txt.brief.summary.md"]


def test_a_summary_that_cannot_be_written_is_reported_and_the_next_note_still_runs(tmp_path, home, monkeypatch):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_A)
    (folder / "b.txt").write_text(NOTE_B)
    out = tmp_path / "out"
    plan = batch.prepare(folder, out, style="brief")
    real = atomic.write_text
    calls = []

    def full_disk(target, text, encoding="utf-8"):
        calls.append(target)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return real(target, text, encoding)

    monkeypatch.setattr(atomic, "write_text", full_disk)
    events = events_of(plan, Loader())
    failed = [e for e in events if isinstance(e, batch.FileFailed)]
    assert len(failed) == 1 and "No space left on device" in failed[0].error.message
    assert "a.txt" in failed[0].error.message and failed[0].error.hint
    assert [p.name for p in out.iterdir()] == ["b.txt.brief.summary.md"]


def test_ctrl_c_inside_a_note_leaves_no_partial_file_and_a_rerun_continues_with_the_rest(tmp_path, home):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_A)
    (folder / "b.txt").write_text(NOTE_B)  # the stub is "interrupted" while writing this one's summary
    (folder / "c.txt").write_text(NOTE_C)
    out = tmp_path / "out"
    engine = StubEngine(interrupt_on="substernal")
    with pytest.raises(KeyboardInterrupt):
        events_of(batch.prepare(folder, out, style="brief"), Loader(engine))
    assert any("substernal" in p for p in engine.prompts)
    assert os.listdir(out) == ["a.txt.brief.summary.md"]
    engine.interrupt_on = None
    rerun = batch.prepare(folder, out, style="brief")
    assert [j.note.name for j in rerun.todo] == ["b.txt", "c.txt"]
    events_of(rerun, Loader(engine))
    assert sorted(os.listdir(out)) == ["a.txt.brief.summary.md", "b.txt.brief.summary.md", "c.txt.brief.summary.md"]


def test_ctrl_c_while_a_summary_is_being_written_leaves_no_file(tmp_path, home, monkeypatch):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_A)
    out = tmp_path / "out"
    plan = batch.prepare(folder, out, style="brief")

    def interrupted(src, dst):
        raise KeyboardInterrupt  # the temp file is complete, the rename not yet done

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        events_of(plan, Loader())
    assert os.listdir(out) == []


def test_temp_files_of_a_killed_run_are_removed(tmp_path, home):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_A)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".a.txt.brief.summary.md.k3j2x9.tmp").write_text("half a summ")
    (out / ".someone-elses.tmp").write_text("kept")
    batch.prepare(folder, out, style="brief")
    assert os.listdir(out) == [".someone-elses.tmp"]


def test_json_summaries_are_the_single_note_json(tmp_path, home):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_A)
    out = tmp_path / "out"
    events = events_of(batch.prepare(folder, out, style="brief", fmt="json"), Loader(), fmt="json")
    result = next(e.result for e in events if isinstance(e, batch.FileWritten))
    data = json.loads((out / "a.txt.brief.summary.json").read_text())
    assert data["summary"] == result.summary and data["source"] == {"file": "a.txt", "format": "txt", "warnings": []}
    assert set(data) == set(result.as_dict()) | {"source"}


def test_an_engine_that_cannot_load_ends_the_run(tmp_path, home):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_A)
    (folder / "b.txt").write_text(NOTE_B)

    def broken():
        raise EngineError("openvino is not installed.", hint="Use --engine reference.")

    with pytest.raises(EngineError):
        events_of(batch.prepare(folder, tmp_path / "out", style="brief"), broken)


@pytest.mark.parametrize("case, message", [
    ("same", "is the folder the notes are in"),
    ("file", "is a file, not a folder"),
    ("unwritable", "cannot write summaries"),
    ("missing", "was not found"),
    ("no notes", "has no note files"),
])
def test_requests_no_note_could_get_past_are_refused_before_any_work(tmp_path, home, case, message):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE_A)
    (tmp_path / "a-file").write_text("x")
    out = {"same": folder, "file": tmp_path / "a-file", "unwritable": tmp_path / "a-file" / "out"}.get(
        case, tmp_path / "out")
    if case == "missing":
        folder = tmp_path / "nowhere"
    if case == "no notes":
        (folder / "a.txt").rename(folder / "a.doc")
        (folder / "old").mkdir()
    with pytest.raises(ChartBriefError, match=message) as info:
        batch.prepare(folder, out, style="brief")
    assert info.value.hint
    if case == "no notes":
        assert "a.doc" in info.value.hint and "Subfolders" in info.value.hint
        assert not (tmp_path / "out").exists()  # nothing created for a request that failed
