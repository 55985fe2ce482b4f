"""audit_log.author: every row of a write carries who made it; older rows and other programs' keep NULL."""
import shutil
import sqlite3
from pathlib import Path

from app import cli
from app.services import editing
from app.store import migrator
from app.store.store import Store

RELEASE_DB = Path(__file__).resolve().parents[1] / "data" / "release-0.1.sqlite"


def _authors_after(store, since):
    return [r[0] for r in store.conn.execute("SELECT author FROM audit_log WHERE id > ? ORDER BY id", (since,))]


def test_rows_of_a_write_carry_the_stores_author(store):
    """A framework made with author "Sara Ahmadi" writes one audit row, stamped with her name."""
    before = store.audit_position()
    store.author = "Sara Ahmadi"
    with store.write():
        editing.create_framework(store, "Dashboard test", None, "")
    assert _authors_after(store, before) == ["Sara Ahmadi"]


def test_nested_writes_and_several_rows_are_all_stamped(store):
    """A write that nests a savepoint and touches two tables stamps every row it wrote (3 rows)."""
    before = store.audit_position()
    store.author = "سارا"
    with store.write():
        fid, _ = editing.create_framework(store, "One", None, "")
        with store.write():
            editing.create_framework(store, "Two", None, "")
        editing.create_framework(store, "Three", None, "")
    assert _authors_after(store, before) == ["سارا", "سارا", "سارا"]
    assert fid


def test_no_author_records_null_and_earlier_rows_are_left_alone(store):
    """Seeded rows (written with no author) stay NULL when a later write names an author."""
    seeded = store.audit_position()
    assert store.conn.execute("SELECT count(*) FROM audit_log WHERE author IS NOT NULL").fetchone()[0] == 0
    store.author = ""
    with store.write():
        editing.create_framework(store, "Anonymous", None, "")
    store.author = "B"
    with store.write():
        editing.create_framework(store, "Named", None, "")
    assert _authors_after(store, seeded) == [None, "B"]
    assert store.conn.execute("SELECT count(*) FROM audit_log WHERE author IS NULL").fetchone()[0] == seeded + 1


def test_a_rolled_back_write_leaves_no_stamp(store):
    """A write that fails leaves neither its rows nor an author behind."""
    before = store.audit_position()
    store.author = "C"
    try:
        with store.write():
            editing.create_framework(store, "Lost", None, "")
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert _authors_after(store, before) == []


def test_another_programs_rows_keep_null(store, seeded_path):
    """A row written by plain sqlite3 (another program) has no author, even after our next write."""
    store.author = "D"
    other = sqlite3.connect(seeded_path)
    other.execute("UPDATE frameworks SET description = 'x' WHERE id = (SELECT min(id) FROM frameworks)")
    other.commit()
    other.close()
    mark = store.audit_position() - 1
    with store.write():
        editing.create_framework(store, "Ours", None, "")
    assert _authors_after(store, mark) == [None, "D"]


def test_command_line_records_the_analyst_from_the_environment(seeded_path, monkeypatch, capsys):
    """`framework add` with POLICY_TRACKER_ANALYST=Reza records "Reza" as the author of its row."""
    monkeypatch.setenv("POLICY_TRACKER_ANALYST", "Reza")
    with Store(seeded_path) as s:
        before = s.audit_position()
    assert cli.main(["framework", "add", "From the CLI", "--db", str(seeded_path)]) == 0
    with Store(seeded_path) as s:
        assert _authors_after(s, before) == ["Reza"]


def test_upgraded_release_0_1_file_keeps_its_audit_rows_with_unknown_author(tmp_path):
    """Every audit row of the 0.1 file is kept after the upgrade, each with author NULL ("unknown")."""
    dest = tmp_path / "old.sqlite"
    shutil.copyfile(RELEASE_DB, dest)
    c = sqlite3.connect(f"{RELEASE_DB.resolve().as_uri()}?mode=ro", uri=True)
    old = c.execute("SELECT id, at, action, table_name, row_id, summary FROM audit_log ORDER BY id").fetchall()
    c.close()
    with Store(dest) as s:
        assert s.schema_version() == migrator.latest_version()
        rows = s.conn.execute("SELECT id, at, action, table_name, row_id, summary, author FROM audit_log "
                              "WHERE id <= ? ORDER BY id", (old[-1][0],)).fetchall()
    assert [tuple(r)[:6] for r in rows] == old
    assert {r[6] for r in rows} == {None}


def test_import_sheet_records_the_analyst_too(seeded_path, monkeypatch, tmp_path):
    """import-sheet opens the file itself: its rows are stamped like every other command's."""
    monkeypatch.setenv("POLICY_TRACKER_ANALYST", "Leila")
    sheet = tmp_path / "annex.csv"
    sheet.write_text("ref,title,kind\r\nA1,Ports,goal\r\nA2,Rail,goal\r\n", encoding="utf-8")
    with Store(seeded_path) as s:
        before = s.audit_position()
    assert cli.main(["import-sheet", str(sheet), "--framework", "Annex", "--db", str(seeded_path)]) == 0
    with Store(seeded_path) as s:
        authors = _authors_after(s, before)
    assert len(authors) == 3 and set(authors) == {"Leila"}  # the new framework and its two items
