"""The SQL of a crosswalk: two frameworks' items in tree order, and the relations between them.

A crosswalk sets the items of framework A (rows) against those of framework B (columns); each cell
holds the typed relations between its two items, in either direction. Three queries whatever the
size: each framework's items (items_framework), their parent links, and the relations with one end
in each framework (relations' UNIQUE(from_id, ...) index and relations_to).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from . import hierarchy as H
from .store import run_id_plan


@dataclass
class Crosswalk:
    """`rows`/`cols`: A's and B's items in tree order, each {id, ref, title, depth, created_at};
    `cells`: {(row item id, column item id): [relation {id, from_id, to_id, kind, note, created_at}, ...]}."""

    framework_a: dict
    framework_b: dict
    rows: list[dict] = field(default_factory=list)
    cols: list[dict] = field(default_factory=list)
    cells: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    kinds: list[dict] = field(default_factory=list)  # the relation kinds {key, label}, in their order

    def relations(self, row_id: str, col_id: str) -> list[dict]:
        return self.cells.get((row_id, col_id), [])


def tree_items(conn: sqlite3.Connection, framework_id: str) -> list[dict]:
    """A framework's items in tree order (each parent before its children, siblings by natural ref),
    with their depth; a parent link to another framework or a cycle (a damaged file) makes a root."""
    order = run_id_plan(conn, H.tree_order_plan(framework_ids=[framework_id]))
    links = H.parent_links(conn, order) if order else {}
    inside = set(order)
    kids: dict[str | None, list[str]] = {}
    for i in order:  # `order` is natural ref order: each list of children keeps it
        p = links.get(i)
        kids.setdefault(p if p in inside else None, []).append(i)
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    stack = [(i, 0) for i in reversed(kids.get(None, []))]
    while stack:
        i, d = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        out.append((i, d))
        stack += [(c, d + 1) for c in reversed(kids.get(i, []))]
    out += [(i, 0) for i in order if i not in seen]  # only in a cycle: shown at the top level
    rows = {r[0]: r for r in conn.execute(
        "SELECT id, ref, title, created_at FROM items WHERE framework_id = ?", (framework_id,))}
    return [{"id": i, "ref": rows[i][1] or "", "title": rows[i][2], "depth": d, "created_at": rows[i][3]}
            for i, d in out if i in rows]


def relations_between(conn: sqlite3.Connection, framework_a: str, framework_b: str) -> list[dict]:
    """Every relation with one end in each framework, whichever way it points, in kind then id order."""
    sql = ("SELECT r.id, r.from_id, r.to_id, r.kind, r.note, r.created_at FROM relations r "
           "JOIN items x ON x.id = r.from_id JOIN items y ON y.id = r.to_id "
           "JOIN relation_kinds k ON k.key = r.kind "
           "WHERE (x.framework_id = ? AND y.framework_id = ?) OR (x.framework_id = ? AND y.framework_id = ?) "
           "ORDER BY k.rowid, r.id")
    keys = ("id", "from_id", "to_id", "kind", "note", "created_at")
    rows = conn.execute(sql, (framework_a, framework_b, framework_b, framework_a))
    return [dict(zip(keys, r, strict=True)) for r in rows]


def crosswalk(conn: sqlite3.Connection, framework_a: dict, framework_b: dict) -> Crosswalk:
    """The crosswalk of two frameworks (rows given as {id, title, ...} dicts)."""
    cw = Crosswalk(framework_a, framework_b, tree_items(conn, framework_a["id"]), tree_items(conn, framework_b["id"]))
    cw.kinds = [{"key": k, "label": label} for k, label in
                conn.execute("SELECT key, label FROM relation_kinds ORDER BY rowid")]
    in_a = {r["id"] for r in cw.rows}
    for rel in relations_between(conn, framework_a["id"], framework_b["id"]):
        pair = (rel["from_id"], rel["to_id"]) if rel["from_id"] in in_a else (rel["to_id"], rel["from_id"])
        cw.cells.setdefault(pair, []).append(rel)
    return cw
