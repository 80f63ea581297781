"""App logging that cannot leak note text: a private rotating log file, redaction, crash reports.

Call :func:`register_sensitive` with each note (and summary) before working on it. The registry keeps
only keyed 64-bit hashes of 24-character shingles (every 4th) of the text's lower-cased letters and
digits. A log message holding 27+ consecutive registered letters/digits (spaces, punctuation, case and
``repr`` escapes ignored) is replaced whole; crash reports lose every line such text touches.
Identifiers that :mod:`core.privacy` finds are scrubbed from both. Trade-offs: a shorter fragment (a
name, a dose) passes unless :mod:`core.privacy` catches it; a chance match redacts an innocent message;
only the newest :data:`MAX_REGISTERED` texts are remembered.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import platform
import re
import sys
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from core import __version__, atomic, paths, privacy

log = logging.getLogger(__name__)

SHINGLE = 24
STEP = 4
MIN_CHARS = 12
MAX_REGISTERED = 64
REDACTED = "[redacted: message contained note text]"
REDACTED_LINE = "[redacted line: contained note text]"

_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[abfnrtv])")  # as repr() writes
_KEY = os.urandom(32)
_lock = threading.Lock()
_texts: OrderedDict[bytes, tuple[int, tuple[bytes, ...]]] = OrderedDict()  # key -> (size, hashes)
_counts: dict[bytes, int] = {}  # shingle hash -> how many registered texts have it
_sizes: dict[int, int] = {}  # shingle size -> how many registered texts use it
_handler: logging.Handler | None = None


def _h(chunk: str) -> bytes:  # keyed, so the hashes mean nothing outside this process
    return hashlib.blake2b(chunk.encode("utf-8"), digest_size=8, key=_KEY).digest()


def _normalize(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of ``text`` (not of escapes such as ``\\n``), and their indexes."""
    skip = {i for m in _ESCAPE.finditer(text) for i in range(m.start(), m.end())} if "\\" in text else ()
    idx = [i for i, c in enumerate(text) if c.isalnum() and i not in skip]
    return "".join(text[i].lower()[:1] for i in idx), idx  # [:1]: one char per char, even for "İ"


def register_sensitive(text: str) -> bool:
    """Remember ``text`` (as hashes) so that logs and crash reports never contain it.

    Returns False if it has fewer than :data:`MIN_CHARS` letters/digits (too short to match safely).
    """
    norm, _ = _normalize(text)
    if len(norm) < MIN_CHARS:
        return False
    size = min(SHINGLE, len(norm))
    starts = {*range(0, len(norm) - size + 1, STEP), len(norm) - size}
    hashes = tuple({_h(norm[j:j + size]) for j in starts})
    key = _h(norm)
    with _lock:
        if key in _texts:
            _texts.move_to_end(key)
            return True
        _texts[key] = (size, hashes)
        _sizes[size] = _sizes.get(size, 0) + 1
        for h in hashes:
            _counts[h] = _counts.get(h, 0) + 1
        while len(_texts) > MAX_REGISTERED:
            _, (old_size, old) = _texts.popitem(last=False)
            _forget(_sizes, (old_size,))
            _forget(_counts, old)
    return True


def _forget(table: dict, keys) -> None:
    """Count ``keys`` out of ``table``, dropping those that reach zero."""
    for k in keys:
        table[k] -= 1
        if not table[k]:
            del table[k]


def clear_sensitive() -> None:
    """Forget every registered text."""
    with _lock:
        _texts.clear()
        _counts.clear()
        _sizes.clear()


def _matches(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that repeat registered text (in ``text``'s own coordinates)."""
    sizes = list(_sizes)  # a copy; registering from another thread may change it
    if not sizes:
        return []
    norm, idx = _normalize(text)
    return [(idx[j], idx[j + size - 1] + 1) for size in sizes
            for j in range(len(norm) - size + 1) if _h(norm[j:j + size]) in _counts]


def contains_sensitive(text: str) -> bool:  # 27+ consecutive letters/digits of a registered text
    return bool(_matches(text))


def redact(text: str) -> str:
    """``text`` with each line that registered text touches replaced, and identifiers scrubbed."""
    spans = _matches(text)
    if spans:
        lines = text.split("\n")
        ends = list(itertools.accumulate(len(line) + 1 for line in lines))
        bad = {n for a, b in spans for n, end in enumerate(ends) if end - len(lines[n]) - 1 < b and a < end}
        text = "\n".join(REDACTED_LINE if n in bad else line for n, line in enumerate(lines))
    return privacy.scrub_text(text)


class RedactFilter(logging.Filter):
    """Replace a record's message if it contains registered text; scrub identifiers from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string or a failing __str__: keep the template
            message = str(record.msg)
        try:
            clean = REDACTED if contains_sensitive(message) else privacy.scrub_text(message)
        except Exception:  # noqa: BLE001 - a filter must never raise; drop rather than leak
            clean = "[redaction failed; message dropped]"
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info or record.exc_text:  # exc_text may hold another handler's unredacted copy
            record.exc_text = redact(record.exc_text or (_format_exception(*record.exc_info)
                                                         if isinstance(record.exc_info, tuple) else ""))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


REDACT_FILTER = RedactFilter()


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """Creates its files readable by this user only."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def configure(level: int = logging.INFO, log_file: Path | str | None = None, *,
              max_bytes: int = 2 * 1024 * 1024, backups: int = 3) -> logging.Handler:
    """Log to a rotating file (default ``log_dir()/chartbrief.log``) through the redaction filter.

    A second call replaces the first's handler; every root handler gets the filter. Returns the handler.
    """
    global _handler
    path = Path(log_file) if log_file else paths.log_dir() / "chartbrief.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = _PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    root.setLevel(level)
    _handler = handler
    for h in root.handlers:
        if REDACT_FILTER not in h.filters:
            h.addFilter(REDACT_FILTER)
    return handler


def write_crash_report(exc_type, exc, tb) -> Path:
    """Write a crash report (traceback, locals by type only) to ``log_dir()``; return its path.

    The file is named by time only, written atomically and passed through :func:`redact`.
    """
    where = f"Python {platform.python_version()} on {platform.platform()}"
    out = [f"ChartBrief {__version__} crash report, {datetime.now(UTC).isoformat(timespec='seconds')}",
           f"{where}, thread {threading.current_thread().name}\n", _format_exception(exc_type, exc, tb),
           "\nLocals of the innermost frames (values of text and objects are not recorded):"]
    for frame, lineno in list(traceback.walk_tb(tb))[-5:]:
        out.append(f"  {frame.f_code.co_filename}:{lineno} in {frame.f_code.co_name}")
        out.extend(f"    {name} = {_describe(value)}" for name, value in list(frame.f_locals.items())[:50])
    path = paths.log_dir() / datetime.now(UTC).strftime("crash-%Y%m%dT%H%M%S-%fZ.txt")
    while path.exists():  # two crashes in one microsecond
        path = path.with_name(path.stem + "-1.txt")
    atomic.write_text(path, redact("\n".join(out) + "\n"))
    return path


def _format_exception(exc_type, exc, tb) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb)).rstrip("\n")


def _describe(value) -> str:
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str | bytes | bytearray | list | tuple | dict | set | frozenset):
        return f"<{type(value).__name__}, length {len(value)}>"
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def install_excepthook(on_crash: Callable[[Path], None] | None = None) -> Callable[[], None]:
    """Write a crash report for any uncaught exception (any thread), then call ``on_crash(path)``.

    Returns a function that restores the previous hooks.
    """
    prev_sys, prev_thread = sys.excepthook, threading.excepthook

    def handle(exc_type, exc, tb, where: str) -> None:
        try:
            path = write_crash_report(exc_type, exc, tb)
        except Exception as err:  # noqa: BLE001 - e.g. disk full; the hook must not raise
            print(f"chartbrief: unexpected {exc_type.__name__}; no crash report ({type(err).__name__})",
                  file=sys.stderr)
            return
        log.critical("unhandled %s in %s; crash report %s", exc_type.__name__, where, path)
        print(f"chartbrief: unexpected {exc_type.__name__}; crash report: {path}", file=sys.stderr)
        if on_crash is not None:
            try:
                on_crash(path)
            except Exception:
                log.exception("crash callback failed")

    def sys_hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            prev_sys(exc_type, exc, tb)
        else:
            handle(exc_type, exc, tb, "the main thread")

    def thread_hook(args) -> None:
        if not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else "a thread"
            handle(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = prev_sys, prev_thread

    sys.excepthook, threading.excepthook = sys_hook, thread_hook
    return uninstall
