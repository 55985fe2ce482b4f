"""The source reader's text work, without Qt: offsets, direction, finding, passages under a point.

The store counts offsets in Unicode code points (Python str indices); Qt's text cursor counts
UTF-16 code units. `OffsetMap` converts between the two for one text, so a character outside
the Basic Multilingual Plane (an emoji, a rare CJK ideograph), one code point but two Qt
positions, never shifts a highlight. Everything here works on code points.
"""
from __future__ import annotations

import bisect
import html
import re
from typing import Iterable, Mapping, Sequence

from . import textnorm

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_RTL_CHAR = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
RTL_LANGUAGES = {"fa", "ar", "ur", "ps", "he", "yi", "ckb", "dv", "ug", "sd", "ku"}
RTL_SAMPLE = 5000  # characters looked at to guess a text's direction
RTL_SHARE = 0.3  # share of letters in right-to-left scripts above which a text reads right to left


class OffsetMap:
    """Code points (the store's offsets) <-> UTF-16 code units (QTextCursor positions) for one text."""

    def __init__(self, text: str):
        self.length = len(text)
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        # where each astral character starts in UTF-16: every earlier one added one extra unit
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]
        self.utf16_length = self.length + len(self._astral_cp)

    def to_utf16(self, cp: int) -> int:
        cp = min(max(cp, 0), self.length)
        return cp + bisect.bisect_left(self._astral_cp, cp)

    def to_code_point(self, pos: int) -> int:
        """A Qt position as a code-point offset; a position inside a surrogate pair rounds down."""
        pos = min(max(pos, 0), self.utf16_length)
        return pos - bisect.bisect_right(self._astral_u16, pos - 1)


def display_text(text: str) -> str:
    """The text handed to Qt: one Qt character for every code point of the stored text.

    QTextDocument turns "\\r\\n" into a single paragraph break, which would shift every later
    offset by one; an invisible trailing space in place of the "\\r" keeps the count equal.
    """
    return text.replace("\r\n", " \n")


def is_right_to_left(text: str, language: str | None = None) -> bool:
    """True for a Persian/Arabic/Hebrew-language source, or text mostly in those scripts."""
    if language and language.split("-")[0].lower() in RTL_LANGUAGES:
        return True
    sample = text[:RTL_SAMPLE]
    letters = sum(1 for ch in sample if ch.isalpha())
    return bool(letters) and len(_RTL_CHAR.findall(sample)) / letters > RTL_SHARE


def find_pattern(needle: str) -> re.Pattern | None:
    """A case-blind regex for needle in the stored text, in every spelling the search index treats
    as equal (letter forms, digits, with or without ZWNJ), so the text never needs a normalised copy."""
    return textnorm.variant_pattern(needle)


def find_matches(text: str, needle: str) -> list[tuple[int, int]] | None:
    """(start, end) of every match of needle in text, in order; None when there is nothing to find."""
    pattern = find_pattern(needle)
    if pattern is None:
        return None
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def match_at_or_after(matches: Sequence[tuple[int, int]], offset: int) -> int:
    """The index of the first match starting at or after offset, wrapping round to the first one."""
    starts = [s for s, _ in matches]
    return bisect.bisect_left(starts, offset) % len(matches)


def matches_to_mark(matches: Sequence[tuple[int, int]], lo: int, hi: int, current: int,
                    limit: int) -> tuple[int, int]:
    """The slice [first, last) of matches to mark: those starting within lo..hi, at most `limit`
    of them, centred on the current match when there are more."""
    starts = [s for s, _ in matches]
    first = bisect.bisect_left(starts, lo)
    last = bisect.bisect_right(starts, hi)
    if last - first > limit:
        mid = min(max(current, first), last)
        first = max(first, mid - limit // 2)
        last = first + limit
    return first, last


def trim_blank(text: str, start: int, end: int) -> tuple[int, int] | None:
    """text[start:end] without the blank space around it, or None when nothing else is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def citations_at(citations: Iterable[Mapping], cp: int) -> list:
    """Citations whose passage holds the character at cp, the shortest (innermost) first."""
    hits = [c for c in citations if c["start"] <= cp < c["end"]]
    return sorted(hits, key=lambda c: (c["end"] - c["start"], c["start"]))


def passages_tooltip(hits: Sequence[Mapping], status_labels: Mapping[str, str]) -> str:
    """Rich-text tooltip naming the items of the passages hit, each once; all user text is escaped."""
    if not hits:
        return ""
    parts = []
    seen = set()
    for c in hits:
        if c["item_id"] in seen:
            continue
        seen.add(c["item_id"])
        ref = html.escape(c["ref"] or "")
        title = html.escape(c["title"] or "")
        label = html.escape(status_labels.get(c["status"], c["status"] or ""))
        head = f"<b>{ref}</b> {title}" if ref else title
        parts.append(f"<p style='white-space:pre-wrap'>{head}<br/><i>{label}</i></p>")
    parts.append("<p><small>Click to open the item</small></p>")
    return "<qt>" + "".join(parts) + "</qt>"
