"""A file written by release 0.1 (tests/data, made by make_release_0_1.py) upgrades with every record kept."""
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from app import cli
from app.exchange import jsonio
from app.paths import MIGRATIONS_DIR
from app.store import db as dbmod
from app.store import migrator
from app.store.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
RELEASE_DB = DATA / "release-0.1.sqlite"
RELEASE_JSON = DATA / "release-0.1.json"
RECORD_LISTS = ("statuses", "sources", "frameworks", "items", "relations")
COUNTS_LINE = ("3 sources, 6 frameworks, 31 items, 49 citations, 30 status updates, 2 targets, "
               "14 observations, 12 relations")


@pytest.fixture
def release_copy(tmp_path):
    dest = tmp_path / "release-0.1.sqlite"
    shutil.copyfile(RELEASE_DB, dest)
    os.chmod(dest, 0o600)
    return dest


@pytest.fixture
def one_step_more(tmp_path, monkeypatch):
    """The shipped steps plus a small one, so that the file is older than the app whatever ships."""
    d = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, d)
    step = d / f"{migrator.latest_version() + 1:04d}_note.sql"
    step.write_text("CREATE TABLE upgrade_note (x TEXT);\n", encoding="utf-8")
    monkeypatch.setattr(migrator, "MIGRATIONS_DIR", d)
    return step


def _ro(path):
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def _table_rows(path):
    """Every row of every ordinary table (not the search indexes' own tables), for comparing files."""
    c = _ro(path)
    try:
        names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                         "'%\\_fts%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                         "ORDER BY name")]
        return {t: sorted(map(repr, c.execute(f'SELECT * FROM "{t}"'))) for t in names}
    finally:
        c.close()


def _key(record):
    return record["key"] if "key" in record else record["id"]


def assert_same(old, new, where="document"):
    """Every field of `old` (the 0.1 export) is in `new` with the same value; lists of records by id."""
    if isinstance(old, dict):
        assert isinstance(new, dict), where
        for field, value in old.items():
            assert field in new, f"{where}: {field} is missing"
            assert_same(value, new[field], f"{where}.{field}")
    elif isinstance(old, list) and old and all(isinstance(r, dict) and ("id" in r or "key" in r) for r in old):
        assert isinstance(new, list), where
        olds, news = {_key(r): r for r in old}, {_key(r): r for r in new}
        assert len(olds) == len(old) and len(news) == len(new), f"{where}: duplicate ids"
        assert set(news) == set(olds), f"{where}: records differ"
        for k, record in olds.items():
            assert_same(record, news[k], f"{where}[{k}]")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), where
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert new == old, where


def test_committed_file_is_a_populated_0_1_file():
    """The input: schema 1, no record table, and the Persian source, hierarchy, history and deletions it promises."""
    c = _ro(RELEASE_DB)
    try:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        assert c.execute("PRAGMA application_id").fetchone()[0] == migrator.APP_ID
        assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'").fetchone()[0] == 0
        counts = {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in
                  ("sources", "frameworks", "items", "citations", "status_updates", "targets", "observations",
                   "relations")}
        assert counts == {"sources": 3, "frameworks": 6, "items": 31, "citations": 49, "status_updates": 30,
                          "targets": 2, "observations": 14, "relations": 12}
        assert c.execute("SELECT count(*) FROM sources WHERE language = 'fa'").fetchone()[0] == 1
        assert c.execute("SELECT count(*) FROM citations c JOIN sources s ON s.id = c.source_id "
                         "WHERE s.language = 'fa'").fetchone()[0] == 3
        grandchildren = c.execute("SELECT count(*) FROM items i JOIN items p ON p.id = i.parent_id "
                                  "WHERE p.parent_id IS NOT NULL").fetchone()[0]
        assert grandchildren == 1
        deleted = dict(((t, n) for t, n in c.execute(
            "SELECT table_name, count(*) FROM audit_log WHERE action = 'delete' GROUP BY table_name")))
        assert deleted == {"citations": 1, "items": 1, "relations": 2, "status_updates": 2}
        assert c.execute("SELECT count(*) FROM audit_log WHERE action = 'update' AND table_name = 'items'"
                         ).fetchone()[0] == 22
        # the edits: a title and tags, a due date and actor
        assert c.execute("SELECT tags, version FROM items WHERE title = 'E-government services for every citizen "
                         "(۱۴۰۷)'").fetchone() == ('["e-gov"]', 3)
        assert c.execute("SELECT due_on FROM items WHERE actor = 'وزارت ارتباطات'").fetchone() == ("2027-12-31",)
    finally:
        c.close()
    doc = json.loads(RELEASE_JSON.read_text(encoding="utf-8"))
    assert (doc["format"], doc["version"]) == ("policy-tracker", 1)
    assert [len(doc[k]) for k in RECORD_LISTS] == [8, 3, 6, 31, 12]


def test_release_0_1_schema_is_what_todays_0001_builds():
    """0.1 files are adopted by recording today's 0001: so its schema must be exactly what 0001 builds."""
    fresh = sqlite3.connect(":memory:", isolation_level=None)
    migrator.migrate(fresh, target=1, migrations_dir=MIGRATIONS_DIR)
    old = _ro(RELEASE_DB)
    try:
        q = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> 'schema_migrations' ORDER BY name"
        assert old.execute(q).fetchall() == fresh.execute(q).fetchall()
    finally:
        old.close()
        fresh.close()


def test_upgraded_file_keeps_every_record_of_its_0_1_export(release_copy):
    """Opened by today's app (the real open path), the 0.1 file exports every record field as 0.1 exported it."""
    before = json.loads(RELEASE_JSON.read_text(encoding="utf-8"))
    with Store(release_copy) as s:
        assert s.schema_version() == dbmod.latest_version()
        after = jsonio.export_document(s)
    assert after["format"] == before["format"] == "policy-tracker"
    for key in RECORD_LISTS:
        assert_same(before[key], after[key], key)
    # the comparison itself can fail: one changed field is found
    before["items"][5]["title"] += " (changed)"
    with pytest.raises(AssertionError, match=r"items\[.*\]\.title"):
        assert_same(before["items"], after["items"], "items")


def test_upgrade_keeps_the_copy_from_before_beside_the_file(release_copy, one_step_more):
    """The copy made before upgrading stays beside the file, at schema 1 with every row of the original."""
    with Store(release_copy) as s:
        saved = s.migration_backup
        assert s.schema_version() == migrator.latest_version() == int(one_step_more.name[:4])
    assert saved is not None and saved.parent == release_copy.parent
    assert sorted(p.name for p in release_copy.parent.glob("release-0.1.sqlite.v1-*.bak")) == [saved.name]
    c = _ro(saved)
    try:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'").fetchone()[0] == 0
    finally:
        c.close()
    assert _table_rows(saved) == _table_rows(RELEASE_DB)


def test_upgrade_adopts_0001_and_records_every_later_step(release_copy, one_step_more):
    """A 0.1 file gets a record: 0001 with the checksum of the file shipped now, then each step applied."""
    with Store(release_copy):
        pass
    c = _ro(release_copy)
    try:
        record = c.execute("SELECT version, name, sha256 FROM schema_migrations ORDER BY version").fetchall()
    finally:
        c.close()
    steps = migrator.migrations()
    assert record == [(s.version, s.name, hashlib.sha256(s.path.read_bytes()).hexdigest()) for s in steps]
    assert record[0][:2] == (1, "0001_initial") and record[-1][1] == one_step_more.stem


def test_check_says_sound_after_upgrading_the_0_1_file(release_copy, one_step_more, capsys):
    """`policy-tracker check --db` upgrades the 0.1 file and finds it sound, with the counts it had."""
    assert cli.main(["check", "--db", str(release_copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [COUNTS_LINE, "The database is sound."]
    c = _ro(release_copy)
    try:
        assert c.execute("PRAGMA user_version").fetchone()[0] == int(one_step_more.name[:4])
    finally:
        c.close()
    assert len(list(release_copy.parent.glob("release-0.1.sqlite.v1-*.bak"))) == 1


def _rows_in_columns_of(original, path):
    """Every row of every ordinary table of `original`, read from `path` in the original's columns (an
    upgrade may add columns, such as 0002's generated *_search ones, but must keep every value)."""
    o = _ro(original)
    c = _ro(path)
    try:
        out = {}
        for t in _table_rows(original):
            cols = ", ".join(f'"{r[1]}"' for r in o.execute(f'PRAGMA table_info("{t}")'))
            out[t] = sorted(map(repr, c.execute(f'SELECT {cols} FROM "{t}"')))
        return out
    finally:
        o.close()
        c.close()


def test_upgrade_through_the_search_queue_loses_no_row_and_leaves_the_index_sound(release_copy):
    """After every step (0003: the search queues), each row of the 0.1 file is there with every value, the
    queues are empty, FTS5's check passes on each index, and the 0.1 records are found, edits too."""
    with Store(release_copy) as s:
        assert s.schema_version() == migrator.latest_version() >= 3
    upgraded = _rows_in_columns_of(RELEASE_DB, release_copy)
    # the review step gives every file a stable id (the only row a step adds to a 0.1 table)
    ids = [r for r in upgraded["app_meta"] if r.startswith("('file_id', ")]
    assert len(ids) == 1 and len(ids[0]) == len("('file_id', '')") + 32
    upgraded["app_meta"].remove(ids[0])
    assert upgraded == _rows_in_columns_of(RELEASE_DB, RELEASE_DB)
    c = sqlite3.connect(release_copy)
    try:
        for fts in ("items_fts", "status_updates_fts", "sources_fts"):
            assert c.execute(f"SELECT count(*) FROM {fts}_pending").fetchone()[0] == 0
            c.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")  # raises if unsound
    finally:
        c.close()
    from app.services import editing
    from app.store import search_queries
    ident = {"item": "item_id", "note": "update_id", "source": "source_id"}

    def found(query):
        return {(r["kind"], r[ident[r["kind"]]][:8]) for r in search_queries.search_file(release_copy, query)}
    assert ("item", "7fdfa05a") in found("ملی")       # stored as ملي (Arabic yeh)
    assert ("item", "5417fce3") in found("1407")      # stored as ۱۴۰۷
    assert ("note", "05602c12") in found("گامها")     # stored as گام‌ها (with ZWNJ)
    assert ("source", "0c2c4650") in found("دیجیتال")  # stored as ديجيتال
    with Store(release_copy) as s:  # the upgraded file's triggers queue, its writes index
        item = next(it for it in s.export_rows()["items"] if it["id"].startswith("5417fce3"))
        editing.update_item(s, item["id"], {"title": "Renamed after the upgrade: okapi"}, item["version"])
        assert s.integrity_problems() == []
    assert found("okapi") == {("item", "5417fce3")} and ("item", "5417fce3") not in found("1407")


def test_upgraded_updates_have_no_evidence_and_can_be_given_it(release_copy):
    """0005 adds the updates' evidence link: NULL for each of 0.1's 30 updates, nothing guessed."""
    with Store(release_copy) as s:
        rows = s.conn.execute("SELECT citation_id FROM status_updates").fetchall()
        assert [r[0] for r in rows] == [None] * 30
        cited = s.conn.execute("SELECT id, item_id FROM citations ORDER BY id LIMIT 1").fetchone()
        status = s.conn.execute("SELECT key FROM statuses ORDER BY key LIMIT 1").fetchone()[0]
        with s.write():
            s.insert_status_update({"id": "u-new", "item_id": cited[1], "status": status, "as_of": "2026-01-01",
                                    "citation_id": cited[0]})
        assert s.get_status_update("u-new")["citation_id"] == cited[0]


def test_upgraded_0_1_entries_are_all_approved_with_no_decision_written(release_copy):
    """Entries of a file from before review states are approved: the review step writes no decision for them."""
    from app.store import reviews
    with Store(release_copy) as s:
        n = s.count_items() + sum(s.table_counts()[t] for t in ("status_updates", "observations"))
        assert reviews.counts(s) == {"draft": 0, "submitted": 0, "approved": n, "returned": 0}
        assert s.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        assert len(reviews.file_id(s)) == 32
