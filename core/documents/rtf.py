"""Rich Text Format (.rtf) via striprtf."""

from __future__ import annotations

import re

from core.errors import DocumentError

# Embedded pictures are long runs of hex digits; striprtf would walk them a character at a time.
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z\\])[0-9a-fA-F\r\n]{512,}")


def read_rtf(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text and warnings from an RTF file's bytes."""
    raw = data.decode("latin-1")  # RTF is 7-bit; 8-bit bytes are escaped. latin-1 never fails.
    if not raw.lstrip("\xef\xbb\xbf \t\r\n").startswith("{\\rtf"):
        raise DocumentError(
            f"{name} is not an RTF file (it does not start with an RTF header).",
            hint="Open it in a word processor and save it again as .rtf, .docx or .txt.",
        )
    try:
        from striprtf.striprtf import rtf_to_text

        return rtf_to_text(_HEX_RUN.sub("", raw), errors="replace"), []
    except Exception:  # noqa: BLE001 - striprtf raises assorted errors on malformed input
        raise DocumentError(
            f"{name} is a damaged RTF file and could not be read.",
            hint="Open it in a word processor and save it again as .rtf, .docx or .txt.",
        ) from None
