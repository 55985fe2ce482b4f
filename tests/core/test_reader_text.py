"""The reader's text work without Qt (app.core.reader_text): offsets, direction, finding, passages."""
from __future__ import annotations

import pytest

from app.core.reader_text import (
    OffsetMap,
    citations_at,
    display_text,
    find_matches,
    is_right_to_left,
    match_at_or_after,
    matches_to_mark,
    passages_tooltip,
    trim_blank,
)

EMOJI_TEXT = "Goal 😀 one: expand 🇮🇷 broadband access to 90% of homes.\r\nSecond line 𝔸 ends here."
PERSIAN = "هدف اول: گسترش دسترسی به اینترنت پرسرعت برای ۹۰ درصد خانوارها تا سال ۱۴۰۵."


@pytest.mark.parametrize("text", ["", "plain ascii", EMOJI_TEXT, PERSIAN + " 🚀", "😀😀😀", "a\U0010ffffb"])
def test_offset_map_agrees_with_utf16_everywhere(text):
    """Every code point offset maps to the UTF-16 count of the text before it, and back."""
    m = OffsetMap(text)
    assert m.length == len(text)
    assert m.utf16_length == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        u16 = len(text[:cp].encode("utf-16-le")) // 2
        assert m.to_utf16(cp) == u16
        assert m.to_code_point(u16) == cp


def test_offset_map_rounds_down_inside_a_pair_and_clamps():
    """A position between a surrogate pair's halves is the character's start; out-of-range values clamp."""
    m = OffsetMap("a😀b")
    assert m.to_code_point(2) == 1  # between the two halves of the emoji
    assert m.to_utf16(-5) == 0 and m.to_utf16(99) == 4
    assert m.to_code_point(-1) == 0 and m.to_code_point(99) == 3


def test_display_text_keeps_one_character_per_code_point():
    """CRLF becomes space + LF (same length); nothing else changes."""
    assert display_text("a\r\nb\nc\r") == "a \nb\nc\r"
    assert len(display_text(EMOJI_TEXT)) == len(EMOJI_TEXT)


@pytest.mark.parametrize("text,language,rtl", [
    (PERSIAN, None, True),
    ("The plan aims to raise the share.", None, False),
    ("English words", "fa", True),
    ("English words", "fa-IR", True),
    ("English words", "AR", True),
    ("English words", "en", False),
    ("", None, False),
    ("1234 !!! ...", None, False),
    ("Mostly English with one word هدف in it", None, False),
])
def test_right_to_left_by_language_or_script(text, language, rtl):
    """A right-to-left language code, or more than 30% letters in those scripts, reads right to left."""
    assert is_right_to_left(text, language) is rtl


def test_find_matches_ignores_case_and_persian_letter_forms():
    """Matches are code-point ranges; Arabic/Persian forms and digits match alike; an empty needle finds nothing."""
    assert find_matches("Goal, goal and GOAL", "goal") == [(0, 4), (6, 10), (15, 19)]
    text = "کتاب ۹۰ درصد"
    hits = find_matches(text, "كتاب")  # Arabic kaf typed
    assert hits == [(0, 4)]
    assert [text[s:e] for s, e in find_matches(text, "90")] == ["۹۰"]
    assert find_matches(text, "") is None
    assert find_matches("nothing here", "zebra") == []


def test_find_matches_counts_code_points_after_an_emoji():
    """An emoji before a match does not shift its offsets."""
    text = "😀 goal"
    assert find_matches(text, "goal") == [(2, 6)]


def test_match_at_or_after_wraps_round():
    """The first match at or after an offset; past the last one, the first."""
    ms = [(2, 4), (10, 12), (20, 22)]
    assert match_at_or_after(ms, 0) == 0
    assert match_at_or_after(ms, 2) == 0
    assert match_at_or_after(ms, 3) == 1
    assert match_at_or_after(ms, 21) == 0


def test_matches_to_mark_keeps_near_ones_and_centres_on_the_current():
    """Only matches starting within lo..hi; at most `limit`, around the current match."""
    ms = [(i * 10, i * 10 + 2) for i in range(100)]
    assert matches_to_mark(ms, 95, 305, 12, 400) == (10, 31)
    first, last = matches_to_mark(ms, 0, 10_000, 50, 10)
    assert (first, last) == (45, 55)
    first, last = matches_to_mark(ms, 0, 10_000, 0, 10)
    assert (first, last) == (0, 10)


@pytest.mark.parametrize("text,start,end,expected", [
    ("  words here \n", 0, 14, (2, 12)),
    ("abc", 0, 3, (0, 3)),
    ("   \n\t ", 0, 6, None),
    ("a b", 1, 2, None),
    ("x\u00a0y", 0, 3, (0, 3)),
])
def test_trim_blank(text, start, end, expected):
    """Blank space around a selection is left out; nothing but blanks is no selection."""
    assert trim_blank(text, start, end) == expected


def test_citations_at_gives_the_innermost_first():
    """Passages holding the character at cp, shortest first; the end offset is not inside."""
    outer = {"start": 0, "end": 20, "item_id": "a"}
    inner = {"start": 5, "end": 8, "item_id": "b"}
    later = {"start": 30, "end": 40, "item_id": "c"}
    assert citations_at([outer, inner, later], 6) == [inner, outer]
    assert citations_at([outer, inner, later], 8) == [outer]
    assert citations_at([outer, inner, later], 20) == []


def test_passages_tooltip_escapes_and_names_each_item_once():
    """User text is escaped, each item appears once, the status shows by its label; no hits, no tooltip."""
    hits = [{"item_id": "a", "ref": "<b>1</b>", "title": "Fish & <chips>", "status": "in_progress"},
            {"item_id": "a", "ref": "<b>1</b>", "title": "Fish & <chips>", "status": "in_progress"},
            {"item_id": "b", "ref": None, "title": "Second", "status": "odd"}]
    tip = passages_tooltip(hits, {"in_progress": "In progress"})
    assert "&lt;b&gt;1&lt;/b&gt;" in tip and "Fish &amp; &lt;chips&gt;" in tip
    assert tip.count("Fish") == 1 and "<i>In progress</i>" in tip and "<i>odd</i>" in tip
    assert tip.startswith("<qt>") and "Click to open the item" in tip
    assert passages_tooltip([], {}) == ""
