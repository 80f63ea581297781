"""Note files in, clean text out: .txt, .md, .docx, .pdf (text layer) and .rtf.

Every failure is a :class:`core.errors.DocumentError` naming the file (never its text) and saying
what to do. Drag-and-dropped or pasted text goes through :meth:`Document.from_text`.
"""

from __future__ import annotations

from core.documents.document import Document
from core.documents.limits import MAX_FILE_BYTES, MAX_TEXT_CHARS
from core.documents.reader import SUPPORTED, read_bytes, read_document

__all__ = ["MAX_FILE_BYTES", "MAX_TEXT_CHARS", "SUPPORTED", "Document", "read_bytes", "read_document"]
