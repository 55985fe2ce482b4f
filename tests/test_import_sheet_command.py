"""`policy-tracker import-sheet`: a CSV or XLSX sheet into one framework from the command line, all or nothing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.store.store import Store

if str(Path(__file__).resolve().parent / "exchange") not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "exchange"))
from test_sheets import FW_TITLE, HEADER, rows_of_plan, table_hash, write_csv, write_xlsx  # noqa: E402


def main(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def counts(db: Path, framework: str) -> tuple[int, int]:
    """(frameworks titled so, items in them)."""
    with Store(db) as s:
        fids = [f["id"] for f in s.list_frameworks() if f["title"] == framework]
        return len(fids), len(s.item_ids(framework_ids=fids)) if fids else 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_plan_of_300_rows_imports_and_a_second_run_updates_nothing(seeded_path, tmp_path, capsys, kind):
    """The framework is created with its 300 items; the same sheet again adds none and duplicates none."""
    path = (write_csv if kind == "csv" else write_xlsx)(tmp_path / f"annex.{kind}", HEADER, rows_of_plan())
    code, out, err = main(capsys, "import-sheet", path, "--framework", FW_TITLE, "--db", seeded_path)
    assert (code, err) == (0, "")
    assert out == f"Imported annex.{kind} into “{FW_TITLE}” (a new framework). Added 1 frameworks, 300 items.\n"
    assert counts(seeded_path, FW_TITLE) == (1, 300)
    code, out, err = main(capsys, "import-sheet", path, "--framework", FW_TITLE, "--db", seeded_path)
    assert (code, out, err) == (0, f"Imported annex.{kind} into “{FW_TITLE}”. Nothing new to add.\n", "")
    assert counts(seeded_path, FW_TITLE) == (1, 300)


def test_bad_rows_are_all_listed_on_stderr_and_nothing_is_written(seeded_path, tmp_path, capsys):
    """Three bad rows: exit 1, each as `line N: ...` on stderr, and every table as it was."""
    rows = rows_of_plan(2, 2)  # lines 2..7: 1.1, 1.2, 1, 2.1, 2.2, 2
    rows[1][2] = "wish"        # line 3
    rows[3][3] = "7"           # line 5: a parent no row has
    rows[5][1] = ""            # line 7: no title
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    before = table_hash(seeded_path)
    code, out, err = main(capsys, "import-sheet", path, "--framework", "Plan", "--db", seeded_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "policy-tracker: bad.csv has 3 bad rows; nothing was imported.",
        "line 3: kind 'wish' is not one of: Goal, Target, Proposal, Priority, Commitment, Indicator "
        "(a key or a label, in any case)",
        "line 5: the parent '7' is not a ref in the sheet or in the framework",
        "line 7: title cannot be empty"]
    assert table_hash(seeded_path) == before


def test_dry_run_prints_what_would_change_and_writes_nothing(seeded_path, tmp_path, capsys):
    """--dry-run names the new framework and every row it would add; the file is untouched."""
    path = write_csv(tmp_path / "d.csv", ["ref", "title", "kind", "parent"],
                     [["1.1", "Sub", "Target", "1"], ["1", "Top", "goal", ""]])
    before = table_hash(seeded_path)
    code, out, err = main(capsys, "import-sheet", path, "--framework", "Dry", "--db", seeded_path, "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Dry run (nothing was written). The framework “Dry” would be created; 2 item(s) would be added, 0 updated "
        "and 0 left unchanged.",
        "  add     line 2: 1.1 Sub",
        "  add     line 3: 1 Top"]
    assert table_hash(seeded_path) == before


def test_map_and_an_unknown_column_warning(seeded_path, tmp_path, capsys):
    """--map ref=Code title=Name reads those columns; 'Budget' is named in one warning, and the rows import."""
    path = write_csv(tmp_path / "m.csv", ["Code", "Name", "Type", "Budget"],
                     [["A", "Ports", "Target", "5"], ["B", "Rail", "goal", "6"]])
    code, out, err = main(capsys, "import-sheet", path, "--framework", "Mapped", "--map", "ref=Code",
                          "--map", "title=Name", "--map", "kind=Type", "--db", seeded_path)
    assert code == 0
    assert err == ("policy-tracker: warning: This column was not imported, as no field has that name: 'Budget' "
                   "(map one with --map FIELD=COLUMN).\n")
    assert counts(seeded_path, "Mapped") == (1, 2)


def test_an_xlsx_sheet_by_name_and_a_missing_sheet(seeded_path, tmp_path, capsys):
    """--sheet reads the named sheet; a sheet the workbook lacks is one sentence and exit 1."""
    path = write_xlsx(tmp_path / "w.xlsx", ["ref", "title", "kind"], [["1", "هدف", "goal"]], sheet="Goals",
                      first="Cover")
    code, _, err = main(capsys, "import-sheet", path, "--framework", "W", "--sheet", "Goals", "--db", seeded_path)
    assert (code, err) == (0, "") and counts(seeded_path, "W") == (1, 1)
    code, _, err = main(capsys, "import-sheet", path, "--framework", "W", "--sheet", "Nope", "--db", seeded_path)
    assert (code, err) == (1, "policy-tracker: w.xlsx has no sheet named 'Nope'; its sheets are 'Cover', 'Goals'.\n")


def test_the_installed_command_exits_1_without_a_traceback(seeded_path, tmp_path):
    """Run as a program: a missing file is one sentence on stderr and exit code 1."""
    env = {k: val for k, val in os.environ.items() if k != "QT_QPA_PLATFORM"}
    r = subprocess.run([sys.executable, "-m", "app.cli", "import-sheet", str(tmp_path / "none.csv"), "--framework",
                        "X", "--db", str(seeded_path)], capture_output=True, text=True, env=env, timeout=120)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == f"policy-tracker: {tmp_path / 'none.csv'} does not exist.\n"
