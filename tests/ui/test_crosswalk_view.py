"""The crosswalk tab: its model (qtmodeltester), the seeded cells, undoable cell edits, the cell dialog, export."""
from __future__ import annotations

import csv
import io
import tomllib

import openpyxl
from PySide6.QtCore import Qt

from app.paths import SEEDS_DIR
from app.services.crosswalk import Wanted
from app.ui.crosswalk import CellDialog, CrosswalkModel, CrosswalkView

ALMATY = "Almaty Digital 2025: Iran's five proposals for EAEU digital cooperation"
TOKYO = "Tokyo Statement (APT Ministerial Meeting 2025): six strategic priorities"


def _fid(store, title):
    return next(f["id"] for f in store.list_frameworks() if f["title"] == title)


def _seeded_almaty_tokyo() -> dict[tuple[str, str], str]:
    """{(Almaty ref, Tokyo ref): kind} as curated.toml states them (all point from Almaty to Tokyo)."""
    cur = tomllib.loads((SEEDS_DIR / "curated.toml").read_text(encoding="utf-8"))
    items = {i["key"]: i for i in cur["items"]}
    return {(items[r["from"]]["ref"], items[r["to"]]["ref"]): r["kind"] for r in cur["relations"]
            if items[r["from"]]["framework"] == "almaty-2025" and items[r["to"]]["framework"] == "tokyo-2025"}


def _view(session, qtbot):
    view = CrosswalkView(session)
    qtbot.addWidget(view)
    view.set_pair(_fid(session.store, ALMATY), _fid(session.store, TOKYO))
    return view


def _cells(model):
    return {(model.row_item(r)["ref"], model.col_item(c)["ref"]): model.data(model.index(r, c))
            for r in range(model.rowCount()) for c in range(model.columnCount()) if model.data(model.index(r, c))}


def test_model_passes_modeltester(session, qtmodeltester):
    """The Almaty x Tokyo matrix (5 x 7) passes qtmodeltester."""
    model = CrosswalkModel(session)
    model.set_pair(_fid(session.store, ALMATY), _fid(session.store, TOKYO))
    assert (model.rowCount(), model.columnCount()) == (5, 7)
    qtmodeltester.check(model)


def test_cells_show_exactly_the_seeded_relations(session, qtbot):
    """The 4 cells curated.toml links (Almaty -> Tokyo, "Aligns with") read "Aligns with →"; every other is empty."""
    view = _view(session, qtbot)
    seeded = _seeded_almaty_tokyo()
    assert len(seeded) == 4
    assert _cells(view.model) == {pair: "Aligns with →" for pair in seeded}
    view.swap()
    assert _cells(view.model) == {(b, a): "← Aligns with" for a, b in seeded}


def test_headers_are_ref_and_title_rows_indented_by_depth(session, qtbot):
    """Tokyo as rows: "TS ..." at the top level, its priorities indented beneath it."""
    view = _view(session, qtbot)
    view.swap()
    m = view.model
    heads = [m.headerData(r, Qt.Orientation.Vertical) for r in range(m.rowCount())]
    assert heads[0].startswith("TS Adopt the Tokyo Statement") and heads[1] == "    1 Digital connectivity"
    assert m.headerData(0, Qt.Orientation.Horizontal) == "1 Connect communication infrastructure"


def test_editing_a_cell_adds_changes_and_removes_links_undoably(session, qtbot):
    """Add "supports" from Tokyo 4 to Almaty 4 (one step); change its note (one step); clear it; undo all."""
    view = _view(session, qtbot)
    m = view.model
    row = next(r for r in range(m.rowCount()) if m.row_item(r)["ref"] == "4")
    col = next(c for c in range(m.columnCount()) if m.col_item(c)["ref"] == "4")
    a, t = m.row_item(row)["id"], m.col_item(col)["id"]
    steps = session.undo_stack.count()
    assert view.edit_cell(row, col, [Wanted("supports", t, a, "Inclusion needs a fair order")])
    assert m.data(m.index(row, col)) == "← Supports" and session.undo_stack.count() == steps + 1
    assert m.data(m.index(row, col), Qt.ItemDataRole.ToolTipRole) == "Supports: Inclusion needs a fair order"
    assert view.edit_cell(row, col, [Wanted("supports", t, a, "Changed note")])
    assert m.data(m.index(row, col), Qt.ItemDataRole.ToolTipRole) == "Supports: Changed note"
    assert session.undo_stack.count() == steps + 2
    assert not view.edit_cell(row, col, [Wanted("supports", t, a, "Changed note")])  # nothing changes: no step
    assert view.edit_cell(row, col, [])
    assert m.data(m.index(row, col)) == ""
    session.undo_stack.undo()
    assert m.data(m.index(row, col), Qt.ItemDataRole.ToolTipRole) == "Supports: Changed note"
    session.undo_stack.undo()
    assert m.data(m.index(row, col), Qt.ItemDataRole.ToolTipRole) == "Supports: Inclusion needs a fair order"
    session.undo_stack.undo()
    assert m.data(m.index(row, col)) == "" and session.undo_stack.count() == steps + 3
    session.undo_stack.redo()
    assert m.data(m.index(row, col)) == "← Supports"


def test_cell_dialog_starts_from_the_cell_and_says_what_is_wanted(session, qtbot):
    """The dialog of Almaty 1 x Tokyo 1 has "Aligns with" ticked, row → column, with the seeded note; ticking
    "Supports" the other way adds it to what is wanted."""
    view = _view(session, qtbot)
    m = view.model
    rels = m.relations_at(0, 1)
    assert [r["kind"] for r in rels] == ["aligns_with"]
    d = CellDialog(m.row_item(0), m.col_item(1), m.cw.kinds, rels)
    qtbot.addWidget(d)
    check, way, note = d.rows["aligns_with"]
    assert check.isChecked() and way.currentData() == "out" and note.text() == rels[0]["note"]
    assert not d.rows["supports"][0].isChecked() and not d.rows["supports"][2].isEnabled()
    d.set_kind("supports", True, "in", "Both ways")
    a, t = m.row_item(0)["id"], m.col_item(1)["id"]
    assert d.wanted() == [Wanted("aligns_with", a, t, rels[0]["note"]), Wanted("supports", t, a, "Both ways")]
    assert view.edit_cell(0, 1, d.wanted())
    assert m.data(m.index(0, 1)) == "Aligns with →\n← Supports"


def test_export_from_the_window_writes_the_command_lines_table(session, qtbot, tmp_path, seeded_path):
    """Export to .xlsx and .csv from the view: the same cells as `policy-tracker crosswalk` writes."""
    from app import cli
    view = _view(session, qtbot)
    assert view.export_to(tmp_path / "w.xlsx") == tmp_path / "w.xlsx"
    assert view.export_to(tmp_path / "w.csv") == tmp_path / "w.csv"
    assert cli.main(["crosswalk", ALMATY, TOKYO, "-o", str(tmp_path / "c.csv"), "--db", str(seeded_path)]) == 0
    expected = list(csv.reader(io.StringIO((tmp_path / "c.csv").read_text(encoding="utf-8"))))
    assert list(csv.reader(io.StringIO((tmp_path / "w.csv").read_text(encoding="utf-8")))) == expected
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx").active
    assert [[c.value or "" for c in row] for row in ws.iter_rows()] == expected
    assert sum(1 for row in expected[1:] for v in row[1:] if v) == 4


def test_export_to_a_device_is_one_sentence(session, qtbot, answers):
    """Export to /dev/full: nothing written, one sentence through the session's error seam."""
    from pathlib import Path
    view = _view(session, qtbot)
    assert view.export_to(Path("/dev/full")) is None
    assert answers.errors == ["The crosswalk was not saved: /dev/full is a device, not a file; choose a file name "
                              "to write the crosswalk to."]


def test_the_same_framework_twice_shows_no_matrix(session, qtbot):
    """Rows and columns on one framework: an empty matrix, Export off, and a hint to choose two."""
    view = _view(session, qtbot)
    view.set_pair(_fid(session.store, TOKYO), _fid(session.store, TOKYO))
    assert view.model.rowCount() == 0 and not view.export_button.isEnabled()
    assert view.hint.text() == "Choose two different frameworks."
