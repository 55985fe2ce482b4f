"""The dashboard: its section models (qtmodeltester), chart counts, quiet days kept, entries that open items."""
from __future__ import annotations

import datetime as dt

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from app.services import editing
from app.ui import dashboard as D

TOKYO = "Tokyo Statement (APT Ministerial Meeting 2025): six strategic priorities"


def _tokyo_ids(store):
    fid = next(f["id"] for f in store.list_frameworks() if f["title"] == TOKYO)
    return [r[0] for r in store.conn.execute("SELECT id FROM items WHERE framework_id = ? ORDER BY ref", (fid,))]


def _make_overdue(store, ids):
    for iid, due in zip(ids[:2], ("2024-01-01", "2024-06-01"), strict=True):
        editing.update_item(store, iid, {"due_on": due}, store.get_item(iid)["version"])


def test_section_models_pass_modeltester(session, qtmodeltester):
    """Overdue (2 entries), quiet and recent-changes models over the seeded file pass qtmodeltester."""
    _make_overdue(session.store, _tokyo_ids(session.store))
    for factory in (D.OverdueSection, D.QuietSection, D.RecentChangesSection):
        model = D.SectionModel(factory(session))
        qtmodeltester.check(model)
    assert D.SectionModel(D.OverdueSection(session)).rowCount() == 2


def test_overdue_entries_show_item_framework_due_and_status(session):
    """The longest overdue first: Tokyo 2 (due 2024-06-01) after Tokyo 1 (2024-01-01); the status in the tip."""
    ids = _tokyo_ids(session.store)
    _make_overdue(session.store, ids)
    model = D.SectionModel(D.OverdueSection(session))
    rows = [[model.data(model.index(r, c)) for c in range(3)] for r in range(model.rowCount())]
    short = "Tokyo Statement (APT Ministerial Meetin…"  # the title before its colon, cut at 40 characters
    assert rows == [["1 Digital connectivity", short, "2024-01-01"],
                    ["2 Digital innovation and entrepreneurship", short, "2024-06-01"]]
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == \
        f"1 Digital connectivity\n{TOKYO}\nStatus: Not started"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None
    assert [model.item_id(r) for r in range(2)] == ids[:2]


def test_rows_are_fetched_lazily_a_page_at_a_time(session, monkeypatch):
    """Listing keys fetches no row; reading the first cell fetches one page; later cells of it none."""
    model = D.SectionModel(D.RecentChangesSection(session))
    assert model.fetches == 0 and model.rowCount() == 135  # the seeds' audit rows, under RECENT_CHANGES
    model.data(model.index(0, 0))
    model.data(model.index(20, 2))
    assert model.fetches == 1


def test_first_keys_then_the_rest_from_a_worker(session, qtbot, monkeypatch):
    """With 5 keys listed at first, the quiet list shows 5 and "+" in its title, then all of them."""
    monkeypatch.setattr(D.SectionModel, "first_keys", 5)
    box = D.SectionBox(D.QuietSection(session))
    qtbot.addWidget(box)
    assert box.model.rowCount() == 5 and box.heading.text().endswith("(5+)")
    all_quiet = D.QuietSection(session).list_keys(session.store.conn)
    with qtbot.waitSignal(box.model.completed, timeout=5000):
        pass
    assert box.model.keys() == all_quiet and len(all_quiet) == 27
    assert box.heading.text() == f"No update in {D.DEFAULT_QUIET_DAYS} days ({len(all_quiet)})"


def test_quiet_days_are_chosen_in_the_view_and_kept(session, qtbot):
    """Setting 400 days in the spin box relists (updates dated 2025-06-01 then count) and is kept for the next view."""
    view = D.DashboardView(session)
    qtbot.addWidget(view)
    quiet = view.section("quiet")
    spin = quiet.findChild(QtWidgets.QSpinBox, "quietDays")
    assert spin.value() == D.DEFAULT_QUIET_DAYS
    days = (dt.date.today() - dt.date(2025, 6, 1)).days + 1
    recent = {r[0] for r in session.store.conn.execute(
        "SELECT item_id FROM status_updates WHERE as_of >= '2025-06-01'")}
    spin.setValue(days)
    assert quiet.model.rowCount() == 27 - len(recent) == 14
    assert D.quiet_days() == days
    again = D.DashboardView(session)
    qtbot.addWidget(again)
    assert again.section("quiet").findChild(QtWidgets.QSpinBox, "quietDays").value() == days


def test_recent_changes_show_who_and_what(session):
    """A status update made as "Test Analyst" is the newest change, with the analyst and the item."""
    ids = _tokyo_ids(session.store)
    editing.add_status_update(session.store, ids[0], "in_progress", "2025-08-01", "started")
    model = D.SectionModel(D.RecentChangesSection(session))
    texts = [[model.data(model.index(r, c)) for c in range(3)] for r in range(2)]
    assert {t[1] for t in texts} == {"Test Analyst"}
    assert {t[2] for t in texts} == {"Status update added: In progress 2025-08-01 · 1 Digital connectivity",
                                     "Item changed: 1 Digital connectivity"}
    old = model.data(model.index(model.rowCount() - 1, 1))
    assert old == "unknown"  # seeded rows were written with no author


def test_chart_counts_each_framework_by_status(session, qtbot):
    """The chart draws 5 frameworks, largest on top; its bar sets hold the seeded counts (Tokyo: 7 not started)."""
    view = D.DashboardView(session)
    qtbot.addWidget(view)
    chart = view.chart
    assert [f["title"][:6] for f in chart.shown][:1] == ["Iran's"] and len(chart.shown) == 5
    series = chart.view.chart().series()[0]
    sets = {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}
    order = [f["title"] for f in reversed(chart.shown)]
    assert sets["Not started"][order.index(TOKYO)] == 7.0
    assert sum(sum(v) for v in sets.values()) == 27.0
    assert chart.note.text() == "27 items in 5 frameworks."


def test_an_entry_opens_its_item_by_click_and_enter(session, qtbot):
    """Clicking the first overdue entry, or Enter on it, emits its item id."""
    ids = _tokyo_ids(session.store)
    _make_overdue(session.store, ids)
    view = D.DashboardView(session)
    qtbot.addWidget(view)
    view.resize(1000, 800)
    view.show()
    table = view.section("overdue").table
    rect = table.visualRect(table.model().index(0, 1))
    with qtbot.waitSignal(view.item_requested) as got:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert got.args == [ids[0]]
    table.setCurrentIndex(table.model().index(1, 1))
    with qtbot.waitSignal(view.item_requested) as got:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert got.args == [ids[1]]


def test_a_change_refreshes_the_visible_dashboard(session, qtbot):
    """After a due date is set in the past, the shown dashboard lists the item as overdue."""
    view = D.DashboardView(session)
    qtbot.addWidget(view)
    view.show()
    assert view.section("overdue").model.rowCount() == 0
    from app.ui import commands as cmds
    iid = _tokyo_ids(session.store)[0]
    assert session.push(cmds.EditItemFields(session, iid, {"due_on": "2024-01-01"}))
    qtbot.waitUntil(lambda: view.section("overdue").model.rowCount() == 1, timeout=3000)


def test_sections_are_pluggable(session, qtbot, monkeypatch):
    """A registered section (before "recent") is built with the others and opens its items."""
    ids = _tokyo_ids(session.store)

    class Picked(D.Section):
        key, title, columns = "picked", "Picked", ("Item",)

        def list_keys(self, conn, limit=None):
            return ids[:3]

        def fetch(self, keys):
            return {k: {"id": k} for k in keys}

        def display(self, row, column):
            return row["id"][:8]

    monkeypatch.setattr(D, "SECTIONS", list(D.SECTIONS))
    D.register_section(Picked, before="recent")
    assert [getattr(f, "key", "") for f in D.SECTIONS] == ["overdue", "quiet", "review", "to_check", "picked", "recent"]
    view = D.DashboardView(session)
    qtbot.addWidget(view)
    box = view.section("picked")
    assert box.heading.text() == "Picked (3)"
    with qtbot.waitSignal(view.item_requested) as got:
        box.open_row(2)
    assert got.args == [ids[2]]


def test_window_opens_on_the_dashboard_for_a_returning_analyst(seeded_path, answers, qtbot):
    """A file with items whose welcome was dismissed opens on the dashboard; an entry opens the item in the table."""
    from app.store.store import Store
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences
    from app.ui.welcome import set_welcome_hidden
    set_welcome_hidden(True)
    win = MainWindow(Store(seeded_path), prefs=Preferences(analyst="A"), interaction=answers, poll_ms=0)
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.views.current_view() == "dashboard" and not win.reader_box.isVisible()
        qtbot.waitUntil(lambda: win.views.dashboard is not None, timeout=5000)  # built after the first frame
        ids = _tokyo_ids(win.session.store)
        win.views.dashboard.item_requested.emit(ids[3])
        assert win.views.current_view() == "items" and win.current_item_id() == ids[3]
        assert win.reader_box.isVisible()
        win.act_show_crosswalk.trigger()
        assert win.views.current_view() == "crosswalk" and win.views.crosswalk is not None
    finally:
        win.close()
        win.shutdown()
    QtCore.QSettings().clear()


def test_dashboard_and_crosswalk_controls_have_accessible_names(window):
    """With both tabs built, every focusable control in them carries an accessible name."""
    window.show_view("dashboard")
    window.show_view("crosswalk")
    missing = []
    for root in (window.views.dashboard, window.views.crosswalk):
        for w in root.findChildren(QtWidgets.QWidget):
            if w.focusPolicy() == QtCore.Qt.FocusPolicy.NoFocus or isinstance(w, (QtWidgets.QScrollBar,
                                                                                   QtWidgets.QMenu)):
                continue
            if w.inherits("QAbstractButton") and w.text():
                continue
            if not w.accessibleName() and w.parent() is not None and not w.parent().accessibleName():
                missing.append(f"{type(w).__name__} {w.objectName()}")
    assert missing == []


def test_awaiting_review_lists_submitted_entries_and_opens_their_item(session, qtmodeltester):
    """An update submitted in the window is listed (and nothing else: the seeds are approved); a decision
    takes it off the list."""
    from app.services import operations as ops
    from app.services import review
    from app.ui import commands as cmds
    store = session.store
    iid = _tokyo_ids(store)[0]
    assert D.SectionModel(D.AwaitingReviewSection(session)).rowCount() == 0
    cmd = cmds.AddStatusUpdate(session, iid, "in_progress", "2025-07-01", "Working group formed")
    assert session.push(cmd)
    model = D.SectionModel(D.AwaitingReviewSection(session))
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)) == "Update: In progress as of 2025-07-01: Working group formed"
    assert model.data(model.index(0, 1)) == "1 Digital connectivity"
    assert model.item_id(0) == iid
    ops.History(store).do(review.Decide(cmd.update_id, "approved", "Director"))
    assert D.SectionModel(D.AwaitingReviewSection(session)).rowCount() == 0


def test_citations_to_check_lists_what_a_new_edition_left_for_a_person(session, qtmodeltester):
    """A new edition that drops a cited sentence and changes a cited figure: both listed, with why."""
    from app.services import editions
    from app.services import operations as ops
    store = session.store
    src = next(s for s in store.list_sources() if store.citations_for_source(s["id"]))
    text = store.get_source(src["id"])["text"]
    cits = [c for c in store.citations_for_source(src["id"]) if c["start"] is not None]
    assert D.SectionModel(D.CitationsToCheckSection(session)).rowCount() == 0
    gone = max(cits, key=lambda c: c["end"] - c["start"])
    new = text[:gone["start"]] + text[gone["end"]:]
    ops.History(store).do(editions.AddEdition(src["id"], new, note="the long sentence withdrawn"))
    waiting = [c["id"] for c in cits if store.get_citation(c["id"])["anchor_state"] in ("review", "not_found")]
    assert gone["id"] in waiting
    model = D.SectionModel(D.CitationsToCheckSection(session))
    qtmodeltester.check(model)
    assert sorted(model.keys()) == sorted(waiting)
    row = next(r for r in range(model.rowCount()) if model.item_id(r) == gone["item_id"])
    assert model.data(model.index(row, 0)) == f"“{' '.join(gone['quote'].split())}”"
    assert model.data(model.index(row, 2)) == "not in the newest edition"
