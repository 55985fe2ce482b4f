"""Two processes on one file: no "database is locked" reaches a person, no write is lost, and a
stale save of the same item is refused with a message showing the other change."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from robust_docgen import check_file

from app.core.model import ConflictError
from app.services import editing
from app.store.store import Store

SQLITE_UTILS = Path(sys.executable).with_name("sqlite-utils")


def test_two_processes_and_sqlite_utils_write_at_once_without_loss(seeded_path, spawn):
    """Two app processes creating items while sqlite-utils inserts rows: every write lands, none is refused."""
    n = 120
    a, b = spawn("hammer", seeded_path, n, "A"), spawn("hammer", seeded_path, n, "B")
    for c in (a, b):
        c.until(lambda ln: ln.startswith("pause ready"))
    a.go()
    b.go()
    for batch in range(4):
        rows = "\n".join(json.dumps({"id": f"cli-{batch}-{i}", "title": f"CLI framework {batch}-{i}",
                                     "description": ""}) for i in range(25))
        done = subprocess.run([str(SQLITE_UTILS), "insert", str(seeded_path), "frameworks", "-", "--nl"],
                              input=rows, text=True, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr
    a.finish()
    b.finish()
    for c, _tag in ((a, "A"), (b, "B")):
        bad = [ln for ln in c.lines if ln.startswith(("error", "crash"))]
        assert bad == [], bad
        assert sum(ln.startswith("committed") for ln in c.lines) == n
    with Store(seeded_path) as s:
        titles = [r["title"] for r in s._all("SELECT title FROM items WHERE title GLOB '[AB]-*'")]
        assert len(titles) == 2 * n and len(set(titles)) == 2 * n
        assert s.conn.execute("SELECT count(*) FROM frameworks WHERE id LIKE 'cli-%'").fetchone()[0] == 100
    assert check_file(seeded_path) == []


@pytest.fixture
def item_id(seeded_path):
    with Store(seeded_path) as s:
        return s.item_ids()[0]


def test_stale_save_in_this_process_is_refused_showing_the_other_change(seeded_path, item_id, spawn):
    """Another process saves first; our save with the version we read is refused, naming their change."""
    mine = Store(seeded_path)
    try:
        version = mine.get_item(item_id)["version"]
        seen = mine.data_version()
        other = spawn("conflict", seeded_path, item_id)
        other.until(lambda ln: ln.startswith("pause read"))
        other.go()
        assert other.until(lambda ln: ln.startswith(("committed", "refused"))).startswith("committed")
        other.finish()
        assert mine.data_version() != seen  # how an open window notices the other process's commit
        with pytest.raises(ConflictError, match="changed elsewhere") as err:
            editing.update_item(mine, item_id, {"title": "My title"}, expected_version=version)
        assert "stalled" in str(err.value) and err.value.current["status"] == "stalled"
        assert mine.get_item(item_id)["title"] != "My title"
    finally:
        mine.close()


def test_stale_save_in_the_other_process_is_refused(seeded_path, item_id, spawn):
    """We save first; the other process's save from an older read is refused and shows our title."""
    other = spawn("conflict", seeded_path, item_id)
    other.until(lambda ln: ln.startswith("pause read"))
    with Store(seeded_path) as mine:
        status = mine.get_item(item_id)["status"]
        version = mine.get_item(item_id)["version"]
        editing.update_item(mine, item_id, {"title": "Saved here first"}, expected_version=version)
    other.go()
    line = other.until(lambda ln: ln.startswith(("committed", "refused")))
    other.finish()
    assert line.startswith("refused ConflictError")
    assert "Saved here first" in json.loads(line.split(": ", 1)[1])
    with Store(seeded_path) as s:
        row = s.get_item(item_id)
        assert (row["title"], row["status"]) == ("Saved here first", status)


def test_busy_writer_is_told_in_one_sentence_not_locked(seeded_path):
    """When another connection holds the write lock past the timeout, the message is friendly."""
    import sqlite3

    from app.core.model import PolicyTrackerError
    holder = sqlite3.connect(seeded_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    s = Store(seeded_path)
    s.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(PolicyTrackerError, match="busy in another program") as err:
            editing.create_framework(s, "Blocked")
        assert "locked" not in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        s.close()
