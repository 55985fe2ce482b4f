"""Revised editions of the seed texts, with the truth known for every character (issue 15 tests).

A `Revision` collects edits of the old text (each an old span, its replacement and a kind),
refusing any that overlaps one already taken; `build()` applies them in one pass and keeps, for
every old character, its offset in the new text (or -1: deleted or replaced). From that,
`Edition.truth(start, end)` says what became of a citation: its true new span when its words
survive (untouched, moved, or changed only softly), or that its figures changed, that it is gone,
or that its words changed otherwise.

Kinds: insert, delete, move, reword (hard changes); figures; and the soft ones in SOFT
(spelling, case, quotes, layout, crlf, list). Generators below make each kind on a seed text
(seeded random, so every run builds the same editions).
"""
from __future__ import annotations

import random
import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SOFT = frozenset({"spelling", "case", "quotes", "layout", "crlf", "list"})
GONE = 0.6   # a citation this much deleted is gone (between half and this: changed, as the diff may cut either way)
SAME_LENGTH = frozenset({"case", "quotes"})  # soft edits whose characters keep their one-for-one origin


@dataclass(frozen=True)
class Edit:
    start: int          # old span replaced (start == end: an insertion at start)
    end: int
    text: str
    kind: str
    dest: int = -1      # kind "move": the old offset the old span [start, end) moves to


@dataclass(frozen=True)
class Truth:
    kind: str                          # same, moved, soft, figures, gone, changed
    span: tuple[int, int] | None = None  # the true new span (same, moved, soft)

    @property
    def survives(self) -> bool:
        return self.kind in ("same", "moved", "soft")


@dataclass
class Edition:
    old: str
    text: str
    pos: list[int]                                   # old offset -> new offset, -1 when not kept
    ranges: list[Edit] = field(default_factory=list)  # sorted, disjoint, start < end (moves included)
    points: list[Edit] = field(default_factory=list)  # insertions, sorted by start

    def __post_init__(self) -> None:
        self._starts = [r.start for r in self.ranges]
        self._ends = [r.end for r in self.ranges]
        self._points = [p.start for p in self.points]

    def truth(self, s: int, e: int) -> Truth:
        """What became of old span [s, e)."""
        touching = []
        k = bisect_right(self._ends, s)  # the first range ending after s
        while k < len(self.ranges) and self.ranges[k].start < e:
            touching.append(self.ranges[k])
            k += 1
        inside = self._points[bisect_right(self._points, s):bisect_left(self._points, e)]
        if inside:
            return Truth("changed")
        moves = [r for r in touching if r.kind == "move"]
        if moves:
            r = moves[0]
            if len(touching) == 1 and r.start <= s and e <= r.end:
                return Truth("moved", (self.pos[s], self.pos[e - 1] + 1))
            return Truth("changed")
        kinds = {r.kind for r in touching}
        deleted = sum(min(e, r.end) - max(s, r.start) for r in touching if r.kind == "delete")
        if deleted >= GONE * (e - s):
            return Truth("gone")
        if not touching:
            return Truth("same", (self.pos[s], self.pos[e - 1] + 1))
        if kinds <= SOFT | {"figures"} and "figures" in kinds:
            return Truth("figures")
        if not kinds <= SOFT:
            return Truth("changed")
        first, last = touching[0], touching[-1]
        if first.kind not in SAME_LENGTH and first.start < s or last.kind not in SAME_LENGTH and last.end > e:
            return Truth("changed")   # a boundary inside a respelled word or a rewrapped space
        ns = self.pos[s] if self.pos[s] >= 0 else self.new_span(first)[0]
        ne = self.pos[e - 1] + 1 if self.pos[e - 1] >= 0 else self.new_span(last)[1]
        return Truth("soft", (ns, ne))

    def new_span(self, r: Edit) -> tuple[int, int]:
        return self._new_spans[r]

    _new_spans: dict[Edit, tuple[int, int]] = field(default_factory=dict)


class Revision:
    """Edits of one old text, none overlapping another."""

    def __init__(self, old: str, name: str):
        self.old, self.name = old, name
        self.edits: list[Edit] = []
        self._ranges: list[tuple[int, int]] = []   # sorted, disjoint
        self._points: set[int] = set()
        self._sorted_points: list[int] = []

    def _free_range(self, s: int, e: int) -> bool:
        k = bisect_left(self._ranges, (s, -1))
        if k > 0 and self._ranges[k - 1][1] > s:
            return False
        if k < len(self._ranges) and self._ranges[k][0] < e:
            return False
        i = bisect_right(self._sorted_points, s)
        return not (i < len(self._sorted_points) and self._sorted_points[i] < e)

    def is_free(self, s: int, e: int) -> bool:
        """Whether no edit taken so far touches old [s, e)."""
        return self._free_range(s, e)

    def _add_point(self, p: int) -> None:
        self._points.add(p)
        insort(self._sorted_points, p)

    def reserve(self, s: int, e: int) -> None:
        """Keep old [s, e) as it is: later edits may not touch it."""
        if self._free_range(s, e):
            self._take_range(s, e)

    def _free_point(self, p: int) -> bool:
        if p in self._points:
            return False
        # not inside a replaced span, nor at its ends: text added beside text removed is a
        # replacement, whose first or last words may equal the removed ones ("The ...")
        k = bisect_left(self._ranges, (p + 1, -1))
        if k < len(self._ranges) and self._ranges[k][0] == p + 0:
            return False
        return not (k > 0 and self._ranges[k - 1][0] <= p <= self._ranges[k - 1][1])

    def _take_range(self, s: int, e: int) -> None:
        k = bisect_left(self._ranges, (s, -1))
        self._ranges.insert(k, (s, e))

    def replace(self, s: int, e: int, text: str, kind: str) -> bool:
        """Replace old [s, e) (an insertion when s == e); False when it would overlap another edit."""
        if s == e:
            if not self._free_point(s):
                return False
            self._add_point(s)
        else:
            if not self._free_range(s, e):
                return False
            self._take_range(s, e)
        self.edits.append(Edit(s, e, text, kind))
        return True

    def move(self, s: int, e: int, dest: int) -> bool:
        if s <= dest <= e or not self._free_range(s, e) or not self._free_point(dest):
            return False
        self._take_range(s, e)
        self._add_point(dest)
        self.edits.append(Edit(s, e, "", "move", dest))
        return True

    def build(self) -> Edition:
        old = self.old
        ops: list[tuple[int, int, Edit]] = []   # (old position, 0 insertion / 1 range, edit)
        for ed in self.edits:
            if ed.kind == "move":
                ops.append((ed.dest, 0, ed))
                ops.append((ed.start, 1, ed))
            elif ed.start == ed.end:
                ops.append((ed.start, 0, ed))
            else:
                ops.append((ed.start, 1, ed))
        ops.sort(key=lambda o: (o[0], o[1]))
        pos = [-1] * len(old)
        parts: list[str] = []
        spans: dict[Edit, tuple[int, int]] = {}
        n = cursor = 0
        for p, typ, ed in ops:
            if p > cursor:
                parts.append(old[cursor:p])
                pos[cursor:p] = range(n, n + p - cursor)
                n += p - cursor
                cursor = p
            if typ == 0:
                if ed.kind == "move":
                    block = old[ed.start:ed.end]
                    pos[ed.start:ed.end] = range(n, n + len(block))
                else:
                    block = ed.text
                spans[ed] = (n, n + len(block))
                parts.append(block)
                n += len(block)
            else:
                if ed.kind != "move":
                    spans[ed] = (n, n + len(ed.text))
                    if ed.kind in SAME_LENGTH and len(ed.text) == ed.end - ed.start:
                        pos[ed.start:ed.end] = range(n, n + len(ed.text))
                    parts.append(ed.text)
                    n += len(ed.text)
                cursor = ed.end
        parts.append(old[cursor:])
        pos[cursor:] = range(n, n + len(old) - cursor)
        ranges = sorted((ed for ed in self.edits if ed.start < ed.end), key=lambda ed: ed.start)
        points = sorted((ed for ed in self.edits if ed.start == ed.end), key=lambda ed: ed.start)
        return Edition(old, "".join(parts), pos, ranges, points, spans)


# -- what the seeds are made of ------------------------------------------------------------------------------
def seed_texts() -> dict[str, str]:
    """The two seed texts, by file name (read as the seeds loader reads them: exact code points)."""
    return {p.name: p.read_bytes().decode("utf-8") for p in sorted(SEEDS.glob("*.txt"))}


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")
_WORDS = re.compile(r"\w+(?:[’'-]\w+)*")


def sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _SENTENCE.finditer(text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        if e - s >= 2:
            out.append((s, e))
    return out


def lines(text: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((at, at + len(line.rstrip("\r"))))
        at += len(line) + 1
    return out


def citations(text: str, sizes: tuple[int, ...] = (2, 3, 5, 8, 13)) -> list[tuple[int, int]]:
    """Many citations: every sentence, every line, and a window of each size at every word (no line break inside)."""
    out = set(sentences(text)) | set(lines(text))
    words = [m.span() for m in _WORDS.finditer(text)]
    for k in sizes:
        for i in range(len(words) - k + 1):
            s, e = words[i][0], words[i + k - 1][1]
            if "\n" not in text[s:e]:
                out.add((s, e))
    return sorted(out)


def seed_citations() -> dict[str, list[tuple[int, int]]]:
    """The curated seed citations, by seed file name (as app/exchange/seeds.py places them)."""
    from app.exchange.seeds import build_document
    doc = build_document()
    texts = seed_texts()
    names = {s["id"]: next(n for n, t in texts.items() if t == s["text"]) for s in doc["sources"]}
    out: dict[str, list[tuple[int, int]]] = {n: [] for n in texts}
    for it in doc["items"]:
        for c in it["citations"]:
            out[names[c["source_id"]]].append((c["start"], c["end"]))
    return out


# -- the generators: one kind of change each ------------------------------------------------------------------
NEW_SENTENCES = [
    "The ministry later published a further annex on satellite links and undersea cables.",
    "Observers from three neighbouring delegations welcomed the announcement warmly.",
    "A working group will meet quarterly to review progress on every initiative.",
    "Officials declined to give a timetable for the remaining measures.",
    "The full text was circulated to delegations after the closing session.",
    "Several speakers stressed the role of small businesses in regional trade.",
]


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text) if m.end() < len(text)]


def insert_sentences(rev: Revision, rng: random.Random, n: int = 6) -> None:
    """New lines at line starts, and new sentences inside paragraphs (after '. ')."""
    starts = _line_starts(rev.old)
    for k in range(n):
        rev.replace(p := rng.choice(starts), p, NEW_SENTENCES[k % len(NEW_SENTENCES)] + "\n", "insert")
    mids = [m.end() for m in re.finditer(r"\. ", rev.old)]
    for k in range(n):
        rev.replace(p := rng.choice(mids), p, NEW_SENTENCES[(k + 3) % len(NEW_SENTENCES)] + " ", "insert")


def delete_sentences(rev: Revision, rng: random.Random, n: int = 8) -> None:
    """Whole sentences deleted (with the space after them), and the first line of the summary list."""
    sents = sentences(rev.old)
    for s, e in rng.sample(sents, min(n, len(sents))):
        end = e + 1 if rev.old[e:e + 1] == " " else e
        if rev.old[s:s + 1] == rev.old[end:end + 1]:
            # the text after it begins as it did ("Connecting ... Connecting"): the deletion could
            # as well be read a few characters later, so the truth of a citation ending there is moot
            continue
        rev.replace(s, end, "", "delete")
    i = rev.old.find("Connecting communication infrastructure,\n")
    if i >= 0:   # its words come back as a heading further on ("Connecting Communication Infrastructure:")
        rev.replace(i, i + len("Connecting communication infrastructure,\n"), "", "delete")


def move_paragraphs(rev: Revision, rng: random.Random, n: int = 3) -> None:
    """Whole lines moved far away (a paragraph moved, with its line break)."""
    ls = lines(rev.old)
    starts = _line_starts(rev.old)
    for s, e in rng.sample(ls, min(n * 2, len(ls)))[:n]:
        e = e + 1 if rev.old[e:e + 1] == "\n" else e
        far = [p for p in starts if abs(p - s) > len(rev.old) // 4]
        if far:
            rev.move(s, e, rng.choice(far))


def reformat_list(rev: Revision, rng: random.Random) -> None:
    """Numbered paragraphs '1. ' become '(a) ', and lines of the summary list get a bullet."""
    for m in re.finditer(r"(?m)^(\d)\. ", rev.old):
        rev.replace(m.start(), m.end(), f"({'abcdefghi'[int(m.group(1)) - 1]}) ", "list")
    for m in re.finditer(r"(?m)^(?=[A-Z][^\n.]*,\r?$)", rev.old):
        rev.replace(m.start(), m.start(), "\u2022 ", "list")


SPELLING = [(re.compile(r"\b(\w+)iz(e|ed|es|ing|ation|ations)\b"), lambda m: m.group(1) + "is" + m.group(2)),
             (re.compile(r"\bhonor\b"), lambda m: "honour"), (re.compile(r"\bCenter\b"), lambda m: "Centre")]


def respell(rev: Revision, rng: random.Random) -> None:
    """American spellings made British (-ize -> -ise, honor, Center)."""
    for rx, fn in SPELLING:
        for m in rx.finditer(rev.old):
            rev.replace(m.start(), m.end(), fn(m), "spelling")


def change_figures(rev: Revision, rng: random.Random) -> None:
    """Every number gets another last digit."""
    for m in re.finditer(r"\d+", rev.old):
        d = m.group()
        rev.replace(m.start(), m.end(), d[:-1] + str((int(d[-1]) + 1) % 10), "figures")


def repeat_sentences(rev: Revision, rng: random.Random, n: int = 6) -> None:
    """Copies of existing sentences added as new lines far from the original."""
    starts = _line_starts(rev.old)
    for s, e in rng.sample(sentences(rev.old), n):
        far = [p for p in starts if abs(p - s) > len(rev.old) // 4]
        if far and rev.is_free(s, e):   # a copy of words deleted or moved would be a move, not a repeat
            rev.replace(p := rng.choice(far), p, rev.old[s:e] + "\n", "insert")
            # the original stays as it was: an original changed beside an unchanged copy of its
            # old words would be a move of those words, by any reading of the two texts
            rev.reserve(s, e)


def rewrap(rev: Revision, rng: random.Random) -> None:
    """About one space in nine becomes a line break, one in twenty a double space; some line breaks become spaces."""
    for m in re.finditer(r"(?<=\w) (?=\w)", rev.old):
        r = rng.random()
        if r < 0.11:
            rev.replace(m.start(), m.end(), "\n", "layout")
        elif r < 0.16:
            rev.replace(m.start(), m.end(), "  ", "layout")


def quote_marks(rev: Revision, rng: random.Random) -> None:
    """Curly quote marks made straight."""
    for m in re.finditer("[\u2018\u2019\u201c\u201d]", rev.old):
        rev.replace(m.start(), m.end(), "'" if m.group() in "\u2018\u2019" else '"', "quotes")


def casing(rev: Revision, rng: random.Random) -> None:
    """Headings (short lines with no full stop) in capitals, and some capitalised words in lower case."""
    for s, e in lines(rev.old):
        line = rev.old[s:e]
        if len(line) < 70 and not line.rstrip().endswith((".", ",", ":")):
            for m in re.finditer(r"\w+", line):
                rev.replace(s + m.start(), s + m.end(), m.group().upper(), "case")
    for m in re.finditer(r"(?<=[a-z] )[A-Z][a-z]+", rev.old):
        if rng.random() < 0.3:
            rev.replace(m.start(), m.end(), m.group().lower(), "case")


def crlf(rev: Revision, rng: random.Random) -> None:
    """Windows line endings."""
    for m in re.finditer("\n", rev.old):
        rev.replace(m.start(), m.end(), "\r\n", "crlf")


REWORDS = {"will": "may", "digital": "electronic", "regional": "national", "cooperation": "partnership",
           "significant": "modest", "strengthen": "review", "member": "partner", "platform": "network"}


def reword(rev: Revision, rng: random.Random) -> None:
    """Some words replaced by others of a different meaning."""
    for m in re.finditer(r"\b(" + "|".join(REWORDS) + r")\b", rev.old):
        if rng.random() < 0.5:
            rev.replace(m.start(), m.end(), REWORDS[m.group()], "reword")


def shorten(rev: Revision, rng: random.Random) -> None:
    """The second half of the text is gone (from a line start)."""
    half = next(p for p in _line_starts(rev.old) if p >= len(rev.old) // 2)
    rev.replace(half, len(rev.old), "", "delete")


KINDS = {"insert": insert_sentences, "delete": delete_sentences, "move": move_paragraphs, "list": reformat_list,
         "spelling": respell, "figures": change_figures, "repeat": repeat_sentences, "rewrap": rewrap,
         "quotes": quote_marks, "case": casing, "crlf": crlf, "reword": reword, "shorter": shorten}
ALL = ("move", "delete", "insert", "repeat", "figures", "reword", "list", "spelling", "quotes", "case",
       "rewrap", "crlf")


def revise(old: str, kinds: tuple[str, ...], seed: int = 15) -> Edition:
    """old with the edits of these kinds (in this order; later ones skip what earlier ones took)."""
    rng = random.Random(seed)
    rev = Revision(old, "+".join(kinds))
    for k in kinds:
        KINDS[k](rev, rng)
    return rev.build()
