"""Every connection runs with trusted_schema off, and the search index stays right through 0003's queues.

With `PRAGMA trusted_schema = OFF` nothing a file carries may use FTS5 (it is not marked
innocuous), so the triggers only queue changed rows and the store indexes them before COMMIT
(app/store/connections.py flush_search_queue). These tests check the connections the app really
makes, that searches stay right inside a write and after it, that rows queued by other programs
are indexed when the file is next opened, and - for any sequence of inserts, updates, deletes,
savepoints and commits - that the index equals what a fresh 'rebuild' makes.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import editing, sources
from app.store import connections, migrator, search_queries
from app.store import db as dbmod
from app.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
RELEASE_0_1 = ROOT / "tests" / "data" / "release-0.1.sqlite"
INDEXES = [fts for fts, _table, _cols in dbmod.SEARCH_INDEXES]
IDENT = {"item": "item_id", "note": "update_id", "source": "source_id"}


def hits(path: Path, query: str) -> set[tuple[str, str]]:
    """What the window's search panel finds (its own read-only connection)."""
    return {(r["kind"], r[IDENT[r["kind"]]]) for r in search_queries.search_file(path, query, limit=1000)}


def found(rows: list[dict]) -> set[tuple[str, str]]:
    return {(r["kind"], r[IDENT[r["kind"]]]) for r in rows}


def pending(path: Path) -> dict[str, int]:
    c = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {fts: c.execute(f"SELECT count(*) FROM {fts}_pending").fetchone()[0] for fts in INDEXES}
    finally:
        c.close()


def fts_errors(conn: sqlite3.Connection) -> dict[str, str]:
    """FTS5's integrity-check with rank 1 (the index against its content table) on every index."""
    out = {}
    for fts in INDEXES:
        try:
            conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as e:
            out[fts] = str(e)
    return out


def trusted(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA trusted_schema").fetchone()[0]


# -- every connection the app opens ------------------------------------------------------------------
@pytest.fixture
def spy(monkeypatch):
    """Record, for every sqlite3 connection opened meanwhile (by anyone), trusted_schema at each of its
    statements and when it is closed: [(database, statement, trusted_schema)]."""
    seen: list[tuple[str, str, int]] = []
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        base = kwargs.pop("factory", sqlite3.Connection)
        name = str(database)

        class Watched(base):  # type: ignore[misc, valid-type]
            def _note(self, sql: str) -> None:
                if not re.match(r"\s*PRAGMA\s+trusted_schema", sql, re.IGNORECASE):
                    seen.append((name, sql.split("\n")[0][:60], sqlite3.Connection.execute(
                        self, "PRAGMA trusted_schema").fetchone()[0]))

            def execute(self, sql, *a, **k):
                self._note(sql)
                return super().execute(sql, *a, **k)

            def executemany(self, sql, *a, **k):
                self._note(sql)
                return super().executemany(sql, *a, **k)

            def close(self):
                self._note("(close)")
                return super().close()

        return real(database, *args, factory=Watched, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    return seen


def test_every_connection_the_app_opens_runs_with_trusted_schema_off(spy, tmp_path, seeded_path):
    """Creating, migrating (a 0.1 file), inspecting, writing, searching, reading read-only, checking and
    backing up: every statement on every connection ran with trusted_schema = 0."""
    fresh = tmp_path / "new.sqlite"
    with Store(fresh) as s:  # created and migrated from nothing
        fid = s.list_frameworks()[0]["id"] if s.list_frameworks() else None
    old = tmp_path / "old.sqlite"
    old.write_bytes(RELEASE_0_1.read_bytes())
    os.chmod(old, 0o600)
    with Store(old) as s:  # inspected, backed up before upgrading, upgraded
        assert s.migration_backup is not None
    with Store(seeded_path) as s:
        fid = s.list_frameworks()[0]["id"]
        iid, _ = editing.create_item(s, {"framework_id": fid, "kind": "goal", "title": "Spied aardvark"})
        assert found(s.search("aardvark")) == {("item", iid)}
        assert s.integrity_problems() == []
        s.backup_to(tmp_path / "copy.sqlite")
    assert hits(seeded_path, "aardvark") == {("item", iid)}
    ro = dbmod.connect(seeded_path, readonly=True)
    ro.execute("SELECT count(*) FROM items").fetchone()
    ro.close()
    migrator._expected_cache.clear()
    migrator.expected_schema(migrator.latest_version(), migrations_dir=migrator.MIGRATIONS_DIR)  # in memory

    kinds = {"write": str(seeded_path), "read-only": "?mode=ro", "memory": ":memory:", "backup": ".partial"}
    for kind, mark in kinds.items():
        assert any(mark in name for name, _sql, _t in spy), f"no {kind} connection was seen"
    assert [x for x in spy if x[2] != 0] == []


def test_the_real_connections_report_trusted_schema_off(seeded_path):
    """Store.conn, a read-only Store's conn, the search panel's connection and the read-only helper."""
    with Store(seeded_path) as s:
        assert trusted(s.conn) == 0
    seen = []
    search_queries.search_file(seeded_path, "digital",
                               on_connect=lambda c: seen.append(trusted(c)) if c is not None else None)
    assert seen == [0]
    conn = search_queries.open_read_only(seeded_path)
    assert trusted(conn) == 0
    conn.close()
    os.chmod(seeded_path, 0o400)
    try:
        with Store(seeded_path) as s:
            assert s.readonly and trusted(s.conn) == 0
    finally:
        os.chmod(seeded_path, 0o600)


def test_no_module_of_the_app_opens_sqlite_by_itself():
    """sqlite3.connect appears only in app/store/connections.py; everyone else uses db.sqlite_connect."""
    not_yet: set[str] = set()
    offenders = []
    for p in sorted((ROOT / "app").rglob("*.py")):
        rel = p.relative_to(ROOT).as_posix()
        if rel == "app/store/connections.py" or rel in not_yet:
            continue
        if re.search(r"\bsqlite3\.connect\(", p.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []


def test_trusted_schema_off_is_what_stops_a_schema_object_using_fts5(tmp_path):
    """Why the queues exist: on a hardened connection, a trigger that writes an FTS5 table fails."""
    path = tmp_path / "plain.sqlite"
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("CREATE TABLE t (x TEXT)")
    c.execute("CREATE VIRTUAL TABLE t_fts USING fts5 (x)")
    c.execute("CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO t_fts (x) VALUES (new.x); END")
    c.execute("INSERT INTO t VALUES ('trusted')")  # a default connection lets the file's trigger run
    c.close()
    h = connections.sqlite_connect(path, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match='unsafe use of virtual table "t_fts"'):
            h.execute("INSERT INTO t VALUES ('not trusted')")
        h.execute("INSERT INTO t_fts (x) VALUES ('top-level is fine')")
    finally:
        h.close()


# -- searches stay right --------------------------------------------------------------------------------
def test_search_sees_a_write_inside_its_transaction_and_after(seeded_path):
    """New words are found and removed words are not: inside the write, and from another connection after."""
    with Store(seeded_path) as s:
        fid = s.list_frameworks()[0]["id"]
        with s.write():
            iid, _ = editing.create_item(s, {"framework_id": fid, "kind": "goal", "title": "Zebracorn corridor"})
            assert found(s.search("zebracorn")) == {("item", iid)}
            version = s.get_item(iid)["version"]
            editing.update_item(s, iid, {"title": "Quagga corridor"}, version)
            assert found(s.search("zebracorn")) == set()
            assert found(s.search("quagga")) == {("item", iid)}
            row, _ = editing.add_status_update(s, iid, "in_progress", "2025-03-01", note="okapi sighted")
            uid = row["id"]
            assert found(s.search("okapi")) == {("note", uid)}
            sid, _ = sources.add_source(s, "A report on the narwhal census.", title="Narwhal report")
            assert found(s.search("narwhal")) == {("source", sid)}
            s.update_source_meta(sid, {"title": "Beluga report"})
            assert found(s.search("beluga")) == {("source", sid)}
        assert hits(seeded_path, "quagga") == {("item", iid)} and hits(seeded_path, "zebracorn") == set()
        assert hits(seeded_path, "okapi") == {("note", uid)}
        assert hits(seeded_path, "beluga") == {("source", sid)}
        assert hits(seeded_path, "narwhal") == {("source", sid)}  # still in its text
        editing.remove_status_update(s, uid)
        sources.remove_source(s, sid)
        editing.delete_item(s, iid)
        for word in ("quagga", "okapi", "beluga", "narwhal"):
            assert hits(seeded_path, word) == set(), word
        assert fts_errors(s.conn) == {}
    assert pending(seeded_path) == dict.fromkeys(INDEXES, 0)


def test_a_rolled_back_savepoint_takes_its_indexing_back_too(seeded_path):
    """A search inside a nested write indexes its rows; rolling the nested write back removes them again."""
    with Store(seeded_path) as s:
        fid = s.list_frameworks()[0]["id"]
        with s.write():
            keep, _ = editing.create_item(s, {"framework_id": fid, "kind": "goal", "title": "Kept capybara"})
            with pytest.raises(RuntimeError):
                with s.write():
                    editing.create_item(s, {"framework_id": fid, "kind": "goal", "title": "Dropped capybara"})
                    assert len(found(s.search("capybara"))) == 2
                    raise RuntimeError("taken back")
            assert found(s.search("capybara")) == {("item", keep)}
        assert hits(seeded_path, "capybara") == {("item", keep)}
        assert fts_errors(s.conn) == {}


def test_a_burst_of_edits_leaves_the_index_sound(seeded_path):
    """Many creates, edits and deletions of items, notes and sources, in and across writes: FTS5's check passes."""
    with Store(seeded_path) as s:
        fid = s.list_frameworks()[0]["id"]
        ids = []
        for n in range(40):
            iid, _ = editing.create_item(s, {"framework_id": fid, "kind": "goal", "title": f"Burst {n} ibex",
                                             "tags": [f"t{n % 3}"]})
            ids.append(iid)
        with s.write():
            for n, iid in enumerate(ids):
                editing.update_item(s, iid, {"description": f"edited {n} tapir"}, s.get_item(iid)["version"])
                editing.add_status_update(s, iid, "in_progress", "2025-01-02", note=f"note {n} gazelle")
            for iid in ids[::3]:
                editing.delete_item(s, iid)
        sids = [sources.add_source(s, f"Source text {n} eland", title=f"Eland {n}")[0] for n in range(5)]
        sources.remove_source(s, sids[0])
        assert fts_errors(s.conn) == {}
        assert len(found(s.search("ibex", limit=1000))) == len(ids) - len(ids[::3])
        assert len(found(s.search("gazelle", limit=1000))) == len(ids) - len(ids[::3])
        assert len(found(s.search("eland", limit=1000))) == 4
    assert pending(seeded_path) == dict.fromkeys(INDEXES, 0)


# -- other programs' rows -----------------------------------------------------------------------------------
def _outside_item(path: Path, title: str) -> str:
    """Insert an item as sqlite-utils does (its own connection: trusted_schema on, recursive triggers on)."""
    import sqlite_utils
    db = sqlite_utils.Database(path)
    try:
        fid = db.execute("SELECT id FROM frameworks ORDER BY id LIMIT 1").fetchone()[0]
        iid = str(uuid.uuid4())
        db["items"].insert({"id": iid, "framework_id": fid, "kind": "goal", "title": title,
                            "tags": json.dumps(["outside"])})
    finally:
        db.close()
    return iid


def test_an_outside_writer_leaves_the_queue_and_the_next_open_indexes_it(seeded_path):
    """Rows sqlite-utils adds wait in the queue (search does not find them yet); opening the file indexes them."""
    iid = _outside_item(seeded_path, "Pangolin bridge")
    assert pending(seeded_path)["items_fts"] == 1
    assert hits(seeded_path, "pangolin") == set()
    with Store(seeded_path) as s:
        assert pending(seeded_path) == dict.fromkeys(INDEXES, 0)
        assert found(s.search("pangolin")) == {("item", iid)}
        assert s.integrity_problems() == []
    assert hits(seeded_path, "pangolin") == {("item", iid)}


def test_check_does_not_call_the_queue_a_problem(seeded_path, tmp_path):
    """Rows queued by another program while the file is open are indexed by `check`, not reported; with
    the file read-only they cannot be, and still are not reported."""
    with Store(seeded_path) as s:
        iid = _outside_item(seeded_path, "Axolotl pond")
        assert pending(seeded_path)["items_fts"] == 1
        assert s.integrity_problems() == []
        assert found(s.search("axolotl")) == {("item", iid)}
    _outside_item(seeded_path, "Axolotl lake")
    os.chmod(seeded_path, 0o400)
    try:
        with Store(seeded_path) as s:
            assert s.readonly and pending(seeded_path)["items_fts"] == 1
            assert s.integrity_problems() == []
    finally:
        os.chmod(seeded_path, 0o600)


def test_check_still_reports_a_really_drifted_index(seeded_path):
    """An index that disagrees with its table (another program wrote into it directly) is reported."""
    c = sqlite3.connect(seeded_path)
    c.execute("INSERT INTO items_fts (rowid, title_search) VALUES (987654, 'ghost')")
    c.commit()
    c.close()
    with Store(seeded_path) as s:
        problems = s.integrity_problems()
    assert len(problems) == 1 and problems[0].startswith("search index items_fts: ")
    os.chmod(seeded_path, 0o400)  # read-only, FTS5's check cannot run: the index's rows are compared
    try:
        with Store(seeded_path) as s:
            assert s.readonly
            assert s.integrity_problems() == [
                "search index items_fts: 0 row(s) of items missing from it and 1 row(s) in it that items does "
                "not have; rebuild it with `sqlite-utils rebuild-fts`"]
    finally:
        os.chmod(seeded_path, 0o600)


def test_a_rebuild_by_another_program_over_queued_rows_is_repaired(seeded_path):
    """Rows queued, then indexed by another program's 'rebuild' (sqlite-utils rebuild-fts): the flush sees
    the index already holds them and rebuilds instead of indexing them twice."""
    iid = _outside_item(seeded_path, "Quokka island")
    c = sqlite3.connect(seeded_path)
    c.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    c.commit()
    c.close()
    assert pending(seeded_path)["items_fts"] == 1
    with Store(seeded_path) as s:
        assert s.integrity_problems() == []
        assert found(s.search("quokka")) == {("item", iid)}


def test_a_replace_with_recursive_triggers_off_is_repaired(seeded_path):
    """INSERT OR REPLACE from the sqlite3 shell (recursive triggers off) deletes the old row without its
    delete trigger; the queue then disagrees with the index, and the flush rebuilds it."""
    c = sqlite3.connect(seeded_path)
    item = c.execute("SELECT seq, id, framework_id FROM items ORDER BY seq LIMIT 1").fetchone()
    c.execute("INSERT OR REPLACE INTO items (seq, id, framework_id, kind, title) VALUES (?, ?, ?, 'goal', "
              "'Replaced wallaby')", (item[0], item[1], item[2]))
    c.commit()
    c.close()
    with Store(seeded_path) as s:
        assert s.integrity_problems() == []
        assert found(s.search("wallaby")) == {("item", item[1])}


# -- the queue is right for any sequence of changes ---------------------------------------------------------
WORDS = ["alpha", "beta", "gamma", "ملي", "ملی", "كشور", "۴۷", "47", "zwnj\u200cword"]
words = st.lists(st.sampled_from(WORDS), min_size=0, max_size=4).map(" ".join)
seqs = st.integers(1, 6)
ops = st.one_of(
    st.tuples(st.just("item+"), seqs, words),
    st.tuples(st.just("item~"), seqs, st.sampled_from(["ref", "title", "description", "actor", "tags"]), words),
    st.tuples(st.just("item>"), seqs, seqs),
    st.tuples(st.just("item="), seqs, words),  # INSERT OR REPLACE, recursive triggers on (as sqlite-utils)
    st.tuples(st.just("item-"), seqs),
    st.tuples(st.just("note+"), seqs, seqs, words),
    st.tuples(st.just("note-"), seqs),
    st.tuples(st.just("source+"), seqs, words),
    st.tuples(st.just("source~"), seqs, st.sampled_from(["title", "publisher", "author"]), words),
    st.tuples(st.just("source-"), seqs),
    st.just(("flush",)), st.just(("savepoint",)), st.just(("rollback to",)), st.just(("release",)),
    st.just(("commit",)), st.just(("commit unflushed",)),
)


@pytest.fixture(scope="module")
def template():
    conn = connections.sqlite_connect(":memory:", isolation_level=None)
    migrator.migrate(conn)
    conn.execute("INSERT INTO frameworks (id, title) VALUES ('f', 'F')")
    yield conn
    conn.close()


def _index(conn: sqlite3.Connection, fts: str) -> tuple[list, dict]:
    """Everything the index holds (every term at every position of every row) and each word's hits."""
    instances = sorted(conn.execute(f"SELECT term, doc, col, offset FROM temp.{fts}_v"))
    matches = {w: sorted(r[0] for r in conn.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?",
                                                   (search_queries.fts_query(w),)))
               for w in WORDS if search_queries.fts_query(w)}
    return instances, matches


def assert_index_is_a_fresh_rebuild(conn: sqlite3.Connection) -> None:
    """With the queues empty: FTS5's check passes, and each index holds exactly what 'rebuild' makes."""
    for fts in INDEXES:
        assert conn.execute(f"SELECT count(*) FROM {fts}_pending").fetchone()[0] == 0
    assert fts_errors(conn) == {}
    conn.execute("SAVEPOINT verify")
    try:
        for fts in INDEXES:
            live = _index(conn, fts)
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
            assert _index(conn, fts) == live, fts
    finally:
        conn.execute("ROLLBACK TO verify")
        conn.execute("RELEASE verify")


def flush(conn: sqlite3.Connection) -> None:
    """Store.write's flush, first checking that the queue agrees with the index: the repair by 'rebuild'
    (for other programs' mistakes) must never be what makes these sequences come out right."""
    for fts in INDEXES:
        assert conn.execute(connections._FLUSH[fts][0]).fetchone()[0] == 0, f"{fts}: queue and index disagree"
    connections.flush_search_queue(conn)


def _apply(conn: sqlite3.Connection, op: tuple, depth: list[int]) -> None:
    kind = op[0]
    one = lambda sql, *p: conn.execute(sql, p).fetchone()  # noqa: E731
    if kind == "item+" and not one("SELECT 1 FROM items WHERE seq = ?", op[1]):
        conn.execute("INSERT INTO items (seq, id, framework_id, kind, title, description) VALUES (?, ?, 'f', 'goal', "
                     "?, ?)", (op[1], f"i{op[1]}-{uuid.uuid4()}", "t " + op[2], op[2]))
    elif kind == "item~":
        value = json.dumps(op[3].split()) if op[2] == "tags" else ("t " + op[3] if op[2] == "title" else op[3])
        conn.execute(f"UPDATE items SET {op[2]} = ? WHERE seq = ?", (value, op[1]))
    elif kind == "item>" and not one("SELECT 1 FROM items WHERE seq = ?", op[2]):
        conn.execute("UPDATE items SET seq = ? WHERE seq = ?", (op[2], op[1]))
    elif kind == "item=":
        old = one("SELECT id FROM items WHERE seq = ?", op[1])
        conn.execute("INSERT OR REPLACE INTO items (seq, id, framework_id, kind, title) VALUES (?, ?, 'f', 'goal', ?)",
                     (op[1], old[0] if old else f"i{op[1]}-{uuid.uuid4()}", "r " + op[2]))
    elif kind == "item-":
        conn.execute("DELETE FROM items WHERE seq = ?", (op[1],))
    elif kind == "note+" and not one("SELECT 1 FROM status_updates WHERE seq = ?", op[1]):
        item = one("SELECT id FROM items WHERE seq = ?", op[2])
        if item:
            conn.execute("INSERT INTO status_updates (seq, id, item_id, status, as_of, note, author) "
                         "VALUES (?, ?, ?, 'unknown', '2025-01-01', ?, ?)",
                         (op[1], str(uuid.uuid4()), item[0], op[3], op[3][:10]))
    elif kind == "note-":
        conn.execute("DELETE FROM status_updates WHERE seq = ?", (op[1],))
    elif kind == "source+" and not one("SELECT 1 FROM sources WHERE seq = ?", op[1]):
        text = f"text {uuid.uuid4()} {op[2]}"
        conn.execute("INSERT INTO sources (seq, id, title, sha256, text, publisher) VALUES (?, ?, ?, ?, ?, ?)",
                     (op[1], str(uuid.uuid4()), "s " + op[2], str(uuid.uuid4()), text, op[2] or None))
    elif kind == "source~":
        conn.execute(f"UPDATE sources SET {op[2]} = ? WHERE seq = ?", (("s " if op[2] == "title" else "") + op[3],
                                                                      op[1]))
    elif kind == "source-":
        conn.execute("DELETE FROM sources WHERE seq = ?", (op[1],))
    elif kind == "flush":  # a search inside the write: indexed now, inside the transaction
        flush(conn)
        assert_index_is_a_fresh_rebuild(conn)
    elif kind == "savepoint":
        depth[0] += 1
        conn.execute(f"SAVEPOINT s{depth[0]}")
    elif kind in ("rollback to", "release") and depth[0]:
        if kind == "rollback to":
            conn.execute(f"ROLLBACK TO s{depth[0]}")
        conn.execute(f"RELEASE s{depth[0]}")
        depth[0] -= 1
    elif kind in ("commit", "commit unflushed"):
        if kind == "commit":  # what Store.write does; "unflushed" is another program's commit
            flush(conn)
        conn.execute("COMMIT")
        depth[0] = 0
        if kind == "commit":
            assert_index_is_a_fresh_rebuild(conn)
        conn.execute("BEGIN IMMEDIATE")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(st.lists(ops, max_size=40))
def test_the_flushed_index_equals_a_fresh_rebuild_after_any_sequence(template, sequence):
    """Inserts, updates (a row's seq too), replaces, deletes (cascading to notes), savepoints rolled back or
    kept, flushes inside the write, commits with and without a flush: the index is always a fresh rebuild."""
    conn = connections.sqlite_connect(":memory:", isolation_level=None)
    try:
        template.backup(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")
        for fts in INDEXES:
            conn.execute(f"CREATE VIRTUAL TABLE temp.{fts}_v USING fts5vocab(main, {fts}, instance)")
        depth = [0]
        conn.execute("BEGIN IMMEDIATE")
        for op in sequence:
            _apply(conn, op, depth)
        flush(conn)
        conn.execute("COMMIT")
        assert_index_is_a_fresh_rebuild(conn)
    finally:
        conn.close()
