"""Full-text search over a read-only connection of its own, for a worker thread.

An sqlite3 connection must stay in the thread that uses it, and the window's `Store` holds a
writing connection on the GUI thread; the search panel therefore runs each query on a fresh
read-only connection here. The SQL is the same as `Store.search` (and the query goes through the
same `fts_query`, so whatever a person types is quoted term by term and never raises).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .store import fts_query

SCOPES = ("items", "notes", "sources")

_ITEMS_SQL = (
    "SELECT 'item' AS kind, i.id AS item_id, NULL AS source_id, i.ref, i.title, i.status, "
    "snippet(items_fts, -1, '\x02', '\x03', '…', 12) AS snippet, items_fts.rank AS rank "
    "FROM items_fts JOIN items i ON i.seq = items_fts.rowid WHERE items_fts MATCH ? "
    "ORDER BY items_fts.rank LIMIT ?")
_NOTES_SQL = (
    "SELECT 'note' AS kind, u.item_id, NULL AS source_id, i.ref, i.title, u.status, "
    "snippet(status_updates_fts, -1, '\x02', '\x03', '…', 12) AS snippet, status_updates_fts.rank AS rank, "
    "u.id AS update_id, u.as_of FROM status_updates_fts JOIN status_updates u ON u.seq = status_updates_fts.rowid "
    "JOIN items i ON i.id = u.item_id WHERE status_updates_fts MATCH ? "
    "ORDER BY status_updates_fts.rank LIMIT ?")
_SOURCES_SQL = (
    "SELECT 'source' AS kind, NULL AS item_id, s.id AS source_id, '' AS ref, s.title, NULL AS status, "
    "snippet(sources_fts, -1, '\x02', '\x03', '…', 12) AS snippet, sources_fts.rank AS rank "
    "FROM sources_fts JOIN sources s ON s.seq = sources_fts.rowid WHERE sources_fts MATCH ? "
    "ORDER BY sources_fts.rank LIMIT ?")


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
    for scope, sql in (("items", _ITEMS_SQL), ("notes", _NOTES_SQL), ("sources", _SOURCES_SQL)):
        if scope in scopes:
            out += [dict(r) for r in conn.execute(sql, (match, limit))]
    out.sort(key=lambda r: r["rank"])
    return out[:limit]


def search_file(path: Path | str, query: str, *, limit: int = 50,
                scopes: tuple[str, ...] = SCOPES) -> list[dict]:
    """Open `path` read-only, search it, close it: safe to call from any thread."""
    if not fts_query(query):
        return []
    conn = open_read_only(path)
    try:
        return search(conn, query, limit=limit, scopes=scopes)
    finally:
        conn.close()
