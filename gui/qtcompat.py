"""A work-around for a reference-count bug in the Qt binding; importing this module applies it.

PySide6 6.12 on Python 3.11: ``SignalInstance.emit()`` returns ``True`` without taking a reference
to it, so every signal emitted from Python lowers ``True``'s reference count by one, and after a
few hundred emits (a few summaries' worth of streamed tokens) the interpreter aborts with "Fatal
Python error: bool_dealloc: deallocating True or False". On Python 3.12+ ``True`` is immortal and
the bug is invisible. :func:`install` measures the leak with a probe signal and, only if it is
there, wraps ``emit`` to give the reference back. It is idempotent and process-wide (it covers
pyqtgraph's signals too).
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

log = logging.getLogger(__name__)

PROBES = 16
_patched = False


class _Probe(QObject):
    ping = Signal()


def _incref(obj: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def emit_leaks_true() -> bool:
    """Whether a Python ``emit()`` loses a reference to ``True`` (the references it takes are repaid)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(PROBES):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    leaks = lost >= PROBES // 2  # other threads may move the count a little; the bug loses one per emit
    if leaks:
        for _ in range(PROBES):
            _incref(True)
    return leaks


def install() -> bool:
    """Wrap ``SignalInstance.emit`` if it leaks; returns whether the work-around is in force."""
    global _patched
    if _patched:
        return True
    if not emit_leaks_true():
        return False
    original = SignalInstance.emit

    def emit(self, *args):
        result = original(self, *args)
        if result is True:
            _incref(result)
        return result

    emit.__doc__ = original.__doc__
    SignalInstance.emit = emit
    _patched = True
    log.info("applied the PySide6 emit() reference-count work-around")
    return True


install()
