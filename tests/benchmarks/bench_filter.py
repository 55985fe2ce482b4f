"""Filter the item table by status and framework, sorted by due date: first rows painted.

App: the table model (app.ui.models.ItemTableModel: Store.item_ids + a page of Store.items_by_ids)
behind a QTableView, painted once. Baseline: the raw indexed query for the first 50 rows into a
QStandardItemModel behind an identical QTableView, painted once.
"""
from __future__ import annotations

from .harness import paired_times, ratio_result

FIRST = 50
COLS = ("Ref", "Title", "Framework", "Kind", "Status", "Due", "Last update")


def raw_first_page(conn, framework_ids, statuses) -> list[tuple]:
    where, params = [], []
    if framework_ids:
        where.append(f"i.framework_id IN ({','.join('?' * len(framework_ids))})")
        params += framework_ids
    if statuses:
        where.append(f"i.status IN ({','.join('?' * len(statuses))})")
        params += statuses
    head = ("SELECT i.ref, i.title, f.title, i.kind, i.status, i.due_on, "
            "(SELECT max(u.as_of) FROM status_updates u WHERE u.item_id = i.id) "
            "FROM items i JOIN frameworks f ON f.id = i.framework_id WHERE ")
    cond = " AND ".join(where + [""])
    # dated rows straight off the due-date index; the undated ones only if the page is not full
    rows = conn.execute(head + cond + f"i.due_on IS NOT NULL ORDER BY i.due_on LIMIT {FIRST}", params).fetchall()
    if len(rows) < FIRST:
        rows += conn.execute(head + cond + f"i.due_on IS NULL ORDER BY i.seq LIMIT {FIRST - len(rows)}",
                             params).fetchall()
    return rows


def _view(QtWidgets):
    v = QtWidgets.QTableView()
    v.resize(1200, 800)
    v.show()
    return v


def run(ctx) -> list:
    from PySide6 import QtGui, QtWidgets
    QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    store, conn = ctx.store, ctx.raw
    fw = conn.execute("SELECT framework_id FROM framework_status_counts GROUP BY framework_id "
                      "ORDER BY sum(n) DESC LIMIT 1").fetchone()[0]
    cases = [
        ("framework + 2 statuses", (fw,), ("in_progress", "stalled")),
        ("2 statuses (all frameworks)", None, ("in_progress", "stalled")),
        ("no filter (all 100k ids)", None, None),
    ]
    try:
        from app.ui.models import ItemFilter, ItemTableModel
        have_model = True
    except ImportError:  # the UI model may not exist yet (a broken one must fail, not fall back)
        have_model = False

    app_view, base_view = _view(QtWidgets), _view(QtWidgets)
    results = []
    if have_model:
        model = ItemTableModel(store)
        app_view.setModel(model)
        due_col = model.column_of("due_on")
        model.sort(due_col)  # the person sorted by due date earlier; now they click filters
    for label, fws, sts in cases:
        if have_model:
            flt = ItemFilter(framework_ids=fws, statuses=sts)
            other = ItemFilter(kinds=("goal",))

            def app_once(flt=flt):
                model.set_filter(flt)
                app_view.grab()

            app_setup = lambda other=other: model.set_filter(other)  # noqa: E731
            shown = None
        else:
            def app_once(fws=fws, sts=sts):
                ids = store.item_ids(framework_ids=fws, statuses=sts, sort="due_on")
                rows = store.items_by_ids(ids[:FIRST])
                _fill(QtGui, base_model := QtGui.QStandardItemModel(), [tuple(rows[i].values()) for i in ids[:FIRST]])
                app_view.setModel(base_model)
                app_view.grab()
            app_setup = None
            shown = len(store.item_ids(framework_ids=fws, statuses=sts))

        def base_once(fws=fws, sts=sts):
            m = QtGui.QStandardItemModel()
            _fill(QtGui, m, raw_first_page(conn, list(fws or ()), list(sts or ())))
            base_view.setModel(m)
            base_view.grab()
        app, base = paired_times(app_once, base_once, ctx.repeats, app_setup=app_setup)
        if shown is None:
            shown = model.rowCount()
        results.append(ratio_result(f"filter {label}, sort by due ({shown:,} rows)", app, base, 1.5,
                                    note="" if have_model else "UI model missing: store calls + QStandardItemModel"))
    app_view.close()
    base_view.close()
    return results


def _fill(QtGui, model, rows) -> None:
    model.setColumnCount(len(COLS))
    model.setHorizontalHeaderLabels(list(COLS))
    for r in rows:
        model.appendRow([QtGui.QStandardItem("" if v is None else str(v)) for v in list(r)[:len(COLS)]])
