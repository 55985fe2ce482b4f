"""The crosswalk of two frameworks: the seeded relations in their cells, its CSV/XLSX export and command."""
import csv
import io
import tomllib

import openpyxl
import pytest

from app import cli
from app.exchange import crosswalk_export
from app.paths import SEEDS_DIR
from app.store.crosswalk_queries import crosswalk, tree_items

ALMATY = "Almaty Digital 2025: Iran's five proposals for EAEU digital cooperation"
TOKYO = "Tokyo Statement (APT Ministerial Meeting 2025): six strategic priorities"


def _seeded_pairs(fw_a: str, fw_b: str) -> dict[tuple[str, str], set[str]]:
    """{(A's ref, B's ref): kinds} of the relations curated.toml draws between two frameworks' items."""
    cur = tomllib.loads((SEEDS_DIR / "curated.toml").read_text(encoding="utf-8"))
    items = {i["key"]: i for i in cur["items"]}
    out: dict[tuple[str, str], set[str]] = {}
    for r in cur["relations"]:
        a, b = items[r["from"]], items[r["to"]]
        if (a["framework"], b["framework"]) == (fw_b, fw_a):
            a, b = b, a
        if (a["framework"], b["framework"]) == (fw_a, fw_b):
            out.setdefault((a["ref"], b["ref"]), set()).add(r["kind"])
    return out


def _framework(store, title):
    return next(f for f in store.list_frameworks() if f["title"] == title)


def test_almaty_against_tokyo_holds_exactly_the_seeded_relations(store):
    """Every cell of Almaty x Tokyo is the seeded relations between the two items: 4 linked pairs, the rest empty."""
    cw = crosswalk(store.conn, _framework(store, ALMATY), _framework(store, TOKYO))
    got = {(r["ref"], c["ref"]): {x["kind"] for x in cw.relations(r["id"], c["id"])}
           for r in cw.rows for c in cw.cols if cw.relations(r["id"], c["id"])}
    expected = _seeded_pairs("almaty-2025", "tokyo-2025")
    assert len(expected) == 4
    assert got == expected
    assert (len(cw.rows), len(cw.cols)) == (5, 7)


def test_either_direction_lands_in_the_same_cell(store):
    """Swapping the frameworks transposes the matrix: the same 4 pairs, read the other way round."""
    cw = crosswalk(store.conn, _framework(store, TOKYO), _framework(store, ALMATY))
    got = {(r["ref"], c["ref"]) for r in cw.rows for c in cw.cols if cw.relations(r["id"], c["id"])}
    assert got == {(b, a) for a, b in _seeded_pairs("almaty-2025", "tokyo-2025")}


def test_tree_order_puts_each_parent_before_its_children_refs_as_numbers(store):
    """Tokyo's statement item comes first at depth 0, then its priorities 1..6 at depth 1."""
    rows = tree_items(store.conn, _framework(store, TOKYO)["id"])
    assert [(r["ref"], r["depth"]) for r in rows] == [("TS", 0)] + [(str(n), 1) for n in range(1, 7)]


def test_export_table_first_row_first_column_and_cells(store):
    """The table's header row is B's items as "ref title", the first column A's, cells the kind keys."""
    cw = crosswalk(store.conn, _framework(store, ALMATY), _framework(store, TOKYO))
    t = crosswalk_export.table(cw)
    assert t[0][1:] == [f"{c['ref']} {c['title']}" for c in cw.cols]
    assert [row[0] for row in t[1:]] == [f"{r['ref']} {r['title']}" for r in cw.rows]
    cells = {(t[0][x].split()[0], t[y][0].split()[0]): t[y][x]
             for y in range(1, len(t)) for x in range(1, len(t[0])) if t[y][x]}
    assert cells == {("1", "1"): "aligns_with", ("3", "2"): "aligns_with", ("6", "3"): "aligns_with",
                     ("2", "5"): "aligns_with"}


def test_two_kinds_in_one_cell_are_joined_by_semicolon(store):
    """A second relation (Tokyo 1 supports Almaty 1, the other way) makes the cell "aligns_with; supports"."""
    from app.services import editing
    cw = crosswalk(store.conn, _framework(store, ALMATY), _framework(store, TOKYO))
    a1 = next(r for r in cw.rows if r["ref"] == "1")
    t1 = next(c for c in cw.cols if c["ref"] == "1")
    editing.add_relation(store, t1["id"], a1["id"], "supports", "")
    cw = crosswalk(store.conn, _framework(store, ALMATY), _framework(store, TOKYO))
    assert crosswalk_export.cell_text(cw, a1["id"], t1["id"]) == "aligns_with; supports"


def test_command_writes_csv(seeded_path, tmp_path, capsys):
    """`crosswalk ALMATY TOKYO -o x.csv` (by title) writes the 6 x 8 table with the 4 linked cells."""
    out = tmp_path / "x.csv"
    assert cli.main(["crosswalk", ALMATY, TOKYO.upper(), "-o", str(out), "--db", str(seeded_path)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert (len(rows), len(rows[0])) == (6, 8)
    assert sum(1 for row in rows[1:] for v in row[1:] if v) == 4
    assert rows[1][2] == "aligns_with" and rows[1][0] == "1 Connect communication infrastructure"
    assert "4 linked pairs" in capsys.readouterr().err


def test_command_writes_xlsx_with_the_same_cells(seeded_path, tmp_path):
    """--format xlsx writes a workbook whose cells are the CSV's, all text."""
    out = tmp_path / "x.xlsx"
    assert cli.main(["crosswalk", ALMATY, TOKYO, "--format", "xlsx", "-o", str(out), "--db", str(seeded_path)]) == 0
    ws = openpyxl.load_workbook(out).active
    values = [[c.value or "" for c in row] for row in ws.iter_rows()]
    csv_out = tmp_path / "x.csv"
    assert cli.main(["crosswalk", ALMATY, TOKYO, "-o", str(csv_out), "--db", str(seeded_path)]) == 0
    assert values == list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("args, message", [
    (["nowhere", TOKYO, "-o", "{tmp}/x.csv"], "No framework has the id or title “nowhere”"),
    ([TOKYO, TOKYO, "-o", "{tmp}/x.csv"], "are the same framework"),
    ([ALMATY, TOKYO, "--format", "xlsx", "-o", "{tmp}/x.csv"], "needs a file name ending in .xlsx"),
    ([ALMATY, TOKYO, "-o", "/dev/full"], "/dev/full is a device, not a file"),
    ([ALMATY, TOKYO, "-o", "{tmp}/missing/x.csv"], "does not exist"),
])
def test_command_refuses_bad_input_in_one_sentence(seeded_path, tmp_path, capsys, args, message):
    """Each bad input: exit 1, one line on stderr naming what is wrong, no file written."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert cli.main(["crosswalk", *args, "--db", str(seeded_path)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_csv_cells_that_look_like_formulas_are_neutralised(store, tmp_path):
    """An item titled "=HYPERLINK(...)" is written with a leading ' in the CSV."""
    from app.services import editing
    fw = _framework(store, TOKYO)
    item = next(r for r in tree_items(store.conn, fw["id"]) if r["ref"] == "TS")
    editing.update_item(store, item["id"], {"ref": "=1+1"}, store.get_item(item["id"])["version"])
    cw = crosswalk(store.conn, _framework(store, ALMATY), fw)
    text = crosswalk_export.to_csv(cw)
    assert "'=1+1 Adopt" in text


def test_formats_agree_with_the_exporter():
    """The command's --format choices are the exporter's formats (kept apart so `app.cli` starts light)."""
    from app.exchange import crosswalk_commands
    assert crosswalk_commands.FORMATS == crosswalk_export.FORMATS == ("csv", "xlsx")
