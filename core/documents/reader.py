"""Reading a note from a path or from bytes: limits, format dispatch, and error wrapping."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePath

from core.documents import limits
from core.documents.document import Document, finish
from core.documents.docx import read_docx
from core.documents.pdf import read_pdf
from core.documents.rtf import read_rtf
from core.documents.text import read_text
from core.errors import DocumentError

log = logging.getLogger(__name__)

Reader = Callable[[bytes, str], tuple[str, list[str]]]

FORMATS: dict[str, tuple[str, Reader]] = {
    ".txt": ("txt", read_text),
    ".text": ("txt", read_text),
    ".md": ("md", read_text),
    ".markdown": ("md", read_text),
    ".docx": ("docx", read_docx),
    ".pdf": ("pdf", read_pdf),
    ".rtf": ("rtf", read_rtf),
}
SUPPORTED = ".txt, .md, .docx, .pdf, .rtf"


def read_document(path: Path | str) -> Document:
    """Read a note file. Raises :class:`DocumentError` for anything that is not a readable note."""
    path = Path(path)
    name = path.name or str(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        _format_of(name)  # an unsupported extension is reported before the file is opened
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError(f"{name} is not a regular file.", hint="Choose a note file saved on disk.")
        limits.check_file_size(st.st_size, name)
        with open(path, "rb") as f:
            data = f.read(limits.MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise _os_error(exc, name) from None
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str) -> Document:
    """Read a note from its bytes; ``name`` gives the format (by extension) and labels errors."""
    name = PurePath(name).name or name
    fmt, reader = _format_of(name)
    limits.check_file_size(len(data), name)
    try:
        raw, warnings = reader(data, name)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence: never let a parser crash the app
        log.warning("Reading %s failed unexpectedly (%s)", name, type(exc).__name__)
        raise DocumentError(
            f"{name} could not be read ({fmt} parser error).",
            hint="Save the note again from the program that made it, or save it as .txt.",
        ) from None
    return finish(raw, name, fmt, warnings)


def _format_of(name: str) -> tuple[str, Reader]:
    ext = os.path.splitext(name)[1].lower()
    if ext in FORMATS:
        return FORMATS[ext]
    what = f"“{ext}” files" if ext else "files without an extension"
    hint = f"Save the note as one of: {SUPPORTED}."
    if ext == ".doc":
        hint = "Open it in Word and save it as .docx (Word Document)."
    raise DocumentError(f"{name}: {what} are not supported. Supported formats: {SUPPORTED}.", hint=hint)


def _os_error(exc: OSError, name: str) -> DocumentError:
    if isinstance(exc, FileNotFoundError):
        return DocumentError(
            f"{name} was not found.", hint="Check that the file still exists, then try again."
        )
    if isinstance(exc, IsADirectoryError):
        return DocumentError(f"{name} is a folder, not a file.", hint="Choose a note file inside the folder.")
    if isinstance(exc, PermissionError):
        return DocumentError(
            f"ChartBrief is not allowed to read {name}.",
            hint="Check the file's permissions, or copy it to a folder you own and open the copy.",
        )
    return DocumentError(
        f"{name} could not be read ({exc.strerror or type(exc).__name__}).",
        hint="Check the disk or network share, then try again.",
    )
