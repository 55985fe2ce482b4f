"""Find the exact words an item cites in its source text (offsets in Unicode code points).

A citation stores its quote with 32 characters of text either side. When offsets are missing or
no longer fit, the quote is placed again:
  1. exact match in the text (context, then the old offset, breaks ties);
  2. the same words whatever the layout: line breaks, runs of spaces, a hyphen at a line end
     ("develop-\\nment"), a ZWNJ, Arabic or Persian letter forms and digits. The search runs in a
     normalised view of the text with an offset map back to it, so the words found are the
     text's own;
  3. fuzzy: candidates come from the quote's rarer words, looked up in a word index of the text,
     and at most MAX_CANDIDATES windows are scored.
A quote that cannot be placed with confidence is reported unplaced, never attached elsewhere.

Work is bounded (issue 18): an `Anchorer(text)` builds the normalised view and the word index
once, lazily (the word indexes once INDEX_AFTER quotes have been served by scanning), in time
linear in the text, and reuses them for every quote of that source; `anchor()` keeps the
Anchorers of the last RECENT texts. No
quote scores more than MAX_CANDIDATES places; a quote found in more places than that, whose
offsets and context do not decide between them, is left unplaced. `Anchorer.scored` counts the
places scored, for tests and benchmarks.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, OrderedDict
from dataclasses import dataclass

from rapidfuzz import fuzz

from .model import ValidationError
from .textnorm import CHAR_MAP

CONTEXT = 32
FUZZY_MIN_SCORE = 90.0
MAX_CANDIDATES = 200       # places scored for one quote, at most
MAX_POSTINGS = 4 * MAX_CANDIDATES  # places of the quote's words looked at to find candidates, at most
SEED_WORDS = 8             # the rarest words of a quote that vote for where it is
INDEX_AFTER = 16           # quotes of one text searched by scanning it before its words are indexed

_FOLD = str.maketrans(CHAR_MAP)
# what the normalised view leaves out or shortens: a hyphen between letters (with the line break
# after it, if any), soft hyphens and ZWNJs, and every run of white space (made one space)
_LAYOUT = re.compile(r"(?<=\w)[-\u2010\u2011\u00ad][ \t]*(?:\r?\n[ \t]*)?(?=\w)|[\u00ad\u200c]+|\s\s+|(?! )\s")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    method: str  # "offsets", "exact", "context", "fuzzy" (fuzzy includes "the same words, laid out otherwise")


def occurrences(text: str, quote: str, limit: int | None = None) -> list[int]:
    """Where quote starts in text, in order (the first `limit` + 1 of them when a limit is given)."""
    out: list[int] = []
    i = text.find(quote) if quote else -1
    while i != -1:
        out.append(i)
        if limit is not None and len(out) > limit:
            break
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


def normalise(text: str) -> str:
    """The layout-free form of a quote: the normalised view's rules, without the offset map."""
    return _LAYOUT.sub(lambda m: " " if m.group()[:1].isspace() else "", text).translate(_FOLD).strip()


def _find(text: str, quote: str, limit: int, places_of, start_of=None) -> list[int]:
    """The places quote occurs in text (limit + 1 at most), looked up by its rarest inner word.

    A whole word inside the quote (a non-word character either side of it) is a whole word of
    the text wherever the quote occurs, so the places of the rarest such word are the only ones
    to check. A quote without one, or whose inner words are all very common, is searched for in
    the text itself (linear, in C)."""
    inner = [m for m in _WORD.finditer(quote) if m.start() > 0 and m.end() < len(quote)]
    if not inner:
        return occurrences(text, quote, limit)
    rarest = min(inner, key=lambda m: len(places_of(m.group())))
    places = places_of(rarest.group())
    if len(places) > 4 * MAX_POSTINGS:
        return occurrences(text, quote, limit)
    out: list[int] = []
    for p in places:
        s = (start_of(p) if start_of else p) - rarest.start()
        if s >= 0 and text.startswith(quote, s):
            out.append(s)
            if len(out) > limit:
                break
    return out


class Anchorer:
    """Places quotes in one source text; build it once per source and anchor all its quotes with it."""

    def __init__(self, text: str):
        self.text = text
        self.scored = 0  # places scored (context or resemblance) over all quotes so far
        self.served = 0  # quotes asked for so far: the word indexes are built once enough have been
        self._norm: str | None = None
        self._segments: list[int] = []
        self._origins: list[int] = []
        self._words: list[tuple[int, int]] | None = None   # (start, end) of each word of the normalised view
        self._index: dict[str, list[int]] | None = None    # word -> its positions in _words
        self._starts: dict[str, list[int]] | None = None   # word of the text itself -> where it starts

    # -- the normalised view ------------------------------------------------------------------------------
    def view(self) -> tuple[str, list[int]]:
        """The normalised text (built once), and where each of its stretches starts in both texts.

        The view is the text with some stretches removed or made one space; between them it is
        the text itself. `_segments` holds (start in the view) and `_origins` (start in the text)
        of every stretch that is copied, so a view offset maps back by one bisection."""
        if self._norm is None:
            parts: list[str] = []
            seg: list[int] = []
            org: list[int] = []
            last = at = 0
            text = self.text
            for m in _LAYOUT.finditer(text):
                s, e = m.span()
                seg.append(at)
                org.append(last)
                parts.append(text[last:s])
                at += s - last
                if text[s].isspace():
                    seg.append(at)
                    org.append(s)
                    parts.append(" ")
                    at += 1
                last = e
            seg.append(at)
            org.append(last)
            parts.append(text[last:])
            self._norm = "".join(parts).translate(_FOLD)
            self._segments, self._origins = seg, org
        return self._norm, self._segments

    def _to_text(self, n: int) -> int:
        self.view()
        k = bisect_right(self._segments, n) - 1
        return self._origins[k] + (n - self._segments[k])

    def _span(self, ns: int, ne: int) -> tuple[int, int]:
        return self._to_text(ns), self._to_text(ne - 1) + 1

    def _word_index(self) -> tuple[list[tuple[int, int]], dict[str, list[int]]]:
        if self._index is None:
            norm, _ = self.view()
            self._words = [m.span() for m in _WORD.finditer(norm)]
            index: dict[str, list[int]] = {}
            for k, (s, e) in enumerate(self._words):
                index.setdefault(norm[s:e], []).append(k)
            self._index = index
        assert self._words is not None
        return self._words, self._index

    def find(self, quote: str, limit: int = MAX_CANDIDATES) -> list[int]:
        """Where quote occurs in the text (the first limit + 1 places at most)."""
        if self._starts is None and self.served < INDEX_AFTER:  # a few quotes: a scan costs less than an index
            return occurrences(self.text, quote, limit)
        if self._starts is None:
            starts: dict[str, list[int]] = {}
            for m in _WORD.finditer(self.text):
                starts.setdefault(m.group(), []).append(m.start())
            self._starts = starts
        return _find(self.text, quote, limit, lambda w: self._starts.get(w, ()))

    def find_normalised(self, q: str, limit: int = MAX_CANDIDATES) -> list[int]:
        """Where the normalised quote q occurs in the normalised view."""
        norm, _ = self.view()
        if self._index is None and self.served < INDEX_AFTER:
            return occurrences(norm, q, limit)
        words, index = self._word_index()
        return _find(norm, q, limit, lambda w: index.get(w, ()), lambda k: words[k][0])

    # -- placing one quote ----------------------------------------------------------------------------------
    def anchor(self, quote: str, prefix: str = "", suffix: str = "",
               start: int | None = None, end: int | None = None) -> Anchor | None:
        """Place quote in the text; None when it cannot be placed unambiguously."""
        text = self.text
        self.served += 1
        if not quote:
            return None
        if start is not None and end is not None and 0 <= start <= end <= len(text) and text[start:end] == quote:
            return Anchor(start, end, "offsets")
        hits = self.find(quote)
        if len(hits) == 1:
            return Anchor(hits[0], hits[0] + len(quote), "exact")
        if hits:
            best = self._by_context(text, quote, hits, prefix, suffix, start)
            return Anchor(best, best + len(quote), "context") if best is not None else None
        q = normalise(quote)
        if not q:
            return None
        nhits = self.find_normalised(q)
        if nhits:
            spans = [self._span(h, h + len(q)) for h in nhits]
            if len(spans) == 1:
                return Anchor(*spans[0], "fuzzy")
            starts = [s for s, _ in spans]
            pick = self._by_context(text, quote, starts, prefix, suffix, start, ends=[e for _, e in spans])
            return Anchor(*spans[starts.index(pick)], "fuzzy") if pick is not None else None
        return self._fuzzy(q, prefix, suffix)

    def _by_context(self, text: str, quote: str, hits: list[int], prefix: str, suffix: str, hint: int | None,
                    ends: list[int] | None = None) -> int | None:
        """The one occurrence the context (or, failing that, the old offset) points at, or None."""
        ends = ends or [h + len(quote) for h in hits]
        many = len(hits) > MAX_CANDIDATES
        if not prefix and not suffix:
            if hint is None:
                return None
            if many:  # the nearest occurrences on either side of the old offset are the only ones that matter
                if text[hits[0]:ends[0]] != quote:
                    return None  # (found in the normalised view: too many to tell apart)
                hits = self._around(text, quote, hint)
            ranked = sorted(hits, key=lambda h: abs(h - hint))
            return ranked[0] if len(ranked) == 1 or abs(ranked[0] - hint) < abs(ranked[1] - hint) else None
        if many:  # too many to score: only context found word for word can decide
            return self._decisive(text, quote, prefix, suffix) if text[hits[0]:ends[0]] == quote else None
        self.scored += len(hits)
        scored = sorted(((_context_score(text, h, e, prefix, suffix), h) for h, e in zip(hits, ends, strict=True)),
                        reverse=True)
        if scored[0][0] == scored[1][0]:
            return None
        return scored[0][1]

    @staticmethod
    def _around(text: str, quote: str, hint: int) -> list[int]:
        out = []
        i = text.rfind(quote, 0, hint + len(quote))
        if i != -1:
            out.append(i)
            j = text.rfind(quote, 0, i + len(quote) - 1)
            if j != -1:
                out.append(j)
        k = text.find(quote, hint + 1)
        for _ in range(2):
            if k == -1:
                break
            out.append(k)
            k = text.find(quote, k + 1)
        return sorted(set(out))

    def _decisive(self, text: str, quote: str, prefix: str, suffix: str) -> int | None:
        for probe, lead in ((prefix + quote + suffix, len(prefix)), (prefix + quote, len(prefix)),
                            (quote + suffix, 0)):
            if probe == quote:
                continue
            found = self.find(probe, 1)
            if len(found) == 1:
                return found[0] + lead
        return None

    def _fuzzy(self, q: str, prefix: str, suffix: str) -> Anchor | None:
        if len(q) < 8:
            return None  # too short to place by resemblance without risk
        norm, _ = self.view()
        words, index = self._word_index()
        qwords = [m.group() for m in _WORD.finditer(q)]
        if not qwords:
            return None
        # the rarest words vote for where the quote starts (in words); a word found in more places
        # than MAX_POSTINGS allows is not looked at, so a quote of common words only is left unplaced
        seeds = sorted((len(index[w]), j, w) for j, w in enumerate(qwords) if w in index)[:SEED_WORDS]
        votes: Counter[int] = Counter()
        budget = MAX_POSTINGS
        for n, j, w in seeds:
            if n > budget:
                break
            budget -= n
            votes.update(k - j for k in index[w])
        if not votes:
            return None
        found = []
        for first, _ in votes.most_common(MAX_CANDIDATES):
            lo = words[max(0, min(first, len(words) - 1))][0] if first >= 0 else 0
            lo = max(0, lo - len(q) // 4)
            hi = min(len(norm), lo + len(q) + len(q) // 2 + 1)
            self.scored += 1
            al = fuzz.partial_ratio_alignment(q, norm[lo:hi], score_cutoff=FUZZY_MIN_SCORE)
            if al is not None:
                found.append((al.score, lo + al.dest_start, lo + al.dest_end))
        if not found:
            return None
        found.sort(reverse=True)
        score, ns, ne = found[0]
        rivals = [f for f in found[1:] if f[0] >= score - 0.01 and (f[2] <= ns or f[1] >= ne)]
        s, e = self._span(ns, ne)
        if rivals:
            if not prefix and not suffix:
                return None
            a = _window_score(self.text, s, e, prefix, suffix)
            for _, rs, re_ in rivals:
                os_, oe = self._span(rs, re_)
                if _window_score(self.text, os_, oe, prefix, suffix) >= a:
                    return None
        s, e = _snap_to_words(self.text, q, s, e)
        return Anchor(s, e, "fuzzy")


_recent: OrderedDict[int, Anchorer] = OrderedDict()
RECENT = 8  # texts whose Anchorer anchor() keeps: an import's citations move between a few sources


def anchorer(text: str) -> Anchorer:
    """The Anchorer of this very text object: the last RECENT are kept, so a loop over quotes builds each once."""
    a = _recent.get(id(text))
    if a is None or a.text is not text:
        a = _recent[id(text)] = Anchorer(text)
        while len(_recent) > RECENT:
            _recent.popitem(last=False)
    else:
        _recent.move_to_end(id(text))
    return a


def anchor(text: str, quote: str, prefix: str = "", suffix: str = "",
           start: int | None = None, end: int | None = None) -> Anchor | None:
    """Place quote in text; None when it cannot be placed unambiguously."""
    return anchorer(text).anchor(quote, prefix, suffix, start, end)


def _context_score(text: str, s: int, e: int, prefix: str, suffix: str) -> float:
    n = max(len(prefix), len(suffix), 1)
    before, after = text[max(0, s - n):s], text[e:e + n]
    score = 0.0
    if prefix:
        score += fuzz.ratio(before[-len(prefix):], prefix)
    if suffix:
        score += fuzz.ratio(after[:len(suffix)], suffix)
    return score


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
