"""services.crosswalk.cell_operation: the difference between a cell and what is wanted, as one step."""
from app.services import operations as ops
from app.services.crosswalk import Wanted, cell_operation

A, B = "a-item", "b-item"


def _rel(kind, f=A, t=B, note="", rid=None):
    return {"id": rid or f"{kind}-{f}", "from_id": f, "to_id": t, "kind": kind, "note": note}


def test_unchanged_cell_is_no_step():
    """The same relations with the same notes (spaces around the note ignored) give None."""
    assert cell_operation([_rel("supports", note="x")], [Wanted("supports", A, B, " x ")]) is None


def test_new_changed_and_dropped_relations():
    """A note change is remove + add; a dropped kind a remove; a new kind an add; removals first."""
    step = cell_operation([_rel("supports", note="old"), _rel("same_as")],
                          [Wanted("supports", A, B, "new"), Wanted("aligns_with", B, A, "")], "Edit")
    assert isinstance(step, ops.Sequence) and step.text == "Edit"
    kinds = [("RemoveRelation", o.relation_id) if isinstance(o, ops.RemoveRelation)
             else ("AddRelation", (o.kind, o.from_id, o.to_id, o.note)) for o in step.ops]
    assert kinds == [("RemoveRelation", "supports-a-item"), ("RemoveRelation", "same_as-a-item"),
                     ("AddRelation", ("supports", A, B, "new")), ("AddRelation", ("aligns_with", B, A, ""))]


def test_flipping_a_direction_replaces_the_relation(store):
    """Run on the seeded file: flipping Almaty 1 -> Tokyo 1 to Tokyo 1 -> Almaty 1 keeps one relation, reversed,
    and undoing the step puts the original back."""
    from app.store.crosswalk_queries import crosswalk
    fws = {f["title"][:6]: f for f in store.list_frameworks()}
    cw = crosswalk(store.conn, fws["Almaty"], fws["Tokyo "])
    a1, t1 = cw.rows[0]["id"], cw.cols[1]["id"]
    (old,) = cw.relations(a1, t1)
    out = ops.perform(store, cell_operation([old], [Wanted("aligns_with", t1, a1, old["note"])]))
    (new,) = crosswalk(store.conn, fws["Almaty"], fws["Tokyo "]).relations(a1, t1)
    assert (new["from_id"], new["to_id"], new["note"]) == (t1, a1, old["note"])
    ops.perform(store, out.inverse)
    (back,) = crosswalk(store.conn, fws["Almaty"], fws["Tokyo "]).relations(a1, t1)
    assert (back["id"], back["from_id"], back["to_id"]) == (old["id"], a1, t1)
