"""Frameworks, parents and several items at once, through the real window (pytest-qt, headless)."""
from __future__ import annotations

from PySide6 import QtCore

from app.store import hierarchy as H
from app.ui.dialogs import TrackItemDialog
from app.ui.models import ITEM_ID_ROLE

Qt = QtCore.Qt


def fw(store, prefix: str) -> dict:
    return next(f for f in store.list_frameworks() if f["title"].startswith(prefix))


def refs(store, fid: str) -> dict[str, str]:
    return {store.get_item(i)["ref"]: i for i in store.item_ids(framework_ids=[fid])}


def nav_titles(window) -> list[str]:
    t = window.navigator.tree
    return [t.index(r, 0).data() for r in range(t.rowCount())]


def test_new_rename_describe_delete_framework_from_the_menus(window, monkeypatch, answers):
    """A framework is created from the Framework menu, renamed and described, deleted, and each step undoes."""
    nav = window.navigator
    monkeypatch.setattr(nav, "ask_framework_fields",
                        lambda heading, values=None, focus="title": {"title": "SDG 2030", "actor": "UN",
                                                                     "description": ""})
    window.act_new_framework.trigger()
    assert "SDG 2030" in nav_titles(window)
    fid = nav.current_framework()["id"]
    monkeypatch.setattr(nav, "ask_framework_fields",
                        lambda heading, values=None, focus="title": {**values, "title": "Sustainable Development"})
    window.act_rename_framework.trigger()
    monkeypatch.setattr(nav, "ask_framework_fields",
                        lambda heading, values=None, focus="title": {**values, "description": "17 goals"})
    window.act_describe_framework.trigger()
    row = window.session.store.get_framework(fid)
    assert (row["title"], row["description"]) == ("Sustainable Development", "17 goals")
    assert window.act_undo.text() == "&Undo Edit framework description"
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert window.session.store.get_framework(fid)["title"] == "SDG 2030"
    window.act_delete_framework.trigger()
    assert answers.questions[-1].startswith("Delete the empty framework “SDG 2030”?")
    assert window.session.store.get_framework(fid) is None
    window.act_undo.trigger()
    assert window.session.store.get_framework(fid)["title"] == "SDG 2030"


def test_deleting_a_framework_with_items_says_how_many_and_undoes(window, answers):
    """Deleting Tokyo asks about its 7 items; No keeps them; Yes deletes all; Undo brings all back."""
    st = window.session.store
    tokyo = fw(st, "Tokyo")
    window.navigator.select_scope(tokyo["id"])
    answers.answer = False
    assert not window.navigator.delete_framework()
    assert "and its 7 items" in answers.questions[-1]
    assert H.framework_item_count(st.conn, tokyo["id"]) == 7
    answers.answer = True
    assert window.navigator.delete_framework()
    assert (st.get_framework(tokyo["id"]), st.count_items()) == (None, 20)
    window.act_undo.trigger()
    assert H.framework_item_count(st.conn, tokyo["id"]) == 7
    assert st.get_item(refs(st, tokyo["id"])["3"])["parent_id"] == refs(st, tokyo["id"])["TS"]


def test_navigator_context_menu_offers_the_four_framework_commands(window):
    """The navigator's context menu lists New, Rename, Edit Description and Delete; only New on All items."""
    nav = window.navigator
    nav.select_scope(None)
    menu = nav.context_menu()
    assert [(a.text(), a.isEnabled()) for a in menu.actions()] == [
        ("&New Framework…", True), ("&Rename…", False), ("Edit &Description…", False),
        ("&Delete Framework…", False)]
    nav.select_scope(fw(window.session.store, "Tokyo")["id"])
    assert all(a.isEnabled() for a in nav.context_menu().actions())


def test_the_parent_field_moves_an_item_and_refuses_itself_and_descendants(window):
    """Typing a ref into Parent re-parents the item; its own ref or a sub-item's is one sentence, unchanged."""
    st = window.session.store
    tokyo = fw(st, "Tokyo")["id"]
    by = refs(st, tokyo)
    window.go_to_item(by["2"])
    panel = window.panel
    assert (panel.parent_edit.text(), panel.parent_title.text()) == ("TS", st.get_item(by["TS"])["title"])
    panel.parent_edit.setText("1")
    panel.parent_edit.returnPressed.emit()
    assert st.get_item(by["2"])["parent_id"] == by["1"]
    ix = window.table.items.index_of(by["2"])
    assert ix.parent().data(ITEM_ID_ROLE) == by["1"]
    assert window.table.isExpanded(ix.parent())
    panel.parent_edit.setText("2")
    panel.parent_edit.returnPressed.emit()
    assert panel.errors["parent_id"].text() == "2 “Digital innovation and entrepreneurship” cannot be its own parent."
    window.go_to_item(by["TS"])
    panel.parent_edit.setText("4")
    panel.parent_edit.returnPressed.emit()
    assert "is one of the sub-items of TS" in panel.errors["parent_id"].text()
    panel.parent_edit.setText("nothing-like-this")
    panel.parent_edit.returnPressed.emit()
    assert panel.errors["parent_id"].text() == "No item of this framework has the ref “nothing-like-this”."
    assert st.get_item(by["TS"])["parent_id"] is None
    window.act_undo.trigger()
    assert st.get_item(by["2"])["parent_id"] == by["TS"]


def test_the_parent_picker_lists_neither_the_item_nor_what_is_below_it(window):
    """The picker for TS offers only the top level: TS itself and its six priorities are left out."""
    from app.ui.dialogs import ParentPickerDialog
    st = window.session.store
    tokyo = fw(st, "Tokyo")["id"]
    dlg = ParentPickerDialog(window.session, tokyo, refs(st, tokyo)["TS"], window)
    assert dlg.list.count() == 1 and dlg.parent_id() is None
    dlg = ParentPickerDialog(window.session, tokyo, refs(st, tokyo)["3"], window)
    assert [dlg.list.item(n).text().split()[0] for n in range(1, dlg.list.count())] == ["TS", "1", "2", "4", "5", "6"]
    dlg.filter.setText("safety")
    assert dlg.list.count() == 1  # "Trust and safety" is priority 3 itself
    dlg.filter.setText("inclusion")
    assert (dlg.list.count(), dlg.parent_id()) == (2, refs(st, tokyo)["4"])


def test_cut_and_paste_with_the_keys_reparents_and_undoes(window, qtbot):
    """Ctrl+X on priority 3, Ctrl+V on priority 1: 3 goes under 1; Ctrl+Shift+V puts it at the top; undo."""
    st = window.session.store
    tokyo = fw(st, "Tokyo")["id"]
    by = refs(st, tokyo)
    table = window.table
    table.setFocus()
    assert table.select_item(by["3"])
    qtbot.keyClick(table, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert table.select_item(by["1"])
    qtbot.keyClick(table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert st.get_item(by["3"])["parent_id"] == by["1"]
    assert window.act_undo.text() == "&Undo Move 1 item under 1 “Digital connectivity”"
    table.cut_selected()  # 3 is current after the paste
    qtbot.keyClick(table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert st.get_item(by["3"])["parent_id"] is None
    assert table.items.index_of(by["3"]).parent().isValid() is False
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert st.get_item(by["3"])["parent_id"] == by["TS"]


def test_pasting_an_item_under_its_own_child_is_one_sentence(window, answers):
    """Cutting TS and pasting it under priority 2 is refused with one sentence; nothing moves."""
    st = window.session.store
    by = refs(st, fw(st, "Tokyo")["id"])
    table = window.table
    table.select_item(by["TS"])
    table.cut_selected()
    table.select_item(by["2"])
    assert not table.paste_under_current()
    assert answers.errors[-1] == ("2 “Digital innovation and entrepreneurship” is one of the items being moved or "
                                  "below them, so they cannot go under it.")
    assert st.get_item(by["2"])["parent_id"] == by["TS"]


def test_ctrl_a_selects_every_row_and_bulk_status_is_one_undo_step(window, qtbot, monkeypatch):
    """Ctrl+A selects all rows; a status with one dated note for five Almaty proposals undoes in one step."""
    st = window.session.store
    table = window.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert table.selected_count() == 21  # every top-level row (TS's six are rows under it, collapsed)
    almaty = st.item_ids(framework_ids=[fw(st, "Almaty")["id"]])
    assert table.select_items(almaty) == 5
    before = {i: st.get_item(i)["status"] for i in almaty}
    monkeypatch.setattr(table, "ask_status", lambda n: ("stalled", "2025-11-20", f"Checked {n} at once"))
    assert table.set_status_selected()
    assert {st.get_item(i)["status"] for i in almaty} == {"stalled"}
    notes = [st.status_updates_for_item(i, limit=1)[0] for i in almaty]
    assert {(u["as_of"], u["note"], u["author"]) for u in notes} == {("2025-11-20", "Checked 5 at once",
                                                                      "Test Analyst")}
    window.act_undo.trigger()
    assert {i: st.get_item(i)["status"] for i in almaty} == before


def test_bulk_tags_move_and_delete_through_the_menus(window, monkeypatch, answers):
    """Tags added then removed, a move to Tokyo, and a delete of three: each is one undo step."""
    st = window.session.store
    table = window.table
    almaty_fw, tokyo = fw(st, "Almaty")["id"], fw(st, "Tokyo")["id"]
    almaty = st.item_ids(framework_ids=[almaty_fw])
    table.select_items(almaty)
    monkeypatch.setattr(table, "ask_tag", lambda adding, n: "zz-one, zz-two")
    window.act_add_tags.trigger()
    assert all(st.get_item(i)["tags"][-2:] == ["zz-one", "zz-two"] for i in almaty)
    monkeypatch.setattr(table, "ask_tag", lambda adding, n: "zz-two")
    window.act_remove_tags.trigger()
    assert all(st.get_item(i)["tags"][-1] == "zz-one" for i in almaty)
    table.select_items(almaty[:2])
    monkeypatch.setattr(table, "ask_framework", lambda n: tokyo)
    window.act_move_fw.trigger()
    assert [st.get_item(i)["framework_id"] for i in almaty[:2]] == [tokyo, tokyo]
    window.act_undo.trigger()
    assert [st.get_item(i)["framework_id"] for i in almaty[:2]] == [almaty_fw, almaty_fw]
    table.select_items(almaty[:3])
    window.act_delete.trigger()
    assert answers.questions[-1].startswith("Delete these 3 items with their status history")
    assert [st.get_item(i) for i in almaty[:3]] == [None, None, None]
    window.act_undo.trigger()
    assert all(st.get_item(i) is not None for i in almaty[:3])
    window.act_undo.trigger()  # the tags removed come back, then the tags added go
    window.act_undo.trigger()
    assert answers.errors == []
    assert all("zz-one" not in st.get_item(i)["tags"] for i in almaty)


def test_deleting_a_parent_asks_about_its_children(window, answers):
    """Deleting TS asks what becomes of its six priorities: moved up, or deleted with it; both undo."""
    st = window.session.store
    tokyo = fw(st, "Tokyo")["id"]
    by = refs(st, tokyo)
    table = window.table
    asked = []
    answers.choose = lambda question, options: (asked.append((question, options)), 1)[1]
    table.select_item(by["TS"])
    assert table.delete_selected()
    assert asked[-1][1] == ["Delete them too", "Move them up"]
    assert "It has 6 sub-items: delete them too, or move them up a level?" in asked[-1][0]
    assert (st.get_item(by["TS"]), {st.get_item(by[r])["parent_id"] for r in "123456"}) == (None, {None})
    window.act_undo.trigger()
    answers.choose = lambda question, options: 0
    table.select_item(by["TS"])
    assert table.delete_selected()
    assert H.framework_item_count(st.conn, tokyo) == 0
    window.act_undo.trigger()
    assert {st.get_item(by[r])["parent_id"] for r in "123456"} == {by["TS"]}
    answers.choose = lambda question, options: None
    table.select_item(by["TS"])
    assert not table.delete_selected()
    assert H.framework_item_count(st.conn, tokyo) == 7


def test_new_item_offers_a_new_framework_and_a_parent(window, monkeypatch):
    """The New Item form makes a framework on the spot, and takes a parent chosen in the picker."""
    st = window.session.store
    dlg = TrackItemDialog(window.session, "", None, window, heading="New item")
    monkeypatch.setattr(dlg, "ask_framework_fields", lambda: {"title": "SDG", "actor": None, "description": ""})
    fid = dlg.create_framework()
    assert dlg.framework.currentData() == fid and st.get_framework(fid)["title"] == "SDG"
    tokyo = fw(st, "Tokyo")["id"]
    dlg.framework.setCurrentIndex(dlg.framework.findData(tokyo))
    ts = refs(st, tokyo)["TS"]
    monkeypatch.setattr(dlg, "ask_parent", lambda framework_id: ts)
    dlg.pick_parent()
    dlg.title.setPlainText("Priority 7")
    assert dlg.fields() == {"framework_id": tokyo, "kind": "proposal", "ref": "", "title": "Priority 7",
                            "parent_id": ts}
    dlg.framework.setCurrentIndex(dlg.framework.findData(fid))
    assert "parent_id" not in dlg.fields()


def test_an_empty_file_gets_its_first_framework_from_new_item(tmp_path, qtbot, monkeypatch):
    """With no framework at all the New Item form says to make one, and OK is off until then."""
    from PySide6 import QtWidgets

    from app.store.store import Store
    from app.ui.session import RecordingInteraction, Session
    s = Session(Store(tmp_path / "empty.sqlite"), interaction=RecordingInteraction(), poll_ms=0)
    try:
        dlg = TrackItemDialog(s, "A goal", None, heading="New item")
        qtbot.addWidget(dlg)
        ok = dlg.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()
        assert dlg.error.text() == "There is no framework yet: make one with New Framework…."
        monkeypatch.setattr(dlg, "ask_framework_fields", lambda: {"title": "Plan", "actor": None, "description": ""})
        dlg.create_framework()
        assert ok.isEnabled()
    finally:
        s.close()


def test_the_edit_menu_and_framework_menu_hold_the_new_commands(window):
    """Edit has the bulk and move commands, a Framework menu (Alt+M) has the four framework commands."""
    bar = window.menuBar()
    titles = [a.text() for a in bar.actions()]
    assert "Fra&mework" in titles
    fw_menu = next(a.menu() for a in bar.actions() if a.text() == "Fra&mework")
    assert [a.text() for a in fw_menu.actions()] == ["&New Framework…", "&Rename Framework…", "Edit &Description…",
                                                     "De&lete Framework…"]
    edit = next(a.menu() for a in bar.actions() if a.text() == "&Edit")
    texts = [a.text() for a in edit.actions()]
    for t in ("S&et Status of Selected…", "&Add Tags to Selected…", "&Move Selected to Framework…",
              "&Cut Items (Ctrl+X in the table)"):
        assert t in texts


def _mnemonics(texts: list[str]) -> list[str]:
    return [t[t.index("&") + 1].lower() for t in texts if "&" in t]


def test_no_two_entries_of_a_menu_share_a_mnemonic(window):
    """In the Edit, Framework and View menus and the table's context menu, each Alt letter is used once."""
    bar = window.menuBar()
    for title in ("&Edit", "Fra&mework", "&View"):
        menu = next(a.menu() for a in bar.actions() if a.text() == title)
        letters = _mnemonics([a.text() for a in menu.actions() if not a.isSeparator()])
        assert len(letters) == len(set(letters)), (title, letters)
    letters = _mnemonics([a.text() for a in window.table.context_menu().actions() if not a.isSeparator()])
    assert len(letters) == len(set(letters)) == 10
    assert "m" not in _mnemonics([a.text() for a in bar.actions() if a.text() != "Fra&mework"])


def test_a_drag_onto_a_row_or_between_rows_places_the_items(window):
    """Dropping onto priority 1 puts items under it; between priorities, beside them; on empty space, at the top."""
    from PySide6 import QtWidgets
    st = window.session.store
    by = refs(st, fw(st, "Tokyo")["id"])
    table = window.table
    P = QtWidgets.QAbstractItemView.DropIndicatorPosition
    one = table.items.index_of(by["1"])
    assert table.drop_parent(one, P.OnItem) == by["1"]
    assert table.drop_parent(one, P.BelowItem) == by["TS"]
    assert table.drop_parent(table.items.index_of(by["TS"]), P.AboveItem) is None
    assert table.drop_parent(QtCore.QModelIndex(), P.OnViewport) is None
    md = table.items.mimeData([table.items.index_of(by["5"]), table.items.index_of(by["6"], 1)])
    ids = bytes(md.data("application/x-policy-tracker-item-ids").data()).decode().split("\n")
    assert ids == [by["5"], by["6"]]
    assert table.move_under(ids, table.drop_parent(one, P.OnItem))
    assert [st.get_item(i)["parent_id"] for i in ids] == [by["1"], by["1"]]


def test_another_framework_in_the_panel_moves_the_item_with_its_children(window):
    """Choosing Almaty as TS's framework in the panel moves TS and its six priorities, still under it."""
    st = window.session.store
    tokyo, almaty = fw(st, "Tokyo")["id"], fw(st, "Almaty")["id"]
    by = refs(st, tokyo)
    window.go_to_item(by["TS"])
    combo = window.panel.framework
    combo.setCurrentIndex(combo.findData(almaty))
    combo.activated.emit(combo.currentIndex())
    assert {st.get_item(i)["framework_id"] for i in by.values()} == {almaty}
    assert st.get_item(by["4"])["parent_id"] == by["TS"]
    assert window.act_undo.text().startswith("&Undo Move 7 items to Almaty")
    window.act_undo.trigger()
    assert {st.get_item(i)["framework_id"] for i in by.values()} == {tokyo}


def test_a_long_parent_title_never_widens_the_panel(window):
    """The parent's long title sits in a label whose width the layout ignores, so the "…" button stays on screen."""
    from PySide6 import QtWidgets
    st = window.session.store
    by = refs(st, fw(st, "Tokyo")["id"])
    window.go_to_item(by["2"])
    label = window.panel.parent_title
    assert label.text() == st.get_item(by["TS"])["title"]
    assert label.sizePolicy().horizontalPolicy() == QtWidgets.QSizePolicy.Policy.Ignored
    assert label.minimumWidth() == 1
