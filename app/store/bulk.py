"""Bulk writes for large generated or imported data sets: many rows per statement, one transaction per batch.

Rows go through the real schema - foreign keys, the full-text, count and audit triggers all fire -
only faster: `executemany` over prepared tuples inside `store.write()`, with a session that raises
the page cache and relaxes fsync while a throw-away build runs (`fast_session`).
"""
from __future__ import annotations

import contextlib
from typing import Iterable, Iterator

from .store import Store

# Column order of the tuples each insert_* function takes.
SOURCE_COLS = ("id", "title", "kind", "publisher", "author", "event", "published_on", "url", "language",
               "sha256", "text", "imported_at")
FRAMEWORK_COLS = ("id", "title", "actor", "description", "created_at", "updated_at")
ITEM_COLS = ("id", "framework_id", "parent_id", "ref", "kind", "title", "description", "actor", "status",
             "due_on", "tags", "created_at", "updated_at")
CITATION_COLS = ("id", "item_id", "source_id", "start_offset", "end_offset", "quote", "prefix", "suffix",
                 "created_at")
STATUS_UPDATE_COLS = ("id", "item_id", "status", "as_of", "note", "author", "created_at")
TARGET_COLS = ("item_id", "unit", "baseline", "baseline_on", "target", "target_on", "direction")
OBSERVATION_COLS = ("id", "item_id", "value", "observed_on", "note", "citation_id", "created_at")
RELATION_COLS = ("id", "from_id", "to_id", "kind", "note", "created_at")

TABLES = {
    "sources": SOURCE_COLS, "frameworks": FRAMEWORK_COLS, "items": ITEM_COLS, "citations": CITATION_COLS,
    "status_updates": STATUS_UPDATE_COLS, "targets": TARGET_COLS, "observations": OBSERVATION_COLS,
    "relations": RELATION_COLS,
}
# Parents before children, so immediate foreign-key checks pass row by row.
INSERT_ORDER = ("sources", "frameworks", "items", "citations", "status_updates", "targets", "observations",
                "relations")

_SQL = {t: f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        for t, cols in TABLES.items()}


def insert_rows(store: Store, table: str, rows: Iterable[tuple]) -> int:
    """executemany one table's rows (tuples in TABLES[table] order); call inside store.write()."""
    cur = store.conn.executemany(_SQL[table], rows)
    return cur.rowcount


def write_batch(store: Store, batch: dict[str, list[tuple]]) -> dict[str, int]:
    """Insert one batch of rows for several tables in one transaction (parents first)."""
    counts: dict[str, int] = {}
    with store.write():
        for table in INSERT_ORDER:
            rows = batch.get(table)
            if rows:
                insert_rows(store, table, rows)
                counts[table] = len(rows)
    return counts


def is_empty(store: Store) -> bool:
    """True when the file holds no records of its own (the vocabularies from migrations do not count)."""
    return not any(store.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in INSERT_ORDER)


@contextlib.contextmanager
def fast_session(store: Store, cache_mb: int = 256) -> Iterator[Store]:
    """For building a new file: big page cache, temp in memory, no fsync; the house settings come back after.

    A crash during the build can lose the batches written since the last checkpoint, never corrupt
    the ones before (WAL keeps the file consistent); the build is re-run from scratch anyway.
    """
    conn = store.conn
    old_sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    old_temp = conn.execute("PRAGMA temp_store").fetchone()[0]
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"PRAGMA cache_size = {-int(cache_mb) * 1024}")
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield store
    finally:
        conn.execute(f"PRAGMA synchronous = {int(old_sync)}")
        conn.execute(f"PRAGMA cache_size = {int(old_cache)}")
        conn.execute(f"PRAGMA temp_store = {int(old_temp)}")


def finish_build(store: Store, *, merge_search: bool = True) -> None:
    """After a bulk build: merge the search-index segments, refresh planner stats, fold the WAL in."""
    with store.write():
        if merge_search:
            for fts in ("items_fts", "status_updates_fts", "sources_fts"):
                store.conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")
    store.conn.execute("PRAGMA optimize")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def set_meta_many(store: Store, pairs: dict[str, str]) -> None:
    with store.write():
        store.conn.executemany("INSERT INTO app_meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", list(pairs.items()))
