"""A database file whose schema differs from what this release makes is refused before anything of it runs."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app import cli
from app.store import db as dbmod
from app.store import migrator
from app.store.store import Store

EVIL = ("CREATE TRIGGER rewrite_notes AFTER INSERT ON status_updates BEGIN "
        "UPDATE status_updates SET note = 'rewritten' WHERE id = new.id; END")
PWN = "CREATE TRIGGER evil AFTER INSERT ON status_updates BEGIN UPDATE items SET title='pwned'; END"


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _craft(path: Path, *statements: str) -> str:
    c = sqlite3.connect(path)
    for s in statements:
        c.execute(s)
    c.commit()
    c.execute("PRAGMA journal_mode = DELETE")
    c.close()
    return _sha(path)


def test_committed_schemas_are_what_the_steps_make():
    """db/schema/NNNN.json agree with the migrations (rewrite them with --write-schemas after adding a step)."""
    for step in migrator.migrations():
        saved = json.loads((migrator.SCHEMA_DIR / f"{step.version:04d}.json").read_text(encoding="utf-8"))
        conn = sqlite3.connect(":memory:", isolation_level=None)
        migrator.migrate(conn, step.version)
        assert [tuple(e) for e in saved["entries"]] == migrator.schema_entries(conn), step.path.name
        assert [tuple(x) for x in saved["steps"]] == [(s.version, s.sha256) for s in migrator.migrations()
                                                      if s.version <= step.version]
        conn.close()


@pytest.mark.parametrize("trigger, name", [(EVIL, "rewrite_notes"), (PWN, "evil")])
def test_a_file_with_an_extra_trigger_is_refused_untouched(seeded_path, trigger, name):
    """Opening a file with a trigger of its own refuses it in one sentence, byte for byte unchanged."""
    before = _craft(seeded_path, trigger)
    with pytest.raises(dbmod.DatabaseOpenError) as e:
        Store(seeded_path)
    assert str(e.value) == (f"{seeded_path} has a trigger '{name}' on status_updates that this version of "
                            f"Policy Tracker did not create, so it was not opened and nothing in it ran; it was "
                            f"left exactly as it is.")
    assert _sha(seeded_path) == before
    assert not Path(f"{seeded_path}-wal").exists()


def test_check_refuses_the_crafted_file(seeded_path, capsys):
    """`policy-tracker check` says what is foreign and exits 1, never 'sound'."""
    _craft(seeded_path, EVIL)
    assert cli.main(["check", "--db", str(seeded_path)]) == 1
    err = capsys.readouterr()
    assert "has a trigger 'rewrite_notes' on status_updates that this version of Policy Tracker did not create" \
        in err.err
    assert "sound" not in err.out


def test_restore_refuses_a_crafted_backup(seeded_path, tmp_path):
    """A backup with a trigger of its own is not restored; the current file stays as it was."""
    from app.services.backups import restore_backup
    from app.store.backups import BackupError
    crafted = tmp_path / "seeded.sqlite.backups"
    crafted.mkdir()
    bak = crafted / "seeded-20260101-000000.sqlite"
    shutil.copyfile(seeded_path, bak)
    _craft(bak, EVIL)
    before = _sha(seeded_path)
    with pytest.raises(BackupError, match="has a trigger 'rewrite_notes' on status_updates .* nothing was restored"):
        restore_backup(bak, seeded_path)
    assert _sha(seeded_path) == before


@pytest.mark.parametrize("statement, what", [
    ("CREATE VIEW spy AS SELECT * FROM items", "a view 'spy' that this version"),
    ("CREATE INDEX extra ON items(title)", "an index 'extra' on items that this version"),
    ("CREATE TABLE stash (x)", "a table 'stash' that this version"),
    ("DROP TRIGGER items_audit_update", "no trigger 'items_audit_update', which this version of Policy Tracker "
                                        "creates"),
])
def test_other_foreign_objects_are_refused(seeded_path, statement, what):
    """Extra views, indexes and tables, and a missing trigger, are refused the same way."""
    before = _craft(seeded_path, statement)
    with pytest.raises(dbmod.DatabaseOpenError, match=what):
        Store(seeded_path)
    assert _sha(seeded_path) == before


def test_a_changed_trigger_body_is_refused(seeded_path):
    """Our trigger's name with another body is not ours."""
    _craft(seeded_path, "DROP TRIGGER items_audit_update",
           "CREATE TRIGGER items_audit_update AFTER UPDATE ON items BEGIN SELECT 1; END")
    with pytest.raises(dbmod.DatabaseOpenError, match="a trigger 'items_audit_update' that differs from the one"):
        Store(seeded_path)


def test_statistics_from_analyze_are_fine(seeded_path):
    """sqlite_stat1, written by ANALYZE or PRAGMA optimize in any tool, is SQLite's own."""
    _craft(seeded_path, "ANALYZE")
    with Store(seeded_path) as s:
        assert s.count_items() == 27


def test_the_release_0_1_file_has_exactly_its_schema(tmp_path):
    """The committed 0.1 file passes the check at its version and opens (and upgrades)."""
    src = Path(__file__).parents[1] / "data" / "release-0.1.sqlite"
    c = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    assert migrator.schema_differences(c, 1) == []
    c.close()
    copy = tmp_path / "old.sqlite"
    shutil.copyfile(src, copy)
    with Store(copy) as s:
        assert s.schema_version() == migrator.latest_version()
