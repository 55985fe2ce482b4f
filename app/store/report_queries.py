"""The reads a status report needs, in a few set-based queries (no query per item).

Every function takes a `Store` and a list of item ids; ids travel as one JSON parameter
(`json_each(?)`) so a 100,000-item report needs no chunking and no SQL built from values.
Dates are ISO text, so `as_of <= ?` compares them correctly. Each record's columns come from its
description (core.records); the joins and orders are the report's own.
"""
from __future__ import annotations

import json
from typing import Iterable

from ..core import records as R
from . import source_files
from .store import Store, _cols, _group, _item_out


def _ids(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


def report_items(store: Store, *, framework_ids: list[str] | None = None, kinds: list[str] | None = None,
                 tags: list[str] | None = None) -> list[dict]:
    """Items in report order (framework title, then natural ref order), with their framework's title.

    Status is not filtered here: a report filters on the status *as of* its date, which only
    the status history can tell.
    """
    where, params = [], []
    if framework_ids:
        where.append("i.framework_id IN (SELECT value FROM json_each(?))")
        params.append(_ids(framework_ids))
    if kinds:
        where.append("i.kind IN (SELECT value FROM json_each(?))")
        params.append(_ids(kinds))
    if tags:
        where.append("EXISTS (SELECT 1 FROM json_each(i.tags) t WHERE t.value IN (SELECT value FROM json_each(?)))")
        params.append(_ids(tags))
    sql = (f"SELECT {_cols(R.ITEMS, alias='i')}, f.title AS framework FROM items i "
           "JOIN frameworks f ON f.id = i.framework_id"
           + (f" WHERE {' AND '.join(where)}" if where else "")
           + " ORDER BY f.title COLLATE NOCASE, f.id, length(i.ref), i.ref, i.seq")
    return [_item_out(r) for r in store._all(sql, params)]


def status_updates_upto(store: Store, item_ids: list[str], as_of: str) -> dict[str, list[dict]]:
    """{item_id: updates dated on or before as_of, newest first}."""
    return _group(store._all(
            f"SELECT {_cols(R.STATUS_UPDATES, alias='u')} FROM status_updates u "
            "WHERE u.item_id IN (SELECT value FROM json_each(?)) AND u.as_of <= ? "
            "ORDER BY u.item_id, u.as_of DESC, u.created_at DESC, u.id DESC", (_ids(item_ids), as_of)), "item_id")


def items_with_any_update(store: Store, item_ids: list[str]) -> set[str]:
    """Ids among item_ids that have at least one status update at any date."""
    return {r[0] for r in store.conn.execute(
        "SELECT DISTINCT item_id FROM status_updates WHERE item_id IN (SELECT value FROM json_each(?))",
        (_ids(item_ids),))}


def latest_status_upto(store: Store, item_ids: list[str], as_of: str) -> dict[str, dict]:
    """{item_id: {status, as_of}} of the latest update on or before as_of (items with none are absent)."""
    rows = store._all(
        "SELECT item_id, status, as_of FROM (SELECT u.item_id, u.status, u.as_of, row_number() OVER "
        "(PARTITION BY u.item_id ORDER BY u.as_of DESC, u.created_at DESC, u.id DESC) AS rn FROM status_updates u "
        "WHERE u.item_id IN (SELECT value FROM json_each(?)) AND u.as_of <= ?) WHERE rn = 1",
        (_ids(item_ids), as_of))
    return {r["item_id"]: r for r in rows}


def citations_for_items(store: Store, item_ids: list[str]) -> dict[str, list[dict]]:
    """{item_id: citations with their source's bibliographic fields}, in source date order."""
    return _group(store._all(
            f"SELECT {_cols(R.CITATIONS, alias='c', keys=True)}, {_source_cols()} FROM citations c "
            "JOIN sources s ON s.id = c.source_id WHERE c.item_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY c.item_id, s.published_on, s.title, c.start_offset, c.id", (_ids(item_ids),)), "item_id")


def citation_pages(store: Store, item_ids: list[str]) -> dict[str, int]:
    """{citation id: the page its start is on} for the placed citations on paged sources (a PDF)
    of these items, in one query: the last page starting at or before the start (the first page
    for a start before it), as store.source_files.page_of says."""
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT c.id, coalesce("
        "  (SELECT max(p.page) FROM source_pages p"
        f"   WHERE p.source_id = c.source_id AND p.start_offset <= c.start_offset AND {_NEWEST}),"
        f"  (SELECT min(p.page) FROM source_pages p WHERE p.source_id = c.source_id AND {_NEWEST})) "
        "FROM citations c WHERE c.item_id IN (SELECT value FROM json_each(?)) AND c.start_offset IS NOT NULL "
        f"AND EXISTS (SELECT 1 FROM source_pages p WHERE p.source_id = c.source_id AND {_NEWEST})",
        (_ids(item_ids),))}


_NEWEST = source_files.NEWEST.format(t="p")  # the pages of the source's newest edition


def targets_for_items(store: Store, item_ids: list[str]) -> dict[str, dict]:
    return {r["item_id"]: r for r in store._all(
        f"SELECT {_cols(R.TARGETS)} FROM targets "
        "WHERE item_id IN (SELECT value FROM json_each(?))", (_ids(item_ids),))}


def observations_upto(store: Store, item_ids: list[str], as_of: str) -> dict[str, list[dict]]:
    """{item_id: observations on or before as_of, oldest first}."""
    return _group(store._all(
            f"SELECT {_cols(R.OBSERVATIONS)} FROM observations "
            "WHERE item_id IN (SELECT value FROM json_each(?)) AND observed_on <= ? "
            "ORDER BY item_id, observed_on, created_at, id", (_ids(item_ids), as_of)), "item_id")


def relations_for_items(store: Store, item_ids: list[str]) -> dict[str, list[dict]]:
    """{item_id: links in both directions}, each with the other item's ref, title, framework and dates."""
    ids = _ids(item_ids)
    return _group(store._all(
            "SELECT r.from_id AS item_id, 'out' AS direction, r.kind, r.note, o.id AS other_id, o.ref, o.title, "
            "o.status, o.framework_id, f.title AS framework, o.created_at, o.updated_at "
            "FROM relations r JOIN items o ON o.id = r.to_id "
            "JOIN frameworks f ON f.id = o.framework_id WHERE r.from_id IN (SELECT value FROM json_each(?)) "
            "UNION ALL "
            "SELECT r.to_id, 'in', r.kind, r.note, o.id, o.ref, o.title, o.status, o.framework_id, f.title, "
            "o.created_at, o.updated_at "
            "FROM relations r JOIN items o ON o.id = r.from_id JOIN frameworks f ON f.id = o.framework_id "
            "WHERE r.to_id IN (SELECT value FROM json_each(?)) ORDER BY 1, 10, 6", (ids, ids)), "item_id")


def sources_by_ids(store: Store, source_ids: list[str]) -> dict[str, dict]:
    return {r["id"]: r for r in store._all(
        f"SELECT {_cols(R.SOURCES, ('id', *R.SOURCES.editable))} FROM sources "
        "WHERE id IN (SELECT value FROM json_each(?))", (_ids(source_ids),))}


def frameworks_by_ids(store: Store, framework_ids: list[str]) -> dict[str, dict]:
    return {r["id"]: r for r in store._all(
        f"SELECT {_cols(R.FRAMEWORKS, ('id', *R.FRAMEWORKS.editable))} FROM frameworks "
        "WHERE id IN (SELECT value FROM json_each(?))",
        (_ids(framework_ids),))}


def _source_cols() -> str:
    """A cited source's descriptive fields (its bibliography), as source_title, source_kind..."""
    return R.SOURCES.derive(("report.source_cols",), lambda r: ", ".join(
        f"s.{n} AS source_{n}" for n in r.editable))
