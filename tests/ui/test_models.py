"""Item models: pass Qt's model checks, fetch lazily, filter, sort and refresh by Changes."""
from __future__ import annotations

from PySide6 import QtCore

from app.core.model import Changes
from app.store import bulk
from app.ui import commands as c
from app.ui.models import (
    COUNTS_ROLE,
    FRAMEWORK_ID_ROLE,
    ITEM_ID_ROLE,
    PAGE,
    FrameworkTreeModel,
    ItemFilter,
    ItemTableModel,
    StatusHistoryModel,
)


def test_item_table_passes_modeltester(session, qtmodeltester):
    """The item table is a well-behaved Qt model."""
    qtmodeltester.check(ItemTableModel(session.store))


def test_framework_tree_passes_modeltester(session, qtmodeltester):
    """The navigator tree is a well-behaved Qt model."""
    qtmodeltester.check(FrameworkTreeModel(session.store))


def test_status_history_passes_modeltester(session, qtmodeltester, almaty_id):
    """The status history table is a well-behaved Qt model."""
    m = StatusHistoryModel(session.store)
    m.set_item(almaty_id)
    qtmodeltester.check(m)


def _paged_framework(store, n: int) -> str:
    """A framework of n items with refs 1..n (so their table order is known), written by app.store.bulk."""
    fid, stamp = "paging-fw", "2025-01-01T00:00:00.000Z"
    bulk.write_batch(store, {
        "frameworks": [(fid, "Paging", None, "", stamp, stamp)],
        "items": [(f"paging-{k}", fid, None, str(k), "goal", f"Paged item {k}", "", None, "proposed", None, "[]",
                   stamp, stamp) for k in range(1, n + 1)]})
    return fid


def test_table_fetches_rows_per_page(session, monkeypatch):
    """Rows are fetched a page per query, not one per row nor all at once, and every row is right
    on both sides of each page boundary."""
    n = 2 * PAGE + PAGE // 2  # three pages' worth, and no page boundary at the end
    fid = _paged_framework(session.store, n)
    asked: list[int] = []
    real = session.store.items_by_ids
    monkeypatch.setattr(session.store, "items_by_ids", lambda ids: asked.append(len(ids)) or real(ids))
    m = ItemTableModel(session.store)
    m.set_filter(ItemFilter(framework_ids=(fid,)))
    m.ensure_complete()
    assert m.rowCount() == n
    ref, title = m.column_of("ref"), m.column_of("title")
    for r in range(n):
        assert (m.data(m.index(r, ref)), m.data(m.index(r, title))) == (str(r + 1), f"Paged item {r + 1}"), r
        assert m.data(m.index(r, title), ITEM_ID_ROLE) == f"paging-{r + 1}"
    assert m.fetches == len(asked)
    assert all(0 < k <= PAGE for k in asked), asked  # one page at most per query
    assert -(-n // PAGE) <= m.fetches <= -(-n // (PAGE // 2)), asked  # and at least half a page each
    for r in (PAGE - 1, PAGE, 2 * PAGE - 1, 2 * PAGE):  # read again across the boundaries: from the cache
        assert m.data(m.index(r, title)) == f"Paged item {r + 1}"
    assert m.fetches == len(asked)


def test_filter_and_sort(session, almaty_id):
    """Filtering by framework and kind narrows the rows; sorting by title orders them."""
    st = session.store
    fid = st.get_item(almaty_id)["framework_id"]
    m = ItemTableModel(st)
    m.set_filter(ItemFilter(framework_ids=(fid,), kinds=("proposal",)))
    assert m.rowCount() == 5
    m.sort(m.column_of("title"), QtCore.Qt.SortOrder.DescendingOrder)
    titles = [m.data(m.index(r, m.column_of("title"))) for r in range(m.rowCount())]
    assert titles == sorted(titles, reverse=True)
    m.set_filter(m.filter.with_(statuses=("achieved",)))
    assert m.rowCount() == 0


def test_table_refreshes_only_named_rows(session, qtbot, almaty_id):
    """A field edit emits dataChanged for its row; a new item resets the ids."""
    m = ItemTableModel(session.store)
    session.changed.connect(m.apply_changes)
    row = m.row_of(almaty_id)
    with qtbot.waitSignal(m.dataChanged) as blocker:
        session.push(c.EditItemFields(session, almaty_id, {"title": "Renamed"}))
    assert blocker.args[0].row() == row
    assert m.data(m.index(row, m.column_of("title"))) == "Renamed"
    n = m.rowCount()
    with qtbot.waitSignal(m.modelReset):
        session.push(c.DeleteItem(session, almaty_id))
    assert m.rowCount() == n - 1 and m.row_of(almaty_id) == -1


def test_columns_can_be_chosen(session):
    """Choosing columns changes what the table shows."""
    m = ItemTableModel(session.store)
    m.set_columns(["title", "tags", "actor"])
    assert [m.headerData(i, QtCore.Qt.Orientation.Horizontal) for i in range(3)] == ["Title", "Tags", "Actor"]
    assert m.data(m.index(0, 0), ITEM_ID_ROLE)


def test_tree_counts_follow_status_updates(session, almaty_id):
    """Counts by status in the navigator change after a status update."""
    t = FrameworkTreeModel(session.store)
    session.changed.connect(t.apply_changes)
    fid = session.store.get_item(almaty_id)["framework_id"]
    ix = t.index_of(fid)
    assert t.data(ix, FRAMEWORK_ID_ROLE) == fid
    before = t.data(ix, COUNTS_ROLE)
    session.push(c.AddStatusUpdate(session, almaty_id, "in_progress", "2025-03-01", "", ""))
    after = t.data(t.index_of(fid), COUNTS_ROLE)
    assert after.get("in_progress", 0) == before.get("in_progress", 0) + 1
    assert t.index_of(fid, "in_progress").isValid()
    assert t.data(t.index(0, 1)) == str(session.store.count_items())


def test_structure_change_without_membership_change_keeps_rows(session, almaty_id):
    """A structural Changes that leaves the id list alone does not reset the table."""
    m = ItemTableModel(session.store)
    resets = []
    m.modelReset.connect(lambda: resets.append(1))
    m.apply_changes(Changes(structure=True))
    assert not resets



class _SmallPageModel:
    """An ItemTableModel whose first page is 5 ids, so the seeded file takes the two-step path."""

    @staticmethod
    def make(store):
        from app.ui.models import ItemTableModel

        class Model(ItemTableModel):
            first_ids = 5
        return Model(store)


def test_long_lists_arrive_in_two_steps(store, qtbot, qtmodeltester):
    """Past the first page, the rest of the ids is listed on a worker and appended in order."""
    model = _SmallPageModel.make(store)
    assert model.rowCount() == 5 and not model.is_complete()
    with qtbot.waitSignal(model.ids_completed, timeout=5000):
        pass
    assert model.ids() == store.item_ids()
    qtmodeltester.check(model)


def test_sorting_a_long_list_and_finding_a_late_row(store, qtbot):
    """Sorting re-lists in the background; asking for a row beyond the first page lists it now."""
    model = _SmallPageModel.make(store)
    model.sort(model.column_of("due_on") if model.column_of("due_on") >= 0 else 0)
    last = store.item_ids(sort=model._sort_key, descending=model._descending)[-1]
    assert model.row_of(last) == store.count_items() - 1 and model.is_complete()


def test_multidata_answers_like_data(store):
    """The one-call-per-cell path gives every role the same value as data() does."""
    from PySide6 import QtCore

    from app.ui.models import ItemTableModel
    model = ItemTableModel(store)
    roles = [QtCore.Qt.ItemDataRole.DisplayRole, QtCore.Qt.ItemDataRole.ToolTipRole,
             QtCore.Qt.ItemDataRole.DecorationRole, QtCore.Qt.ItemDataRole.ForegroundRole,
             QtCore.Qt.ItemDataRole.FontRole]
    for row in (0, model.rowCount() - 1):
        for col in range(model.columnCount()):
            ix = model.index(row, col)
            for r in roles:
                d = QtCore.QModelRoleData(r)
                model.multiData(ix, QtCore.QModelRoleDataSpan(d))
                expected = model.data(ix, r)
                if isinstance(expected, str) or expected is None:
                    assert d.data() == expected, (row, col, r)
                else:
                    assert d.data() is not None, (row, col, r)
