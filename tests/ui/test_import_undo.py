"""Imports in the window are one undoable step, and leave earlier steps undoable too."""
from __future__ import annotations

from app.ui import file_ops


def test_sheet_import_undoes_and_redoes_from_the_edit_menu(window, tmp_path, answers):
    """File > Import CSV, then Edit > Undo takes the whole sheet back and Redo brings it again."""
    store = window.session.store
    n = store.count_items()
    sheet = tmp_path / "annex.csv"
    sheet.write_text("framework,ref,kind,title\nAnnex B,1,goal,Ports\nAnnex B,2,target,Rail\n", encoding="utf-8")
    report = file_ops.import_file(window, sheet, "csv")
    assert report.added == {"frameworks": 1, "items": 2}
    assert store.count_items() == n + 2
    assert answers.infos[-1] == ("Imported annex.csv. Added 1 frameworks, 2 items. Edit > Undo takes the whole "
                                 "import back.")
    assert window.act_undo.text() == "&Undo Import annex.csv"
    window.act_undo.trigger()
    assert store.count_items() == n
    assert "Annex B" not in [f["title"] for f in store.list_frameworks()]
    window.act_redo.trigger()
    assert store.count_items() == n + 2


def test_an_import_keeps_the_earlier_undo_steps(window, tmp_path):
    """Undo history is no longer cleared by an import: the title edit before it still undoes."""
    store = window.session.store
    item = window.panel.item
    window.panel.edits["title"].setText("Edited before the import")
    window.panel.commit("title")
    sheet = tmp_path / "one.csv"
    sheet.write_text("framework,kind,title\nAnnex C,goal,Ports\n", encoding="utf-8")
    assert file_ops.import_file(window, sheet, "csv") is not None
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert store.get_item(item["id"])["title"] == item["title"]


def test_a_bad_sheet_is_one_sentence_and_writes_nothing(window, tmp_path, answers):
    """A sheet with a bad cell is refused naming its line; the file and the undo stack are unchanged."""
    store = window.session.store
    n = store.count_items()
    sheet = tmp_path / "bad.csv"
    sheet.write_text("framework,kind,title\nAnnex D,goal,Ports\nAnnex D,nonsense,Rail\n", encoding="utf-8")
    assert file_ops.import_file(window, sheet, "csv") is None
    assert answers.errors[-1].startswith("bad.csv was not imported: bad.csv line 3: kind 'nonsense' is not one of: ")
    assert store.count_items() == n and window.session.undo_stack.count() == 0
