"""Placing quotes in source texts: exact, by context, fuzzy, and refusing to guess."""
import pytest

from app.core import anchoring
from app.core.model import ValidationError

TEXT = "The quick brown fox jumps over the lazy dog. The quick brown cat sleeps."


def test_locate_finds_the_unique_quote():
    """locate returns the code-point span of a quote that occurs once."""
    s, e = anchoring.locate(TEXT, "lazy dog")
    assert TEXT[s:e] == "lazy dog"


def test_locate_names_the_item_when_missing_or_ambiguous():
    """A missing or repeated quote fails loudly with the item's name."""
    with pytest.raises(ValidationError, match="item 'x'.*not found"):
        anchoring.locate(TEXT, "purple", what="item 'x'")
    with pytest.raises(ValidationError, match="item 'y'.*occurs 2 times"):
        anchoring.locate(TEXT, "The quick brown", what="item 'y'")


def test_locate_after_marker_disambiguates():
    """An 'after' marker picks the occurrence following it."""
    s, e = anchoring.locate(TEXT, "The quick brown", after="dog.")
    assert s == TEXT.index("The quick brown cat")


def test_anchor_keeps_matching_offsets_and_repairs_shifted_ones():
    """Offsets that still fit are kept; shifted offsets are re-anchored exactly."""
    s = TEXT.index("lazy")
    assert anchoring.anchor(TEXT, "lazy dog", start=s, end=s + 8).method == "offsets"
    a = anchoring.anchor(TEXT, "lazy dog", start=3, end=11)
    assert (a.start, a.method) == (s, "exact")


def test_anchor_uses_context_for_repeated_quotes():
    """Prefix and suffix choose between two occurrences; with no clue it refuses."""
    a = anchoring.anchor(TEXT, "The quick brown", prefix="lazy dog. ", suffix=" cat")
    assert a.start == TEXT.index("The quick brown cat")
    assert anchoring.anchor(TEXT, "The quick brown") is None


def test_anchor_fuzzy_snaps_to_whole_words():
    """A slightly changed quote is placed on the whole words it resembles."""
    a = anchoring.anchor(TEXT, "quick brown fox jumped over")
    assert a.method == "fuzzy"
    assert TEXT[a.start:a.end] == "quick brown fox jumps over"


def test_anchor_never_attaches_unrelated_words():
    """A quote that is not in the text is unplaced (None), never attached elsewhere."""
    assert anchoring.anchor(TEXT, "sovereign wealth fund allocations") is None
    assert anchoring.anchor(TEXT, "cat") is not None
    assert anchoring.anchor(TEXT, "cow") is None


def test_offsets_are_code_points_in_persian_text():
    """Offsets count code points, so Persian text with ZWNJ anchors correctly."""
    text = "برنامه هفتم توسعه می\u200cخواهد سهم اقتصاد دیجیتال را افزایش دهد"
    s, e = anchoring.locate(text, "اقتصاد دیجیتال")
    assert text[s:e] == "اقتصاد دیجیتال"
