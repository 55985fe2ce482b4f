"""The reads the dashboard makes: counts by status per framework, overdue and quiet items, recent changes.

Each function takes a sqlite3 connection (the store's, or a worker's own) and runs a few indexed
queries, never one per item, so the dashboard opens at once on a 100,000-item file:
  counts by status  a covering scan of items_status(status, framework_id);
  overdue           a range of the partial index items_open_due(due_on, id, status);
  quiet items       the open items of the partial index items_open(framework_id, ref, id, status), less
                    the few with an update on or after the day (status_updates_as_of);
  recent changes    the newest rows of audit_log by its rowid.
Lists come as ids (the dashboard's models fetch the rows they show, a page at a time, with
`items_by_ids` / `changes_by_ids`). "Overdue" and "no recent update" mean what they mean in the
status report (app/reports/data.py): achieved and abandoned items need no further news.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Iterable

CLOSED_STATUSES = ("achieved", "abandoned")
# exactly the WHERE of the partial indexes items_open_due and items_open (the schema step that adds
# the audit author), so that SQLite reads both lists from those indexes alone
_OPEN = "i.status NOT IN ('achieved', 'abandoned')"

SQL = {
    "status_counts": "SELECT i.framework_id, i.status, count(*) FROM items i GROUP BY i.framework_id, i.status",
    "overdue": f"SELECT i.id FROM items i WHERE i.due_on < ? AND {_OPEN} ORDER BY i.due_on, i.id",
    # NOT IN (subquery) is built once as a temporary index from status_updates_as_of's range
    "quiet": (f"SELECT i.id FROM items i WHERE {_OPEN} AND i.id NOT IN "
              "(SELECT u.item_id FROM status_updates u WHERE u.as_of >= ?) ORDER BY i.framework_id, i.ref, i.id"),
    # the unary + keeps the planner on the rowid order (nearly every row is of these tables)
    "recent": "SELECT a.id FROM audit_log a WHERE +a.table_name IN ({tables}) ORDER BY a.id DESC LIMIT ?",
}

# the audit rows shown as recent changes (the vocabularies' relabellings are not news of the work),
# with the way from each row to the item it is about (its row_id, or the item that owns the row)
CHANGE_TABLES = ("items", "status_updates", "citations", "targets", "observations", "relations", "frameworks",
                 "sources")
_ITEM_OF = (
    "CASE a.table_name WHEN 'items' THEN a.row_id WHEN 'targets' THEN a.row_id "
    "WHEN 'status_updates' THEN (SELECT u.item_id FROM status_updates u WHERE u.id = a.row_id) "
    "WHEN 'citations' THEN (SELECT c.item_id FROM citations c WHERE c.id = a.row_id) "
    "WHEN 'observations' THEN (SELECT o.item_id FROM observations o WHERE o.id = a.row_id) "
    "WHEN 'relations' THEN (SELECT r.from_id FROM relations r WHERE r.id = a.row_id) END")


def status_counts(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """{framework id: {status: number of items}} over the whole file."""
    out: dict[str, dict[str, int]] = {}
    for fid, status, n in conn.execute(SQL["status_counts"]):
        out.setdefault(fid, {})[status] = n
    return out


def overdue_ids(conn: sqlite3.Connection, today: str, limit: int | None = None) -> list[str]:
    """Open items due before `today` (ISO date), the longest overdue first (the first `limit`, or all)."""
    return [r[0] for r in conn.execute(SQL["overdue"] + _limit(limit), (today,))]


def quiet_ids(conn: sqlite3.Connection, since: str, limit: int | None = None) -> list[str]:
    """Open items with no status update dated on or after `since` (ISO date), or none at all."""
    return [r[0] for r in conn.execute(SQL["quiet"] + _limit(limit), (since,))]


def _limit(limit: int | None) -> str:
    return "" if limit is None else f" LIMIT {int(limit)}"


def recent_change_ids(conn: sqlite3.Connection, limit: int = 100) -> list[int]:
    """The newest audit_log ids about the tracked work, newest first."""
    tables = ", ".join("?" * len(CHANGE_TABLES))
    return [r[0] for r in conn.execute(SQL["recent"].format(tables=tables), (*CHANGE_TABLES, limit))]


def items_by_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, dict]:
    """{id: {id, ref, title, status, due_on, framework, last_update}} for the rows a list shows."""
    rows = conn.execute(
        "SELECT i.id, i.ref, i.title, i.status, i.due_on, f.title, "
        "(SELECT max(u.as_of) FROM status_updates u WHERE u.item_id = i.id) "
        "FROM items i JOIN frameworks f ON f.id = i.framework_id WHERE i.id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),))
    keys = ("id", "ref", "title", "status", "due_on", "framework", "last_update")
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


def changes_by_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, dict]:
    """{audit id: {id, at, action, table, summary, author, item_id, item}} for the rows a list shows;
    item_id is the item the change is about while it still exists (None for a deleted one)."""
    rows = conn.execute(
        f"SELECT a.id, a.at, a.action, a.table_name, a.summary, a.author, it.id, it.ref, it.title "
        f"FROM audit_log a LEFT JOIN items it ON it.id = ({_ITEM_OF}) "
        "WHERE a.id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
    out = {}
    for aid, at, action, table, summary, author, item_id, ref, title in rows:
        item = " ".join(x for x in (ref or "", title or "") if x)
        out[aid] = {"id": aid, "at": at, "action": action, "table": table, "summary": summary or "",
                    "author": author, "item_id": item_id, "item": item}
    return out


def awaiting_review_ids(conn: sqlite3.Connection, limit: int | None = None) -> list[str]:
    """Entries (items, status updates, observations) submitted and not yet decided, oldest
    submission first: read from review_current's (state, item_id) index."""
    return [r[0] for r in conn.execute(
        "SELECT entry_id FROM review_current WHERE state = 'submitted' ORDER BY review_seq" + _limit(limit))]


def to_check_ids(conn: sqlite3.Connection, limit: int | None = None) -> list[str]:
    """Citations a new edition left for a person (review first, then not found): the partial
    index citations_to_check holds exactly these."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM citations WHERE anchor_state IN ('review', 'not_found') "
        "ORDER BY anchor_state = 'not_found', item_id, id" + _limit(limit))]


def citations_by_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, dict]:
    """{id: {id, item_id, item, quote, anchor_state, figures_changed}} for the rows a list shows."""
    rows = conn.execute(
        "SELECT c.id, c.item_id, i.ref, i.title, c.quote, c.anchor_state, c.figures_changed "
        "FROM citations c JOIN items i ON i.id = c.item_id WHERE c.id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),))
    return {cid: {"id": cid, "item_id": iid, "item": " ".join(x for x in (ref or "", title or "") if x),
                  "quote": quote or "", "anchor_state": state, "figures_changed": bool(figures)}
            for cid, iid, ref, title, quote, state, figures in rows}


def query_plans(conn: sqlite3.Connection) -> dict[str, str]:
    """EXPLAIN QUERY PLAN of each list query, one line per step (for the index test)."""
    params = {"status_counts": (), "overdue": ("2025-01-01",), "quiet": ("2025-01-01",),
              "recent": (*CHANGE_TABLES, 10)}
    out = {}
    for name, sql in SQL.items():
        if name == "recent":
            sql = sql.format(tables=", ".join("?" * len(CHANGE_TABLES)))
        out[name] = "\n".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params[name]))
    return out
