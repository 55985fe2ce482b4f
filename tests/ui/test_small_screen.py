"""Small screens (issue 12, part 7): the window fits 1024x768 and every control of the item panel is reachable."""
from __future__ import annotations

import pytest
from PySide6 import QtCore, QtWidgets

Qt = QtCore.Qt


@pytest.fixture
def small(window, qtbot):
    """The window at 1024x768, active (so focus moves as it would for a person)."""
    window.resize(1024, 768)
    window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window, timeout=3000)
    return window


def test_minimum_size_fits_1024_by_768(window, gdp_id):
    """The window's minimum size is within 1024x768 with an item open on each of its tabs."""
    window.go_to_item(gdp_id)
    for tab in (window.panel.history, window.panel.sources, window.panel.target, window.panel.related):
        window.panel.tabs.setCurrentWidget(tab)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024, (tab, hint)
        assert hint.height() <= 768, (tab, hint)


def test_the_overview_tabs_and_the_review_panel_fit_1024_by_768(small, gdp_id, monkeypatch, qtbot):
    """The crosswalk, then the items again, then the review panel: the window stays within 1024 pixels
    (the crosswalk's long hint and wide framework boxes, and the panel's row of buttons, pushed it to 1,217
    and 1,592; hidden tabs counted too)."""
    from app.ui import review_mode
    monkeypatch.setattr(review_mode, "WIDE_ENOUGH", 1280)
    for view in ("crosswalk", "dashboard", "items"):
        small.show_view(view)
        qtbot.waitUntil(lambda v=view: small.views.current_view() == v, timeout=2000)
        assert small.minimumSizeHint().width() <= 1024, (view, small.minimumSizeHint())
    small.go_to_item(gdp_id)
    review_mode.attach(small)  # as on opening a file, on a screen narrower than WIDE_ENOUGH
    small.act_review_panel.trigger()
    assert small.review_dock.isVisible()
    area = small.dockWidgetArea(small.review_dock)
    wide = small.screen().availableGeometry().width() >= 1280
    assert area == (Qt.DockWidgetArea.RightDockWidgetArea if wide else Qt.DockWidgetArea.BottomDockWidgetArea)
    if not wide:
        hint = small.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768, hint


def test_window_takes_1024_by_768(small):
    """Nothing forces the window wider or taller than a 1024x768 screen."""
    assert (small.width(), small.height()) == (1024, 768)
    assert small.splitter.width() <= 1024


def _controls(tab: QtWidgets.QWidget) -> list[QtWidgets.QWidget]:
    return [w for w in tab.findChildren(QtWidgets.QWidget)
            if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isEnabled()
            and isinstance(w, (QtWidgets.QAbstractButton, QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit,
                               QtWidgets.QComboBox))]


def test_every_item_panel_control_comes_into_view_at_1024_by_768(small, gdp_id, qtbot):
    """Each field and button of each item tab, once focused, lies inside the window and the panel's view."""
    small.go_to_item(gdp_id)
    panel, scroll = small.panel, small.panel_scroll
    seen = 0
    for tab in (panel.history, panel.sources, panel.target, panel.related):
        panel.tabs.setCurrentWidget(tab)
        for w in _controls(tab):
            w.setFocus(Qt.FocusReason.TabFocusReason)
            qtbot.waitUntil(w.hasFocus, timeout=2000)
            top_left = w.mapTo(small, QtCore.QPoint(0, 0))
            rect = QtCore.QRect(top_left, w.size())
            assert small.rect().contains(rect), (w.accessibleName(), rect)
            view = QtCore.QRect(scroll.viewport().mapTo(small, QtCore.QPoint(0, 0)), scroll.viewport().size())
            assert view.contains(rect), (w.accessibleName(), rect, view)
            seen += 1
    assert seen == 26  # every control of the four tabs, Evidence and Save as draft too (a tab left out changes it)


def test_add_update_button_is_reachable_and_works_at_1024_by_768(small, almaty_id, qtbot):
    """"Add update" scrolls into view on focus and records the update from the keyboard."""
    small.go_to_item(almaty_id)
    tab = small.panel.history
    small.panel.tabs.setCurrentWidget(tab)
    before = len(small.session.store.status_updates_for_item(almaty_id))
    tab.note.setPlainText("Seen at 1024x768")
    tab.add.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(tab.add.hasFocus, timeout=2000)
    view = QtCore.QRect(small.panel_scroll.viewport().mapTo(small, QtCore.QPoint(0, 0)),
                        small.panel_scroll.viewport().size())
    assert view.contains(QtCore.QRect(tab.add.mapTo(small, QtCore.QPoint(0, 0)), tab.add.size()))
    qtbot.keyClick(tab.add, Qt.Key.Key_Space)
    assert len(small.session.store.status_updates_for_item(almaty_id)) == before + 1


def test_reader_actions_move_to_an_overflow_instead_of_widening_the_window(small):
    """The reader's actions sit in a tool bar whose overflow takes what does not fit: the reader is narrow."""
    reader = small.reader
    assert reader.tools.actions() == [reader.track_action, reader.cite_action, reader.find_action]
    assert [a.shortcut().toString() for a in reader.tools.actions()] == ["Ctrl+Shift+T", "Ctrl+Shift+C", ""]
    assert reader.minimumSizeHint().width() <= 320
    narrow = reader.tools.minimumSizeHint().width()
    assert narrow < reader.tools.sizeHint().width()  # it can shrink below showing every action


def test_status_form_is_on_screen_without_scrolling_at_1024_by_768(small, almaty_id, qtbot):
    """Only the tab shown counts towards the panel's height: the status form fits 768 pixels unscrolled."""
    small.go_to_item(almaty_id)
    small.panel.tabs.setCurrentWidget(small.panel.history)
    scroll = small.panel_scroll
    qtbot.waitUntil(lambda: small.panel.height() == scroll.viewport().height(), timeout=2000)
    assert scroll.verticalScrollBar().maximum() == 0
    add = small.panel.history.add
    assert scroll.viewport().rect().contains(QtCore.QRect(add.mapTo(scroll.viewport(), QtCore.QPoint(0, 0)),
                                                          add.size()))
    small.panel.tabs.setCurrentWidget(small.panel.target)  # the tallest tab scrolls instead
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0, timeout=2000)
    assert small.panel.height() == scroll.needed_height(small.panel.width())
