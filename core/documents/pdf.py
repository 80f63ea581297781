"""PDF: the text layer, page by page. Scanned (image-only) and password-protected PDFs are refused."""

from __future__ import annotations

import io
import logging

from core.documents import limits
from core.errors import DocumentError

log = logging.getLogger(__name__)
# pypdf's warnings quote raw bytes of the file, which can be note text: keep them out of the logs.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)


def read_pdf(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text and warnings from a PDF file's bytes."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception:  # noqa: BLE001 - pypdf raises many types on corrupt files
        raise _corrupt(name) from None
    if encrypted:
        _unlock(reader, name)
    try:
        pages = list(reader.pages)
    except Exception:  # noqa: BLE001
        raise _corrupt(name) from None
    if not pages:
        raise DocumentError(f"{name} has no pages.", hint="Check that you chose the right PDF.")
    texts: list[str] = []
    blank: list[int] = []
    failed: list[int] = []
    total = 0
    for number, page in enumerate(pages, start=1):
        try:
            page_text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - one bad page should not lose the rest
            log.warning("PDF page %d of %s could not be read (%s)", number, name, type(exc).__name__)
            failed.append(number)
            continue
        if not page_text.strip():
            blank.append(number)
            continue
        total += len(page_text)
        if total > limits.MAX_TEXT_CHARS:
            limits.raise_too_long(name)
        texts.append(page_text.strip("\n"))
    if not texts:
        if failed:
            raise _corrupt(name)
        raise DocumentError(
            f"{name} has no text layer: it looks like a scanned image. "
            "OCR (text recognition) is needed, and ChartBrief does not do OCR.",
            hint="Run the PDF through OCR software to make it searchable, or paste the note text instead.",
        )
    return "\n\n".join(texts), _warnings(blank, failed)


def _unlock(reader, name: str) -> None:
    """Open a PDF that is encrypted with an empty user password (print/copy restrictions only)."""
    try:
        if reader.decrypt(""):
            return
    except Exception as exc:  # noqa: BLE001 - e.g. AES without a crypto library, or a broken key
        log.info("Could not decrypt %s with an empty password (%s)", name, type(exc).__name__)
    raise DocumentError(
        f"{name} is password-protected (encrypted), so ChartBrief cannot read it.",
        hint="Open it with its password in your PDF viewer and save or print an unprotected copy.",
    )


def _warnings(blank: list[int], failed: list[int]) -> list[str]:
    out = []
    if blank:
        out.append(f"Page(s) {_pages(blank)} had no text layer (scanned?) and were skipped.")
    if failed:
        out.append(f"Page(s) {_pages(failed)} could not be read and were skipped.")
    return out


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _corrupt(name: str) -> DocumentError:
    return DocumentError(
        f"{name} is not a readable PDF (it is damaged or another kind of file).",
        hint="Open it in a PDF viewer and save or print it as a new PDF, or paste the note text instead.",
    )
