"""How every SQLite connection of the app is opened, and what every write transaction does before COMMIT.

A leaf module (it imports nothing of the app), so that db, migrator and search_queries can all use
it; callers elsewhere reach it through app.store.db, which re-exports it.

Opening: `sqlite_connect` is the one way the app opens a connection, `harden` applies its rules to
one: `PRAGMA trusted_schema = OFF`, so nothing a file carries (a trigger, view, generated column,
CHECK constraint or index expression someone added) may call a function or virtual table that is
not marked innocuous; and SQLITE_DBCONFIG_DEFENSIVE where the driver exposes it (Python 3.12+).

Before COMMIT: FTS5 is not innocuous, so with trusted_schema off no trigger may write the search
indexes ("unsafe use of virtual table"). Migration 0003's triggers queue the changed rows instead,
and `flush_search_queue` indexes them with top-level statements inside the same transaction.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, TypeVar, overload

C = TypeVar("C", bound=sqlite3.Connection)


def harden(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Apply the rules every connection of ours follows whatever file it opens; return conn.

    trusted_schema = OFF: functions and virtual tables not marked innocuous (FTS5 among them) may
    only be used by top-level SQL we run, never from a file's triggers, views, generated columns,
    CHECK constraints or index expressions. Setting it reads nothing from the file. Defensive mode
    (no writable_schema, read-only shadow tables, ...) needs Connection.setconfig (Python 3.12+);
    Python 3.11's sqlite3 has no way to set it, so there trusted_schema is the guard.
    """
    conn.execute("PRAGMA trusted_schema = OFF")
    if hasattr(conn, "setconfig"):  # pragma: no cover - Python 3.12+
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)  # type: ignore[attr-defined]
    return conn


@overload
def sqlite_connect(database: str | Path, *, factory: type[C], **kwargs: Any) -> C: ...
@overload
def sqlite_connect(database: str | Path, **kwargs: Any) -> sqlite3.Connection: ...
def sqlite_connect(database: str | Path, **kwargs: Any) -> sqlite3.Connection:
    """sqlite3.connect, hardened (`harden`): the one way the app opens an SQLite connection."""
    conn = sqlite3.connect(database, **kwargs)
    try:
        return harden(conn)
    except BaseException:
        conn.close()
        raise


# -- keeping the search indexes current -----------------------------------------------------------
# (FTS5 table, content table, indexed columns): the layout of migration 0002; each has a queue
# `<fts>_pending` (migration 0003) that the content table's triggers fill.
SEARCH_INDEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("items_fts", "items", ("ref_search", "title_search", "description_search", "actor_search", "tags_search")),
    ("status_updates_fts", "status_updates", ("note_search", "author_search")),
    ("sources_fts", "sources", ("title_search", "publisher_search", "author_search", "text_search")),
)
_PENDING_ANY = "SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM {fts}_pending)" for fts, _t, _c in SEARCH_INDEXES)


def _flush_sql(fts: str, table: str, cols: tuple[str, ...]) -> tuple[str, str, str, str]:
    names = ", ".join(cols)
    return (
        # a queued row's flag must agree with the index: had_old exactly when the index holds the row
        # (its %_docsize row); not so only when a program outside the app broke the bookkeeping
        f"SELECT EXISTS (SELECT 1 FROM {fts}_pending p WHERE p.had_old IS NOT "
        f"EXISTS (SELECT 1 FROM {fts}_docsize d WHERE d.id = p.seq))",
        f"INSERT INTO {fts} ({fts}, rowid, {names}) SELECT 'delete', seq, {names} FROM {fts}_pending "
        f"WHERE had_old ORDER BY seq",
        f"INSERT INTO {fts} (rowid, {names}) SELECT c.seq, {', '.join('c.' + n for n in cols)} "
        f"FROM {fts}_pending p JOIN {table} c ON c.seq = p.seq ORDER BY p.seq",
        f"DELETE FROM {fts}_pending",
    )


_FLUSH = {fts: _flush_sql(fts, table, cols) for fts, table, cols in SEARCH_INDEXES}


def search_queue_pending(conn: sqlite3.Connection) -> list[str]:
    """The search indexes with rows waiting in their queue (cheap: one query, three index probes)."""
    row = conn.execute(_PENDING_ANY).fetchone()
    return [fts for (fts, _t, _c), waiting in zip(SEARCH_INDEXES, row, strict=True) if waiting]


def flush_search_queue(conn: sqlite3.Connection, *, if_present: bool = False) -> int:
    """Bring the search indexes up to date with the rows queued since the last flush; return how many.

    Call inside the write transaction, just before COMMIT (Store.write and the migrator do), or
    whenever a search must see the transaction's own changes. For each queued row the index held
    (had_old), FTS5's 'delete' with the values it was indexed with; then the current values of every
    queued row still in its table; then the queue is emptied. Right for any sequence of inserts,
    updates and deletes of a row since the last flush, because the queue keeps a row's first old
    values only. Should the queue disagree with the index (another program ran 'rebuild' over rows
    still queued, or replaced rows with recursive triggers off), that index is rebuilt instead.
    With `if_present`, a file without the queues (a schema before 0003) is left alone.
    """
    if if_present:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
                                           f"({', '.join('?' * len(_FLUSH))})", [f + "_pending" for f in _FLUSH])}
        if len(have) < len(_FLUSH):
            return 0
    n = 0
    for fts in search_queue_pending(conn):
        check, delete, insert, empty = _FLUSH[fts]
        if conn.execute(check).fetchone()[0]:
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
        else:
            conn.execute(delete)
            conn.execute(insert)
        n += conn.execute(empty).rowcount
    return n
