"""Opening a big file, the window paints first: what it does not show yet is built or looked up later."""
from __future__ import annotations

from PySide6 import QtCore


def _open(path, answers, qtbot):
    from app.store.store import Store
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences
    win = MainWindow(Store(path), prefs=Preferences(analyst="T"), interaction=answers, poll_ms=0)
    qtbot.addWidget(win)
    return win


def test_the_welcome_is_not_built_until_it_shows(seeded_path, answers, qtbot):
    """With the welcome hidden, opening a file builds no welcome page; Help > Welcome builds and shows it."""
    from app.ui.welcome import WelcomePage, set_welcome_hidden
    set_welcome_hidden(True)
    win = _open(seeded_path, answers, qtbot)
    win.show()
    try:
        assert not win.welcome_shown()
        assert win.findChildren(WelcomePage) == []
        win.act_welcome.trigger()
        assert win.welcome_shown() and len(win.findChildren(WelcomePage)) == 1
        win.close_welcome()
        win.act_welcome.trigger()
        assert len(win.findChildren(WelcomePage)) == 1  # built once
    finally:
        win.close()
        win.shutdown()


def test_the_first_items_words_are_looked_up_after_the_first_paint(seeded_path, answers, qtbot):
    """The reader's look-up of the first item's words waits for the window's first paint."""
    win = _open(seeded_path, answers, qtbot)
    events: list[str] = []

    class Watch(QtCore.QObject):
        def eventFilter(self, obj, ev):  # noqa: N802 - Qt's name
            if obj is win and ev.type() == QtCore.QEvent.Type.Paint:
                events.append("paint")
            return False

    watch = Watch()
    win.installEventFilter(watch)
    real = win.show_item_words
    win.show_item_words = lambda item_id: events.append("words") or real(item_id)  # type: ignore[method-assign]
    try:
        win.show()
        qtbot.waitUntil(lambda: "words" in events, timeout=5000)
        assert events.index("paint") < events.index("words")
        assert events.count("words") == 1
    finally:
        win.removeEventFilter(watch)
        win.close()
        win.shutdown()


def test_the_item_tree_lists_the_rest_after_the_view_first_paints(session, qtbot, monkeypatch):
    """Beyond the first page of matches, the worker lists the whole tree only once the view has painted."""
    from app.ui import models
    from app.ui.item_table import ItemTableView
    monkeypatch.setattr(models.ItemTreeModel, "first_ids", 2)
    view = ItemTableView(session)
    qtbot.addWidget(view)
    items = view.items
    assert not items.is_complete()
    assert items._list_timer.interval() == models.LISTING_HELD_MS  # held: no paint yet
    view.show()
    qtbot.waitUntil(items.is_complete, timeout=5000)
    assert view._painted
    assert items.rowCount() > 2 or items.matched_count() > 2


def test_the_item_count_is_final_once_the_listing_is_in(seeded_path, answers, qtbot, monkeypatch):
    """The count beside the filter shows the first page's matches at first, and all 27 once listed."""
    from app.ui import models
    from app.ui.welcome import set_welcome_hidden
    set_welcome_hidden(True)
    monkeypatch.setattr(models.ItemTreeModel, "first_ids", 2)
    win = _open(seeded_path, answers, qtbot)
    try:
        items = win.table.items
        assert not items.is_complete()
        assert win.filter_bar.count.text() == f"{items.matched_count()} of 27 items"
        win.show()
        qtbot.waitUntil(items.is_complete, timeout=5000)
        assert win.filter_bar.count.text() == "27 items"
    finally:
        win.close()
        win.shutdown()
