"""Word .docx: paragraphs and table cells in document order, behind a zip-bomb guard."""

from __future__ import annotations

import io
import zipfile

from core.documents import limits
from core.errors import DocumentError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, or a password-protected .docx
_BIG_MEMBER = 10 * 1024 * 1024


def read_docx(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text and warnings from a .docx file's bytes."""
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(
            f"{name} is an old-style Word file or a password-protected .docx, which ChartBrief cannot open.",
            hint="Open it in Word, remove any password, and save it as a .docx (Word Document).",
        )
    _check_zip(data, name)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        text = "\n".join(_blocks(body, document._body))
    except DocumentError:
        raise
    except Exception:  # noqa: BLE001 - python-docx/lxml raise many types on corrupt files
        raise _corrupt(name) from None
    return text, []


def _check_zip(data: bytes, name: str) -> None:
    """Refuse non-zips and zips whose members would decompress to too much.

    zipfile stops each member at its declared size (and fails the CRC otherwise), so checking the
    declared sizes bounds what python-docx can ever decompress.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except Exception:  # noqa: BLE001 - BadZipFile, but also ValueError/OSError on mangled headers
        raise _corrupt(name) from None
    total = sum(m.file_size for m in members)
    ratio_bomb = any(
        m.file_size > _BIG_MEMBER and m.file_size > limits.MAX_ZIP_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if len(members) > limits.MAX_ZIP_MEMBERS or total > limits.MAX_UNZIPPED_BYTES or ratio_bomb:
        raise DocumentError(
            f"{name} would expand to far more data than a note holds (a possible zip bomb); "
            "it was not opened.",
            hint="If the file is genuine, open it in Word and save the text as a new .docx or .txt.",
        )


def _blocks(element, parent) -> list[str]:
    """Lines of text from the paragraphs and tables under ``element``, in document order."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, parent).text)
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                cells = [" ".join(_blocks(tc, parent)).strip() for tc in row.iterchildren(qn("w:tc"))]
                lines.append("\t".join(cells).rstrip())
        elif child.tag == qn("w:sdt"):  # content controls wrap ordinary paragraphs and tables
            for content in child.iterchildren(qn("w:sdtContent")):
                lines.extend(_blocks(content, parent))
    return lines


def _corrupt(name: str) -> DocumentError:
    return DocumentError(
        f"{name} is not a readable Word .docx file (it is damaged or another kind of file).",
        hint="Open it in Word and save it again as .docx, or save the note as .txt.",
    )
