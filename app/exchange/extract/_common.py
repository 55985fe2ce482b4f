"""What every format shares: canonical paragraphs, zip containers, and the length limit."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib

from ...core.model import ValidationError
from ...core.records import MAX_SOURCE_TEXT

MAX_PAGES = 2000
_SPACES = re.compile(r"[ \t\u00a0]+\n")
_BLANKS = re.compile(r"\n{3,}")


def paragraph(text: str) -> str:
    """One paragraph's text: no spaces at line ends or at either end, NFC."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _SPACES.sub("\n", text).strip(" \t\n\u00a0")


def join(paragraphs) -> str:
    """Paragraphs separated by one blank line (empty ones dropped)."""
    return "\n\n".join(p for p in (paragraph(x) for x in paragraphs) if p)


def check_length(text: str, name: str) -> None:
    if len(text) > MAX_SOURCE_TEXT:
        raise ValidationError(f"{name} holds {len(text):,} characters of text; a source may hold at most "
                              f"{MAX_SOURCE_TEXT:,}.")


def open_zip(data: bytes, name: str, kind: str) -> zipfile.ZipFile:
    """The zip container of a Word or OpenDocument file, refusing encrypted and mislabelled files."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an OLE container: an encrypted .docx or an old .doc
        raise ValidationError(f"{name} is encrypted or is an old-style Word file, not a {kind}; save it as "
                              f"a {kind} without a password and add it again.")
    if data[:4] != b"PK\x03\x04":
        raise ValidationError(f"{name} is not a {kind} (it is not the zip container one is made of).")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        broken = z.testzip()  # reads every member: a damaged one is named, or raises
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, RuntimeError, NotImplementedError):
        broken = "?"
    if broken is not None:
        raise ValidationError(f"{name} is damaged or incomplete; its zip container cannot be read.")
    return z
