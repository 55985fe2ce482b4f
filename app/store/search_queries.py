"""Full-text search: the SQL behind the window's search panel, `Store.search` and `policy-tracker search`.

An sqlite3 connection must stay in the thread that uses it, and the window's `Store` holds a
writing connection on the GUI thread; the search panel therefore runs each query on a fresh
read-only connection (`search_file`), `Store.search` on its own connection, both through the same
`search`. Every query goes through `fts_query`, so whatever a person types is quoted term by term,
normalised as the index is (app/core/textnorm.py), and never raises.

The indexes cover the normalised generated columns of migration 0002, so FTS5's snippet() would
show normalised text (ASCII digits, ZWNJ gone). Snippets are cut here instead, from the stored
words, around the first hit. For long sources this also matters for speed: snippet() scores every
hit of a whole document, 2.3 s for "digital" in a 2.7 MB text and 27 s for "a*"; this takes
milliseconds.
"""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Callable

from ..core.textnorm import fold, normalize, normalize_with_offsets
from .connections import sqlite_connect

SCOPES = ("items", "notes", "sources")

# bm25 ranking must score every matching row before LIMIT applies: 0.8-1.9 s for a word in
# 400,000 notes. So only the newest RANK_WINDOW matches of an index are ranked (identical to full
# ranking whenever fewer rows match), and a prefix query (word*), whose ranking costs as much
# whatever the limit, lists the newest matches first.
RANK_WINDOW = 5000
_RANKED = ("(SELECT r, rk FROM (SELECT rowid AS r, rank AS rk FROM {t} WHERE {t} MATCH ? "
           "ORDER BY rowid DESC LIMIT " + str(RANK_WINDOW) + ") ORDER BY rk LIMIT ?)")
_NEWEST = "(SELECT rowid AS r, 0 AS rk FROM {t} WHERE {t} MATCH ? ORDER BY rowid DESC LIMIT ?)"
# The index holds the normalised generated columns (title_search ...), so FTS5's snippet() would
# show normalised text (ASCII digits, no ZWNJ); snippets are cut in Python from the stored words.
_ITEMS_SQL = (
    "SELECT 'item' AS kind, i.id AS item_id, NULL AS source_id, i.ref, i.title, i.status, top.rk AS rank, "
    "i.description, i.actor, i.tags FROM {top} top JOIN items i ON i.seq = top.r ORDER BY top.rk, top.r DESC")
_NOTES_SQL = (
    "SELECT 'note' AS kind, u.item_id, NULL AS source_id, i.ref, i.title, u.status, top.rk AS rank, "
    "u.id AS update_id, u.as_of, u.note, u.author FROM {top} top JOIN status_updates u ON u.seq = top.r "
    "JOIN items i ON i.id = u.item_id ORDER BY top.rk, top.r DESC")
_SOURCES_SQL = (
    "SELECT 'source' AS kind, NULL AS item_id, s.id AS source_id, '' AS ref, s.title, NULL AS status, "
    "s.text AS snippet, sources_fts.rank AS rank "
    "FROM sources_fts JOIN sources s ON s.seq = sources_fts.rowid WHERE sources_fts MATCH ? "
    "ORDER BY sources_fts.rank LIMIT ?")
# The columns a snippet may come from, in the order a tie is decided.
_SNIPPET_COLUMNS = {"items": ("title", "description", "actor", "ref", "tags"), "notes": ("note", "author")}
# Read only for the snippet, then dropped: rows keep the shape Store.search always had.
_EXTRA_COLUMNS = {"items": ("description", "actor", "tags"), "notes": ("note", "author")}
_WORD = re.compile(r"\w+")
_QUERY_WORD = re.compile(r"[\w\u0600-\u06ff]+\*?")


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: each word quoted, a trailing * kept.

    The words are normalised as the index is (textnorm.normalize: letter forms, digits, no ZWNJ)."""
    parts = []
    for w in _QUERY_WORD.findall(normalize(text)):
        star = w.endswith("*")
        w = w.rstrip("*")
        if w:
            parts.append('"' + w.replace('"', '""') + '"' + ("*" if star else ""))
    return " ".join(parts)


def open_read_only(path: Path | str, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A read-only connection to a Policy Tracker file (never creates or changes the file), hardened
    as every connection of the app is (connections.sqlite_connect: trusted_schema off)."""
    uri = f"{Path(path).expanduser().resolve().as_uri()}?mode=ro"
    conn = sqlite_connect(uri, uri=True, timeout=timeout, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    return conn


def search(conn: sqlite3.Connection, query: str, *, limit: int = 50,
           scopes: tuple[str, ...] = SCOPES) -> list[dict]:
    """Rows like `Store.search`: kind, item_id, source_id, ref, title, status, snippet, rank
    (and update_id, as_of for a note). Snippets hold the stored words, hits in \\x02 ... \\x03."""
    match = fts_query(query)
    if not match:
        return []
    out: list[dict] = []
    prefix = "*" in match
    pattern = terms_pattern(query)
    for scope, sql in (("items", _ITEMS_SQL), ("notes", _NOTES_SQL), ("sources", _SOURCES_SQL)):
        if scope not in scopes:
            continue
        if scope == "sources":
            rows = [dict(r) for r in conn.execute(sql, (match, limit))]
            for r in rows:
                r["snippet"] = source_snippet(r["snippet"] or "", pattern)
        else:
            fts = "items_fts" if scope == "items" else "status_updates_fts"
            top = (_NEWEST if prefix else _RANKED).format(t=fts)
            rows = [dict(r) for r in conn.execute(sql.format(top=top), (match, limit))]
            for r in rows:
                texts = [_display(c, r[c]) for c in _SNIPPET_COLUMNS[scope]]
                for c in _EXTRA_COLUMNS[scope]:
                    del r[c]
                r["snippet"] = record_snippet(texts, pattern)
        out += rows
    out.sort(key=lambda r: r["rank"])  # stable: prefix rows (rank 0) keep items-then-notes, newest first
    return out[:limit]


def _display(column: str, value) -> str:
    if column == "tags" and value:
        try:
            return ", ".join(str(t) for t in json.loads(value))
        except (ValueError, TypeError):
            pass
    return value or ""


def terms_pattern(query: str) -> re.Pattern | None:
    """A regex for the words of a query as FTS5 matches them in normalised text (textnorm.normalize):
    whole words, `word*` as a prefix."""
    alts = []
    for w in _QUERY_WORD.findall(normalize(query)):
        star = w.endswith("*")
        part = w.rstrip("*")
        if part:
            alts.append(re.escape(part) + (r"\w*" if star else ""))
    if not alts:
        return None
    alts.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


def hit_spans(text: str, pattern: re.Pattern, start: int = 0) -> list[tuple[int, int]]:
    """Code-point spans in text (not normalised) of every hit of pattern in its normalised form."""
    norm, to_text = normalize_with_offsets(text)
    return [(to_text(m.start()), to_text(m.end() - 1) + 1)
            for m in pattern.finditer(norm, start) if m.end() > m.start()]


def first_hit(text: str, pattern: re.Pattern, *, chunk: int = 1 << 16, overlap: int = 256) -> tuple[int, int] | None:
    """Code-point span of the first match, normalising only a window at a time (a 20 MB text at
    once would take over a second)."""
    pos = 0
    while pos < len(text):
        lo = max(0, pos - overlap)
        seg = text[lo:pos + chunk]
        norm, to_seg = normalize_with_offsets(seg)
        m = pattern.search(norm, 0 if lo == 0 else 1)  # from 1: the look-behind still sees norm[0]
        if m and m.end() > m.start():
            return lo + to_seg(m.start()), lo + to_seg(m.end() - 1) + 1
        pos += chunk
    return None


def record_snippet(texts: list[str], pattern: re.Pattern | None) -> str:
    """The snippet of a record: from the text with the most hits (the first on a tie), like
    FTS5's snippet(-1), else from the first text."""
    best, most = texts[0] if texts else "", 0
    if pattern:
        for t in texts:
            # only counted here: positions in the stored text are worked out once, for the best
            n = sum(1 for m in pattern.finditer(normalize(t)) if m.end() > m.start()) if t else 0
            if n > most:
                best, most = t, n
    return source_snippet(best, pattern)


def source_snippet(text: str, pattern: re.Pattern | None, *, before: int = 5, after: int = 9) -> str:
    """A few words around the first hit in text, hits wrapped in \\x02 ... \\x03 (like snippet())."""
    hit = first_hit(text, pattern) if pattern else None
    hs, he = hit or (0, 0)
    lo, hi = max(0, hs - 80 * before), min(len(text), he + 80 * after)
    seg = text[lo:hi]
    folded = fold(seg)  # one code point for one: offsets stay valid
    words = list(_WORD.finditer(folded, 0, hs - lo))
    start = lo + (words[-before].start() if len(words) >= before else 0)
    words = list(_WORD.finditer(folded, he - lo))
    end = lo + (words[after - 1].end() if len(words) >= after else len(folded))
    out, pos = [], start
    for s, e in (hit_spans(seg, pattern) if hit and pattern else ()):
        s, e = lo + s, lo + e
        if s >= pos and e <= end:
            out += [text[pos:s], "\x02", text[s:e], "\x03"]
            pos = e
    out.append(text[pos:end])
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def search_file(path: Path | str, query: str, *, limit: int = 50, scopes: tuple[str, ...] = SCOPES,
                on_connect: Callable[[sqlite3.Connection | None], None] | None = None) -> list[dict]:
    """Open `path` read-only, search it, close it: safe to call from any thread.

    `on_connect` is told the connection while the query runs (and None after), so another
    thread can `interrupt()` a query that is no longer wanted.
    """
    if not fts_query(query):
        return []
    conn = open_read_only(path)
    try:
        if on_connect:
            on_connect(conn)
        return search(conn, query, limit=limit, scopes=scopes)
    finally:
        if on_connect:
            on_connect(None)
        conn.close()
