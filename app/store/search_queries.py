"""Full-text search over a read-only connection of its own, for a worker thread.

An sqlite3 connection must stay in the thread that uses it, and the window's `Store` holds a
writing connection on the GUI thread; the search panel therefore runs each query on a fresh
read-only connection here. Items and notes use the same SQL as `Store.search`, and every query
goes through the same `fts_query`, so whatever a person types is quoted term by term and never
raises. Source texts differ in one way: FTS5's snippet() scores every hit of a whole document,
which on a long source with a common word takes seconds (2.3 s for "digital" in a 2.7 MB text,
27 s for "a*"); their snippet is cut here instead, around the first hit, in milliseconds.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Callable

from ..core.textnorm import normalize
from .store import fts_query

SCOPES = ("items", "notes", "sources")

# bm25 ranking must score every matching row before LIMIT applies: 0.8-1.9 s for a word in
# 400,000 notes. So only the newest RANK_WINDOW matches of an index are ranked (identical to full
# ranking whenever fewer rows match), and a prefix query (word*), whose ranking costs as much
# whatever the limit, lists the newest matches first.
RANK_WINDOW = 5000
_RANKED = ("(SELECT r, rk FROM (SELECT rowid AS r, rank AS rk FROM {t} WHERE {t} MATCH ? "
           "ORDER BY rowid DESC LIMIT " + str(RANK_WINDOW) + ") ORDER BY rk LIMIT ?)")
_NEWEST = "(SELECT rowid AS r FROM {t} WHERE {t} MATCH ? ORDER BY rowid DESC LIMIT ?)"
# For a prefix query the snippet is cut in Python: snippet() would make FTS5 expand the prefix
# again for every row (seconds for "a*").
_ITEMS_NEWEST_SQL = (
    "SELECT 'item' AS kind, i.id AS item_id, NULL AS source_id, i.ref, i.title, i.status, "
    "i.title || ' — ' || i.description AS snippet, 0 AS rank "
    "FROM {top} top JOIN items i ON i.seq = top.r ORDER BY top.r DESC")
_NOTES_NEWEST_SQL = (
    "SELECT 'note' AS kind, u.item_id, NULL AS source_id, i.ref, i.title, u.status, u.note AS snippet, 0 AS rank, "
    "u.id AS update_id, u.as_of FROM {top} top JOIN status_updates u ON u.seq = top.r "
    "JOIN items i ON i.id = u.item_id ORDER BY top.r DESC")
_ITEMS_SQL = (
    "SELECT 'item' AS kind, i.id AS item_id, NULL AS source_id, i.ref, i.title, i.status, "
    "snippet(items_fts, -1, '\x02', '\x03', '…', 12) AS snippet, top.rk AS rank "
    "FROM {top} top JOIN items_fts ON items_fts.rowid = top.r JOIN items i ON i.seq = top.r "
    "WHERE items_fts MATCH ? ORDER BY top.rk, top.r DESC")
_NOTES_SQL = (
    "SELECT 'note' AS kind, u.item_id, NULL AS source_id, i.ref, i.title, u.status, "
    "snippet(status_updates_fts, -1, '\x02', '\x03', '…', 12) AS snippet, top.rk AS rank, "
    "u.id AS update_id, u.as_of FROM {top} top JOIN status_updates_fts ON status_updates_fts.rowid = top.r "
    "JOIN status_updates u ON u.seq = top.r JOIN items i ON i.id = u.item_id "
    "WHERE status_updates_fts MATCH ? ORDER BY top.rk, top.r DESC")
_SOURCES_SQL = (
    "SELECT 'source' AS kind, NULL AS item_id, s.id AS source_id, '' AS ref, s.title, NULL AS status, "
    "s.text AS snippet, sources_fts.rank AS rank "
    "FROM sources_fts JOIN sources s ON s.seq = sources_fts.rowid WHERE sources_fts MATCH ? "
    "ORDER BY sources_fts.rank LIMIT ?")
_WORD = re.compile(r"\w+")


def open_read_only(path: Path | str, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A read-only connection to a Policy Tracker file (never creates or changes the file)."""
    uri = f"{Path(path).expanduser().resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    return conn


def search(conn: sqlite3.Connection, query: str, *, limit: int = 50,
           scopes: tuple[str, ...] = SCOPES) -> list[dict]:
    """Rows like `Store.search`: kind, item_id, source_id, ref, title, status, snippet, rank."""
    match = fts_query(query)
    if not match:
        return []
    out: list[dict] = []
    prefix = "*" in match
    for scope, sql in (("items", _ITEMS_SQL), ("notes", _NOTES_SQL), ("sources", _SOURCES_SQL)):
        if scope in scopes:
            fts = "items_fts" if scope == "items" else "status_updates_fts"
            if scope == "sources":
                rows = [dict(r) for r in conn.execute(sql, (match, limit))]
            elif prefix:
                newest = _ITEMS_NEWEST_SQL if scope == "items" else _NOTES_NEWEST_SQL
                rows = [dict(r) for r in conn.execute(newest.format(top=_NEWEST.format(t=fts)), (match, limit))]
            else:
                rows = [dict(r) for r in conn.execute(sql.format(top=_RANKED.format(t=fts)), (match, limit, match))]
            if scope == "sources" or prefix:
                pattern = terms_pattern(query)
                for r in rows:
                    r["snippet"] = source_snippet(r["snippet"] or "", pattern)
            out += rows
    out.sort(key=lambda r: r["rank"])  # stable: prefix rows (rank 0) keep items-then-notes, newest first
    return out[:limit]


def terms_pattern(query: str) -> re.Pattern | None:
    """A regex for the words of a query as FTS5 matches them: whole words, `word*` as a prefix."""
    alts = []
    for w in re.findall(r"[\w\u0600-\u06ff\u200c]+\*?", normalize(query)):
        star = w.endswith("*")
        for part in w.rstrip("*").replace("\u200c", " ").split():
            alts.append(re.escape(part) + (r"\w*" if star else ""))
    if not alts:
        return None
    alts.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


def first_hit(text: str, pattern: re.Pattern, *, chunk: int = 1 << 16, overlap: int = 256) -> tuple[int, int] | None:
    """Code-point span of the first match, normalising only a window at a time (a 20 MB text at
    once would take over a second)."""
    pos = 0
    while pos < len(text):
        lo = max(0, pos - overlap)
        seg = normalize(text[lo:pos + chunk])
        m = pattern.search(seg, 0 if lo == 0 else 1)  # from 1: the look-behind still sees seg[0]
        if m:
            return lo + m.start(), lo + m.end()
        pos += chunk
    return None


def source_snippet(text: str, pattern: re.Pattern | None, *, before: int = 5, after: int = 9) -> str:
    """A few words around the first hit in text, hits wrapped in \\x02 ... \\x03 (like snippet())."""
    hit = first_hit(text, pattern) if pattern else None
    hs, he = hit or (0, 0)
    lo, hi = max(0, hs - 80 * before), min(len(text), he + 80 * after)
    norm = normalize(text[lo:hi])  # one code point for one: offsets stay valid
    words = list(_WORD.finditer(norm, 0, hs - lo))
    start = lo + (words[-before].start() if len(words) >= before else 0)
    words = list(_WORD.finditer(norm, he - lo))
    end = lo + (words[after - 1].end() if len(words) >= after else len(norm))
    out, pos = [], start
    for h in (pattern.finditer(norm, start - lo, end - lo) if hit else ()):
        out += [text[pos:lo + h.start()], "\x02", text[lo + h.start():lo + h.end()], "\x03"]
        pos = lo + h.end()
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
