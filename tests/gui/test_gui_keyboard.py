"""Keyboard shortcuts and accessible names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QListWidget, QPlainTextEdit, QTextEdit


def _keys(action) -> set[str]:
    return {s.toString() for s in action.shortcuts()}


def test_shortcuts(window):
    assert {"Ctrl+Return", "Ctrl+Enter"} <= _keys(window.summarize_action)
    assert _keys(window.copy_action) == {"Ctrl+Shift+C"}
    assert _keys(window.export_action) == {"Ctrl+E"}
    assert _keys(window.open_action) == {"Ctrl+O"}
    assert QKeySequence("Ctrl++").toString() in {k for a in window.findChildren(type(window.open_action))
                                                  for k in _keys(a)}


def test_zoom_and_open_through_actions(window, tmp_path):
    opened = []
    window.choose_open_paths = lambda: [tmp_path / "n.txt"]
    window.controller.open_files = lambda paths: opened.append(paths)
    window.open_action.trigger()
    assert opened == [[tmp_path / "n.txt"]]
    before = window.settings.settings.font_size
    next(a for a in window.findChildren(type(window.open_action)) if "Ctrl++" in _keys(a)).trigger()
    assert window.note_pane.editor.font().pointSize() == before + 1


def test_ctrl_enter_summarizes_from_the_editor(window, qtbot, messages):
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.note_pane.editor.setFocus()
    qtbot.waitUntil(window.note_pane.editor.hasFocus)
    calls = []
    window.summarize_action.triggered.disconnect()
    window.summarize_action.triggered.connect(lambda: calls.append(True))
    qtbot.keyClick(window.note_pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert calls


def test_interactive_widgets_have_accessible_names(window):
    kinds = (QAbstractButton, QComboBox, QPlainTextEdit, QTextEdit, QListWidget)
    missing = [type(w).__name__ for kind in kinds for w in window.findChildren(kind)
               if w.isVisibleTo(window) and not w.accessibleName() and not isinstance(w, QLabel)
               and w.parent() is not None and type(w).__module__.startswith(("gui", "PySide6"))
               and not w.objectName().startswith("qt_")]
    assert not missing, missing
