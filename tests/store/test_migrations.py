"""Migrations: applied in order by user_version, one transaction each; newer files refused untouched."""
import hashlib
import shutil
import sqlite3

import pytest

from app.paths import MIGRATIONS_DIR
from app.store import db as dbmod
from app.store import migrator
from app.store.store import Store


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_gets_latest_schema_and_connection_rules(tmp_path):
    """A new file is migrated to the latest version with FK, WAL, FULL sync and a busy timeout."""
    with Store(tmp_path / "new.sqlite") as s:
        c = s.conn
        assert s.schema_version() == dbmod.latest_version()
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert (tmp_path / "new.sqlite").stat().st_mode & 0o777 == 0o600


def test_schema_has_the_tables_other_tools_expect(store):
    """sqlite-utils sees the main tables and their full-text indexes."""
    names = set(store.db.table_names())
    for t in ("sources", "frameworks", "items", "citations", "status_updates", "targets", "observations",
              "relations", "statuses", "audit_log", "items_fts", "status_updates_fts", "sources_fts"):
        assert t in names
    assert store.db["items"].detect_fts() == "items_fts"
    assert {s["key"] for s in store.statuses()} >= {"proposed", "not_started", "in_progress", "partially_achieved",
                                                    "achieved", "stalled", "abandoned", "unknown"}


def test_newer_file_is_refused_and_left_byte_identical(empty_path):
    """A file with a higher user_version is refused with a clear message and not modified."""
    conn = sqlite3.connect(empty_path)
    conn.execute(f"PRAGMA user_version = {dbmod.latest_version() + 5}")
    conn.close()
    before = _sha(empty_path)
    with pytest.raises(dbmod.SchemaTooNewError, match="newer Policy Tracker"):
        Store(empty_path)
    assert _sha(empty_path) == before


def test_not_a_database_is_refused_untouched(tmp_path):
    """A text file given as database is refused in one sentence, unchanged."""
    p = tmp_path / "notes.sqlite"
    p.write_text("hello, this is not sqlite\n" * 100)
    before = _sha(p)
    with pytest.raises(dbmod.DatabaseOpenError, match="not a Policy Tracker database"):
        Store(p)
    assert _sha(p) == before


def test_foreign_sqlite_file_is_refused(tmp_path):
    """Another program's SQLite file is not adopted and changed."""
    p = tmp_path / "other.sqlite"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()
    before = _sha(p)
    with pytest.raises(dbmod.DatabaseOpenError, match="not a Policy Tracker database"):
        Store(p)
    assert _sha(p) == before


def _migrations_with(tmp_path, extra_sql):
    d = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, d)
    (d / "0002_extra.sql").write_text(extra_sql)
    return d


def test_upgrade_backs_up_first_and_applies_in_one_transaction(empty_path, tmp_path, monkeypatch):
    """An older file is copied with the backup API before it is migrated forward."""
    monkeypatch.setattr(migrator, "MIGRATIONS_DIR", _migrations_with(tmp_path, "CREATE TABLE extra (x TEXT);\n"))
    with Store(empty_path) as s:
        assert s.schema_version() == 2
        assert s.migration_backup is not None and s.migration_backup.exists()
        assert "extra" in s.db.table_names()
    old = sqlite3.connect(s.migration_backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old.close()


def test_failed_migration_leaves_nothing_half_done(empty_path, tmp_path, monkeypatch):
    """A migration that fails part-way is rolled back whole; the file stays at its old version."""
    monkeypatch.setattr(migrator, "MIGRATIONS_DIR", _migrations_with(
        tmp_path, "CREATE TABLE half (x TEXT);\nINSERT INTO no_such_table VALUES (1);\n"))
    with pytest.raises(sqlite3.OperationalError):
        Store(empty_path)
    c = sqlite3.connect(empty_path)
    assert c.execute("PRAGMA user_version").fetchone()[0] == 1
    assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0
    c.close()


def test_split_statements_keeps_trigger_bodies_whole():
    """The migration splitter never cuts a trigger at its inner semicolons."""
    sql = "CREATE TABLE a (x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n-- end\n"
    parts = dbmod.split_statements(sql)
    assert len(parts) == 2 and parts[1].endswith("END;")
