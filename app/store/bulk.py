"""Bulk writes for large generated or imported data sets: many rows per statement, one transaction per batch.

Rows go through the real schema - foreign keys, the count, audit and search-queue triggers all fire,
and each batch's rows are indexed for search at its COMMIT (Store.write) - only faster: `executemany`
over prepared tuples inside `store.write()`, with a session that raises the page cache and relaxes
fsync while a throw-away build runs (`fast_session`).
"""
from __future__ import annotations

import contextlib
import itertools
from typing import Iterable, Iterator

from ..core import records as R
from .store import Store

# Parents before children, so immediate foreign-key checks pass row by row.
INSERT_ORDER = ("sources", "frameworks", "items", "citations", "status_updates", "targets", "observations",
                "relations")


def columns(table: str) -> tuple[str, ...]:
    """The column order of the tuples insert_rows takes: the columns the app writes (core.records),
    in table order. A tuple may stop short: the columns after it take their defaults, so a field
    added at the end of a record's description does not break writers that do not know it yet."""
    return R.record(table).inserted


def __getattr__(name: str):
    if name == "TABLES":  # {table: its tuple order}, as callers knew it
        return {t: columns(t) for t in INSERT_ORDER}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def insert_rows(store: Store, table: str, rows: Iterable[tuple]) -> int:
    """executemany one table's rows (tuples in columns(table) order); call inside store.write()."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    cols = columns(table)
    if len(first) > len(cols):
        raise ValueError(f"{table}: a row of {len(first)} values, but {table} has {len(cols)} columns to write")
    cols = cols[:len(first)]
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    cur = store.conn.executemany(sql, itertools.chain((first,), rows))
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
