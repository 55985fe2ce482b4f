"""Normalise text for full-text search so Persian and Arabic spellings find each other.

The search index does not store a normalised copy of the text: it indexes virtual generated
columns (`title_search` ...) whose SQL expression is `sql_normalize` of this module
(db/migrations/0002_search_generated_columns.sql). Any SQLite program computes them alike, so
`sqlite-utils rebuild-fts` or FTS5's own 'rebuild' gives the same index. `normalize` is the same
mapping in Python, for queries; a test checks the two agree on a table of tricky strings.

Two forms:
  * `fold` maps one code point to one (letter forms, digits), so offsets into the original text
    stay valid: for highlighting and finding words in a source.
  * `normalize` is `fold` plus removing the zero-width non-joiner (U+200C), the form the index
    holds and queries are written in: "میکشد" and "می‌کشد" are one word. It can shorten the text;
    `normalize_with_offsets` maps its offsets back to the original.
`variant_pattern` finds a word in the original text in every spelling the index treats as equal.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable

ZWNJ = "\u200c"

# Arabic letter forms -> Persian forms, Persian digits -> ASCII (one code point for one).
CHAR_MAP: dict[str, str] = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
}
for _i in range(10):
    CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # EXTENDED ARABIC-INDIC (Persian) digits
# Arabic-Indic digits U+0660.. are left out: SQLite's parser stack (YYSTACKDEPTH 100) overflows at
# 27 nested replace() calls in one expression, and a schema that some SQLite build cannot parse
# makes the whole file unreadable there. 15 calls leave a wide margin.

# Characters the index leaves out altogether.
DROPPED: tuple[str, ...] = (ZWNJ,)

_FOLD = str.maketrans(CHAR_MAP)
_TABLE = str.maketrans({**CHAR_MAP, **{ch: None for ch in DROPPED}})


def fold(text: str | None) -> str:
    """Letter forms and digits mapped, one code point for one (None becomes "")."""
    if not text or text.isascii():
        return text or ""
    return text.translate(_FOLD)


def normalize(text: str | None) -> str:
    """The text as the search index holds it: `fold`, then ZWNJ removed (None becomes "").

    Equal to the SQL expression `sql_normalize` for every string."""
    if not text or text.isascii():  # nothing to fold (CPython knows this without a scan)
        return text or ""
    return text.translate(_TABLE)


def _identity(i: int) -> int:
    return i


def normalize_with_offsets(text: str) -> tuple[str, Callable[[int], int]]:
    """`normalize(text)` and a function from an offset in it to the offset of the same code point
    in `text` (for a span's end pass end - 1 and add 1, so dropped characters after it stay out)."""
    if text.isascii():
        return text, _identity
    norm = text.translate(_TABLE)
    if len(norm) == len(text):
        return norm, _identity
    # the k-th dropped character sat just before normalised offset cuts[k]
    cuts, k = [], 0
    for i, ch in enumerate(text):
        if ch in DROPPED:
            cuts.append(i - k)
            k += 1
    return norm, lambda j: j + bisect_right(cuts, j)


def sql_normalize(expr: str) -> str:
    """Return an SQL expression computing `normalize` of expr (used to write migrations).

    The replacements only run when the text holds an Arabic-script character or a ZWNJ, so
    Latin-script text pays one GLOB test instead of 15 replace() calls. Only built-in
    deterministic functions, so the expression may define a generated column.
    """
    out = expr
    for src, dst in CHAR_MAP.items():
        out = f"replace({out}, char({ord(src)}), '{dst}')"
    for src in DROPPED:
        out = f"replace({out}, char({ord(src)}), '')"
    glob = "*[\u0600-\u06ff" + "".join(DROPPED) + "]*"
    return f"CASE WHEN {expr} GLOB '{glob}' THEN {out} ELSE {expr} END"


def _variants() -> dict[str, str]:
    out: dict[str, set[str]] = {}
    for src, dst in CHAR_MAP.items():
        out.setdefault(dst, {dst}).add(src)
    return {dst: "".join(sorted(alts)) for dst, alts in out.items()}


_VARIANTS = _variants()


def variant_pattern(needle: str) -> re.Pattern | None:
    """A case-blind regex that finds needle in original (unnormalised) text in every form the
    index treats as equal: any letter form or digit, with or without ZWNJ between its letters."""
    parts = []
    for ch in normalize(needle):
        alts = _VARIANTS.get(ch)
        parts.append("[" + re.escape(alts) + "]" if alts else re.escape(ch))
    if not parts:
        return None
    gap = "(?:" + "|".join(re.escape(ch) for ch in DROPPED) + ")*"
    return re.compile(gap.join(parts), re.IGNORECASE)
