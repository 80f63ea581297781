"""Plain text (.txt, .md): encoding detection and the clean-up every format's text goes through."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from core.errors import DocumentError

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls but tab and newline, DEL, C1 controls, stray BOMs/zero-width no-break spaces.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c]")


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode note bytes: a BOM wins, then strict UTF-8, then charset-normalizer's best guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), []
            except UnicodeDecodeError:
                raise _not_text(name) from None
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        results = charset_normalizer.from_bytes(data)
        best = results.best()
        if best is not None:  # on a tie (cp1250 vs cp1252 often is one) prefer the Western code page
            tied = [
                m
                for m in results
                if (m.percent_chaos, m.percent_coherence) == (best.percent_chaos, best.percent_coherence)
            ]
            best = next((m for m in tied if m.encoding == "cp1252"), best)
        text = None if best is None else str(best)
    except Exception:  # noqa: BLE001 - any failure means "not text we can read"
        text = None
    if text is None:
        raise _not_text(name)
    guessed = best.encoding if best is not None else "unknown"
    return text, [f"The text encoding was guessed as {guessed}; check accented characters."]


def clean(text: str) -> tuple[str, int]:
    """Normalize newlines to ``\\n`` and drop control characters; return the text and how many went."""
    text = _NEWLINES.sub("\n", text)
    cleaned = _CONTROL.sub("", text)
    return cleaned, len(text) - len(cleaned)


def read_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text and warnings from a .txt/.md file's bytes."""
    has_bom = any(data.startswith(bom) for bom, _ in _BOMS)
    if not has_bom and data.count(b"\x00") > len(data) // 10:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise _not_text(name)
        return data.decode(encoding), []
    return decode(data, name)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` if the NUL-rich bytes read as printable UTF-16, else None (binary)."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / len(text) > 0.95:
            return encoding
    return None


def _not_text(name: str) -> DocumentError:
    return DocumentError(
        f"{name} does not look like a text file (it may be binary or use an unknown encoding).",
        hint="Open it in a text editor and save it as UTF-8 text, or choose the original .docx/.pdf.",
    )
