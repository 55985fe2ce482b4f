"""Bidirectional control characters: which ones can make text lie, removing them, showing them.

An embedding, override or isolate (U+202A-U+202E, U+2066-U+2069) reorders everything after it
up to its terminator: a title holding U+202E (RIGHT-TO-LEFT OVERRIDE) displays other words in the
window, the HTML and the PDF than the ones stored and searched. These are removed from single-line
fields (core.validation.clean_text) wherever they come from.

The three marks (U+200E LEFT-TO-RIGHT MARK, U+200F RIGHT-TO-LEFT MARK, U+061C ARABIC LETTER MARK)
are kept everywhere: they are ordinary characters in Persian and Arabic typing (they place a
parenthesis or a Latin acronym correctly beside right-to-left words) and they cannot reverse a run
of letters, only nudge where neutral characters such as punctuation sit.

Long text (descriptions, notes, source texts) keeps every character, since source texts are
immutable evidence that citations point into. `show_controls` makes every control and mark visible
for the window and reports to display.
"""
from __future__ import annotations

import re

# The controls that open or close a reordered run: removed from single-line fields.
EMBEDDINGS = {
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
}
# The marks: kept, but shown by show_controls.
MARKS = {"\u200e": "LRM", "\u200f": "RLM", "\u061c": "ALM"}
CONTROLS = {**EMBEDDINGS, **MARKS}

_EMBEDDING_RE = re.compile("[" + "".join(EMBEDDINGS) + "]")
_CONTROL_RE = re.compile("[" + "".join(CONTROLS) + "]")


def has_embeddings(text: str) -> bool:
    """True when `text` holds an embedding, override or isolate control."""
    return _EMBEDDING_RE.search(text) is not None


def remove_embeddings(text: str) -> str:
    """`text` without its embedding, override and isolate controls (the marks stay)."""
    return _EMBEDDING_RE.sub("", text) if has_embeddings(text) else text


def show_controls(text: str) -> str:
    """`text` with each bidirectional control or mark replaced by a visible marker such as ⟨RLO⟩.

    The markers are plain characters (no control of their own), so text shown this way reads in
    the order it is stored. Text without controls comes back as it is (the very same string).
    """
    if _CONTROL_RE.search(text) is None:
        return text
    return _CONTROL_RE.sub(lambda m: f"⟨{CONTROLS[m.group()]}⟩", text)


def show_embeddings(text: str) -> str:
    """`text` with each embedding, override or isolate replaced by a visible marker (⟨RLO⟩ ...).

    What the window and reports do with long text (descriptions, notes, quotes): the words read
    in the order they are stored, and the reader sees that a control was there. The three marks
    stay as they are: Persian typing relies on them and they cannot reorder words.
    """
    if not has_embeddings(text):
        return text
    return _EMBEDDING_RE.sub(lambda m: f"⟨{EMBEDDINGS[m.group()]}⟩", text)
