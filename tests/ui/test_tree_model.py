"""The item tree model (app/ui/models.py ItemTreeModel): parents, natural ref order, filters that keep
ancestors, the two-step listing of long lists, and pytest-qt's model tester."""
from __future__ import annotations

from PySide6 import QtCore

from app.core.model import Changes
from app.services import operations as ops
from app.services import structure_ops as so
from app.ui.models import ITEM_ID_ROLE, ItemFilter, ItemTreeModel, build_tree

Qt = QtCore.Qt


def tokyo_id(store) -> str:
    return next(f["id"] for f in store.list_frameworks() if f["title"].startswith("Tokyo"))


def refs_of(model: ItemTreeModel, parent=QtCore.QModelIndex()) -> list[str]:
    col = model.column_of("ref")
    return [model.index(r, col, parent).data() for r in range(model.rowCount(parent))]


def test_tree_passes_modeltester_unfiltered_and_filtered(session, qtmodeltester):
    """The tree (all items, then a filter that keeps only ancestors of matches) passes the model tester."""
    m = ItemTreeModel(session.store)
    qtmodeltester.check(m)
    m.set_filter(ItemFilter(statuses=("in_progress",)))
    qtmodeltester.check(m)


def test_tokyo_priorities_are_children_of_the_statement(session):
    """The seeded Tokyo Statement is one root, TS, with priorities 1-6 under it in order."""
    m = ItemTreeModel(session.store)
    m.set_filter(ItemFilter(framework_ids=(tokyo_id(session.store),)))
    assert refs_of(m) == ["TS"]
    assert refs_of(m, m.index(0, 0)) == ["1", "2", "3", "4", "5", "6"]
    assert (m.rowCount(), m.matched_count()) == (1, 7)


def test_refs_sort_as_numbers_within_siblings(session):
    """Goals 1, 2, 10 and targets 1.1, 1.2, 1.10 under goal 1 come in number order, not text order."""
    st = session.store
    fid = ops.perform(st, ops.CreateFramework("SDG")).result
    made = {}
    for ref in ("10", "1", "2"):
        made[ref] = ops.perform(st, ops.CreateItem({"framework_id": fid, "kind": "goal", "title": f"Goal {ref}",
                                                    "ref": ref})).result
    for ref in ("1.10", "1.2", "1.1"):
        ops.perform(st, ops.CreateItem({"framework_id": fid, "kind": "target", "title": f"Target {ref}", "ref": ref,
                                        "parent_id": made["1"]}))
    m = ItemTreeModel(st)
    m.set_filter(ItemFilter(framework_ids=(fid,)))
    assert refs_of(m) == ["1", "2", "10"]
    assert refs_of(m, m.index(0, 0)) == ["1.1", "1.2", "1.10"]
    m.sort(m.column_of("ref"), Qt.SortOrder.DescendingOrder)
    assert refs_of(m) == ["10", "2", "1"]
    assert refs_of(m, m.index(2, 0)) == ["1.10", "1.2", "1.1"]
    flat = ops.perform(st, ops.CreateFramework("A flat plan")).result  # sections numbered without parents
    for ref in ("2.1", "1.10", "1.9"):
        ops.perform(st, ops.CreateItem({"framework_id": flat, "kind": "goal", "title": f"Item {ref}", "ref": ref}))
    m.sort(m.column_of("ref"), Qt.SortOrder.AscendingOrder)
    m.set_filter(ItemFilter(framework_ids=(flat,)))
    assert refs_of(m) == ["1.9", "1.10", "2.1"]


def test_a_filter_keeps_the_ancestors_of_matches_greyed(session):
    """Filtering to one priority keeps TS above it, greyed and not counted as a match."""
    st = session.store
    tokyo = tokyo_id(st)
    p3 = next(i for i in st.item_ids(framework_ids=[tokyo]) if st.get_item(i)["ref"] == "3")
    ops.perform(st, ops.AddStatusUpdate(p3, "stalled", "2025-10-01", "no news", "me"))
    m = ItemTreeModel(st)
    m.set_filter(ItemFilter(framework_ids=(tokyo,), statuses=("stalled",)))
    assert refs_of(m) == ["TS"]
    top = m.index(0, 0)
    assert refs_of(m, top) == ["3"]
    assert (m.is_match(top), m.is_match(m.index(0, 0, top)), m.matched_count()) == (False, True, 1)
    assert m.data(top, Qt.ItemDataRole.ForegroundRole).name() == "#8a8a8a"
    assert m.data(m.index(0, 0, top), ITEM_ID_ROLE) == p3


def test_build_tree_places_each_node_once_and_cuts_a_cycle():
    """Siblings keep the order's order, an unmatched ancestor joins once, and a cycle becomes a root."""
    t = build_tree(["c", "a", "d", "x"], {"c": "b", "d": "b", "b": "a", "x": "y", "y": "x"})
    names = lambda ks: [t.ids[k] for k in ks]  # noqa: E731
    assert names(t.kids[-1]) == ["a", "y"]
    b = t.key_of["b"]
    assert (names(t.kids[t.key_of["a"]]), names(t.kids[b])) == (["b"], ["c", "d"])
    assert (t.matched[b], t.matched[t.key_of["a"]], t.n_matched) == (False, True, 4)
    assert names(t.kids[t.key_of["y"]]) == ["x"]


def test_long_lists_arrive_in_two_steps_as_the_same_tree(store, qtbot, qtmodeltester):
    """Past the first ids, a worker builds the whole tree; it equals the one listed at once."""
    class Small(ItemTreeModel):
        first_ids = 5
    m = Small(store)
    assert not m.is_complete() and m.matched_count() == 5
    with qtbot.waitSignal(m.ids_completed, timeout=10000):
        pass
    whole = ItemTreeModel(store)
    assert m._tree.shape() == whole._tree.shape()
    assert m.matched_count() == store.count_items()
    qtmodeltester.check(m)


def test_a_new_parent_reshapes_the_tree_and_undo_puts_it_back(session):
    """Setting a parent (a structural change) moves the row under it; undoing moves it back."""
    st = session.store
    tokyo = tokyo_id(st)
    m = ItemTreeModel(st)
    m.set_filter(ItemFilter(framework_ids=(tokyo,)))
    by = {st.get_item(i)["ref"]: i for i in st.item_ids(framework_ids=[tokyo])}
    h = ops.History(st)
    out = h.do(so.SetParent(by["2"], by["1"]))
    m.apply_changes(out.changes)
    first = m.index(0, 0, m.index(0, 0))
    assert refs_of(m, m.index(0, 0)) == ["1", "3", "4", "5", "6"]
    assert refs_of(m, first) == ["2"]
    m.apply_changes(h.undo().changes)
    assert refs_of(m, m.index(0, 0)) == ["1", "2", "3", "4", "5", "6"]


def test_an_edit_refreshes_only_its_row(session, qtbot):
    """A field edit (no structural change) emits dataChanged for that row and never resets."""
    st = session.store
    m = ItemTreeModel(st)
    iid = m.item_id(0)
    resets = []
    m.modelReset.connect(lambda: resets.append(1))
    out = ops.perform(st, ops.EditItem(iid, {"title": "Renamed in place"}))
    with qtbot.waitSignal(m.dataChanged, timeout=1000) as sig:
        m.apply_changes(out.changes)
    assert sig.args[0].data(ITEM_ID_ROLE) == iid and not resets
    assert m.index(0, m.column_of("title")).data() == "Renamed in place"
    m.apply_changes(Changes(structure=True))
    assert not resets
