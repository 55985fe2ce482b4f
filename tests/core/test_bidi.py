"""Bidirectional controls: which are removed from single-line fields, and how long text shows them."""
import pytest

from app.core import bidi
from app.core import validation as v

RLO_TITLE = "Pay \u202eevig\u202c the debt"  # displays as "Pay give the debt" in a bidi-aware view


def test_show_controls_names_every_control_and_mark():
    """Each of the twelve controls and marks becomes a visible marker, in place, the rest untouched."""
    text = "".join(f"{c}x" for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    assert bidi.show_controls(text) == ("⟨LRE⟩x⟨RLE⟩x⟨PDF⟩x⟨LRO⟩x⟨RLO⟩x⟨LRI⟩x⟨RLI⟩x⟨FSI⟩x⟨PDI⟩x"
                                        "⟨LRM⟩x⟨RLM⟩x⟨ALM⟩x")


def test_show_controls_leaves_plain_and_persian_text_alone():
    """Text without controls (Persian with its ZWNJ included) comes back as the very same string."""
    text = "می‌خواهیم 90 درصد (2030)"
    assert bidi.show_controls(text) is text
    assert bidi.show_controls(RLO_TITLE) == "Pay ⟨RLO⟩evig⟨PDF⟩ the debt"


def test_remove_embeddings_keeps_the_marks():
    """Embeddings, overrides and isolates go; LRM, RLM and ALM stay (Persian typing uses them)."""
    assert bidi.remove_embeddings("a\u2067b\u2069c\u200fd\u061ce\u200ef") == "abc\u200fd\u061ce\u200ef"
    assert bidi.has_embeddings(RLO_TITLE) is True and bidi.has_embeddings("a\u200fb") is False


@pytest.mark.parametrize("field", ["title", "ref", "actor", "author", "label", "tag", "unit", "publisher", "event"])
def test_single_line_fields_lose_their_controls(field):
    """A single-line field is stored without the override, so it displays what it stores."""
    assert v.clean_text(RLO_TITLE, field) == "Pay evig the debt"


@pytest.mark.parametrize("field", ["description", "note", "quote", "text"])
def test_long_text_keeps_its_controls(field):
    """Descriptions, notes and texts keep every character (shown with show_controls instead)."""
    assert v.clean_text(RLO_TITLE, field) == RLO_TITLE


def test_a_title_of_controls_only_is_empty():
    """A required title holding nothing but controls is refused as empty, not stored blank-looking."""
    with pytest.raises(v.ValidationError, match="cannot be empty"):
        v.clean_text("\u202e\u202c", "title", required=True)


def test_tags_and_web_addresses_lose_their_controls():
    """Tags and URLs are single-line too: the override is removed from each."""
    assert v.clean_tags(["wa\u202eter", "\u2066energy\u2069"]) == ["water", "energy"]
    assert v.web_url("https://example.org/\u202efdp.exe") == "https://example.org/fdp.exe"
