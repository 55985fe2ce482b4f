"""Follow citations from one edition of a source to the next, never onto words that are not theirs.

Evidence is used strongest first (issue 15):
  1. **The diff.** Both editions are compared once, in their normalised views (the view of
     `anchoring.Anchorer`: white space runs made one space, a hyphen at a line end joined,
     letter forms and digits folded; here also lower case and straight quote marks, one code
     point for one so offsets map back). Layout, casing, quote marks and line endings are
     therefore no change at all to the diff. The views are split into clauses and aligned by
     patience diff (clauses found once in each edition anchor the rest; diff-match-patch, with
     Diff_Timeout = time_budget, between anchors); each run of changed clauses is diffed again
     by words, and each run of changed words by characters. Equal stretches too short to mean
     anything amid changes (MIN_EQUAL characters, WORD_EQUAL for words) count as changed. A
     citation's old span is mapped through the equal stretches by bisection.
  2. **The words at the mapped place**, if at least SURVIVES (half) of the quote's characters
     are kept there (digits do not count against it). Identical code points: `exact`. The same
     view: `reworded` (layout, case, quotes). Digits differ: `review` with `figures_changed`.
     The same words but for spelling (each changed word has a partner of at least SPELLING_MIN
     letters and similarity >= SPELLING_SIMILARITY, nothing added or dropped): `reworded`,
     unless the quote is short. Anything else: `review`, with the mapped words as a suggestion.
     A placement is then confirmed (`_confirm`): a short quote needs its context to agree; a
     quote that is an island of kept text amid changes needs its context to agree; and when a
     copy of the quote's words was added elsewhere, or another old copy lost its place, the
     copies are compared by a context wider than a sentence (COPY_CONTEXT) and a copy that fits
     about as well sends the citation to `review` (the diff may pair copies crosswise).
  3. **Elsewhere, only when the quote's own place lost most of it.** It is looked for in the
     text the new edition *added* (where a moved paragraph lands), never in text both editions
     share: other occurrences and similar headings that were already there are not candidates.
     A candidate must be the quote's words (identical: `moved`; the same view: `reworded`), not
     a copy of other old text moved with its surroundings, its context must agree
     (CONTEXT_AGREES on either side) or the quote be long (LONG_WORDS) and unique in the new
     edition, the words must occur once in the old edition, no kept copy may compete, and it
     must be the only such candidate. Otherwise `review`; with no candidate, a moved and
     changed passage found through its context is a suggestion for `review` (scored by
     rapidfuzz, never placed), and else `not_found`. Short quotes are not looked for this way.

Short quotes (fewer than SHORT_WORDS words or SHORT_CHARS characters) are never placed by
resemblance: a spelling change in one, or a fuzzy match, goes to review.

`place_quotes` applies the same rules with no old edition (an import whose offsets no longer
fit): the quote at its offsets is exact; otherwise identical words are `moved` and the same
view `reworded` when found once with no context given (short quotes: review), or when the
context given agrees on every side (figures included) by a margin over every other place and
is there word for word; a
fuzzy match (rapidfuzz, through the Anchorer) is a suggestion for review, or `reworded` when it
differs only in spelling, the quote is long and its context agrees. Without the old edition it
cannot see that a passage was repeated or changed at its place, so prefer `reanchor` whenever
the text the offsets refer to is known.
"""
from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .anchoring import INDEX_AFTER, Anchorer, normalise, occurrences

STATES = ("exact", "moved", "reworded", "review", "not_found")
PLACED = frozenset({"exact", "moved", "reworded"})

SHORT_WORDS = 4            # a quote of fewer words than this ...
SHORT_CHARS = 20           # ... or fewer characters is short: never placed by resemblance
LONG_WORDS = 12            # a quote this long, once in each edition, is its own context when moved
SURVIVES = 0.5             # the share of a quote's characters the diff must keep at its place
CONTEXT = 32               # characters either side compared when a quote is found elsewhere
LOCAL = 16                 # characters either side that, equal at the mapped place, set a copy apart
COPY_CONTEXT = 320         # characters either side compared to tell copies of the same words apart
CONTEXT_AGREES = 70.0      # rapidfuzz ratio of one side's context for it to agree
ANCHORED = 12              # equal text past a quote's end that anchors its place in the diff
NEAR_COPY = 90.0           # resemblance at a quote's own offsets that makes an exact match elsewhere doubtful
MARGIN = 10.0              # the lead a candidate needs over the next one
SPELLING_MIN = 5           # letters a word needs for a change in it to count as spelling
SPELLING_SIMILARITY = 0.8  # normalised Indel similarity of a word and its respelling
SCAN_FIRST = 4096           # searches of a whole view made by scanning it before its words are indexed
MAX_ELSEWHERE = 20         # candidates looked at in the added text, at most
MAX_SUGGESTED = 4          # places scored by resemblance for a moved and changed quote, at most
ALIGN_DEPTH = 30           # patience diff nesting, at most (then diff-match-patch alone)
ALIGN_SMALL = 64           # symbol strings shorter than this go to diff-match-patch at once
FINE_CHARS = 400           # changed passages up to this long are diffed by character at once
WORD_EQUAL = 8             # shorter runs of words in common amid changed words are chance ("the ")
MIN_EQUAL = 3              # shorter equal stretches inside a changed passage are chance, not kept words
ADDED_GAP = 64             # added stretches closer than this are searched as one
CLAIM = 16                 # characters either side of words found elsewhere that may show them another text's
PROBE = 16                 # characters of a quote looked up in the added text to find its changed words

_QUOTE_MARKS: dict[int, str] = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                              "\u00b4": "'", "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                              "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"'})
_WORD = re.compile(r"\w+")
_PUNCT = ".,;:!?\"'()[]\u2018\u2019\u201c\u201d\u00ab\u00bb"
_DIGITS = re.compile(r"\d+")
# a clause: up to and including punctuation followed by a space, 200 characters at most
_CLAUSE = re.compile(r".{8,200}?(?:[.!?;:,]+ |$)|.{1,200}", re.S)   # at least 8 characters a clause
_TOKEN = re.compile(r"\w+\s*|[^\w]+")   # a word with the space after it, or a run of other characters


@dataclass(frozen=True)
class Anchor:
    """A citation in the OLD edition."""
    start: int           # code points into old_text
    end: int
    quote: str           # the cited words (== old_text[start:end] normally)
    prefix: str = ""     # optional: the words before it (place_quotes uses them as context)
    suffix: str = ""


@dataclass(frozen=True)
class Placement:
    state: str                           # one of STATES
    start: int | None = None             # in the NEW text when state in PLACED, else None
    end: int | None = None
    suggestion: tuple[int, int] | None = None  # state == "review": the candidate span in the new text, if any
    figures_changed: bool = False        # the quote's digits differ in its new words (state is then "review")
    reason: str = ""                     # one short sentence a person can read: why this state


# -- the folded view of one text ----------------------------------------------------------------------------
def _lower(s: str) -> str:
    low = s.lower()
    if len(low) == len(s):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in s)  # keep one code point for one


def _indexed(text: str) -> Anchorer:
    """An Anchorer whose find() uses its word index from the first call (one re-anchoring asks many)."""
    a = Anchorer(text)
    a.served = INDEX_AFTER
    return a


def _straight(s: str) -> str:
    """Curly and angled quote marks made straight (str.replace per mark: translate is slow on 1 MB)."""
    if s.isascii():
        return s
    for mark, plain in _QUOTE_MARKS.items():
        if chr(mark) in s:
            s = s.replace(chr(mark), plain)
    return s


class _View:
    """An Anchorer's normalised view, also lower-cased with straight quote marks, and its offset maps."""

    def __init__(self, text: str):
        self.text = text
        self.anchorer = Anchorer(text)
        norm, segments = self.anchorer.view()
        self.view = _straight(_lower(norm))
        self._index: Anchorer | None = None
        self._calls = 0
        self._seg = segments
        self._org = self.anchorer._origins  # noqa: SLF001 - the view's own offset map, read only

    def find(self, q: str, limit: int) -> list[int]:
        """Where q occurs in the view (limit + 1 places at most), through a word index built once."""
        self._calls += 1
        if self._index is None and self._calls <= SCAN_FIRST:
            return occurrences(self.view, q, limit)   # a few searches cost less than indexing 1 MB
        if self._index is None:
            self._index = _indexed(self.view)
        return self._index.find(q, limit)

    def to_view(self, t: int) -> int:
        """The view offset of text offset t (a character the view leaves out: the next one kept)."""
        k = bisect_right(self._org, t) - 1
        if k < 0:
            return 0
        nxt = self._seg[k + 1] if k + 1 < len(self._seg) else len(self.view)
        off = t - self._org[k]
        return self._seg[k] + off if self._seg[k] + off < nxt else nxt

    def span_to_view(self, s: int, e: int) -> tuple[int, int]:
        if e <= s:
            v = self.to_view(s)
            return v, v
        return self.to_view(s), max(self.to_view(s), self.to_view(e - 1) + 1)

    def _to_text(self, n: int) -> int:
        k = bisect_right(self._seg, n) - 1
        return self._org[k] + (n - self._seg[k])

    def span_to_text(self, a: int, b: int) -> tuple[int, int]:
        if b <= a:
            t = self._to_text(a)
            return t, t
        return self._to_text(a), self._to_text(b - 1) + 1


def fold(text: str) -> str:
    """The layout-, case- and quote-mark-free form of a quote (what `reworded` ignores)."""
    return _View(text).view.strip()


# -- the diff -------------------------------------------------------------------------------------------------
class _Diff:
    """The equal chunks of a diff of two views, for mapping offsets and counting what survives."""

    def __init__(self, old: str, new: str, time_budget: float, *, coarse: bool = True):
        self.dmp = dmp = diff_match_patch()
        dmp.Diff_Timeout = max(time_budget, 0.001)
        self.deadline = time.time() + dmp.Diff_Timeout
        self.eq_old: list[int] = []
        self.eq_new: list[int] = []
        self.eq_len: list[int] = []
        self.ins_new: list[int] = []   # inserted stretches of the new view: start, end
        self.ins_end: list[int] = []
        self._i = self._j = 0
        if coarse:   # clauses, then the words of changed clauses, then the characters of changed words
            self._runs(old, new, _CLAUSE, self._by_words, MIN_EQUAL)
        else:
            self._by_chars(old, new)
        self._new_len = self._j
        cum = [0]
        for n in self.eq_len:
            cum.append(cum[-1] + n)
        self._cum = cum

    def _runs(self, d: str, n: str, unit: re.Pattern, finer, min_equal: int) -> None:
        """Diff d and n as strings of one symbol a unit (as line mode does with lines); every run
        of changed units between two equal stretches goes to `finer`. Equal stretches shorter
        than min_equal characters amid changes are chance and become part of the change."""
        a, b, units = _encode(d, n, unit)
        pend_del: list[str] = []
        pend_ins: list[str] = []
        for op, sym in _align(a, b, self.dmp, self.deadline):
            text = "".join(units[ord(c)] for c in sym)
            if op == 0 and len(text) >= min_equal:
                finer("".join(pend_del), "".join(pend_ins))
                pend_del.clear()
                pend_ins.clear()
                self._add(0, text)
            else:
                if op <= 0:
                    pend_del.append(text)
                if op >= 0:
                    pend_ins.append(text)
        finer("".join(pend_del), "".join(pend_ins))

    def _by_words(self, d: str, n: str) -> None:
        if not (d and n):
            self._add(-1, d)
            self._add(1, n)
        elif len(d) + len(n) <= FINE_CHARS:
            self._by_chars(d, n)
        else:
            self._runs(d, n, _TOKEN, self._by_chars, WORD_EQUAL)

    def _by_chars(self, d: str, n: str) -> None:
        """Old d replaced by new n: diffed by character, with equal stretches too short to mean
        anything (under MIN_EQUAL characters) made part of the change."""
        if not (d and n):
            self._add(-1, d)
            self._add(1, n)
            return
        fine = self.dmp.diff_main(d, n, False, self.deadline)
        self.dmp.diff_cleanupSemantic(fine)
        dels: list[str] = []
        inss: list[str] = []
        for op, text in fine:
            if op == 0 and len(text) >= MIN_EQUAL:
                self._add(-1, "".join(dels))
                self._add(1, "".join(inss))
                dels.clear()
                inss.clear()
                self._add(0, text)
            else:
                if op <= 0:
                    dels.append(text)
                if op >= 0:
                    inss.append(text)
        self._add(-1, "".join(dels))
        self._add(1, "".join(inss))

    def _add(self, op: int, s: str) -> None:
        n = len(s)
        if not n:
            return
        i, j = self._i, self._j
        if op == 0:
            if self.eq_old and self.eq_old[-1] + self.eq_len[-1] == i and self.eq_new[-1] + self.eq_len[-1] == j:
                self.eq_len[-1] += n
            else:
                self.eq_old.append(i)
                self.eq_new.append(j)
                self.eq_len.append(n)
            self._i, self._j = i + n, j + n
        elif op < 0:
            self._i = i + n
        else:
            if self.ins_end and self.ins_end[-1] == j:
                self.ins_end[-1] = j + n
            else:
                self.ins_new.append(j)
                self.ins_end.append(j + n)
            self._j = j + n

    def kept(self, a: int, b: int) -> int:
        """How many characters of old view [a, b) the diff keeps."""
        return self._kept_before(b) - self._kept_before(a)

    def _kept_before(self, x: int) -> int:
        k = bisect_right(self.eq_old, x) - 1
        if k < 0:
            return 0
        return self._cum[k] + min(self.eq_len[k], x - self.eq_old[k])

    def kept_new(self, ns: int, ne: int) -> int:
        """How many characters of new view [ns, ne) are old text kept in place (not added)."""
        def before(x: int) -> int:
            k = bisect_right(self.eq_new, x) - 1
            return 0 if k < 0 else self._cum[k] + min(self.eq_len[k], x - self.eq_new[k])
        return before(ne) - before(ns)

    def to_old(self, ns: int) -> int:
        """The old view offset the diff pairs with new offset ns (the nearest kept one before it)."""
        k = bisect_right(self.eq_new, ns) - 1
        return 0 if k < 0 else self.eq_old[k] + min(ns - self.eq_new[k], self.eq_len[k])

    def reach(self, a: int, b: int) -> int:
        """How far the equal stretches holding old [a, b)'s ends reach past them (the longer side)."""
        left = right = 0
        k = bisect_right(self.eq_old, a) - 1
        if k >= 0 and a < self.eq_old[k] + self.eq_len[k]:
            left = a - self.eq_old[k] if self.eq_old[k] > 0 or self.eq_new[k] > 0 else ANCHORED
        k = bisect_right(self.eq_old, b - 1) - 1
        if k >= 0 and b - 1 < self.eq_old[k] + self.eq_len[k]:
            end = self.eq_old[k] + self.eq_len[k]
            right = end - b if end < self._i else ANCHORED
        return max(left, right)

    def map_start(self, a: int) -> int:
        """The new view offset where old offset a's words begin (a deleted one: where the change begins)."""
        k = bisect_right(self.eq_old, a) - 1
        if k < 0:
            return 0
        if a < self.eq_old[k] + self.eq_len[k]:
            return self.eq_new[k] + a - self.eq_old[k]
        return self.eq_new[k] + self.eq_len[k]

    def map_end(self, b: int) -> int:
        """The new view offset where old span [.., b)'s words end (a deleted last one: where the change ends)."""
        last = b - 1
        k = bisect_right(self.eq_old, last) - 1
        if k >= 0 and last < self.eq_old[k] + self.eq_len[k]:
            return self.eq_new[k] + last - self.eq_old[k] + 1
        return self.eq_new[k + 1] if k + 1 < len(self.eq_new) else self._new_len

    def inserted(self) -> list[tuple[int, int]]:
        """The stretches of the new view that are not kept old text."""
        return list(zip(self.ins_new, self.ins_end, strict=True))

    def deleted(self) -> list[tuple[int, int]]:
        """The stretches of the old view that the diff does not keep."""
        out, at = [], 0
        for s, n in zip(self.eq_old, self.eq_len, strict=True):
            if s > at:
                out.append((at, s))
            at = s + n
        if at < self._i:
            out.append((at, self._i))
        return out


def _align(a: str, b: str, dmp: diff_match_patch, deadline: float, depth: int = 0) -> list[tuple[int, str]]:
    """A diff of two symbol strings, in diff-match-patch's form: symbols that occur once in each
    are paired first, the longest run of such pairs in order anchoring the rest (patience diff),
    and the stretches between anchors are aligned the same way or, with no such symbols, by
    diff-match-patch. Long texts with many changes are then fast: Myers' diff alone is
    O(length x changes), slow in Python when both are large."""
    out: list[tuple[int, str]] = []
    p = dmp.diff_commonPrefix(a, b)
    if p:
        out.append((0, a[:p]))
        a, b = a[p:], b[p:]
    q = dmp.diff_commonSuffix(a, b)
    tail = a[len(a) - q:] if q else ""
    if q:
        a, b = a[:-q], b[:-q]
    if not a or not b:
        if a:
            out.append((-1, a))
        if b:
            out.append((1, b))
    elif depth > ALIGN_DEPTH or len(a) + len(b) < ALIGN_SMALL:
        out += dmp.diff_main(a, b, False, deadline)
    else:
        count_a: dict[str, int] = {}
        for c in a:
            count_a[c] = count_a.get(c, 0) + 1
        count_b: dict[str, int] = {}
        where_b: dict[str, int] = {}
        for j, c in enumerate(b):
            count_b[c] = count_b.get(c, 0) + 1
            where_b[c] = j
        pairs = [(i, where_b[c]) for i, c in enumerate(a) if count_a[c] == 1 and count_b.get(c) == 1]
        if not pairs:
            out += dmp.diff_main(a, b, False, deadline)
        else:
            pi = pj = 0
            for i, j in _increasing(pairs):
                out += _align(a[pi:i], b[pj:j], dmp, deadline, depth + 1)
                out.append((0, a[i]))
                pi, pj = i + 1, j + 1
            out += _align(a[pi:], b[pj:], dmp, deadline, depth + 1)
    if tail:
        out.append((0, tail))
    dmp.diff_cleanupMerge(out)
    return out


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of pairs (sorted by their first) whose seconds increase."""
    tails: list[int] = []      # tails[k]: the second of the last pair of the best run of length k + 1
    tail_at: list[int] = []    # and that pair's index
    back = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect_right(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        back[n] = tail_at[k - 1] if k else -1
    out = []
    n = tail_at[-1] if tail_at else -1
    while n != -1:
        out.append(pairs[n])
        n = back[n]
    return out[::-1]


def _encode(old: str, new: str, unit: re.Pattern) -> tuple[str, str, list[str]]:
    """Both texts as strings of one symbol a unit (a clause, a word; the unit list is the key)."""
    index: dict[str, int] = {}
    clauses: list[str] = []

    def enc(text: str) -> str:
        out = []
        for m in unit.finditer(text):
            c = m.group()
            if not c:
                continue
            k = index.get(c)
            if k is None:
                k = index[c] = len(clauses)
                if 0xD800 <= k <= 0xDFFF:  # keep the symbols valid code points (never surrogates)
                    clauses.extend([""] * 0x800)
                    k = index[c] = len(clauses)
                clauses.append(c)
            out.append(chr(k))
        return "".join(out)

    return enc(old), enc(new), clauses


# -- comparing a quote with the words found for it -------------------------------------------------------------
def _digits(s: str) -> list[str]:
    return _DIGITS.findall(s)


def _is_short(q: str) -> bool:
    return len(q) < SHORT_CHARS or len(_WORD.findall(q)) < SHORT_WORDS


def _respelled(old: str, new: str) -> bool:
    """Whether two views differ only in the spelling of some long words (same words, same punctuation)."""
    ow, nw = _WORD.findall(old), _WORD.findall(new)
    if len(ow) != len(nw) or _WORD.split(old) != _WORD.split(new):
        return False
    for a, b in zip(ow, nw, strict=True):
        if a == b:
            continue
        if min(len(a), len(b)) < SPELLING_MIN or Indel.normalized_similarity(a, b) < SPELLING_SIMILARITY:
            return False
    return True


def _snap(text: str, s: int, e: int) -> tuple[int, int]:
    """A suggestion widened to whole words and stripped of white space at its ends."""
    while s > 0 and s < len(text) and text[s - 1].isalnum() and text[s].isalnum():
        s -= 1
    while e < len(text) and e > 0 and text[e - 1].isalnum() and text[e].isalnum():
        e += 1
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _whole_words(old: str, s0: int, e0: int, new: str, s: int, e: int) -> tuple[int, int]:
    """A mapped span widened to whole words where the quote began and ended with a whole word.

    (A respelt last word can map short: "Center" -> "Centre" diffs as "Cent", -"e", "r", +"e".)"""
    if (s0 == 0 or not old[s0 - 1].isalnum()) and old[s0:s0 + 1].isalnum():
        while 0 < s < e and new[s - 1].isalnum() and new[s].isalnum():
            s -= 1
    if (e0 == len(old) or not old[e0].isalnum()) and old[e0 - 1:e0].isalnum():
        while s < e < len(new) and new[e - 1].isalnum() and new[e].isalnum():
            e += 1
    return s, e


def _strip(quote: str) -> tuple[int, int]:
    """How many characters of white space the quote has at its start and at its end."""
    inner = quote.strip()
    if not inner:
        return 0, 0
    lead = len(quote) - len(quote.lstrip())
    return lead, len(quote) - len(quote.rstrip())


def _judge(quote: str, qview: str, new_text: str, nview: str, s: int, e: int, how: str) -> Placement:
    """The state of quote found at new text [s, e) (nview is that span's view), placed by `how`."""
    inner = quote.strip()
    k = new_text.find(inner, s, e)
    if k >= 0 and (k, k + len(inner)) != (s, e) and (k == s or new_text[s:k].isalnum()) \
            and (k + len(inner) == e or new_text[k + len(inner):e].isalnum()):
        # the quote's very words inside the mapped span (text glued on at an edge, e.g. a moved
        # paragraph run into its first word): they are its place, not the wider span
        s, e = k, k + len(inner)
    if new_text[s:e] == inner:
        return Placement("exact" if how == "diff" else "moved", s, e,
                         reason="The same words are at the same place." if how == "diff" else
                         "The same words were found elsewhere in the new edition.")
    if nview == qview:
        return Placement("reworded", s, e, reason="The same words, with a different layout, casing or quote marks.")
    sug = _snap(new_text, s, e)
    if _digits(qview) != _digits(nview):
        return Placement("review", suggestion=sug, figures_changed=True,
                         reason="The figures in these words changed in the new edition.")
    if how == "diff" and not _is_short(inner) and _respelled(qview, nview):
        return Placement("reworded", s, e, reason="The same words, some of them spelt differently.")
    return Placement("review", suggestion=sug, reason="The words at this place changed in the new edition.")


def _confirm(p: Placement, inner: str, qview: str, old: _View, new: _View, diff: _Diff, added: _Added,
             removed: _Added, a: int, b: int, ns: int, ne: int) -> Placement:
    """A placement through the diff, kept only when more than the quote's own words support it.

    - the stretch the diff keeps around the quote reaches ANCHORED characters past it on one side,
      or the words either side agree (CONTEXT_AGREES): a quote that is an island of equal text
      amid changes may have been matched with similar words of another passage;
    - a short quote needs its context to agree;
    - a passage the old edition holds more than once must not sit in the context of another
      copy, by a margin (the diff may pair copies crosswise when one of them moved)."""
    sug = (p.start, p.end) if p.start is not None and p.end is not None else None
    agrees = _context_agrees(old.view, a, b, new.view, ns, ne)
    if _is_short(inner) and not agrees:
        return Placement("review", suggestion=sug,
                         reason="These few words are at the mapped place, but the words around them changed.")
    if not agrees and diff.reach(a, b) < ANCHORED:
        return Placement("review", suggestion=sug,
                         reason="These words are at the mapped place, but everything around them changed.")
    n = b - a
    mine = -1.0
    ov, nv = old.view, new.view
    before, after = ov[max(0, a - LOCAL):a], ov[b:b + LOCAL]
    # the mapped place has the quote's very surroundings: a copy without them on either side is not it
    local = nv[max(0, ns - LOCAL):ns] == before and nv[ne:ne + LOCAL] == after
    for cs in _copies(added, qview, before, after, local):
        if mine < 0:
            mine = _two_sided(old.view, a, b, new.view, ns, ne)
        if cs != ns and diff.kept_new(cs, cs + n) * 2 < n and \
                _two_sided(old.view, a, b, new.view, cs, cs + n) > mine - MARGIN:
            # a copy of these words that the new edition added: the diff may have paired the old
            # words with it instead of their own (or the other way round)
            return Placement("review", suggestion=sug,
                             reason="These words were also added elsewhere; which copy is this one cannot be told.")
    for ca in _copies(removed, qview, before, after, local):
        if mine < 0:
            mine = _two_sided(old.view, a, b, new.view, ns, ne)
        if ca != a and diff.kept(ca, ca + n) * 2 < n and \
                _two_sided(old.view, ca, ca + n, new.view, ns, ne) > mine - MARGIN:
            # another copy of these words lost its place: the diff may have paired it with this one's
            return Placement("review", suggestion=sug,
                             reason="These words occur more than once; which copy is this one cannot be told.")
    return p


def _copies(stretches: _Added, qview: str, before: str, after: str, local: bool) -> list[int]:
    """Where copies of the quote's words are in the stretches; with `local`, only those that have
    the quote's near surroundings on one side (looked up with them: one scan each)."""
    if not stretches.find(qview, 0):
        return []
    if not local:
        return stretches.find(qview, MAX_ELSEWHERE)
    out = {h + len(before) for h in stretches.find(before + qview, MAX_ELSEWHERE)} if before else set()
    out.update(stretches.find(qview + after, MAX_ELSEWHERE) if after else ())
    return sorted(out)


def _two_sided(old: str, a: int, b: int, new: str, ns: int, ne: int) -> float:
    """How well both sides of old [a, b)'s wide context (COPY_CONTEXT characters: wider than a
    sentence, so copies of one sentence differ) agree with those of new [ns, ne) (0-200)."""
    return (fuzz.ratio(old[max(0, a - COPY_CONTEXT):a], new[max(0, ns - COPY_CONTEXT):ns])
            + fuzz.ratio(old[b:b + COPY_CONTEXT], new[ne:ne + COPY_CONTEXT]))


def _context_agrees(old: str, a: int, b: int, new: str, ns: int, ne: int) -> bool:
    """Whether the words before or after a quote's old place agree with those at its new place."""
    before, after = old[max(0, a - CONTEXT):a], old[b:b + CONTEXT]
    if not before and not after:
        return True   # the quote is the whole text
    return _context_score(new, ns, ne, before, after) >= CONTEXT_AGREES


def _context_score(view: str, a: int, b: int, before: str, after: str, side=max) -> float:
    """The better (side=min: the worse) of the given sides' agreement (rapidfuzz ratio) with the old
    context. With side=min a side whose figures differ does not agree at all ("Article 6" is not
    "Article 2": numbered copies of a passage differ only there)."""
    scores = []
    for got, want in ((view[max(0, a - len(before)):a], before), (view[b:b + len(after)], after)):
        if want:
            strict = side is min and _digits(got) != _digits(want)
            scores.append(0.0 if strict else fuzz.ratio(got, want))
    return side(scores) if scores else 0.0


# -- the two entry points ----------------------------------------------------------------------------------------
def reanchor(old_text: str, new_text: str, anchors: Sequence[Anchor], *, time_budget: float = 1.0) -> list[Placement]:
    """One Placement per anchor, in order: follow citations from one edition to the next.

    time_budget bounds the diff (diff-match-patch's Diff_Timeout, in seconds); a diff cut short
    keeps fewer equal stretches, so more citations go to review or not_found, never elsewhere."""
    if not anchors:
        return []
    old, new = _View(old_text), _View(new_text)
    diff = _Diff(old.view, new.view, time_budget)
    added = _Added(new.view, diff.inserted())
    removed = _Added(old.view, diff.deleted())
    out: list[Placement] = []
    fallback: list[int] = []
    for n, an in enumerate(anchors):
        inner = an.quote.strip()
        if not inner:
            out.append(Placement("not_found", reason="The citation has no words."))
            continue
        if not (0 <= an.start <= an.end <= len(old_text)) or old_text[an.start:an.end] != an.quote:
            out.append(Placement("not_found"))   # replaced below: its offsets do not fit the old edition
            fallback.append(n)
            continue
        lead, trail = _strip(an.quote)
        s0, e0 = an.start + lead, an.end - trail
        a, b = old.span_to_view(s0, e0)
        qview = old.view[a:b]
        if b <= a:
            out.append(Placement("not_found", reason="The citation has no words."))
            continue
        # digits do not count against survival: a changed figure is for the figures rule (review)
        kept = diff.kept(a, b)
        if kept * 2 >= b - a or (kept + sum(ch.isdigit() for ch in qview)) * 2 >= b - a:
            ns, ne = diff.map_start(a), diff.map_end(b)
            ns, ne = min(ns, ne), max(ns, ne)
            s, e = new.span_to_text(ns, ne) if ne > ns else (0, 0)
            if ne <= ns:
                out.append(Placement("not_found", reason="These words are not in the new edition."))
                continue
            s, e = _whole_words(old_text, s0, e0, new_text, s, e)
            ns, ne = new.span_to_view(s, e)
            p = _judge(an.quote, qview, new_text, new.view[ns:ne], s, e, "diff")
            if p.state in PLACED:
                p = _confirm(p, inner, qview, old, new, diff, added, removed, a, b, ns, ne)
            out.append(_with_space(p, an.quote, new_text, lead, trail))
            continue
        out.append(_with_space(_elsewhere(an, qview, old, new, diff, added, a, b), an.quote, new_text, lead, trail))
    if fallback:
        redo = place_quotes(new_text, [anchors[n] for n in fallback], _view=new)
        for n, p in zip(fallback, redo, strict=True):
            out[n] = p
    return out


class _Added:
    """Stretches of one view (the text the new edition added, or the old text it dropped),
    searchable as one string."""

    def __init__(self, view: str, spans: list[tuple[int, int]]):
        merged: list[tuple[int, int]] = []
        for st, en in spans:   # a few characters in common inside a moved paragraph do not cut it in two
            if merged and st - merged[-1][1] < ADDED_GAP:
                merged[-1] = (merged[-1][0], en)
            else:
                merged.append((st, en))
        spans = merged
        self.starts = [s for s, _ in spans]
        self.offsets: list[int] = []
        parts = []
        at = 0
        for s, e in spans:
            self.offsets.append(at)
            parts.append(view[s:e])
            at += e - s + 1
        self.text = "\x00".join(parts)
        toks = self.text.replace("\x00", " ").split(" ")
        self.words = set(toks)
        self.pairs = set(zip(toks, toks[1:], strict=False))
        self.runs = set(zip(toks, toks[1:], toks[2:], strict=False))

    def find(self, q: str, limit: int) -> list[int]:
        """View offsets where q occurs inside one stretch (the stretches are a small part of a text,
        so scanning them in C costs less than indexing their words)."""
        out: list[int] = []
        inner = q.split(" ")[1:-1]   # whole words wherever q occurs (its first and last may be cut)
        if inner and (any(t not in self.words for t in inner)
                      or any(run not in self.runs for run in zip(inner, inner[1:], inner[2:], strict=False))
                      or len(inner) == 2 and (inner[0], inner[1]) not in self.pairs):
            return out   # a word, or a run of two or three words, of q that the stretches do not have
        if q not in self.text:   # one scan in C of the (small) text
            return out
        for h in occurrences(self.text, q, limit):
            k = bisect_right(self.offsets, h) - 1
            out.append(self.starts[k] + h - self.offsets[k])
        return out


def _elsewhere(an: Anchor, qview: str, old: _View, new: _View, diff: _Diff, added: _Added, a: int, b: int
               ) -> Placement:
    """A quote whose place lost most of it: its words in the added text, or not_found."""
    n = len(qview)
    hits = [h for h in added.find(qview, MAX_ELSEWHERE)   # added words only, not another passage's kept ones
            if diff.kept_new(h, h + n) * 4 < n and not _claimed(old, a, b, new.view, h, n)]
    if not hits:
        return _changed_elsewhere(an, qview, old, new, diff, added, a, b)
    # the same words in text the diff calls kept, but kept from other words (a pairing by chance),
    # compete with the added ones: the diff may have lost the quote's own place among moves
    rivals = [h for h in new.find(qview, MAX_ELSEWHERE)
              if diff.kept_new(h, h + n) * 4 >= n and old.view[diff.to_old(h):diff.to_old(h) + n] != qview]
    if rivals:
        return Placement("review", reason="These words occur in more than one place; a person must choose.")
    if len(hits) > MAX_ELSEWHERE:
        return Placement("review", reason="These words were added in many places; which is the old one cannot be told.")
    short = _is_short(an.quote.strip())
    before, after = old.view[max(0, a - CONTEXT):a], old.view[b:b + CONTEXT]
    scored = sorted(((_context_score(new.view, h, h + len(qview), before, after), h) for h in hits), reverse=True)
    best, h = scored[0]
    s, e = new.span_to_text(h, h + len(qview))
    if len(old.find(qview, 1)) > 1:
        # the old edition has these words more than once: another copy deleted here and the same
        # words added there read exactly like a move of this one
        return Placement("review", suggestion=(s, e),
                         reason="These words were found elsewhere, but the old edition has them more than once.")
    long_unique = (len(_WORD.findall(qview)) >= LONG_WORDS and len(scored) == 1
                   and len(new.find(qview, 1)) == 1)
    if best < CONTEXT_AGREES and not long_unique:
        if short:   # a few common words turning up in new text, with nothing around them to say they moved
            return Placement("not_found", reason="Less than half of these words are in the new edition.")
        return Placement("review", suggestion=(s, e),
                         reason="These words were found elsewhere, but the words around them differ.")
    if len(scored) > 1 and best - scored[1][0] < MARGIN:
        return Placement("review", suggestion=None if best == scored[1][0] else (s, e),
                         reason="These words were added in more than one place; a person must choose.")
    p = _judge(an.quote, qview, new.text, new.view[h:h + len(qview)], s, e, "elsewhere")
    return p if p.state != "exact" else Placement("moved", s, e, reason=p.reason)


def _changed_elsewhere(an: Anchor, qview: str, old: _View, new: _View, diff: _Diff, added: _Added, a: int, b: int
                       ) -> Placement:
    """A quote neither at its place nor word for word in the added text. When most of it is in one
    added stretch, found there through its own words and those around it (a moved paragraph that
    also changed) and scored by rapidfuzz, that is a suggestion for review, never a placement."""
    ca, cb = max(0, a - CONTEXT), min(len(old.view), b + CONTEXT)
    region = old.view[ca:cb]
    n = len(region)
    if _is_short(an.quote.strip()) or n < PROBE:   # a few words: never looked for by resemblance
        return Placement("not_found", reason="Less than half of these words are in the new edition.")
    starts: set[int] = set()
    step = max(PROBE, (n - PROBE) // 7)
    for off in range(0, n - PROBE + 1, step):
        for h in added.find(region[off:off + PROBE], MAX_ELSEWHERE):
            starts.add(h - off)
    found: list[tuple[float, int, int]] = []
    last = None
    for c in sorted(starts):
        if last is not None and c - last <= n // 4:
            continue   # the same place, seen through another probe
        last = c
        if len(found) >= MAX_SUGGESTED:
            break
        w0, w1 = max(0, c + (a - ca) - (b - a) // 4), min(len(new.view), c + (b - ca) + (b - a) // 4)
        al = fuzz.partial_ratio_alignment(qview, new.view[w0:w1], score_cutoff=100 * SURVIVES)
        if al is None:
            continue
        ns, ne = w0 + al.dest_start, w0 + al.dest_end
        if ne > ns and diff.kept_new(ns, ne) * 4 < ne - ns:
            found.append((al.score, ns, ne))
    if not found:
        return Placement("not_found", reason="Less than half of these words are in the new edition.")
    found.sort(reverse=True)
    if len(found) > 1 and found[0][0] - found[1][0] < MARGIN:
        return Placement("review", reason="Words like these were added in more than one place; a person must choose.")
    _, ns, ne = found[0]
    if ne <= ns:
        return Placement("not_found", reason="Less than half of these words are in the new edition.")
    s, e = _snap(new.text, *new.span_to_text(ns, ne))
    figures = _digits(qview) != _digits(new.view[ns:ne])
    return Placement("review", suggestion=(s, e), figures_changed=figures,
                     reason="These words were moved and changed, figures among them." if figures else
                     "These words were moved and changed; a person must decide.")


def _claimed(old: _View, a: int, b: int, new: str, h: int, n: int) -> bool:
    """Whether the words found at new view h (n long), with a little of what surrounds them, are a
    copy of old text at another place than the quote's [a, b): then they are that text, moved."""
    left = min(CLAIM, h)
    window = new[h - left:h + n + CLAIM]
    hits = old.find(window, 4)
    return bool(hits) and (a - left) not in hits


def _with_space(p: Placement, quote: str, text: str, lead: int, trail: int) -> Placement:
    """A placement of the quote's words widened by the quote's own white space where the new text has it."""
    if p.state not in PLACED or not (lead or trail) or p.start is None or p.end is None:
        return p
    s, e = p.start, p.end
    if lead and text[max(0, s - lead):s] == quote[:lead]:
        s -= lead
    if trail and text[e:e + trail] == quote[len(quote) - trail:]:
        e += trail
    state = p.state
    if state in ("exact", "moved") and text[s:e] != quote:
        state = "reworded"
    return Placement(state, s, e, reason=p.reason)


def place_quotes(text: str, anchors: Sequence[Anchor], *, _view: _View | None = None) -> list[Placement]:
    """Same rules without an old text: for an import whose offsets no longer fit `text` (start/end are hints,
    quote is the truth). Exact quote at the hinted offsets -> exact; elsewhere -> moved/reworded/review/not_found."""
    view = _view or _View(text)
    if len(anchors) > INDEX_AFTER:
        view.anchorer.served = max(view.anchorer.served, INDEX_AFTER)   # index the text's words at once
    return [_place_one(text, view, an) for an in anchors]


def _place_one(text: str, view: _View, an: Anchor) -> Placement:
    quote = an.quote
    inner = quote.strip()
    if not inner:
        return Placement("not_found", reason="The citation has no words.")
    if 0 <= an.start <= an.end <= len(text) and text[an.start:an.end] == quote:
        return Placement("exact", an.start, an.end, reason="The same words are at the same place.")
    lead, trail = _strip(quote)
    qview = fold(inner)
    before, after = fold(an.prefix)[-CONTEXT:], fold(an.suffix)[:CONTEXT]
    exact = view.anchorer.find(inner, MAX_ELSEWHERE)
    if exact:
        spans = [(h, h + len(inner)) for h in exact]
        how = "moved"
    else:
        hv = view.find(qview, MAX_ELSEWHERE)
        spans = [view.span_to_text(h, h + len(qview)) for h in hv]
        how = "reworded"
    if spans:
        if len(spans) > MAX_ELSEWHERE:
            return Placement("review", reason="These words occur in many places; which one is meant cannot be told.")
        n = len(inner)
        near = [sp for sp in spans if an.start - n <= sp[0] <= an.end + n]
        if not near and 0 <= an.start < len(text) and \
                fuzz.partial_ratio(qview, fold(text[max(0, an.start - n // 2):an.start + n + n // 2])) >= NEAR_COPY:
            # words like these at its own offsets, and the very words elsewhere: a copy of the
            # passage may be what was found, this one changed at its place
            s, e = spans[0]
            return Placement("review", suggestion=(s, e),
                             reason="These words were found elsewhere, and words like them are at its place.")
        if len(spans) == 1 and not (before or after):
            # once in the text: the quote is the truth, unless it is short and nothing confirms it
            s, e = spans[0]
            if _is_short(inner):
                return Placement("review", suggestion=(s, e),
                                 reason="These few words were found elsewhere, with nothing to confirm them.")
            return _with_space(_found(how, s, e), quote, text, lead, trail)
        scored = []
        for s, e in spans:   # without the old edition, context must agree on every side it is given
            a, b = view.span_to_view(s, e)
            scored.append((_context_score(view.view, a, b, before, after, side=min), s, e))
        scored.sort(reverse=True)
        best, s, e = scored[0]
        second = scored[1][0] if len(scored) > 1 else -MARGIN
        if (before or after) and best >= CONTEXT_AGREES and best - second >= MARGIN and \
                _same_context(view, s, e, before, after):
            return _with_space(_found(how, s, e), quote, text, lead, trail)
        tie = len(scored) > 1 and best == second
        return Placement("review", suggestion=None if tie else (s, e),
                         reason="These words occur in more than one place; a person must choose."
                         if len(scored) > 1 else "These words were found elsewhere, but the words around them differ.")
    fz = view.anchorer._fuzzy(normalise(inner), an.prefix[-CONTEXT:], an.suffix[:CONTEXT])  # noqa: SLF001 - its bounded fuzzy search
    if fz is None:
        return Placement("not_found", reason="These words are not in this text.")
    s, e = _snap(text, fz.start, fz.end)
    tail = len(inner) - len(inner.rstrip(_PUNCT))
    if tail and text[e:e + tail] == inner[len(inner) - tail:]:
        e += tail   # a resemblance found without the quote's closing punctuation
    head = len(inner) - len(inner.lstrip(_PUNCT))
    if head and text[max(0, s - head):s] == inner[:head]:
        s -= head
    a, b = view.span_to_view(s, e)
    nview = view.view[a:b]
    if _digits(qview) != _digits(nview):
        return Placement("review", suggestion=(s, e), figures_changed=True,
                         reason="Words like these were found, but with other figures.")
    if not _is_short(inner) and _respelled(qview, nview) and (before or after) and \
            _context_score(view.view, a, b, before, after, side=min) >= CONTEXT_AGREES:
        return _with_space(Placement("reworded", s, e, reason="The same words, some of them spelt differently."),
                           quote, text, lead, trail)
    return Placement("review", suggestion=(s, e), reason="Words like these were found; a person must decide.")


def _same_context(view: _View, s: int, e: int, before: str, after: str) -> bool:
    """Whether the words either side of text [s, e) are the context given, word for word (in the
    view, a text's start or end cutting it short): without the old edition, a copy of a passage
    whose surroundings merely resemble the old ones cannot be told from the passage itself."""
    a, b = view.span_to_view(s, e)
    want_b, want_a = before.strip(), after.strip()
    got_b = view.view[max(0, a - len(want_b) - 2):a].strip()
    got_a = view.view[b:b + len(want_a) + 2].strip()
    ok_b = not want_b or got_b.endswith(want_b) or (a - len(want_b) - 2 < 0 and want_b.endswith(got_b))
    ok_a = not want_a or got_a.startswith(want_a) or (b + len(want_a) + 2 > len(view.view) and
                                                      want_a.startswith(got_a))
    return ok_b and ok_a


def _found(how: str, s: int, e: int) -> Placement:
    if how == "moved":
        return Placement("moved", s, e, reason="The same words were found elsewhere in this text.")
    return Placement("reworded", s, e, reason="The same words, with a different layout, casing or quote marks.")
