"""File > Import Spreadsheet…: the real dialog maps columns, previews rows with their problems, imports undoably."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from app.core.model import ValidationError
from app.exchange import sheets
from app.ui import file_dialogs
from app.ui.sheet_import import NOT_IMPORTED, SheetImportDialog, open_sheet_import

if str(Path(__file__).resolve().parents[1] / "exchange") not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exchange"))
from test_sheets import HEADER, rows_of_plan, write_csv, write_xlsx  # noqa: E402


def cells(dlg: SheetImportDialog, row: int) -> list[str]:
    t = dlg.preview
    return [t.item(row, c).text() for c in range(t.columnCount())]


def heads(dlg: SheetImportDialog) -> list[str]:
    t = dlg.preview
    return [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]


def choose(dlg: SheetImportDialog, column: int, field: str | None) -> None:
    combo = dlg.combos[column]
    combo.setCurrentIndex(combo.findData(field))


@pytest.fixture
def chosen(monkeypatch):
    """Answer the app's file dialog with a path (the real dialog is built, never shown)."""
    def use(path: Path):
        monkeypatch.setattr(file_dialogs, "_TEST_HOOK", lambda d: str(path))
    return use


def test_the_menu_function_asks_for_a_file_and_previews_an_xlsx_plan(window, tmp_path, chosen, qtbot):
    """open_sheet_import asks for the file, lists the workbook's sheets, matches headers and previews rows."""
    path = write_xlsx(tmp_path / "annex.xlsx", HEADER, rows_of_plan(3, 2), sheet="Annex 2", first="Cover")
    chosen(path)
    dlg = open_sheet_import(window)
    assert dlg is not None and dlg.isVisible()
    assert [dlg.sheet_combo.itemText(i) for i in range(dlg.sheet_combo.count())] == ["Cover", "Annex 2"]
    assert dlg.sheet_combo.currentText() == "Cover" and dlg.sheet_combo.isEnabled()  # the first, at first
    assert [c.currentData() for c in dlg.combos] == [None]
    dlg.sheet_combo.setCurrentText("Annex 2")
    assert [c.currentData() for c in dlg.combos] == ["ref", "title", "kind", "parent", "status", "due_on", "tags"]
    assert heads(dlg) == ["Line", "Import", "Problems", "Ref", "Title", "Kind", "Parent", "Status", "Due", "Tags"]
    assert dlg.preview.rowCount() == 9
    assert cells(dlg, 0) == ["2", "add", "", "1.1", "هدف فرعی 1 از هدف 1", "Target", "1", "In progress", "2030-03-20",
                             "اقتصاد دیجیتال, شاخص"]
    assert dlg.framework_combo.currentText() == "annex"
    assert dlg.summary.text() == ("9 rows into “\u2068annex\u2069” (a new framework): 9 to add, 0 to update, "
                                  "0 unchanged.")
    assert dlg.import_button.isEnabled()
    dlg.close()


def test_bad_rows_show_their_problems_beside_them_and_block_the_import(window, tmp_path, answers):
    """A bad kind and an unknown parent are shown on their rows; Import stays disabled; nothing is written."""
    rows = [["1", "Ports", "wish", "", "", "", ""], ["2", "Rail", "goal", "9", "", "", ""],
            ["3", "Roads", "goal", "", "", "", ""]]
    dlg = SheetImportDialog(window.session, window)
    assert dlg.load_file(write_csv(tmp_path / "bad.csv", HEADER, rows))
    assert cells(dlg, 0)[1] == "not imported" and cells(dlg, 0)[2].startswith("kind 'wish' is not one of: Goal, ")
    assert cells(dlg, 0)[5] == "wish"  # the bad cell as written
    assert cells(dlg, 1)[2] == "the parent '9' is not a ref in the sheet or in the framework"
    assert cells(dlg, 2)[1:3] == ["add", ""]
    assert dlg.preview.item(0, 0).background().color().alpha() == 70  # a bad row is tinted
    assert dlg.preview.item(2, 0).background().style() == QtCore.Qt.BrushStyle.NoBrush
    assert not dlg.import_button.isEnabled()
    assert dlg.summary.text().endswith("2 rows have problems (shown beside them); fix the sheet or the columns, "
                                       "as nothing is imported while any row is bad.")
    n = window.session.store.count_items()
    assert dlg.do_import() is False and window.session.store.count_items() == n
    assert window.session.undo_stack.count() == 0


def test_choosing_a_column_remaps_and_imports_one_undoable_step(window, tmp_path, answers):
    """'Code' and 'Name' are not field names; choosing ref and title for them makes the rows importable; Import
    adds them as one step that Edit > Undo takes back."""
    path = write_csv(tmp_path / "codes.csv", ["Code", "Name", "Kind", "Budget"],
                     [["A-1", "بندر", "Target", "5"], ["A-2", "راه‌آهن", "goal", "6"]])
    store = window.session.store
    n = store.count_items()
    dlg = SheetImportDialog(window.session, window)
    dlg.load_file(path)
    assert [c.currentText() for c in dlg.combos] == [NOT_IMPORTED, NOT_IMPORTED, "Kind (kind)", NOT_IMPORTED]
    assert dlg.summary.text() == ("codes.csv needs a ref column (one headed 'ref', or --map ref=COLUMN): the ref "
                                  "is how a row finds its item again when the sheet is imported twice.")
    choose(dlg, 0, "ref")
    choose(dlg, 1, "title")
    dlg.framework_combo.setCurrentText("Ports plan")
    dlg.refresh()
    assert dlg.summary.text() == ("2 rows into “\u2068Ports plan\u2069” (a new framework): 2 to add, 0 to update, "
                                  "0 unchanged. Not imported: Budget (choose a field for a column to import it).")
    assert dlg.import_button.isEnabled()
    dlg.import_button.click()
    assert store.count_items() == n + 2 and dlg.result() == QtWidgets.QDialog.DialogCode.Accepted
    assert answers.infos[-1] == ("Imported codes.csv into “Ports plan” (a new framework). Added 1 frameworks, "
                                 "2 items. Edit > Undo takes the whole import back.")
    assert window.session.undo_stack.count() == 1
    window.act_undo.trigger()
    assert store.count_items() == n and sheets.find_framework(store, "Ports plan") is None
    window.act_redo.trigger()
    assert store.count_items() == n + 2


def test_a_second_import_of_the_same_sheet_previews_updates_not_additions(window, tmp_path, answers):
    """After one import, the same sheet with one changed title shows 1 update and 2 unchanged rows."""
    path = write_csv(tmp_path / "again.csv", ["ref", "title", "kind"],
                     [["1", "Ports", "goal"], ["2", "Rail", "goal"], ["3", "Roads", "goal"]])
    dlg = SheetImportDialog(window.session, window)
    dlg.load_file(path)
    dlg.framework_combo.setCurrentText("Again")
    dlg.refresh()
    assert dlg.do_import()
    write_csv(path, ["ref", "title", "kind"],
              [["1", "Ports", "goal"], ["2", "Railways", "goal"], ["3", "Roads", "goal"]])
    dlg2 = SheetImportDialog(window.session, window)
    dlg2.load_file(path)
    dlg2.framework_combo.setCurrentText("Again")
    dlg2.refresh()
    assert [cells(dlg2, r)[1] for r in range(3)] == ["unchanged", "update: title", "unchanged"]
    assert dlg2.summary.text() == "3 rows into “\u2068Again\u2069”: 0 to add, 1 to update, 2 unchanged."


def test_two_columns_for_one_field_are_named_instead_of_guessed(window, tmp_path):
    """Choosing Title for two columns says so and keeps Import disabled."""
    dlg = SheetImportDialog(window.session, window)
    dlg.load_file(write_csv(tmp_path / "two.csv", ["ref", "title", "kind", "Name"], [["1", "a", "goal", "b"]]))
    dlg.framework_combo.setCurrentText("Two")
    choose(dlg, 3, "title")
    assert dlg.summary.text() == "Several columns are imported as Title; choose one for each."
    assert not dlg.import_button.isEnabled()


def test_an_unreadable_file_is_one_sentence(window, tmp_path, answers):
    """A .xls file is refused in one sentence and the dialog keeps nothing of it."""
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    dlg = SheetImportDialog(window.session, window)
    assert dlg.load_file(bad) is False
    assert answers.errors == ["old.xls cannot be imported: old.xls is not a CSV or XLSX file; save it as .xlsx or "
                              ".csv first."]
    assert dlg.path is None and dlg.preview.rowCount() == 0


def test_no_progress_box_is_left_above_a_message(window, tmp_path, answers, monkeypatch):
    """When the import is refused while it runs, the progress box is closed before the message shows."""
    dlg = SheetImportDialog(window.session, window)
    dlg.load_file(write_csv(tmp_path / "p.csv", ["ref", "title", "kind"], [["1", "Ports", "goal"]]))
    dlg.framework_combo.setCurrentText("Progress")
    dlg.refresh()
    seen: list[list[bool]] = []

    def failing(name, lines):
        def run(store, doc, progress=None):
            progress(0, 1)  # the progress box is up while the import runs
            raise ValidationError("The database is busy in another program; nothing was saved.")
        return run
    monkeypatch.setattr(sheets, "importer", failing)
    real_error = answers.error

    def error(message, title="Policy Tracker"):
        seen.append([w.isVisible() for w in QtWidgets.QApplication.topLevelWidgets()
                     if isinstance(w, QtWidgets.QProgressDialog)]
                    + [c.isVisible() for c in dlg.findChildren(QtWidgets.QProgressDialog)])
        real_error(message, title)
    monkeypatch.setattr(answers, "error", error)
    assert dlg.do_import() is False
    assert answers.errors == ["The database is busy in another program; nothing was saved."]
    assert len(seen) == 1 and True not in seen[0]
    assert window.session.undo_stack.count() == 0
