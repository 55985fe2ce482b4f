"""Find the exact words an item cites in its source text (offsets in Unicode code points).

A citation stores its quote with 32 characters of text either side. When offsets are missing or
no longer fit, the quote is placed again: exact match first (context breaks ties), fuzzy second.
A quote that cannot be placed with confidence is reported unplaced, never attached elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .model import ValidationError

CONTEXT = 32
FUZZY_MIN_SCORE = 90.0


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    method: str  # "offsets", "exact", "context", "fuzzy"


def occurrences(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i != -1 and quote:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def locate(text: str, quote: str, *, after: str | None = None, what: str = "quote") -> tuple[int, int]:
    """Return (start, end) of the one place quote occurs (after `after`, when given).

    Raises ValidationError naming `what` when the quote is missing or occurs more than once.
    """
    if not quote:
        raise ValidationError(f"The quote for {what} is empty.")
    base = 0
    if after is not None:
        hits = occurrences(text, after)
        if len(hits) != 1:
            raise ValidationError(
                f"The 'after' marker for {what} occurs {len(hits)} times in its source; it must occur once."
            )
        base = hits[0] + len(after)
    hits = [h for h in occurrences(text, quote) if h >= base]
    if not hits:
        raise ValidationError(f"The quote for {what} was not found in its source: {quote[:60]!r}.")
    if len(hits) > 1 and after is None:
        raise ValidationError(
            f"The quote for {what} occurs {len(hits)} times in its source; give an 'after' marker: {quote[:60]!r}."
        )
    return hits[0], hits[0] + len(quote)


def context(text: str, start: int, end: int, n: int = CONTEXT) -> tuple[str, str]:
    return text[max(0, start - n):start], text[end:end + n]


def anchor(text: str, quote: str, prefix: str = "", suffix: str = "",
           start: int | None = None, end: int | None = None) -> Anchor | None:
    """Place quote in text; None when it cannot be placed unambiguously."""
    if not quote:
        return None
    if start is not None and end is not None and 0 <= start <= end <= len(text) \
            and text[start:end] == quote:
        return Anchor(start, end, "offsets")
    hits = occurrences(text, quote)
    if len(hits) == 1:
        return Anchor(hits[0], hits[0] + len(quote), "exact")
    if len(hits) > 1:
        best = _best_by_context(text, quote, hits, prefix, suffix, start)
        return Anchor(best, best + len(quote), "context") if best is not None else None
    return _fuzzy(text, quote, prefix, suffix)


def _context_score(text: str, quote: str, pos: int, prefix: str, suffix: str) -> float:
    before, after = context(text, pos, pos + len(quote), max(len(prefix), len(suffix), 1))
    score = 0.0
    if prefix:
        score += fuzz.ratio(before[-len(prefix):], prefix)
    if suffix:
        score += fuzz.ratio(after[:len(suffix)], suffix)
    return score


def _best_by_context(text, quote, hits, prefix, suffix, hint) -> int | None:
    if not prefix and not suffix:
        if hint is not None:  # the old offset is the only clue: take the nearest occurrence
            ranked = sorted(hits, key=lambda h: abs(h - hint))
            if abs(ranked[0] - hint) < abs(ranked[1] - hint):
                return ranked[0]
        return None
    scored = sorted(((_context_score(text, quote, h, prefix, suffix), h) for h in hits), reverse=True)
    if scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _fuzzy(text: str, quote: str, prefix: str, suffix: str) -> Anchor | None:
    if len(quote) < 8:
        return None  # too short to place by resemblance without risk
    probe = prefix + quote + suffix
    al = fuzz.partial_ratio_alignment(quote, text, score_cutoff=FUZZY_MIN_SCORE)
    if al is None:
        return None
    s, e = al.dest_start, al.dest_end
    # Require the placement to be unique: a second equally good window elsewhere means ambiguity.
    rest = text[:s] + "\x00" * (e - s) + text[e:]
    other = fuzz.partial_ratio_alignment(quote, rest, score_cutoff=al.score - 0.01)
    if other is not None and probe != quote:
        a = _window_score(text, s, e, prefix, suffix)
        b = _window_score(text, other.dest_start, other.dest_end, prefix, suffix)
        if b >= a:
            return None
    elif other is not None:
        return None
    s, e = _snap_to_words(text, quote, s, e)
    return Anchor(s, e, "fuzzy")


def _snap_to_words(text: str, quote: str, s: int, e: int) -> tuple[int, int]:
    """Trim a fuzzy window that starts inside a word and finish one that ends inside a word."""
    if quote[:1].isalnum():
        while s < e and s > 0 and text[s - 1].isalnum() and text[s].isalnum():
            s += 1
        while s < e and not text[s].isalnum():
            s += 1
    if quote[-1:].isalnum():
        while e < len(text) and e > s and text[e - 1].isalnum() and text[e].isalnum():
            e += 1
    return s, e


def _window_score(text, s, e, prefix, suffix) -> float:
    return (fuzz.ratio(text[max(0, s - len(prefix)):s], prefix) if prefix else 0) + \
           (fuzz.ratio(text[e:e + len(suffix)], suffix) if suffix else 0)
