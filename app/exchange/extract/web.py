"""A saved web page: the article alone, with trafilatura (Apache 2.0 since 1.8; 2.x installed).

Menus, cookie banners, share buttons, advertisements, related links and footers are left out;
the article's paragraphs, headings, lists and tables are kept, one paragraph each.
"""
from __future__ import annotations

import re

from ...core.model import ValidationError
from ._common import join

MEDIA_TYPE = "text/html"
_MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|article|main|div|p)\b", re.IGNORECASE)


def read(data: bytes, name: str) -> tuple[str, str | None]:
    if b"\x00" in data[:4096] or not _MARKUP.search(data[:65536]):
        raise ValidationError(f"{name} is not a web page (it has no HTML markup).")
    import trafilatura  # loaded only when a web page is read
    doc = trafilatura.bare_extraction(data, include_comments=False, include_tables=True, include_images=False,
                                      include_links=False, with_metadata=True, favor_precision=True)
    text = getattr(doc, "text", None) or ""
    if not text.strip():
        raise ValidationError(f"{name} has no article text that could be told apart from the page around it.")
    title = getattr(doc, "title", None)
    return join(text.split("\n")), title
