"""Two windows or programs on one file: a half-typed edit is never saved over another's change.

The "other window" is a second Store on the same file (a second connection, exactly what another
window or program is to SQLite); the window notices it as it does every two seconds, here by
calling its poll directly.
"""
from __future__ import annotations

import os

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.services import editing, sources
from app.store.store import Store


def almaty_proposal_id(store: Store) -> str:
    fid = next(f["id"] for f in store.list_frameworks() if f["title"].startswith("Almaty"))
    return store.item_ids(framework_ids=[fid], kinds=["proposal"])[0]

Qt = QtCore.Qt


@pytest.fixture
def other(seeded_path):
    s = Store(seeded_path)
    yield s
    s.close()


@pytest.fixture
def item_id(window):
    iid = almaty_proposal_id(window.session.store)
    assert window.go_to_item(iid)
    assert window.panel.item["id"] == iid
    return iid


def _type_into(qtbot, edit: QtWidgets.QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_tab_over_another_windows_change_shows_both_and_saves_nothing(window, other, item_id, qtbot):
    """Typing a title while another window saves one: Tab shows both values and writes nothing."""
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Mine, half typed")
    editing.update_item(other, item_id, {"title": "Theirs, saved first"})
    assert window.session.poll_other_writers()
    # the field keeps what the person typed; the bar shows both sides at once
    assert title.text() == "Mine, half typed"
    bar = window.panel.conflict
    assert bar.isVisible()
    assert "“Theirs, saved first”" in bar.label.text() and "“Mine, half typed”" in bar.label.text()
    qtbot.keyClick(title, Qt.Key.Key_Tab)
    assert other.get_item(item_id)["title"] == "Theirs, saved first"
    assert window.session.undo_stack.count() == 0
    assert title.text() == "Mine, half typed"


def test_save_mine_writes_the_typed_value_as_one_undoable_step(window, other, item_id, qtbot):
    """Choosing Save Mine writes the typed value; Undo brings back the other window's value."""
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Mine")
    editing.update_item(other, item_id, {"title": "Theirs"})
    qtbot.keyClick(title, Qt.Key.Key_Return)  # without a poll: the save itself notices
    assert window.panel.conflict.isVisible()
    assert other.get_item(item_id)["title"] == "Theirs"
    qtbot.mouseClick(window.panel.conflict.mine_button, Qt.MouseButton.LeftButton)
    assert other.get_item(item_id)["title"] == "Mine"
    assert not window.panel.conflict.isVisible()
    window.session.undo_stack.undo()
    assert other.get_item(item_id)["title"] == "Theirs"


def test_keep_theirs_shows_the_stored_value_and_writes_nothing(window, other, item_id, qtbot):
    """Choosing Keep Theirs puts the other value in the field; the file keeps it."""
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Mine")
    editing.update_item(other, item_id, {"title": "Theirs"})
    window.session.poll_other_writers()
    qtbot.mouseClick(window.panel.conflict.theirs_button, Qt.MouseButton.LeftButton)
    assert title.text() == "Theirs"
    assert not window.panel.is_dirty("title")
    assert other.get_item(item_id)["title"] == "Theirs"
    assert window.session.undo_stack.count() == 0


def test_another_field_changed_elsewhere_is_no_conflict(window, other, item_id, qtbot):
    """Another window changing the description does not stop the typed title from saving."""
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Mine")
    editing.update_item(other, item_id, {"description": "Their description"})
    window.session.poll_other_writers()
    assert not window.panel.conflict.isVisible()
    qtbot.keyClick(title, Qt.Key.Key_Tab)
    row = other.get_item(item_id)
    assert (row["title"], row["description"]) == ("Mine", "Their description")
    assert window.panel.description.toPlainText() == "Their description"


def test_switching_windows_does_not_save_half_typed_text(window, other, item_id, qtbot):
    """Focus leaving for another window keeps the text unsaved; Enter later saves it."""
    before = other.get_item(item_id)["title"]
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Half")
    QtWidgets.QApplication.sendEvent(title, QtGui.QFocusEvent(QtCore.QEvent.Type.FocusOut,
                                                               Qt.FocusReason.ActiveWindowFocusReason))
    assert other.get_item(item_id)["title"] == before
    assert title.text() == "Half"
    assert "Not saved yet" in window.panel.errors["title"].text()
    qtbot.waitUntil(lambda: not window.panel._leaving_window)
    title.setFocus()
    qtbot.keyClicks(title, " typed")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert other.get_item(item_id)["title"] == "Half typed"


def test_closing_saves_pending_text_but_not_over_a_conflict(window, other, item_id, qtbot):
    """Closing saves text left unsaved; with a conflict the window stays open showing both."""
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Left unsaved")
    QtWidgets.QApplication.sendEvent(title, QtGui.QFocusEvent(QtCore.QEvent.Type.FocusOut,
                                                               Qt.FocusReason.ActiveWindowFocusReason))
    qtbot.waitUntil(lambda: not window.panel._leaving_window)
    editing.update_item(other, item_id, {"title": "Theirs"})
    assert window.may_close() is False
    assert window.panel.conflict.isVisible()
    assert other.get_item(item_id)["title"] == "Theirs"
    qtbot.mouseClick(window.panel.conflict.mine_button, Qt.MouseButton.LeftButton)
    assert window.may_close() is True
    assert other.get_item(item_id)["title"] == "Left unsaved"


def test_other_programs_changes_are_named_in_the_bar_not_a_dialog(window, other, answers):
    """A source and an item changed elsewhere are named in the window's bar; no dialog opens."""
    sources.add_source(other, "A note from a colleague.\n", title="Colleague's note")
    iid = almaty_proposal_id(other)
    editing.update_item(other, iid, {"actor": "Ministry of ICT"})
    assert window.session.poll_other_writers()
    text = window.notice.text()
    assert text.startswith("Another window or program changed this file: ")
    assert "1 source added (“Colleague's note”)" in text
    assert "1 item changed (“" in text
    assert answers.infos == [] and answers.errors == []


def test_own_changes_are_not_reported_as_another_programs(window, item_id, qtbot):
    """The window's own save followed by another program's is reported as the other's alone."""
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Saved here")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    with Store(window.session.store.path) as s2:
        editing.create_framework(s2, "Made elsewhere")
    assert window.session.poll_other_writers()
    assert window.notice.text() == ("Another window or program changed this file: "
                                    "1 framework added (“Made elsewhere”).")


def test_replaced_file_stops_saving_keeps_the_text_and_reopen_saves_it(window, item_id, qtbot, tmp_path, answers):
    """When the file is replaced under the window, saving stops with one sentence; Reopen restores the text."""
    path = window.session.store.path
    copy = tmp_path / "replacement.sqlite"
    with Store(path) as s2:
        s2.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        s2.backup_to(copy)
    os.replace(copy, path)  # what a sync program or a restore by hand does
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Typed after the swap")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert window.notice.isVisible() and window.notice.kind == "stopped"
    assert window.notice.text().startswith(f"{path} was replaced by another file while it was open")
    assert window.notice.reopen.isVisible()
    assert answers.errors == []  # said in the bar, not in a modal box
    assert title.text() == "Typed after the swap"
    qtbot.mouseClick(window.notice.reopen, Qt.MouseButton.LeftButton)
    assert not window.notice.isVisible()
    assert window.panel.item["id"] == item_id
    title = window.panel.edits["title"]
    assert title.text() == "Typed after the swap"
    with Store(path) as s3:
        assert s3.get_item(item_id)["title"] != "Typed after the swap"
    title.setFocus()
    qtbot.keyClick(title, Qt.Key.Key_Return)
    with Store(path) as s3:
        assert s3.get_item(item_id)["title"] == "Typed after the swap"


def test_bookkeeping_by_another_window_refreshes_quietly(window, other):
    """Another window writing only bookkeeping (its backup time) refreshes the views but says nothing."""
    with other.write():
        other.set_meta("last_backup", "now")
    assert window.session.poll_other_writers()
    assert window.notice.text() == "" and not window.notice.isVisible()


def test_conflict_names_the_item_by_its_ref_not_the_moving_title(window, other, item_id, qtbot):
    """The conflict sentence names the item by its ref when the title itself is what moved."""
    ref = other.get_item(item_id)["ref"]
    title = window.panel.edits["title"]
    _type_into(qtbot, title, "Mine")
    editing.update_item(other, item_id, {"title": "Theirs"})
    window.session.poll_other_writers()
    assert window.panel.conflict.label.text() == (
        f"While you were editing the title of item {ref}, another window or program changed it to “Theirs”. "
        f"Yours is “Mine”, not saved yet. Which should it be?")
