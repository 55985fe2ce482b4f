"""Normalise text for full-text search so Persian and Arabic spellings find each other.

The same mapping is written into the SQL triggers of the search index (db/migrations), so the
indexed text and a person's query are normalised alike. Every mapping is one code point to one
code point, so offsets and token boundaries in the original text stay valid.
"""
from __future__ import annotations

# Arabic letter forms -> Persian forms, Persian digits -> ASCII.
CHAR_MAP: dict[str, str] = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
}
for _i in range(10):
    CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # EXTENDED ARABIC-INDIC (Persian) digits
# (unicode61 already splits words at the ZWNJ, so it needs no mapping; Arabic-Indic digits
# U+0660.. are left out because SQLite's parser cannot nest more replace() calls.)

_TABLE = str.maketrans(CHAR_MAP)


def normalize(text: str | None) -> str:
    """Return text with the search mapping applied (None becomes "")."""
    return (text or "").translate(_TABLE)


def sql_normalize(expr: str) -> str:
    """Return an SQL expression applying the same mapping to expr (used to write migrations).

    The replacements only run when the text holds an Arabic-script character, so Latin-script
    text pays one GLOB test instead of 14 replace() calls.
    """
    out = expr
    for src, dst in CHAR_MAP.items():
        out = f"replace({out}, char({ord(src)}), '{dst}')"
    return f"CASE WHEN {expr} GLOB '*[\u0600-\u06ff\u200c]*' THEN {out} ELSE {expr} END"
