"""Kill-at-a-point scenarios: each runs a writer in a child, SIGKILLs it where told, then checks
the file (shared by tests/robustness/test_kill.py with a few points and tests/soak with all)."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

from robust_docgen import check_file, make_document
from robust_harness import Child

from app.paths import MIGRATIONS_DIR
from app.store import db as dbmod
from app.store.backups import list_backups

HEAVY_MIGRATION = """\
CREATE TABLE bulk (n INTEGER PRIMARY KEY, label TEXT NOT NULL);
INSERT INTO bulk (n, label)
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 60000)
  SELECT x, 'row ' || x FROM c;
CREATE INDEX bulk_label ON bulk(label);
ALTER TABLE items ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
UPDATE items SET priority = length(title);
"""


def write_doc(folder: Path, n_items: int) -> Path:
    path = folder / f"doc-{n_items}.json"
    if not path.exists():
        path.write_text(json.dumps(make_document(n_items), ensure_ascii=False), encoding="utf-8")
    return path


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def import_killed_at(db: Path, doc: Path, point, n_items: int) -> None:
    """Kill an import of n_items at pause `point` (1-based, or "after-commit"): all or nothing."""
    before = _count(db, "SELECT count(*) FROM items")
    child = Child("import", db, doc)
    child.until(lambda ln: ln == "ready")
    if point == "after-commit":
        child.until(lambda ln: (ln.startswith("pause") and child.go()) or ln.startswith("committed"))
        child.until(lambda ln: ln == "pause after-commit")
    else:
        child.run_to_pause(point)
    child.kill()
    assert check_file(db) == []
    after = _count(db, "SELECT count(*) FROM items")
    expected = before + n_items if point == "after-commit" else before
    assert after == expected, f"import killed at {point}: {after} items, expected {expected} (all or nothing)"
    assert _count(db, "SELECT count(*) FROM citations WHERE item_id NOT IN (SELECT id FROM items)") == 0


def migrations_dir(tmp: Path) -> Path:
    d = tmp / "migrations"
    if not d.exists():
        shutil.copytree(MIGRATIONS_DIR, d)
        (d / f"{dbmod.latest_version() + 1:04d}_heavy.sql").write_text(HEAVY_MIGRATION, encoding="utf-8")
    return d


def migration_killed_at(db: Path, mig: Path, point, how: str = "trace") -> None:
    """Kill a migration at pause `point` (a number, "COMMIT" = just before it, or "after-commit")."""
    old = _count(db, "PRAGMA user_version")
    child = Child("migrate", db, mig, how)
    child.until(lambda ln: ln == "ready")
    if point == "COMMIT":
        child.until(lambda ln: ln == "pause COMMIT" or (ln.startswith("pause") and child.go()))
    elif point == "after-commit":
        child.until(lambda ln: ln == "pause after-commit" or (ln.startswith("pause") and child.go()))
    else:
        child.run_to_pause(point)
    child.kill()
    assert check_file(db) == []
    version = _count(db, "PRAGMA user_version")
    tables = _count(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('bulk', 'bulk_label')")
    cols = _count(db, "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'priority'")
    if point == "after-commit":
        assert version == old + 1 and tables == 2 and cols == 1
        assert _count(db, "SELECT count(*) FROM bulk") == 60000
    else:
        assert (version, tables, cols) == (old, 0, 0), f"migration killed at {point} left part of its work"


def edits_killed_after(db: Path, lines: int, count: int = 400) -> int:
    """Kill a burst of edits after `lines` committed lines; every reported change must be there."""
    child = Child("edits", db, count, "k")
    child.until(lambda ln: ln == "ready")
    reported = [child.until(lambda ln: ln.startswith(("committed", "error", "done"))) for _ in range(lines)]
    child.kill()
    assert not [ln for ln in reported if ln.startswith("error")], reported
    assert check_file(db) == []
    conn = sqlite3.connect(str(db))
    try:
        last_desc: dict[str, int] = {}
        for ln in reported:
            if not ln.startswith("committed"):
                continue
            _, what, ident, value = ln.split(" ", 3)
            if what == "create":
                assert conn.execute("SELECT title FROM items WHERE id = ?", (ident,)).fetchone() == (value,)
            elif what == "update":
                assert conn.execute("SELECT note FROM status_updates WHERE id = ?", (ident,)).fetchone() == (value,)
            else:
                last_desc[ident] = int(value.rsplit("-", 1)[1])
        for iid, n in last_desc.items():
            desc = conn.execute("SELECT description FROM items WHERE id = ?", (iid,)).fetchone()[0]
            m = re.fullmatch(r"k-desc-(\d+)", desc)
            assert m and int(m.group(1)) >= n, f"a committed description of {iid} was lost ({desc!r} < {n})"
    finally:
        conn.close()
    return len(reported)


def backup_killed_at(db: Path, point: int) -> None:
    """Kill a backup part-way: the database is untouched and no half backup is ever listed."""
    from app.store.backups import new_backup_path
    dest = new_backup_path(db)
    child = Child("backup", db, dest)
    child.until(lambda ln: ln == "ready")
    child.run_to_pause(point)
    child.kill()
    assert check_file(db) == []
    assert not dest.exists()
    assert list_backups(db) == []
