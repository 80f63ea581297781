"""The one place where exceptions become messages a user can act on.

:func:`message_for` maps an exception to a :class:`UserMessage`: a ``ChartBriefError`` gives its own
message and hint, ``MemoryError`` and ``OSError`` get plain explanations, anything else becomes
"Something went wrong" with the path of a crash report (written by ``core.logsafe``, without note
text). No traceback is ever shown. Every dialog goes through :func:`show`, whose presenter tests can
replace with :func:`set_presenter` to capture messages without a modal dialog.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import (
    AuditError,
    Cancelled,
    ChartBriefError,
    DatasetError,
    DocumentError,
    EngineError,
    InsufficientMemory,
    ModelError,
    SettingsError,
)

log = logging.getLogger(__name__)

ERROR, WARNING, INFO = "error", "warning", "info"

_TITLES: tuple[tuple[type[BaseException], str], ...] = (
    (Cancelled, "Cancelled"),
    (DocumentError, "The note could not be opened"),
    (InsufficientMemory, "Not enough memory"),
    (ModelError, "Model problem"),
    (EngineError, "Engine problem"),
    (SettingsError, "Settings problem"),
    (DatasetError, "Training data problem"),
    (AuditError, "Audit log problem"),
    (ChartBriefError, "ChartBrief"),
)


@dataclass(frozen=True)
class UserMessage:
    """What a dialog shows: a title, a sentence, what to do, and where a crash report went."""

    title: str
    text: str
    hint: str | None = None
    level: str = ERROR
    crash_report: Path | None = None

    def body(self) -> str:
        """The dialog text: the message, then the hint on its own line."""
        return self.text if not self.hint else f"{self.text}\n\n{self.hint}"


def message_for(exc: BaseException) -> UserMessage:
    """Map ``exc`` to a user message (writes a crash report for unexpected errors)."""
    if isinstance(exc, ChartBriefError):
        title = next(t for cls, t in _TITLES if isinstance(exc, cls))
        level = INFO if isinstance(exc, Cancelled) else ERROR
        return UserMessage(title, exc.message, exc.hint, level)
    if isinstance(exc, MemoryError):
        return UserMessage("Not enough memory", "ChartBrief ran out of memory.",
                           "Close other programs, or choose a smaller model or a lower-bit variant.")
    if isinstance(exc, OSError):
        return _os_message(exc)
    return _unexpected(exc)


def _os_message(exc: OSError) -> UserMessage:
    name = Path(exc.filename).name if isinstance(exc.filename, str | Path) and str(exc.filename) else None
    what = f"“{name}”" if name else "A file"
    if isinstance(exc, FileNotFoundError):
        text, hint = f"{what} could not be found.", "Check that it still exists and try again."
    elif isinstance(exc, PermissionError):
        text, hint = f"{what} could not be opened: permission denied.", "Choose a file or folder you may use."
    elif exc.errno == errno.ENOSPC:
        text, hint = "The disk is full.", "Free some space and try again."
    else:
        reason = exc.strerror or "input/output error"
        text = f"{what} could not be read or written ({reason.lower()})."
        hint = "Check the file and the disk, then try again."
    return UserMessage("File problem", text, hint)


def _unexpected(exc: BaseException) -> UserMessage:
    report = None
    try:
        from core import logsafe

        report = logsafe.write_crash_report(type(exc), exc, exc.__traceback__)
    except Exception as err:  # noqa: BLE001 - reporting must not fail the report
        log.error("could not write a crash report (%s)", type(err).__name__)
    text = "Something went wrong."
    hint = (f"A crash report (without note text) was saved to {report}." if report
            else "No crash report could be saved.")
    return UserMessage("Something went wrong", text, hint + " Please send it to your ChartBrief support.",
                       ERROR, report)


def crash_message(report: Path | None) -> UserMessage:
    """The message for an uncaught exception that ``core.logsafe``'s hook already reported."""
    hint = f"A crash report (without note text) was saved to {report}." if report else None
    return UserMessage("Something went wrong", "Something went wrong. ChartBrief will try to carry on.",
                       hint, ERROR, report)


# --- presenting ---------------------------------------------------------------------------------

Presenter = Callable[[QWidget | None, UserMessage], None]


def _message_box(parent: QWidget | None, msg: UserMessage) -> None:
    icon = {ERROR: QMessageBox.Icon.Critical, WARNING: QMessageBox.Icon.Warning}.get(msg.level,
                                                                                   QMessageBox.Icon.Information)
    box = QMessageBox(icon, msg.title, msg.text, QMessageBox.StandardButton.Ok, parent)
    if msg.hint:
        box.setInformativeText(msg.hint)
    box.setAccessibleName(msg.title)
    box.exec()


_presenter: Presenter = _message_box


def set_presenter(presenter: Presenter | None) -> Presenter:
    """Replace how messages are shown (None restores the dialog); returns the previous presenter."""
    global _presenter
    previous, _presenter = _presenter, presenter or _message_box
    return previous


def show(parent: QWidget | None, msg: UserMessage) -> None:
    """Log ``msg`` (it never holds note text) and show it."""
    logger = log.info if msg.level == INFO else log.warning
    logger("%s: %s%s", msg.title, msg.text, f" (crash report {msg.crash_report})" if msg.crash_report else "")
    _presenter(parent, msg)


def report(parent: QWidget | None, exc: BaseException) -> UserMessage:
    """Map ``exc`` to a message and show it; returns the message."""
    msg = message_for(exc)
    show(parent, msg)
    return msg
