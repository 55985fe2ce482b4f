"""The SQL of the item hierarchy and of frameworks by title: parents, children, ancestors, tree order.

Small functions over a Store's connection (store.py stays the repository of rows; this module adds
the queries a tree needs). A parent link counts only inside one framework: an item whose parent is
in another framework (possible in files from before parents were checked) is shown as a root.
"""
from __future__ import annotations

import sqlite3
from typing import Iterable

from ..core.model import ValidationError
from .store import Store, item_ids_plan

# Siblings in ref order with numbers compared as numbers: the leading number first ("2" < "10"),
# then the shorter ref ("1.2" < "1.10"), then the text. Cheap (no Python collation), and exact for
# refs of one shape, which siblings are ("3.4.1", "3.4.2", ... "3.4.12").
_NATURAL_REF = "CAST(i.ref AS INTEGER) {d}, length(i.ref) {d}, i.ref {d}, i.seq"


def tree_order_plan(*, sort: str = "ref", descending: bool = False, **filters) -> list[tuple[str, list]]:
    """item_ids_plan, with the ref order made natural ("1.2" before "1.10"), frameworks kept together."""
    plan = item_ids_plan(sort=sort, descending=descending, **filters)
    if sort != "ref":
        return plan
    d = "DESC" if descending else "ASC"
    out = []
    for sql, params in plan:
        head = sql.rsplit(" ORDER BY ", 1)[0]
        out.append((f"{head} ORDER BY i.framework_id, {_NATURAL_REF.format(d=d)}", params))
    return out


def parent_links(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, str]:
    """{child id: parent id} for links inside one framework: every such link, or those of `ids`."""
    sql = ("SELECT c.id, c.parent_id FROM items c JOIN items p ON p.id = c.parent_id "
           "AND p.framework_id = c.framework_id")
    if ids is None:
        return {r[0]: r[1] for r in conn.execute(sql + " WHERE c.parent_id IS NOT NULL")}
    ids = list(ids)
    out: dict[str, str] = {}
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        out.update((r[0], r[1]) for r in conn.execute(
            sql + f" WHERE c.id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def ancestor_links(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    """{child: parent} for `ids` and all their ancestors, one query per level (each link read once)."""
    out: dict[str, str] = {}
    frontier = list(dict.fromkeys(ids))
    seen = set(frontier)
    while frontier:
        links = parent_links(conn, frontier)
        out.update(links)
        frontier = [p for p in links.values() if p not in seen]
        seen.update(frontier)
    return out


def ancestors(conn: sqlite3.Connection, item_id: str) -> list[str]:
    """The item's parent, its parent's parent... up to the root: one walk up, stopping at a repeat."""
    out: list[str] = []
    seen = {item_id}
    cur: str | None = item_id
    while cur is not None:
        row = conn.execute("SELECT parent_id FROM items WHERE id = ?", (cur,)).fetchone()
        cur = row[0] if row else None
        if cur is None or cur in seen:
            break
        seen.add(cur)
        out.append(cur)
    return out


def children(conn: sqlite3.Connection, parent_id: str) -> list[str]:
    """Direct children in the parent's framework, in natural ref order."""
    return [r[0] for r in conn.execute(
        "SELECT i.id FROM items i JOIN items p ON p.id = i.parent_id AND p.framework_id = i.framework_id "
        f"WHERE i.parent_id = ? ORDER BY {_NATURAL_REF.format(d='ASC')}", (parent_id,))]


def descendants(conn: sqlite3.Connection, item_ids: Iterable[str]) -> list[str]:
    """Every item below any of `item_ids` (any framework), parents before their children."""
    out: list[str] = []
    seen = set(item_ids)
    frontier = list(seen)
    while frontier:
        nxt: list[str] = []
        for n in range(0, len(frontier), 500):
            chunk = frontier[n:n + 500]
            nxt += [r[0] for r in conn.execute(
                f"SELECT i.id FROM items i WHERE i.parent_id IN ({','.join('?' * len(chunk))}) "
                f"ORDER BY {_NATURAL_REF.format(d='ASC')}", chunk) if r[0] not in seen]
        seen.update(nxt)
        out += nxt
        frontier = nxt
    return out


def child_counts(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, int]:
    """{id: number of direct children in its framework} for those of `ids` that have any."""
    ids = list(ids)
    out: dict[str, int] = {}
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        out.update((r[0], r[1]) for r in conn.execute(
            "SELECT c.parent_id, count(*) FROM items c JOIN items p ON p.id = c.parent_id "
            f"AND p.framework_id = c.framework_id WHERE c.parent_id IN ({','.join('?' * len(chunk))}) "
            "GROUP BY c.parent_id", chunk))
    return out


def placements(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[str, str | None, str]]:
    """{id: (framework_id, parent_id, updated_at)}: where each item is, and when it last changed."""
    ids = list(ids)
    out: dict[str, tuple[str, str | None, str]] = {}
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        out.update((r[0], (r[1], r[2], r[3])) for r in conn.execute(
            "SELECT id, framework_id, parent_id, updated_at FROM items "
            f"WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def place(store: Store, item_id: str, framework_id: str, parent_id: str | None, updated_at: str | None = None) -> None:
    """Put an item in a framework under a parent (None: at the top); `updated_at` given when undoing."""
    fields: dict = {"framework_id": framework_id, "parent_id": parent_id}
    if updated_at is not None:
        fields["updated_at"] = updated_at
    store.update_item(item_id, fields)


# -- frameworks -------------------------------------------------------------------------------------
def frameworks_titled(conn: sqlite3.Connection, title: str) -> list[dict]:
    """Frameworks whose title is `title`, ignoring case and surrounding spaces."""
    return [dict(id=r[0], title=r[1]) for r in conn.execute(
        "SELECT id, title FROM frameworks WHERE lower(trim(title)) = lower(trim(?)) ORDER BY title, id", (title,))]


def framework_named(store: Store, name: str) -> dict:
    """The one framework whose id is `name`, or else whose title is `name` (ignoring case); a
    ValidationError in one sentence when none or several are (the commands' way to name one)."""
    row = store.get_framework(name)
    if row is not None:
        return row
    found = frameworks_titled(store.conn, name)
    if not found:
        raise ValidationError(f"No framework has the id or title “{name}”; `policy-tracker framework list` shows them.")
    if len(found) > 1:
        ids = ", ".join(f["id"] for f in found)
        raise ValidationError(f"{len(found)} frameworks are titled “{name}”; give the id of the one you mean ({ids}).")
    fw = store.get_framework(found[0]["id"])
    assert fw is not None  # just found
    return fw


def framework_item_count(conn: sqlite3.Connection, framework_id: str) -> int:
    return conn.execute("SELECT count(*) FROM items WHERE framework_id = ?", (framework_id,)).fetchone()[0]


def framework_items_deepest_first(conn: sqlite3.Connection, framework_id: str) -> list[str]:
    """A framework's items, each after all of its descendants (so deleting in this order never
    orphans a child first, and putting back in reverse order finds every parent)."""
    ids = [r[0] for r in conn.execute("SELECT id FROM items WHERE framework_id = ? ORDER BY seq", (framework_id,))]
    return deepest_first(conn, ids)


def deepest_first(conn: sqlite3.Connection, ids: Iterable[str]) -> list[str]:
    """`ids` ordered so that every item comes after all of its descendants among them."""
    ids = list(dict.fromkeys(ids))
    wanted = set(ids)
    links = {c: p for c, p in _links_any(conn, ids).items() if p in wanted}
    depth: dict[str, int] = {}

    def depth_of(i: str) -> None:
        path: list[str] = []
        on_path: set[str] = set()
        x = i
        while x not in depth:
            p = links.get(x)
            if p is None or p == x or p in on_path:
                depth[x] = 0  # a root (or a cycle in a damaged file, cut here)
                break
            path.append(x)
            on_path.add(x)
            x = p
        d = depth[x]
        for node in reversed(path):
            d += 1
            depth[node] = d

    for i in ids:
        depth_of(i)
    return sorted(ids, key=lambda i: -depth[i])


def _links_any(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        out.update((r[0], r[1]) for r in conn.execute(
            f"SELECT id, parent_id FROM items WHERE parent_id IS NOT NULL AND id IN ({','.join('?' * len(chunk))})",
            chunk))
    return out


def parent_candidates(conn: sqlite3.Connection, framework_id: str, text: str = "", *, exclude: Iterable[str] = (),
                      limit: int = 200) -> list[dict]:
    """Items of a framework a person may choose as a parent, matching `text` in ref or title (words in
    any order), in natural ref order, at most `limit` (a picker reads one screenful, never them all)."""
    where, params = ["i.framework_id = ?"], [framework_id]
    for w in text.split():
        where.append("(i.ref LIKE ? ESCAPE '\\' OR i.title LIKE ? ESCAPE '\\')")
        like = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [like, like]
    skip = set(exclude)
    rows = conn.execute(
        f"SELECT i.id, i.ref, i.title FROM items i WHERE {' AND '.join(where)} "
        f"ORDER BY {_NATURAL_REF.format(d='ASC')} LIMIT ?", [*params, int(limit) + len(skip)]).fetchall()
    return [dict(id=r[0], ref=r[1], title=r[2]) for r in rows if r[0] not in skip][:limit]


def items_with_ref(conn: sqlite3.Connection, framework_id: str, ref: str) -> list[str]:
    """Ids of a framework's items whose ref is `ref` (ignoring case and surrounding spaces)."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM items WHERE framework_id = ? AND lower(trim(ref)) = lower(trim(?)) ORDER BY seq",
        (framework_id, ref))]
