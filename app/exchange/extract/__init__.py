"""Read a source document as it arrives (PDF, Word, ODT, a saved web page, text) into its canonical text.

`extract(path)` returns an `Extracted`: the canonical text that citations point into, the page
boundaries of a paged format ((page, start, end) in code points, pages from 1), and what the file
is (media type, its own title if it has one, the sha256 and bytes of the original). Bad input is
refused with one sentence (ValidationError): a scanned PDF with no text layer, an encrypted file,
a file over its format's size or page limit, a file that is not what its name says, an empty one.

Canonical text (every format but text and Markdown, which are kept exactly as written):
paragraphs separated by one blank line, no spaces at line ends, Unicode NFC. Page marks are never
put into the text: the page list says where each page starts and ends.

Pure Python: no Qt, no SQL. The caller stores the result (services.operations.AddSource).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ...core.model import PolicyTrackerError, ValidationError
from ...store.guard import refuse_database_file
from . import _common, odt, pdf, plain, web, word
from ._common import MAX_PAGES

__all__ = ["Extracted", "extract", "MAX_PAGES", "LIMITS", "FORMATS", "media_type_for"]

# what each file name ending is taken to be, and the most bytes of it that are read
FORMATS: dict[str, str] = {
    ".pdf": pdf.MEDIA_TYPE, ".docx": word.MEDIA_TYPE, ".odt": odt.MEDIA_TYPE,
    ".html": web.MEDIA_TYPE, ".htm": web.MEDIA_TYPE, ".xhtml": web.MEDIA_TYPE,
    ".txt": plain.TEXT, ".text": plain.TEXT, "": plain.TEXT, ".md": plain.MARKDOWN, ".markdown": plain.MARKDOWN,
}
LIMITS: dict[str, int] = {
    pdf.MEDIA_TYPE: 200 * 1024 * 1024, word.MEDIA_TYPE: 50 * 1024 * 1024, odt.MEDIA_TYPE: 50 * 1024 * 1024,
    web.MEDIA_TYPE: 20 * 1024 * 1024, plain.TEXT: plain.MAX_BYTES, plain.MARKDOWN: plain.MAX_BYTES,
}
NAMES = {pdf.MEDIA_TYPE: "PDF", word.MEDIA_TYPE: "Word document", odt.MEDIA_TYPE: "OpenDocument text",
         web.MEDIA_TYPE: "web page", plain.TEXT: "text file", plain.MARKDOWN: "Markdown file"}


@dataclass(frozen=True)
class Extracted:
    text: str
    media_type: str
    file_name: str
    sha256: str
    size: int
    content: bytes = field(repr=False)
    pages: tuple[tuple[int, int, int], ...] = ()
    title: str | None = None

    def original(self) -> dict:
        """What the store keeps of the file: its name, type, sha256, size, bytes and page boundaries."""
        return {"file_name": self.file_name, "media_type": self.media_type, "sha256": self.sha256,
                "size": self.size, "content": self.content, "pages": [list(p) for p in self.pages]}


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def media_type_for(path: Path | str) -> str | None:
    """The media type a file's name says it is, or None for a kind of file that cannot be added."""
    return FORMATS.get(Path(path).suffix.lower())


def extract(path: Path | str) -> Extracted:
    """Read the file at path into its canonical text, pages and metadata; refuse bad input in one sentence."""
    path = Path(path)
    try:
        refuse_database_file(path, "add as a source")
    except PolicyTrackerError as e:
        raise ValidationError(str(e)) from None
    if not path.exists():
        raise ValidationError(f"{path} does not exist.")
    if path.is_dir():
        raise ValidationError(f"{path} is a folder, not a document.")
    media = media_type_for(path)
    if media is None:
        raise ValidationError(f"{path.name} is not a kind of file that can be added; add a PDF, Word (.docx), "
                              f"OpenDocument (.odt), saved web page (.html), text or Markdown file.")
    size = path.stat().st_size
    if size == 0:
        raise ValidationError(f"{path.name} is empty; there is no text to import.")
    limit = LIMITS[media]
    if size > limit:
        raise ValidationError(f"{path.name} is {_size(size)}; a {NAMES[media]} may be at most {_size(limit)}.")
    data = path.read_bytes()
    pages: list[tuple[int, int, int]] = []
    title: str | None = None
    if media == pdf.MEDIA_TYPE:
        text, pages, title = pdf.read(data, path.name)
    elif media == word.MEDIA_TYPE:
        text, title = word.read(data, path.name)
    elif media == odt.MEDIA_TYPE:
        text, title = odt.read(data, path.name)
    elif media == web.MEDIA_TYPE:
        text, title = web.read(data, path.name)
    else:
        text = plain.read(data, path.name)
    if not text.strip():
        raise ValidationError(f"{path.name} holds no text; there is nothing to import.")
    _common.check_length(text, path.name)
    return Extracted(text=text, media_type=media, file_name=path.name, sha256=hashlib.sha256(data).hexdigest(),
                     size=len(data), content=data, pages=tuple(pages), title=(title or "").strip() or None)
