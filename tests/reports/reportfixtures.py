"""Shared values of the report tests: the hostile note, Persian text, and text squashing."""
from __future__ import annotations

import re
import unicodedata

HOSTILE_NOTE = 'Watch for <img src=x> and =HYPERLINK("http://evil") & <script>alert(1)</script>'
PERSIAN_TITLE = "افزایش سهم اقتصاد دیجیتال"
PERSIAN_NOTE = "پیشرفت در حال انجام است"


def squash(text: str) -> str:
    """NFKC, casefolded, with all whitespace removed (pdftotext wraps and spaces text freely)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()
