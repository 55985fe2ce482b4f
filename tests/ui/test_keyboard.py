"""Keyboard and conventions (issue 12, part 6): F1, F10, redo keys, Enter and Shift+Enter, mnemonics, About."""
from __future__ import annotations

import importlib.metadata
import re

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt
MENU_LETTERS = {"F", "E", "M", "V", "H"}  # File, Edit, Fra&mework, View, Help: the menus own these mnemonics
# the item panel's fields and tab titles, always on screen, once item_panel.py takes the letters in the report:
# &Title &Ref &Kind Frame&work &Parent A&ctor &Due Ta&gs Descriptio&n | Status h&istory &Sources T&arget Re&lated
PANEL_LETTERS = set("TRKWPCDGNISAL")


@pytest.fixture
def active(window, qtbot):
    """The window, active, so that its shortcuts fire."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window, timeout=3000)
    return window


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' in a label or button text ('&&' is a literal ampersand)."""
    m = re.search(r"(?<!&)&([^&\s])", (text or "").replace("&&", ""))
    return m.group(1).upper() if m else None


def visible_mnemonics(root: QtWidgets.QWidget) -> dict[str, list[str]]:
    """Letter -> texts of every visible label (with a buddy), button and tab title under `root`."""
    out: dict[str, list[str]] = {}
    for w in root.findChildren(QtWidgets.QWidget):
        if not w.isVisibleTo(root.window()) or not w.isVisible():
            continue
        texts = []
        if isinstance(w, QtWidgets.QLabel) and w.buddy() is not None:
            texts.append(w.text())
        elif isinstance(w, QtWidgets.QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QtWidgets.QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
        for t in texts:
            if (letter := mnemonic(t)) is not None:
                out.setdefault(letter, []).append(t)
    return out


def test_f1_opens_the_guide_inside_the_app(active, qtbot):
    """F1 shows the user guide from resources/help in a window of the app, with every section."""
    qtbot.keyClick(active.table, Qt.Key.Key_F1)
    guide = active.guide
    assert guide is not None and guide.isVisible()
    assert not guide.isModal()
    assert guide.headings() == ["Policy Tracker — User Guide", "The window", "The dashboard", "The crosswalk",
                                "Opening a file", "Adding a source",
                                "Picking out an item from its words", "Status updates and evidence", "Undo",
                                "Reports", "Review", "Keyboard shortcuts"]
    assert "Ctrl+Shift+Z, Ctrl+Y" in guide.browser.toPlainText()


def test_guide_links_open_only_web_addresses(active, monkeypatch):
    """A link in the guide reaches the browser seam only when it is http or https."""
    from app.ui import widgets
    opened: list[str] = []
    monkeypatch.setattr(widgets, "url_opener", lambda u: opened.append(u.toString()) or True)
    guide = active.show_guide()
    guide.follow(QtCore.QUrl("file:///etc/passwd"))
    guide.follow(QtCore.QUrl("https://example.org/plan"))
    assert opened == ["https://example.org/plan"]


def test_f1_is_in_the_help_menu_with_the_welcome(active):
    """Help lists User Guide (F1) and Welcome before About."""
    help_menu = next(a.menu() for a in active.menuBar().actions() if a.text() == "&Help")
    names = [a.objectName() for a in help_menu.actions() if not a.isSeparator()]
    assert names == ["userGuide", "welcome", "about"]
    assert active.act_guide.shortcut().toString() == "F1"


def test_f10_opens_the_first_menu(active, qtbot):
    """F10 moves to the menu bar: the File menu opens, and Escape leaves it."""
    qtbot.keyClick(active.table, Qt.Key.Key_F10)
    mb = active.menuBar()
    assert mb.activeAction() is not None and mb.activeAction().text() == "&File"
    popup = mb.activeAction().menu()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    popup.close()


def test_kept_shortcuts_still_bound(active):
    """The shortcuts that worked before this issue keep their actions."""
    want = {"addSource": "Ctrl+Shift+O", "search": "Ctrl+F", "print": "Ctrl+P",
            "focusNav": "Ctrl+1", "focusTable": "Ctrl+2", "focusPanel": "Ctrl+3", "focusReader": "Ctrl+4"}
    got = {a.objectName(): a.shortcut().toString() for a in active.findChildren(QtGui.QAction)
           if a.objectName() in want}
    assert got == want
    search = next(a for a in active.findChildren(QtGui.QAction) if a.objectName() == "search")
    assert [k.toString() for k in search.shortcuts()] == ["Ctrl+F", "Ctrl+K"]


def test_quit_is_ctrl_q(active):
    """Quit answers Ctrl+Q on every platform (StandardKey.Quit is unbound on some, offscreen among them)."""
    quit_action = next(a for a in active.findChildren(QtGui.QAction) if a.objectName() == "quit")
    assert [k.toString() for k in quit_action.shortcuts()] == ["Ctrl+Q"]


def test_redo_is_ctrl_shift_z_and_ctrl_y(active):
    """Redo carries Ctrl+Shift+Z and Ctrl+Y, each once."""
    assert [k.toString() for k in active.act_redo.shortcuts()] == ["Ctrl+Shift+Z", "Ctrl+Y"]


def test_no_two_window_actions_share_a_key(active):
    """No key is bound to two window actions (Qt would fire neither)."""
    seen: dict[str, list[str]] = {}
    for a in active.findChildren(QtGui.QAction):
        if a.shortcutContext() not in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
            continue
        for k in a.shortcuts():
            seen.setdefault(k.toString(), []).append(a.objectName() or a.text())
    twice = {k: v for k, v in seen.items() if len(v) > 1}
    assert twice == {}


def test_enter_adds_the_update_and_shift_enter_makes_a_new_line(window, almaty_id, qtbot):
    """In the status note Shift+Enter is a line break and Enter records the update."""
    window.go_to_item(almaty_id)
    tab = window.panel.history
    window.panel.tabs.setCurrentWidget(tab)
    before = len(window.session.store.status_updates_for_item(almaty_id))
    tab.note.setFocus()
    qtbot.keyClicks(tab.note, "Signed")
    qtbot.keyClick(tab.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(tab.note, "in Baku")
    assert tab.note.toPlainText() == "Signed\nin Baku"
    assert len(window.session.store.status_updates_for_item(almaty_id)) == before
    qtbot.keyClick(tab.note, Qt.Key.Key_Return)
    notes = [u["note"] for u in window.session.store.status_updates_for_item(almaty_id)]
    assert len(notes) == before + 1 and notes[0] == "Signed\nin Baku"
    assert tab.note.toPlainText() == ""


def test_enter_in_an_observation_field_adds_it(window, gdp_id, qtbot):
    """Enter in the observation's note adds the observation, as the button would."""
    window.go_to_item(gdp_id)
    tab = window.panel.target
    window.panel.tabs.setCurrentWidget(tab)
    n = len(window.session.store.observations_for_item(gdp_id))
    tab.obs_value.setText("8.5")
    tab.obs_on.setText("2025-03-01")
    tab.obs_note.setFocus()
    qtbot.keyClicks(tab.obs_note, "ministry figure")
    qtbot.keyClick(tab.obs_note, Qt.Key.Key_Return)
    obs = window.session.store.observations_for_item(gdp_id)
    assert len(obs) == n + 1
    assert [(o["value"], o["note"]) for o in obs if o["observed_on"] == "2025-03-01"] == [(8.5, "ministry figure")]


def test_item_tab_mnemonics_leave_the_menu_and_panel_letters_alone(window, gdp_id):
    """Item tab labels and buttons take no menu letter nor one the panel keeps on screen, none twice in a tab."""
    window.go_to_item(gdp_id)
    panel = window.panel
    for tab in (panel.history, panel.sources, panel.target, panel.related):
        panel.tabs.setCurrentWidget(tab)
        letters = visible_mnemonics(tab)
        assert not (set(letters) & (MENU_LETTERS | PANEL_LETTERS)), letters
        assert all(len(v) == 1 for v in letters.values()), letters
    for w in (window.notice, panel.conflict, window.reader, window.welcome):
        assert [b.text() for b in w.findChildren(QtWidgets.QAbstractButton) if mnemonic(b.text())] == []


def test_item_tab_mnemonics_are_these(window, gdp_id):
    """The letters each item tab uses, as chosen in the report (a change here needs the table there)."""
    window.go_to_item(gdp_id)
    panel = window.panel
    got = {}
    for name, tab in (("history", panel.history), ("sources", panel.sources), ("target", panel.target),
                      ("related", panel.related)):
        panel.tabs.setCurrentWidget(tab)
        got[name] = "".join(sorted(visible_mnemonics(tab)))
    assert got == {"history": "OU", "sources": "BO", "target": "BOU", "related": "O"}


def test_no_visible_mnemonic_clashes_with_a_menu_or_another(window, gdp_id):
    """Across the whole window (each item tab in turn), every mnemonic letter is used once and never a menu's."""
    window.go_to_item(gdp_id)
    panel = window.panel
    for tab in (panel.history, panel.sources, panel.target, panel.related):
        panel.tabs.setCurrentWidget(tab)
        letters = visible_mnemonics(window.centralWidget())
        clashes = {k: v for k, v in letters.items() if k in MENU_LETTERS or len(v) > 1}
        assert clashes == {}, clashes


def test_alt_f_opens_the_file_menu_and_types_nothing(active, qtbot):
    """Alt+F then a letter opens the File menu and never types the letter into a panel field."""
    before = {k: active.panel.value(k) for k in ("title", "description")}
    qtbot.keyClick(active.table, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert active.menuBar().activeAction() is not None
    assert active.menuBar().activeAction().text() == "&File"
    active.menuBar().activeAction().menu().close()
    assert {k: active.panel.value(k) for k in ("title", "description")} == before


def test_about_names_the_version_and_the_file(window, seeded_path):
    """About shows the installed version of policy-tracker and the open file's full path."""
    text = window.about_text()
    assert text.startswith(f"Policy Tracker {importlib.metadata.version('policy-tracker')}\n")
    assert text.endswith(f"The open file: {window.session.store.path}")
    assert str(seeded_path.name) in text


def test_enter_in_the_new_item_title_accepts_and_shift_enter_does_not(window, qtbot):
    """In New Item, Enter in the title accepts the dialog; Shift+Enter does not, and an empty title never does."""
    from app.ui.dialogs import TrackItemDialog
    dlg = TrackItemDialog(window.session, "", None, window, heading="New item")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.title.setFocus()
    qtbot.keyClick(dlg.title, Qt.Key.Key_Return)
    assert dlg.result() == 0 and dlg.isVisible()  # no title yet: refused, stays open
    qtbot.keyClicks(dlg.title, "A new goal")
    qtbot.keyClick(dlg.title, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert dlg.isVisible() and dlg.title.toPlainText() == "A new goal\n"
    qtbot.keyClick(dlg.title, Qt.Key.Key_Return)
    assert dlg.result() == QtWidgets.QDialog.DialogCode.Accepted
    assert dlg.fields()["title"] == "A new goal"
