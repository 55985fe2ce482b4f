"""Spreadsheets in (app/exchange/sheets.py): reading CSV and XLSX, matching columns, checking every row,
updating instead of duplicating, and removing the protective quote of CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.model import ValidationError
from app.exchange import csvio, jsonio, sheets
from app.services import operations as ops

GOALS, TARGETS_PER_GOAL = 20, 14  # 20 + 280 = 300 rows
HEADER = ["Ref", "Title", "Kind", "Parent", "Status", "Due", "Tags"]
FW_TITLE = "برنامه هفتم توسعه"


def rows_of_plan(goals: int = GOALS, per_goal: int = TARGETS_PER_GOAL) -> list[list]:
    """A two-level framework with Persian titles: each goal's targets come BEFORE the goal (parent later)."""
    rows: list[list] = []
    for g in range(1, goals + 1):
        for t in range(1, per_goal + 1):
            rows.append([f"{g}.{t}", f"هدف فرعی {t} از هدف {g}", "Target", str(g), "in progress",
                         "2030-03-20", "اقتصاد دیجیتال; شاخص"])
        rows.append([str(g), f"هدف کلان {g}: گسترش اقتصاد دیجیتال", "goal", "", "Not started", "", ""])
    return rows


def write_csv(path: Path, header: list, rows: list[list]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, header: list, rows: list[list], sheet: str = "Annex 2", *, first: str | None = None) -> Path:
    """An XLSX written by XlsxWriter (as Excel would: formulas carry their saved value)."""
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(path))
    if first:
        wb.add_worksheet(first).write(0, 0, "cover page")
    ws = wb.add_worksheet(sheet)
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, tuple):  # ("formula", "=...", saved value)
                ws.write_formula(r, c, value[1], None, value[2])
            elif isinstance(value, str):
                ws.write_string(r, c, value)  # text stays text, even "=1+1"
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
    return path


def table_hash(path: Path) -> str:
    """Every row of every table of the file (read-only): proof that nothing was written."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(row).encode("utf-8", "surrogatepass"))
        return h.hexdigest()
    finally:
        conn.close()


def framework_items(store, title: str) -> list[dict]:
    fw = sheets.find_framework(store, title)
    assert fw is not None
    ids = store.item_ids(framework_ids=[fw["id"]])
    rows = store.items_by_ids(ids)
    return [rows[i] for i in ids]


def import_sheet(store, path: Path, framework: str = FW_TITLE, **kw):
    p = sheets.load(store, path, framework, **kw)
    return p, sheets.importer(path.name, p.lines())(store, p.document())


# -- reading and importing -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_two_level_plan_imports_once_and_updates_the_second_time(store, tmp_path, kind):
    """300 rows (20 goals, 280 targets listed before their goal) with Persian titles make one framework with
    a two-level tree; the same sheet again updates nothing and duplicates nothing; a changed title updates."""
    write = write_csv if kind == "csv" else write_xlsx
    path = write(tmp_path / f"annex.{kind}", HEADER, rows_of_plan())
    before_total = store.count_items()
    p, report = import_sheet(store, path)
    assert (p.new_framework, p.count("add"), p.count("update")) == (True, 300, 0)
    assert report.added == {"frameworks": 1, "items": 300}
    items = framework_items(store, FW_TITLE)
    by_ref = {it["ref"]: it for it in items}
    assert len(items) == 300 and store.count_items() == before_total + 300
    assert by_ref["3.7"]["parent_id"] == by_ref["3"]["id"] and by_ref["3"]["parent_id"] is None
    assert by_ref["3.7"]["title"] == "هدف فرعی 7 از هدف 3" and by_ref["3.7"]["kind"] == "target"
    assert (by_ref["3.7"]["status"], by_ref["3"]["status"]) == ("in_progress", "not_started")
    assert by_ref["3.7"]["due_on"] == "2030-03-20" and by_ref["3.7"]["tags"] == ["اقتصاد دیجیتال", "شاخص"]
    assert sum(1 for it in items if it["parent_id"] is None) == 20

    again, report2 = import_sheet(store, path)
    assert (again.new_framework, again.count("add"), again.count("update"), again.count("unchanged")) == (
        False, 0, 0, 300)
    assert report2.added == {} and report2.updated == {}
    assert store.count_items() == before_total + 300
    assert {it["id"] for it in framework_items(store, FW_TITLE)} == {it["id"] for it in items}

    rows = rows_of_plan()
    rows[0][1] = "عنوان تازه"
    third, report3 = import_sheet(store, write(tmp_path / f"annex2.{kind}", HEADER, rows))
    assert (third.count("add"), third.count("update"), third.count("unchanged")) == (0, 1, 299)
    assert report3.updated == {"items": 1} and store.count_items() == before_total + 300
    assert store.get_item(by_ref["1.1"]["id"])["title"] == "عنوان تازه"


def test_an_xlsx_sheet_is_chosen_by_name_and_its_numbers_and_dates_read_as_text(store, tmp_path):
    """--sheet picks a sheet; numeric refs read as 1 and 1.5, a date cell as YYYY-MM-DD; unknown sheets are named."""
    path = write_xlsx(tmp_path / "plan.xlsx", ["ref", "title", "kind", "due_on"],
                      [[1, "Ports", "goal", dt.datetime(2031, 6, 30)], [1.5, "Rail", "goal", None]],
                      sheet="Goals", first="Cover")
    s = sheets.read(path, "Goals")
    assert s.sheet_names == ["Cover", "Goals"]
    assert s.rows == [(2, ["1", "Ports", "goal", "2031-06-30"]), (3, ["1.5", "Rail", "goal"])]
    with pytest.raises(ValidationError) as e:
        sheets.read(path, "Annex")
    assert str(e.value) == "plan.xlsx has no sheet named 'Annex'; its sheets are 'Cover', 'Goals'."
    assert sheets.read(path).header == ["cover page"]  # the first sheet by default


def test_formulas_are_never_run_and_give_their_saved_value_or_a_row_error(store, tmp_path):
    """An XLSX formula gives the value saved with it; a formula saved with an error value is a row error;
    text that looks like a formula stays text."""
    rows = [["1", ("f", '="Ports "&"and rail"', "Ports and rail"), "goal"],
            ["2", "=HYPERLINK(\"http://x\")", "goal"],
            ["3", ("f", "=1/0", "#DIV/0!"), "goal"]]
    path = write_xlsx(tmp_path / "f.xlsx", ["ref", "title", "kind"], rows)
    p = sheets.load(store, path, "Formulas")
    assert p.errors == ["line 4: column B holds a formula whose value is the error #DIV/0!"]
    assert [r.values.get("title") for r in p.rows[:2]] == ["Ports and rail", "=HYPERLINK(\"http://x\")"]


def test_a_formula_saved_without_its_value_is_refused_not_guessed(store, tmp_path):
    """openpyxl writes formulas without a saved value: that cell is a row error naming its column."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ref", "title", "kind"])
    ws.append(["1", "=CONCAT(\"a\",\"b\")", "goal"])
    ws.append(["2", "Rail", "goal"])
    wb.save(tmp_path / "nocache.xlsx")
    p = sheets.load(store, tmp_path / "nocache.xlsx", "F")
    assert p.errors == ["line 2: column B holds a formula saved without its value; open the file in a spreadsheet "
                        "program and save it, or paste values",
                        "line 2: title cannot be empty"]


# -- columns -----------------------------------------------------------------------------------------
def test_headers_match_by_name_or_label_in_any_case_and_unknown_columns_are_listed(store, tmp_path):
    """'REF', 'title', 'Due', 'Parent' match their fields; 'Budget' and an unheaded column with data are listed."""
    path = write_csv(tmp_path / "h.csv", ["REF", "title", "Kind", "Due", "Parent", "Budget", ""],
                     [["1", "Ports", "goal", "2030-01-01", "", "5", "x"]])
    s = sheets.read(path)
    cols = sheets.mapping(s.header)
    assert cols == {"ref": 0, "title": 1, "kind": 2, "due_on": 3, "parent": 4}
    assert sheets.unmapped_columns(s, cols) == ["Budget", "column G (no header)"]
    assert sheets.unmapped_sentence(["Budget"]) == (
        "This column was not imported, as no field has that name: 'Budget' (map one with --map FIELD=COLUMN).")


def test_map_reads_fields_from_other_columns_and_refuses_what_it_cannot_find(store, tmp_path):
    """--map ref=Code title=Name fills those fields; an unknown field or column is one sentence."""
    path = write_csv(tmp_path / "m.csv", ["Code", "Name", "Type"], [["A-1", "Ports", "Target"]])
    s = sheets.read(path)
    assert sheets.mapping(s.header, ["ref=Code", "title=name", "kind=Type"]) == {"ref": 0, "title": 1, "kind": 2}
    p = sheets.plan(store, s, sheets.mapping(s.header, ["ref=Code", "title=Name", "kind=Type"]), "Mapped")
    assert p.errors == [] and p.rows[0].values == {"ref": "A-1", "title": "Ports", "kind": "target"}
    with pytest.raises(ValidationError, match=r"^--map 'owner=Name': 'owner' is not a field; the fields are ref, "):
        sheets.mapping(s.header, ["owner=Name"])
    with pytest.raises(ValidationError) as e:
        sheets.mapping(s.header, ["ref=Id"])
    assert str(e.value) == ("--map 'ref=Id': the sheet has no column headed 'Id'; its columns are 'Code', 'Name', "
                            "'Type'.")
    with pytest.raises(ValidationError, match="needs a ref column"):
        sheets.plan(store, s, sheets.mapping(s.header), "Mapped")


def test_two_columns_for_one_field_are_refused(store, tmp_path):
    """Two columns headed 'Title' and 'title' are refused: which one to read would be a guess."""
    path = write_csv(tmp_path / "d.csv", ["ref", "Title", "title"], [["1", "a", "b"]])
    with pytest.raises(ValidationError) as e:
        sheets.mapping(sheets.read(path).header)
    assert str(e.value) == ("Columns B and C are both headed 'title'; rename one, or choose one with "
                            "--map title=COLUMN.")


def test_kinds_and_statuses_by_key_or_label_in_any_case(store, tmp_path):
    """'Target', 'GOAL', 'commitment' and 'Not started', 'IN_PROGRESS', 'partially achieved' are all understood."""
    path = write_csv(tmp_path / "k.csv", ["ref", "title", "kind", "status"],
                     [["1", "a", "Target", "Not started"], ["2", "b", "GOAL", "IN_PROGRESS"],
                      ["3", "c", "commitment", "partially achieved"]])
    p = sheets.load(store, path, "Kinds")
    assert [(r.values["kind"], r.values["status"]) for r in p.rows] == [
        ("target", "not_started"), ("goal", "in_progress"), ("commitment", "partially_achieved")]


# -- bad rows ---------------------------------------------------------------------------------------
def test_every_bad_row_is_reported_at_once_and_nothing_is_written(store, tmp_path):
    """Five different mistakes on five lines are all listed with their exact line; the file is unchanged."""
    rows = [["1", "Ports", "goal", "", "", "", ""],
            ["2", "Rail", "wish", "", "", "", ""],            # line 3: unknown kind
            ["", "No ref", "goal", "", "", "", ""],           # line 4: empty ref
            [],                                               # line 5: blank, skipped
            ["3", "Roads", "goal", "9", "", "", ""],          # line 6: unknown parent
            ["4", "Air", "goal", "", "on fire", "31/12/2030", ""],  # line 7: status and date
            ["1", "Again", "goal", "", "", "", ""]]           # line 8: repeated ref
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    before = table_hash(store.path)
    p = sheets.load(store, path, "Bad")
    assert p.errors == [
        "line 3: kind 'wish' is not one of: Goal, Target, Proposal, Priority, Commitment, Indicator "
        "(a key or a label, in any case)",
        "line 4: the ref is empty; every row needs one, so that importing the sheet again updates its item "
        "instead of adding it twice",
        "line 6: the parent '9' is not a ref in the sheet or in the framework",
        "line 7: due on '31/12/2030' is not a real date; write it as YYYY-MM-DD",
        "line 7: status 'on fire' is not one of: Proposed, Not started, In progress, Partially achieved, "
        "Achieved, Stalled, Abandoned, Unknown (a key or a label, in any case)",
        "line 8: the ref '1' is also on line 2",
    ]
    with pytest.raises(sheets.SheetRowsError) as e:
        p.document()
    assert str(e.value).splitlines()[0] == "bad.csv has 5 bad rows; nothing was imported."
    assert table_hash(store.path) == before


def test_loops_of_parents_are_row_errors_found_in_one_pass(store, tmp_path):
    """a -> b -> c -> a is reported on each of the three lines; a row whose parent is itself too."""
    path = write_csv(tmp_path / "loop.csv", ["ref", "title", "kind", "parent"],
                     [["a", "A", "goal", "c"], ["b", "B", "goal", "a"], ["c", "C", "goal", "b"],
                      ["d", "D", "goal", "d"], ["e", "E", "goal", "a"]])
    p = sheets.load(store, path, "Loops")
    assert p.errors == [f"line {n}: the parent '{par}' makes a loop: the item would be inside itself"
                        for n, par in ((2, "c"), (3, "a"), (4, "b"))] + ["line 5: the parent is the row's own ref"]


def test_a_parent_already_in_the_framework_is_found_by_its_ref(store, tmp_path):
    """A second sheet's rows may hang under items an earlier sheet imported."""
    import_sheet(store, write_csv(tmp_path / "goals.csv", ["ref", "title", "kind"], [["G1", "Goal one", "goal"]]))
    p, _ = import_sheet(store, write_csv(tmp_path / "t.csv", ["ref", "title", "kind", "parent"],
                                         [["T1", "Target one", "target", "G1"]]))
    items = {it["ref"]: it for it in framework_items(store, FW_TITLE)}
    assert p.count("add") == 1 and items["T1"]["parent_id"] == items["G1"]["id"]


def test_a_blank_parent_cell_moves_the_item_to_the_top_and_no_parent_column_keeps_it(store, tmp_path):
    """Like any other mapped field, a blank parent clears it; a sheet without the column leaves parents alone."""
    import_sheet(store, write_csv(tmp_path / "a.csv", ["ref", "title", "kind", "parent"],
                                  [["G1", "Goal one", "goal", ""], ["T1", "Target one", "target", "G1"],
                                   ["T2", "Target two", "target", "G1"]]))
    items = {it["ref"]: it for it in framework_items(store, FW_TITLE)}
    assert items["T1"]["parent_id"] == items["T2"]["parent_id"] == items["G1"]["id"]
    p, _ = import_sheet(store, write_csv(tmp_path / "b.csv", ["ref", "title", "parent"], [["T1", "Target one", ""]]))
    assert p.count("update") == 1
    p, _ = import_sheet(store, write_csv(tmp_path / "c.csv", ["ref", "title"], [["T2", "Target two, renamed"]]))
    assert p.count("update") == 1
    items = {it["ref"]: it for it in framework_items(store, FW_TITLE)}
    assert items["T1"]["parent_id"] is None
    assert (items["T2"]["parent_id"], items["T2"]["title"]) == (items["G1"]["id"], "Target two, renamed")


def test_more_than_fifty_bad_rows_are_counted_after_the_fiftieth(store, tmp_path):
    """60 bad rows: the message lists 50 and ends with 'and 10 more'."""
    path = write_csv(tmp_path / "many.csv", ["ref", "title", "kind"], [[str(n), "T", "wish"] for n in range(60)])
    with pytest.raises(sheets.SheetRowsError) as e:
        sheets.load(store, path, "Many").document()
    lines = str(e.value).splitlines()
    assert len(lines) == 52 and lines[1].startswith("line 2: kind 'wish'") and lines[-1] == "and 10 more"
    assert lines[50].startswith("line 51: ")


# -- undo ---------------------------------------------------------------------------------------------
def test_a_sheet_import_is_one_undoable_operation(store, tmp_path):
    """Through operations.ImportDocument, undo removes the items and the framework the sheet created."""
    path = write_csv(tmp_path / "u.csv", HEADER, rows_of_plan(3, 2))
    before = set(store.item_ids())
    n = store.count_items()
    p = sheets.load(store, path, "Undo me")
    out = ops.perform(store, ops.ImportDocument(p.document(), sheets.importer(path.name, p.lines()), "Import u.csv"))
    assert store.count_items() == n + 9
    ops.perform(store, out.inverse)
    assert store.count_items() == n and sheets.find_framework(store, "Undo me") is None
    assert set(store.item_ids()) == before


# -- the protective quote -----------------------------------------------------------------------------
@given(st.text(alphabet="'=+-@\t\rab", max_size=8))
def test_unquote_is_the_exact_inverse_of_neutralise(text):
    """Whatever the text, importing what export wrote gives the text back, and export never leaves a
    cell starting with a formula character."""
    assert sheets.unquote(sheets.neutralise(text)) == text
    assert sheets.neutralise(text)[:1] not in sheets.DANGEROUS


def test_only_the_protective_quote_is_removed(tmp_path):
    """'=1+1 loses its quote; 'hello, it's and a lone ' keep theirs."""
    assert [sheets.unquote(t) for t in ("'=1+1", "'-5", "'@home", "'hello", "it's", "'", "''=x")] == [
        "=1+1", "-5", "@home", "'hello", "it's", "'", "'=x"]


def test_a_csv_export_imported_again_keeps_no_protective_quote(empty_store, tmp_path):
    """Titles starting with = + - @ survive export and the `import` path's CSV reading unchanged."""
    titles = ["=SUM(A1:A3)", "+98 21 1234", "-5 percent of imports", "@ministry", "'=already quoted", "plain"]
    fw = {"id": "fw-q", "title": "Quotes"}
    jsonio.import_document(empty_store, {"format": jsonio.FORMAT, "version": jsonio.VERSION, "frameworks": [fw],
                                         "items": [{"id": f"q{n}", "framework_id": "fw-q", "ref": str(n),
                                                    "kind": "goal", "title": t} for n, t in enumerate(titles)]})
    exported = tmp_path / "out.csv"
    exported.write_text(csvio.export_csv(empty_store), encoding="utf-8")
    assert "'=SUM(A1:A3)" in exported.read_text(encoding="utf-8")  # export protects the spreadsheet
    doc = csvio.read_sheet(empty_store, exported)
    assert sorted(it["title"] for it in doc["items"]) == sorted(titles)
    s = sheets.read(exported)
    assert sorted(cells[s.header.index("title")] for _, cells in s.rows) == sorted(titles)


def test_csv_import_reports_every_bad_row_and_accepts_labels(empty_store, tmp_path):
    """The `import` path lists all its bad rows at once; 'Target' and 'Not started' are understood."""
    path = write_csv(tmp_path / "annex.csv", ["framework", "ref", "kind", "title", "status"],
                     [["Plan", "1", "Target", "Ports", "Not started"], ["Plan", "2", "wish", "Rail", ""],
                      ["", "3", "goal", "Roads", ""], ["Plan", "4", "goal", "", ""]])
    with pytest.raises(sheets.SheetRowsError) as e:
        csvio.read_sheet(empty_store, path)
    assert e.value.lines == [
        "line 3: kind 'wish' is not one of: Goal, Target, Proposal, Priority, Commitment, Indicator "
        "(a key or a label, in any case)",
        "line 4: the framework is empty",
        "line 5: title cannot be empty"]
    write_csv(path, ["framework", "ref", "kind", "title", "status"], [["Plan", "1", "Target", "Ports", "Not started"]])
    csvio.import_csv(empty_store, path)
    row = empty_store.get_item(empty_store.item_ids()[0])
    assert (row["kind"], row["status"]) == ("target", "not_started")


def test_csv_import_refuses_columns_it_does_not_know_naming_them(empty_store, tmp_path):
    """An unknown column is one sentence naming it (it was silently dropped); export's own columns read back."""
    path = write_csv(tmp_path / "annex.csv", ["framework", "ref", "kind", "title", "Budget", "Owner", ""],
                     [["Plan", "1", "goal", "Ports", "12", "MoRT", ""]])
    with pytest.raises(ValidationError) as e:
        csvio.read_sheet(empty_store, path)
    assert str(e.value) == ("annex.csv has columns this import does not know (“Budget”, “Owner”, a blank heading): "
                            "rename or remove them, or use import-sheet, whose --map says which field each column "
                            "fills.")
    assert empty_store.count_items() == 0
    write_csv(path, csvio.columns(), [])  # the header export writes, derived values included, is accepted
    csvio.import_csv(empty_store, path)
    assert empty_store.count_items() == 0


def test_a_status_changed_in_the_sheet_moves_by_a_dated_update(store, tmp_path):
    """Re-importing with another status adds one dated update (as the window does) and moves the status."""
    path = write_csv(tmp_path / "s.csv", ["ref", "title", "kind", "status"], [["1", "Ports", "goal", "proposed"]])
    import_sheet(store, path, "Statuses")
    write_csv(path, ["ref", "title", "kind", "status"], [["1", "Ports", "goal", "Achieved"]])
    p, report = import_sheet(store, path, "Statuses")
    (item,) = framework_items(store, "Statuses")
    updates = store.status_updates_for_item(item["id"])
    assert p.rows[0].changed == ["status"] and item["status"] == "achieved"
    assert [(u["status"], u["as_of"], u["note"]) for u in updates] == [
        ("achieved", dt.date.today().isoformat(), "Status set by importing s.csv.")]


# -- files that are not what they claim ---------------------------------------------------------------
def test_a_semicolon_sheet_is_read_and_a_bom_is_ignored(store, tmp_path):
    """A sheet saved with ; between cells (and a UTF-8 byte order mark) reads like a comma one."""
    path = tmp_path / "semi.csv"
    path.write_bytes("\ufeffref;title;kind\r\n1;بندر;goal\r\n".encode())
    s = sheets.read(path)
    assert (s.header, s.rows) == (["ref", "title", "kind"], [(2, ["1", "بندر", "goal"])])


@pytest.mark.parametrize("name,content,message", [
    ("fake.xlsx", b"PK\x03\x04 not really a zip", "fake.xlsx is not an XLSX workbook (it is damaged, or another kind "
                                                  "of file)."),
    ("text.xlsx", b"ref,title\n1,a\n", "text.xlsx is not an XLSX workbook (it is damaged, or another kind of file)."),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old.xls is not a CSV or XLSX file; save it as .xlsx or .csv first."),
    ("book.csv", b"PK\x03\x04", "book.csv is a zipped file (an Excel workbook?); name it .xlsx or save it as CSV."),
    ("wide.csv", b"\xff\xfer\x00e\x00f\x00", "wide.csv is UTF-16 or binary; save it as UTF-8 CSV."),
    ("empty.csv", b"", "empty.csv is empty; its first row must name the columns."),
])
def test_files_that_are_not_sheets_are_one_sentence(tmp_path, name, content, message):
    """A damaged workbook, an old .xls, a zip named .csv, UTF-16 and an empty file are each refused in one sentence."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError) as e:
        sheets.read(path)
    assert str(e.value) == message


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    """The unpacked size is checked from the zip's directory, before openpyxl reads a byte of XML."""
    path = write_xlsx(tmp_path / "bomb.xlsx", ["ref"], [["1"]] * 50)
    monkeypatch.setattr(sheets, "MAX_UNZIPPED", 1_000)
    with pytest.raises(ValidationError, match=r"^bomb\.xlsx unpacks to 0 MB; the limit is 0 MB\.$"):
        sheets.read(path)


def test_an_empty_framework_title_is_refused(store, tmp_path):
    """--framework '  ' is one sentence, not a new framework with no name."""
    s = sheets.read(write_csv(tmp_path / "x.csv", ["ref", "title", "kind"], [["1", "a", "goal"]]))
    with pytest.raises(ValidationError) as e:
        sheets.plan(store, s, sheets.mapping(s.header), "  ")
    assert str(e.value) == "The framework's title is empty; name the framework the rows go into."
