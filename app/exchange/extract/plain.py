"""Text and Markdown: kept exactly as written, once it is known to be UTF-8 text."""
from __future__ import annotations

from ...core.model import ValidationError

TEXT = "text/plain"
MARKDOWN = "text/markdown"
MAX_BYTES = 20 * 1024 * 1024


def read(raw: bytes, name: str) -> str:
    """The text of a UTF-8 file, refusing UTF-16, binary, non-UTF-8 and blank files clearly."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationError(f"{name} is UTF-16 text; save it as UTF-8 and import it again.")
    if b"\x00" in raw:
        raise ValidationError(f"{name} is a binary file, not text; add it as a PDF, Word, OpenDocument or web "
                              f"page file with the right name ending.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValidationError(f"{name} is not UTF-8 text (byte {e.start} is not valid UTF-8); "
                              f"save it as UTF-8 and import it again.") from None
    if not text.strip():
        raise ValidationError(f"{name} holds only blank space; there is no text to import.")
    return text
