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


# -- the same words whatever the layout (issue 14) ------------------------------------------------------------
PRINTED = ("The government shall raise the share of the digital econ-\nomy to ten percent\n"
           "by the end of the plan.   It will also   develop-\n  ment of rural networks.\n\n"
           "زیرساخت\u200cهای ملي ارتباطات تا سال ۱۴۰۷ گسترش می\u200cیابد.")


@pytest.mark.parametrize("quote, words", [
    ("the share of the digital economy to ten percent by the end", "the share of the digital econ-\nomy to ten "
                                                                   "percent\nby the end"),
    ("ten percent by the end of the plan. It will also develop-ment",
     "ten percent\nby the end of the plan.   It will also   develop-\n  ment"),
    ("It will also development of rural networks", "It will also   develop-\n  ment of rural networks"),
    ("digital econ-\nomy to ten", "digital econ-\nomy to ten"),
    ("digital economy\nto  ten\npercent", "digital econ-\nomy to ten percent"),
    ("زیرساختهای ملی ارتباطات تا سال 1407", "زیرساخت\u200cهای ملي ارتباطات تا سال ۱۴۰۷"),
])
def test_quotes_are_found_whatever_the_line_breaks_hyphens_and_spaces(quote, words):
    """A quote typed from print (or imported alone) lands on the text's own words despite layout and letter forms."""
    a = anchoring.anchor(PRINTED, quote)
    assert a is not None and PRINTED[a.start:a.end] == words


def test_layout_matches_refuse_repeated_words_without_context():
    """Words found twice in the normalised view are placed by their context, and not at all without it."""
    text = "first: the digital\neconomy grows.\n\nsecond: the digital  economy shrinks."
    assert anchoring.anchor(text, "the digital economy") is None
    a = anchoring.anchor(text, "the digital economy", prefix="second: ", suffix=" shrinks.")
    assert (a.start, a.end) == (text.index("the digital  economy"), text.index(" shrinks."))


def test_an_anchorer_builds_its_view_once_and_counts_what_it_scores():
    """One Anchorer serves every quote of a source; context ties score each occurrence once, counted."""
    a = anchoring.Anchorer(TEXT)
    assert a.anchor("The quick brown", prefix="lazy dog. ", suffix=" cat").start == TEXT.index("The quick brown cat")
    assert a.scored == 2
    view = a.view()
    assert a.anchor("quick brown fox jumped over") is not None and a.view() is not None
    assert a.view()[0] is view[0]


def _repetitive_megabyte() -> str:
    lines = [f"Goal {n}: raise the share of the digital economy to {n % 90} percent by {2025 + n % 10}.\n"
             for n in range(1, 15_000)]
    return "".join(lines)


def test_a_megabyte_of_repetition_and_5000_short_quotes_do_bounded_work():
    """1 MB of near-identical lines and 5,000 short quotes: each quote scores at most 200 places, none guessed."""
    text = _repetitive_megabyte()
    assert len(text) >= 1_000_000
    a = anchoring.Anchorer(text)
    placed = unplaced = 0
    for n in range(1, 1001):  # unique: exact
        got = a.anchor(f"Goal {n}: raise")
        assert (got.start, got.method) == (text.index(f"Goal {n}: raise"), "exact")
        placed += 1
    assert a.scored == 0
    for n in range(1, 1001):  # 14,999 places; the exact prefix decides without scoring any
        got = a.anchor("the digital economy", prefix=f"Goal {n}: raise the share of ")
        assert got.start == text.index(f"Goal {n}: raise the share of ") + len(f"Goal {n}: raise the share of ")
        placed += 1
    for _ in range(1000):  # 14,999 places and no clue: unplaced, nothing scored
        assert a.anchor("the digital economy") is None
        unplaced += 1
    for _ in range(1000):  # a typo and only common words: unplaced without scoring
        assert a.anchor("raise the share of the digitl economy") is None
        unplaced += 1
    assert a.scored == 0
    for n in range(1, 1001):  # 166 or 167 places each: every one scored against the (slightly wrong) context
        quote = f"economy to {n % 90} percent by {2025 + n % 10}"
        hits = text.count(quote)
        before = a.scored
        a.anchor(quote, prefix="share of the digitl ", suffix=". Goal 9")
        assert a.scored - before == hits <= anchoring.MAX_CANDIDATES
    assert placed + unplaced == 4000
