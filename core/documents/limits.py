"""Size limits for note files and extracted text, and the checks that enforce them.

Limits are read at call time, so tests (and a future setting) can lower them.
"""

from __future__ import annotations

from core.errors import DocumentError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest note file accepted (20 MB); checked with ``stat`` before the file is read."""

MAX_TEXT_CHARS = 2_000_000
"""Most characters of text a note may yield; longer text is refused, never truncated."""

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
"""Most bytes all members of a .docx may declare once decompressed."""

MAX_ZIP_RATIO = 200
"""Highest decompressed/compressed ratio allowed for a large .docx member."""

MAX_ZIP_MEMBERS = 5_000


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check_file_size(size: int, name: str) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES` or one that is empty."""
    if size > MAX_FILE_BYTES:
        raise DocumentError(
            f"{name} is too large ({_mb(size)}; the limit is {_mb(MAX_FILE_BYTES)}).",
            hint="Split the note into smaller files, or save only the part you need as .txt.",
        )
    if size == 0:
        raise_empty(name)


def check_text(text: str, name: str) -> None:
    """Refuse text that is blank or longer than :data:`MAX_TEXT_CHARS`."""
    if not text.strip():
        raise_empty(name)
    if len(text) > MAX_TEXT_CHARS:
        raise_too_long(name, len(text))


def raise_empty(name: str) -> None:
    raise DocumentError(
        f"{name} contains no text.",
        hint="Check that you chose the right file and that it was saved with content.",
    )


def raise_too_long(name: str, chars: int | None = None) -> None:
    size = f" ({chars:,} characters)" if chars else ""
    raise DocumentError(
        f"{name} has too much text{size}; the limit is {MAX_TEXT_CHARS:,} characters.",
        hint="Split the note into smaller files; ChartBrief never summarizes part of a note silently.",
    )
