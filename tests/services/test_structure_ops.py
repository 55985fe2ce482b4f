"""Structure operations (app/services/structure_ops.py): each one's inverse restores every table exactly."""
from __future__ import annotations

import pytest

from app.core.model import ValidationError
from app.services import operations as ops
from app.services import structure_ops as so
from app.store import hierarchy as H
from app.store.store import Store

SKIP_TABLES = ("audit_log", "schema_migrations", "meta")


def snapshot(store: Store) -> dict:
    """Every row of every table but the audit trail and search index; items less version and updated_at."""
    out = {}
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'")]
    for t in tables:
        if t in SKIP_TABLES:
            continue
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({t})")
                if r[1] != "seq" and not (t == "items" and r[1] in ("version", "updated_at"))]
        rows = [tuple(r) for r in store.conn.execute(f"SELECT {', '.join(cols)} FROM {t}")]
        if t == "framework_status_counts":
            rows = [r for r in rows if r[-1]]
        out[t] = sorted(rows)
    return out


def round_trip(store: Store, op: ops.Operation) -> ops.Outcome:
    """Do, undo (every table as before), redo (every table as after the do)."""
    h = ops.History(store)
    before = snapshot(store)
    out = h.do(op)
    done = snapshot(store)
    assert done != before
    h.undo()
    assert snapshot(store) == before
    h.redo()
    assert snapshot(store) == done
    return out


def fw_id(store: Store, prefix: str) -> str:
    return next(f["id"] for f in store.list_frameworks() if f["title"].startswith(prefix))


def by_ref(store: Store, fid: str, ref: str) -> str:
    return next(i for i in store.item_ids(framework_ids=[fid]) if store.get_item(i)["ref"] == ref)


def test_rename_and_describe_undo_to_the_same_row(store):
    """Renaming and describing a framework undo to its old title, description and updated_at."""
    fid = fw_id(store, "Tokyo")
    old = store.get_framework(fid)
    round_trip(store, so.EditFramework(fid, {"title": "Tokyo, renamed"}))
    round_trip(store, so.EditFramework(fid, {"description": "Six priorities", "actor": "APT"}))
    assert store.get_framework(fid) == {**old, "title": "Tokyo, renamed", "description": "Six priorities",
                                        "actor": "APT", "updated_at": store.get_framework(fid)["updated_at"]}


def test_deleting_a_framework_with_items_undoes_exactly(store):
    """Deleting Tokyo (7 items, one a parent of six) and undoing puts back every row of every table."""
    fid = fw_id(store, "Tokyo")
    round_trip(store, so.DeleteFrameworkWithItems(fid))  # ends redone: deleted
    assert store.get_framework(fid) is None
    assert store.item_ids(framework_ids=[fid]) == []


def test_set_parent_and_its_refusals(store):
    """A parent of the same framework is set and undone; itself, a descendant or another framework is refused."""
    tokyo = fw_id(store, "Tokyo")
    ts, p1, p2 = by_ref(store, tokyo, "TS"), by_ref(store, tokyo, "1"), by_ref(store, tokyo, "2")
    round_trip(store, so.SetParent(p2, p1))
    assert store.get_item(p2)["parent_id"] == p1
    with pytest.raises(ValidationError, match="cannot be its own parent"):
        ops.perform(store, so.SetParent(p1, p1))
    with pytest.raises(ValidationError, match="is one of the sub-items of"):
        ops.perform(store, so.SetParent(ts, p1))
    almaty = store.item_ids(framework_ids=[fw_id(store, "Almaty")])[0]
    with pytest.raises(ValidationError, match="same framework"):
        ops.perform(store, so.SetParent(p1, almaty))
    assert store.get_item(p1)["parent_id"] == ts


def test_move_to_framework_takes_the_subtree(store):
    """Moving TS to Almaty moves its six children along, still under it; undo puts all seven back."""
    tokyo, almaty = fw_id(store, "Tokyo"), fw_id(store, "Almaty")
    ts = by_ref(store, tokyo, "TS")
    round_trip(store, so.MoveToFramework((ts,), almaty))  # ends redone: moved
    assert len(store.item_ids(framework_ids=[almaty])) == 12
    assert sorted(store.get_item(c)["ref"] for c in H.children(store.conn, ts)) == ["1", "2", "3", "4", "5", "6"]


def test_move_under_refuses_a_cycle_and_moves_across(store):
    """Pasting TS under its own child is refused; pasting priority 3 under an Almaty item moves it there."""
    tokyo, almaty = fw_id(store, "Tokyo"), fw_id(store, "Almaty")
    ts, p3 = by_ref(store, tokyo, "TS"), by_ref(store, tokyo, "3")
    with pytest.raises(ValidationError, match="being moved or below them"):
        ops.perform(store, so.MoveUnder((ts,), p3))
    target = store.item_ids(framework_ids=[almaty])[0]
    round_trip(store, so.MoveUnder((p3,), target))  # ends redone: moved
    assert (store.get_item(p3)["framework_id"], store.get_item(p3)["parent_id"]) == (almaty, target)


def test_bulk_status_tags_and_delete_are_one_step_each(store):
    """Status for five items, tags added and removed, and a delete each undo as one step, exactly."""
    almaty = store.item_ids(framework_ids=[fw_id(store, "Almaty")])
    round_trip(store, so.set_status_many(almaty, "in_progress", "2025-09-01", "Reported at the summit", "Me"))
    round_trip(store, so.ChangeTags(tuple(almaty), add=("eaeu", "digital"), remove=()))
    h = ops.History(store)
    h.do(so.ChangeTags(tuple(almaty), add=("zz-new",)))
    assert all(store.get_item(i)["tags"][-1] == "zz-new" for i in almaty)
    round_trip(store, so.ChangeTags(tuple(almaty), remove=("zz-new",)))
    round_trip(store, so.DeleteItems(tuple(almaty[:3])))


def test_deleting_a_parent_lifts_or_deletes_its_children(store):
    """Deleting TS with children="lift" leaves 1-6 at the top; "delete" removes all seven; both undo exactly."""
    tokyo = fw_id(store, "Tokyo")
    ts = by_ref(store, tokyo, "TS")
    round_trip(store, so.DeleteItems((ts,), children="lift"))  # ends redone: TS deleted, 1-6 lifted
    kids = store.item_ids(framework_ids=[tokyo])
    assert (len(kids), {store.get_item(k)["parent_id"] for k in kids}) == (6, {None})
    ops.History(store).do(ops.CreateFramework("Scratch"))  # an unrelated step in between is fine
    fid2 = fw_id(store, "Almaty")
    ts2 = store.item_ids(framework_ids=[fid2])[0]
    with store.write():
        store.update_item(kids[0], {"framework_id": fid2, "parent_id": ts2})
    round_trip(store, so.DeleteItems((ts2,), children="delete"))
    assert store.get_item(kids[0]) is None


def test_ancestor_walk_stops_at_a_cycle(store):
    """A cycle written by another program ends the ancestor walk instead of looping."""
    tokyo = fw_id(store, "Tokyo")
    ts, p1 = by_ref(store, tokyo, "TS"), by_ref(store, tokyo, "1")
    with store.write():
        store.update_item(ts, {"parent_id": p1})
    assert H.ancestors(store.conn, p1) == [ts]
    assert set(H.deepest_first(store.conn, [ts, p1])) == {ts, p1}
