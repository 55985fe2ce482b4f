"""The SQL of review: decisions on entries, their current state, and the review copy's file.

An entry is an item, a status update or an observation, named by its id. Its decisions are rows
of `reviews` (append-only); its state is the latest one, kept in `review_current` by the review
schema step's triggers; an entry with no decision is approved (see that step's comment).

A review copy is a file made from a desk's file (`make_copy`): the chosen frameworks only, with
app_meta keys saying which file (its file_id) it came from and when. Store opens it in review
mode (Store.review_copy): every write but a review decision is refused there (Store.write).
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterable

from ..core.model import PolicyTrackerError

# a Store (app/store/store.py imports this module, so it cannot be imported here, even for types)
Store = Any

STATES = ("draft", "submitted", "approved", "returned")
KINDS = ("item", "status_update", "observation")
DEFAULT_STATE = "approved"  # an entry with no decision
DECISION_COLUMNS = ("id", "entry_kind", "entry_id", "item_id", "state", "reviewer", "at", "comment")
COPY_KEYS = ("review_copy_of", "review_copy_made_at", "review_copy_desk_name")


def file_id(store: Store) -> str:
    value = store.get_meta("file_id")
    if not value:  # every migrated file has one (the review step); a missing one is a damaged meta table
        raise PolicyTrackerError(f"{store.path.name} has no file id; it cannot take part in a review.")
    return value


def copy_info(conn: sqlite3.Connection) -> dict | None:
    """{"review_copy_of", "review_copy_made_at", "review_copy_desk_name"} of a review copy, else None."""
    try:
        rows = dict(conn.execute(f"SELECT key, value FROM app_meta WHERE key IN ({','.join('?' * len(COPY_KEYS))})",
                                 COPY_KEYS).fetchall())
    except sqlite3.OperationalError:  # not migrated yet
        return None
    return rows if rows.get("review_copy_of") else None


# -- entries -------------------------------------------------------------------------------------
# the ids travel as one JSON parameter (json_each): one query for any number of entries
_ENTRY_SQL = (
    "WITH wanted(id) AS (SELECT value FROM json_each(?)) "
    "SELECT 'status_update' AS kind, u.id, u.item_id, i.title AS item_title, i.ref AS item_ref, "
    "u.status || ' as of ' || u.as_of || CASE WHEN u.note <> '' THEN ': ' || u.note ELSE '' END AS text, "
    "coalesce(rc.state, 'approved') FROM wanted w JOIN status_updates u ON u.id = w.id "
    "JOIN items i ON i.id = u.item_id LEFT JOIN review_current rc ON rc.entry_id = u.id "
    "UNION ALL "
    "SELECT 'observation', o.id, o.item_id, i.title, i.ref, "
    "CAST(o.value AS TEXT) || ' on ' || o.observed_on || CASE WHEN o.note <> '' THEN ': ' || o.note ELSE '' END, "
    "coalesce(rc.state, 'approved') FROM wanted w JOIN observations o ON o.id = w.id "
    "JOIN items i ON i.id = o.item_id LEFT JOIN review_current rc ON rc.entry_id = o.id "
    "UNION ALL "
    "SELECT 'item', i.id, i.id, i.title, i.ref, i.title, coalesce(rc.state, 'approved') "
    "FROM wanted w JOIN items i ON i.id = w.id LEFT JOIN review_current rc ON rc.entry_id = i.id")


def entries(store: Store, ids: Iterable[str]) -> dict[str, dict]:
    """{id: {"id","kind","item_id","item_title","item_ref","text","review_state"}} of the entries that exist."""
    out: dict[str, dict] = {}
    for r in store.conn.execute(_ENTRY_SQL, (json.dumps(list(dict.fromkeys(ids))),)):
        out[r[1]] = {"id": r[1], "kind": r[0], "item_id": r[2], "item_title": r[3], "item_ref": r[4],
                     "text": r[5], "review_state": r[6]}
    return out


def entry(store: Store, entry_id: str) -> dict | None:
    return entries(store, [entry_id]).get(entry_id)


def all_current_states(store: Store) -> dict[str, str]:
    """{entry id: state} of every entry with a decision (an export reads them all at once)."""
    return dict(store.conn.execute("SELECT entry_id, state FROM review_current").fetchall())


def not_approved(store: Store, framework_ids: Iterable[str] | None = None) -> set[str]:
    """Ids of every entry whose state is not approved (of these frameworks' items, when given)."""
    sql = "SELECT rc.entry_id FROM review_current rc WHERE rc.state <> 'approved'"
    params: list[str] = []
    if framework_ids is not None:
        fids = list(framework_ids)
        sql += (" AND rc.item_id IN (SELECT id FROM items WHERE framework_id IN "
                f"({','.join('?' * len(fids))}))")
        params = fids
    return {r[0] for r in store.conn.execute(sql, params)}


def awaiting(store: Store, states: Iterable[str] = ("submitted",), *, limit: int | None = None) -> list[dict]:
    """The entries in these states, in the order of their items (framework, ref), then kind; with
    `limit`, the first ones only (a window's list; `count_in` says how many there are)."""
    states = list(states)
    ids = [r[0] for r in store.conn.execute(
        "SELECT rc.entry_id FROM review_current rc JOIN items i ON i.id = rc.item_id "
        f"WHERE rc.state IN ({','.join('?' * len(states))}) "
        "ORDER BY i.framework_id, length(i.ref), i.ref, i.seq, "
        "CASE rc.entry_kind WHEN 'item' THEN 0 WHEN 'status_update' THEN 1 ELSE 2 END, rc.review_seq"
        + (f" LIMIT {int(limit)}" if limit is not None else ""), states)]
    found = entries(store, ids)
    return [found[i] for i in ids if i in found]


def counts(store: Store) -> dict[str, int]:
    """How many entries (items, updates and observations together) are in each state."""
    total = sum(store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("items", "status_updates", "observations"))
    out = dict.fromkeys(STATES, 0)
    out.update(store.conn.execute("SELECT state, count(*) FROM review_current GROUP BY state").fetchall())
    out[DEFAULT_STATE] = total - sum(n for s, n in out.items() if s != DEFAULT_STATE)
    return out


def item_ids_in_state(store: Store, state: str) -> set[str]:
    """Items having an entry (the item itself, an update or observation) in this state; for
    'approved', the items whose every entry is approved."""
    if state == DEFAULT_STATE:
        pending = {r[0] for r in store.conn.execute(
            "SELECT DISTINCT item_id FROM review_current WHERE state <> 'approved'")}
        return {r[0] for r in store.conn.execute("SELECT id FROM items")} - pending
    return {r[0] for r in store.conn.execute("SELECT DISTINCT item_id FROM review_current WHERE state = ?", (state,))}


# -- decisions -------------------------------------------------------------------------------------
def insert_decision(store: Store, row: dict) -> None:
    cols = [c for c in DECISION_COLUMNS if row.get(c) is not None]
    store.conn.execute(f"INSERT INTO reviews ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                       [row[c] for c in cols])


def get_decision(store: Store, decision_id: str) -> dict | None:
    r = store.conn.execute(f"SELECT {', '.join(DECISION_COLUMNS)} FROM reviews WHERE id = ?", (decision_id,)).fetchone()
    return dict(zip(DECISION_COLUMNS, r, strict=True)) if r else None


def delete_decision(store: Store, decision_id: str) -> None:
    store.conn.execute("DELETE FROM reviews WHERE id = ?", (decision_id,))


def decisions(store: Store, entry_ids: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """{entry id: its decisions, oldest first}; every entry's when `entry_ids` is None."""
    sql = f"SELECT {', '.join(DECISION_COLUMNS)} FROM reviews"
    out: dict[str, list[dict]] = {}
    if entry_ids is None:
        for r in store.conn.execute(sql + " ORDER BY at, seq"):
            d = dict(zip(DECISION_COLUMNS, r, strict=True))
            out.setdefault(d["entry_id"], []).append(d)
        return out
    ids = list(entry_ids)
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        for r in store.conn.execute(sql + f" WHERE entry_id IN ({','.join('?' * len(chunk))}) ORDER BY at, seq",
                                    chunk):
            d = dict(zip(DECISION_COLUMNS, r, strict=True))
            out.setdefault(d["entry_id"], []).append(d)
    return out


def last_decision_seq(store: Store) -> int:
    return store.conn.execute("SELECT coalesce(max(seq), 0) FROM reviews").fetchone()[0]


def decisions_after(store: Store, seq: int) -> list[dict]:
    """The decisions written after decision number `seq` (those a reviewer made in a copy), in order."""
    return [dict(zip(DECISION_COLUMNS, r, strict=True)) for r in store.conn.execute(
        f"SELECT {', '.join(DECISION_COLUMNS)} FROM reviews WHERE seq > ? ORDER BY seq", (seq,))]


def existing_decisions(store: Store, ids: Iterable[str]) -> set[str]:
    """Those of these decision ids the file already holds."""
    return store.existing_ids("reviews", ids)


def has_decision_like(store: Store, entry_id: str, state: str, reviewer: str, at: str, comment: str) -> bool:
    """True if the entry already has this very decision (an exchange document brought in twice)."""
    return store.conn.execute(
        "SELECT 1 FROM reviews WHERE entry_id = ? AND state = ? AND reviewer = ? AND at = ? AND comment = ?",
        (entry_id, state, reviewer, at, comment)).fetchone() is not None


def entry_content(store: Store, kind: str, entry_id: str) -> tuple | None:
    """What an entry says (what a reviewer judged), to tell whether the desk changed it since a copy."""
    sql = {"status_update": "SELECT status, as_of, note FROM status_updates WHERE id = ?",
           "observation": "SELECT value, observed_on, note, citation_id FROM observations WHERE id = ?",
           "item": "SELECT framework_id, parent_id, ref, kind, title, description, actor, due_on, tags "
                   "FROM items WHERE id = ?"}[kind]
    r = store.conn.execute(sql, (entry_id,)).fetchone()
    return tuple(r) if r is not None else None


# -- the review copy ---------------------------------------------------------------------------------
def prune_to_frameworks(store: Store, framework_ids: list[str]) -> None:
    """Inside store.write() on a fresh copy: keep only these frameworks, the sources their items
    cite, and no trace (audit log, decisions) of what was taken out."""
    c = store.conn
    q = ",".join("?" * len(framework_ids))
    # links to items that leave go with them (ON DELETE CASCADE); parents outside become top level
    c.execute(f"DELETE FROM items WHERE framework_id NOT IN ({q})", framework_ids)
    c.execute(f"DELETE FROM frameworks WHERE id NOT IN ({q})", framework_ids)
    c.execute("DELETE FROM sources WHERE id NOT IN (SELECT DISTINCT source_id FROM citations)")
    c.execute("DELETE FROM reviews WHERE entry_id NOT IN (SELECT id FROM items UNION ALL SELECT id FROM "
              "status_updates UNION ALL SELECT id FROM observations)")
    c.execute("DELETE FROM audit_log")


def mark_copy(store: Store, *, of: str, made_at: str, desk_name: str, new_file_id: str) -> None:
    for k, v in (("review_copy_of", of), ("review_copy_made_at", made_at), ("review_copy_desk_name", desk_name),
                 ("file_id", new_file_id)):
        store.set_meta(k, v)


def compact(store: Store) -> None:
    """VACUUM (outside any transaction): the pages of what was pruned must not travel with the copy;
    then a rollback journal, so that the copy is exactly one file."""
    if store.in_write:
        raise PolicyTrackerError("A review copy cannot be compacted in the middle of a change.")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("VACUUM")
    store.conn.execute("PRAGMA journal_mode = DELETE")


def remove_leftovers(path: Path) -> None:
    for p in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


# -- reports from approved entries alone ----------------------------------------------------------------
_APPROVED = "NOT EXISTS (SELECT 1 FROM review_current rc WHERE rc.entry_id = u.id AND rc.state <> 'approved')"


def latest_approved_status_upto(store: Store, item_ids: list[str], as_of: str) -> dict[str, dict]:
    """report_queries.latest_status_upto over approved updates only."""
    rows = store.conn.execute(
        "SELECT item_id, status, as_of FROM (SELECT u.item_id, u.status, u.as_of, row_number() OVER "
        "(PARTITION BY u.item_id ORDER BY u.as_of DESC, u.created_at DESC, u.id DESC) AS rn FROM status_updates u "
        f"WHERE u.item_id IN (SELECT value FROM json_each(?)) AND u.as_of <= ? AND {_APPROVED}) WHERE rn = 1",
        (json.dumps(list(item_ids)), as_of)).fetchall()
    return {r[0]: {"item_id": r[0], "status": r[1], "as_of": r[2]} for r in rows}

