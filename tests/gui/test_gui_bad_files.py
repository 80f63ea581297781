"""A file the app cannot read gives a clear message and changes nothing else."""

from __future__ import annotations

import pytest

from tests.gui.conftest import SHORT_NOTE
from tests.gui.test_gui_panes import drop, file_mime


@pytest.mark.parametrize("name, data, expected", [
    ("setup.exe", b"MZ\x90\x00\x03", "not supported"),
    ("broken.docx", b"PK\x03\x04 definitely not a real zip", "docx"),
    ("empty.txt", b"", "contains no text"),
])
def test_bad_file_gives_a_message_and_leaves_the_note(window, qtbot, messages, tmp_path, name, data, expected):
    window.note_pane.editor.setPlainText("Typed note that must survive.")
    bad = tmp_path / name
    bad.write_bytes(data)
    drop(window.note_pane.editor, file_mime(bad))
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert len(messages) == 1
    msg = messages[0]
    assert msg.title == "The note could not be opened" and expected in msg.text and msg.hint
    assert "Traceback" not in msg.body()
    assert window.note_pane.text() == "Typed note that must survive."
    assert len(window.controller.items) == 1 and not window.controller.engine_worker.busy
    assert window.summary_pane.view.toPlainText() == ""


def test_good_files_load_and_bad_ones_are_reported(window, qtbot, messages, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(window.controller, "_pump", lambda: started.append(True))  # no model needed here
    good, bad = tmp_path / "a.txt", tmp_path / "b.exe"
    good.write_text(SHORT_NOTE)
    bad.write_bytes(b"MZ")
    window.controller.open_files([good, bad])
    qtbot.waitUntil(lambda: window.note_pane.text() == SHORT_NOTE.rstrip("\n") or bool(started), timeout=10_000)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert [it.source for it in window.controller.items] == ["a.txt"]
    assert "b.exe" in messages[0].text and started


def test_empty_pasted_note_is_refused(window, messages):
    assert not window.summarize()
    assert messages and "contains no text" in messages[0].text
