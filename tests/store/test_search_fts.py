"""The search index over generated columns: Python and SQL normalise alike, and standard tools can rebuild it."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import textnorm
from app.core.textnorm import ZWNJ, normalize
from app.services import editing, sources
from app.store import search_queries
from app.store.store import Store

BIN = Path(sys.executable).parent
DATA = Path(__file__).resolve().parents[1] / "data"
INDEXES = {"items_fts": "items", "status_updates_fts": "status_updates", "sources_fts": "sources"}
SEARCHED = {"items": ("ref", "title", "description", "actor", "tags"), "status_updates": ("note", "author"),
            "sources": ("title", "publisher", "author", "text")}

# Persian records with fixed ids, written the way people write them: Arabic letter forms, Persian
# digits, ZWNJ inside words. "۴۷۳۹" and the words below occur nowhere in the bundled seeds.
ITEM_FA = "a1a1a1a1-0000-4000-8000-000000000001"
ITEM_EN = "a1a1a1a1-0000-4000-8000-000000000002"
NOTE_FA = "b2b2b2b2-0000-4000-8000-000000000001"
SOURCE_FA = "c3c3c3c3-0000-4000-8000-000000000001"
SOURCE_TEXT = ("برنامه نمونه، فصل زیرساخت\n\nدولت می\u200cکشد تا شبکه ملی ارتباطات تا سال ۱۴۰۷ به ۴۷۳۹ روستا "
               "برسد و زیرساخت\u200cهای داده در سراسر کشور گسترش یابد.")

# query -> the hits it must find, (kind, id); each group types the same words another way
EXPECTED = {
    # ASCII or Persian digits
    "4739": {("item", ITEM_FA), ("item", ITEM_EN), ("source", SOURCE_FA)},
    "۴۷۳۹": {("item", ITEM_FA), ("item", ITEM_EN), ("source", SOURCE_FA)},
    # Arabic or Persian letter forms (yeh, kaf, teh marbuta)
    "ملی": {("item", ITEM_FA), ("source", SOURCE_FA)},
    "ملي": {("item", ITEM_FA), ("source", SOURCE_FA)},
    "کشور": {("item", ITEM_FA), ("source", SOURCE_FA)},
    "كشور": {("item", ITEM_FA), ("source", SOURCE_FA)},
    "مدرسه": {("note", NOTE_FA)},
    "مدرسة": {("note", NOTE_FA)},
    # with or without ZWNJ
    "میکشد": {("source", SOURCE_FA)},
    "می\u200cکشد": {("source", SOURCE_FA)},
    "گامها": {("note", NOTE_FA)},
    "گام\u200cها": {("note", NOTE_FA)},
    "زیرساختهای": {("source", SOURCE_FA)},
    # mixed, and a prefix
    "كشور ۴۷۳۹": {("item", ITEM_FA), ("source", SOURCE_FA)},
    "زيرساخت*": {("item", ITEM_FA), ("source", SOURCE_FA)},
    "تحلیلگر": {("note", NOTE_FA)},  # stored with Arabic yeh
}

# Strings on which Python's normalize and the migration's SQL must agree (NUL is left out: the
# validation refuses it in every text field, and SQLite's GLOB stops at it).
TRICKY = [
    "", "plain ASCII text", "Digital Economy 2025", "ي ى ك ة", "ی ک ه", "كيف ۱۴۰۳", "۰۱۲۳۴۵۶۷۸۹",
    "٠١٢٣٤٥٦٧٨٩ (Arabic-Indic digits stay)", "می\u200cکشد", "\u200c", "\u200c\u200c\u200c", "ab\u200ccd",
    "زیرساخت\u200cهای ملي در سراسر كشور", "مدرسة‌ها", "Iran’s ۷th plan: ۱۰٪ of GDP", "ZWJ \u200d stays",
    "tatweel ـــ stays", "حَرَكات", "😀 ي 🇮🇷", "Ｉｒａｎ ي", "\U0010ffff ك", "line\nbreak ي\tand tab",
    "'; DROP TABLE items; -- ي", "%_*?[]", "ﻙ ﻱ (presentation forms stay)", "ي" * 500 + "\u200c" * 50,
    "".join(textnorm.CHAR_MAP) + "".join(textnorm.DROPPED),
]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)


def _tool(name: str) -> Path:
    exe = BIN / name
    assert exe.exists(), f"{name} is not installed in the test environment ({exe})"
    return exe


def add_persian_records(path: Path) -> None:
    with Store(path) as store:
        fid = store.list_frameworks()[0]["id"]
        editing.create_item(store, {"framework_id": fid, "kind": "goal", "title": "زیرساخت ملي ارتباطات در سراسر كشور",
                                    "description": "پوشش ۴۷۳۹ روستا تا ۱۴۰۷", "actor": "وزارت ارتباطات",
                                    "tags": ["اقتصاد"]}, item_id=ITEM_FA)
        editing.create_item(store, {"framework_id": fid, "kind": "target", "title": "Rural broadband",
                                    "description": "Reach 4739 villages"}, item_id=ITEM_EN)
        editing.add_status_update(store, ITEM_FA, "in_progress", "2025-02-01",
                                  note="نخستین گام\u200cها برداشته شد؛ نخستین مدرسه وصل شد", author="تحليلگر",
                                  update_id=NOTE_FA)
        sources.add_source(store, SOURCE_TEXT, title="برنامه نمونه", publisher="سازمان برنامه", source_id=SOURCE_FA)


@pytest.fixture(scope="module")
def persian_template(tmp_path_factory) -> Path:
    """A database made by `policy-tracker init --db FILE`, plus the Persian records above."""
    path = tmp_path_factory.mktemp("fts") / "seeded.sqlite"
    r = _run(_tool("policy-tracker"), "init", "--db", path)
    assert r.returncode == 0, r.stderr
    add_persian_records(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def db(persian_template, tmp_path) -> Path:
    dest = tmp_path / "search.sqlite"
    shutil.copyfile(persian_template, dest)
    dest.chmod(0o600)
    return dest


def hits(path: Path, query: str) -> set[tuple[str, str]]:
    ident = {"item": "item_id", "note": "update_id", "source": "source_id"}
    return {(r["kind"], r[ident[r["kind"]]]) for r in search_queries.search_file(path, query, limit=1000)}


def all_hits(path: Path) -> dict[str, set]:
    return {q: hits(path, q) for q in EXPECTED}


def fts_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                       "sql LIKE 'CREATE VIRTUAL TABLE%USING FTS5%' ORDER BY name")]


def integrity_errors(path: Path) -> dict[str, str]:
    """FTS5's own content check (rank 1: compare the index with the content table) on every index."""
    conn = sqlite3.connect(path)
    errors = {}
    try:
        for t in fts_tables(conn):
            try:
                conn.execute(f"INSERT INTO {t} ({t}, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as e:
                errors[t] = str(e)
    finally:
        conn.close()
    return errors


def rebuild_with_sqlite_utils(path: Path) -> None:
    r = _run(_tool("sqlite-utils"), "rebuild-fts", path)
    assert r.returncode == 0, r.stderr


# -- normalisation -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", TRICKY)
def test_python_and_sql_normalise_alike(empty_path, text):
    """Every generated search column holds exactly textnorm.normalize of its column, for tricky strings."""
    conn = sqlite3.connect(empty_path)
    try:
        conn.execute("INSERT INTO frameworks (id, title) VALUES ('f', 'F')")
        conn.execute("INSERT INTO items (id, framework_id, kind, title, ref, description, actor, tags) "
                     "VALUES ('i', 'f', 'goal', ?1, ?1, ?1, ?1, ?2)", (text or "t", "[" + text))
        conn.execute("INSERT INTO status_updates (id, item_id, status, as_of, note, author) "
                     "VALUES ('u', 'i', 'unknown', '2025-01-01', ?1, ?1)", (text,))
        conn.execute("INSERT INTO sources (id, title, publisher, author, sha256, text) "
                     "VALUES ('s', ?1, ?1, ?1, 'x', ?1)", (text,))
        for table, cols in SEARCHED.items():
            for col in cols:
                raw, indexed = conn.execute(f"SELECT {col}, {col}_search FROM {table}").fetchone()
                assert indexed == normalize(raw), (table, col)
    finally:
        conn.close()


def test_schema_computes_the_search_columns_with_sql_normalize(empty_path):
    """Each generated column is defined by textnorm.sql_normalize of its column, so a change to the
    mapping in Python without a migration that redefines the columns fails here."""
    conn = sqlite3.connect(empty_path)
    try:
        for table, cols in SEARCHED.items():
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            for col in cols:
                expr = textnorm.sql_normalize(chr(34) + col + chr(34))
                assert f'"{col}_search" TEXT GENERATED ALWAYS AS (\n    {expr}\n) VIRTUAL' in sql
    finally:
        conn.close()


def test_normalize_folds_letter_forms_digits_and_drops_zwnj():
    """normalize maps Arabic forms and Persian digits and removes ZWNJ; fold keeps one code point for one."""
    assert normalize("كيف ۱۴۰۳ مي\u200cكشد مدرسة") == "کیف 1403 میکشد مدرسه"
    assert textnorm.fold("مي\u200cكشد") == "می\u200cکشد"
    assert normalize(None) == "" and textnorm.fold(None) == ""


def test_normalised_offsets_map_back_to_the_original_text():
    """Offsets into the normalised text map to the same code points of the original."""
    text = "\u200cالف\u200c\u200cب ۹\u200c"
    norm, to_text = textnorm.normalize_with_offsets(text)
    assert norm == normalize(text)
    assert all(textnorm.fold(text[to_text(i)]) == norm[i] for i in range(len(norm)))
    assert [to_text(i) for i in range(len(norm))] == [i for i, ch in enumerate(text) if ch != ZWNJ]


def test_variant_pattern_finds_every_spelling_in_the_original_text():
    """The reader's kind of find: any letter form or digit, with or without ZWNJ, on unnormalised text."""
    pattern = textnorm.variant_pattern("زیرساخت\u200cهای ملی ۹۰")
    for text in ("زیرساخت\u200cهای ملی ۹۰", "زيرساختهاي ملي 90", "زیرساخت\u200c\u200cهای ملی 9\u200c0"):
        m = pattern.search("در " + text + ".")
        assert m and m.group() == text
    assert pattern.search("زیرساخت‌های ملی ۹۱") is None


def test_snippets_show_the_stored_words_not_the_normalised_ones(db):
    """A hit typed with ASCII digits or without ZWNJ is marked on the words as stored."""
    rows = search_queries.search_file(db, "4739 میکشد")
    src = next(r for r in rows if r["kind"] == "source")
    assert "\x02۴۷۳۹\x03" in src["snippet"] and "\x02می\u200cکشد\x03" in src["snippet"]
    note = next(r for r in search_queries.search_file(db, "گامها") if r["kind"] == "note")
    assert "\x02گام\u200cها\x03" in note["snippet"] and note["update_id"] == NOTE_FA
    item = next(r for r in search_queries.search_file(db, "ملی") if r["kind"] == "item")
    assert "\x02ملي\x03" in item["snippet"] and item["item_id"] == ITEM_FA


def test_first_hit_spans_the_original_word_with_its_zwnj():
    """The span of a hit found in normalised text covers the stored word, ZWNJ included."""
    text = "دولت\u200c\u200c می\u200cکشد تا"
    span = search_queries.first_hit(text, search_queries.terms_pattern("میکشد"))
    assert span is not None and text[span[0]:span[1]] == "می\u200cکشد"


# -- standard tools ------------------------------------------------------------------------------------
def test_every_index_is_over_generated_columns_and_sqlite_utils_finds_it(db):
    """Each FTS5 index is laid out as sqlite-utils makes it, over virtual generated columns only."""
    conn = sqlite3.connect(db)
    try:
        assert fts_tables(conn) == sorted(INDEXES)
        for fts, table in INDEXES.items():
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (fts,)).fetchone()[0]
            assert f'content="{table}"' in sql and 'content_rowid="seq"' in sql
            indexed = [r[1] for r in conn.execute(f"PRAGMA table_xinfo({fts})") if r[1] != fts and r[1] != "rank"]
            assert indexed == [f"{c}_search" for c in SEARCHED[table]]
            hidden = {r[1]: r[6] for r in conn.execute(f"PRAGMA table_xinfo({table})")}
            assert all(hidden[c] == 2 for c in indexed)  # 2: VIRTUAL generated (computed, not stored)
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                                "WHERE type = 'trigger' AND tbl_name = ?", (table,))}
            assert {f"{table}_ai", f"{table}_ad", f"{table}_au"} <= names
    finally:
        conn.close()
    r = _run(_tool("sqlite-utils"), "search", db, "items", "4739", "-c", "id", "--csv")
    assert r.returncode == 0, r.stderr
    assert set(r.stdout.split()[1:]) == {ITEM_FA, ITEM_EN}


def test_known_hits_before_rebuild(db):
    """Each spelling of a query finds exactly the Persian and English records written that way or the other."""
    assert all_hits(db) == EXPECTED


def test_sqlite_utils_rebuild_fts_keeps_every_hit(db):
    """After `sqlite-utils rebuild-fts`, every query finds exactly the hits it found before."""
    before = all_hits(db)
    rebuild_with_sqlite_utils(db)
    assert all_hits(db) == before == EXPECTED


def test_fts5_integrity_check_passes_on_every_index_after_a_rebuild(db):
    """FTS5's integrity-check with rank 1 passes on every index, before and after `sqlite-utils rebuild-fts`."""
    assert integrity_errors(db) == {}
    rebuild_with_sqlite_utils(db)
    assert integrity_errors(db) == {}
    conn = sqlite3.connect(db)
    assert len(fts_tables(conn)) == 3
    conn.close()


def test_rebuild_from_the_sqlite3_shell_keeps_every_hit(db):
    """The plain sqlite3 program (no Python, no app) rebuilds the indexes to the same hits."""
    shell = shutil.which("sqlite3")
    if not shell:
        pytest.skip("no sqlite3 program on this machine")
    sql = "".join(f"INSERT INTO {t} ({t}) VALUES ('rebuild');" for t in INDEXES)
    r = _run(shell, db, sql)
    assert r.returncode == 0, r.stderr
    assert all_hits(db) == EXPECTED and integrity_errors(db) == {}


def test_index_follows_edits_and_deletions(db):
    """The triggers keep each index current: an edited title is found by its new words only, a deleted
    record not at all."""
    with Store(db) as store:
        item = store.get_item(ITEM_FA)
        editing.update_item(store, ITEM_FA, {"title": "شبكه پرسرعت روستايي"}, item["version"])
        editing.remove_status_update(store, NOTE_FA)
        editing.delete_item(store, ITEM_EN)
    assert hits(db, "كشور") == {("source", SOURCE_FA)}
    assert hits(db, "روستایی شبکه") == {("item", ITEM_FA)}
    assert hits(db, "گامها") == set()
    assert hits(db, "4739") == {("item", ITEM_FA), ("source", SOURCE_FA)}
    assert integrity_errors(db) == {}
    rebuild_with_sqlite_utils(db)
    assert hits(db, "روستایی شبکه") == {("item", ITEM_FA)} and integrity_errors(db) == {}


# -- a file from release 0.1 -----------------------------------------------------------------------------
RELEASE_0_1 = {  # ids and words of tests/data/release-0.1.sqlite (made by tests/data/make_release_0_1.py)
    "ملی": ("item", "7fdfa05a"),         # stored as ملي (Arabic yeh)
    "كشور": ("item", "7fdfa05a"),        # stored as كشور; typed here with Arabic kaf too
    "1407": ("item", "5417fce3"),        # stored as ۱۴۰۷
    "گامها": ("note", "05602c12"),       # stored as گام‌ها (with ZWNJ)
    "دیجیتال": ("source", "0c2c4650"),   # stored as ديجيتال
}


def test_release_0_1_file_upgrades_to_an_index_that_survives_a_rebuild(tmp_path):
    """A populated 0.1 file is upgraded in place; its Persian records are found before and after a rebuild."""
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "release-0.1.sqlite", path)
    path.chmod(0o600)
    old = sqlite3.connect(path)
    counts = {t: old.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("items", "status_updates", "sources")}
    old.close()
    with Store(path) as store:
        assert store.migration_backup is not None
        assert {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts} == counts

    def found(query):
        return {(k, i[:8]) for k, i in hits(path, query)}

    before = {q: found(q) for q in RELEASE_0_1}
    for q, hit in RELEASE_0_1.items():
        assert hit in before[q], q
    assert integrity_errors(path) == {}
    rebuild_with_sqlite_utils(path)
    assert {q: found(q) for q in RELEASE_0_1} == before
    assert integrity_errors(path) == {}


def test_the_migration_keeps_the_view_and_audit_triggers(tmp_path):
    """Upgrading a 0.1 file leaves item_overview working and writes no audit rows (no row changed)."""
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "release-0.1.sqlite", path)
    path.chmod(0o600)
    old = sqlite3.connect(path)
    audit = old.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    overview = old.execute("SELECT * FROM item_overview ORDER BY id").fetchall()
    old.close()
    with Store(path) as store:
        assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit
        assert [tuple(r) for r in store.conn.execute("SELECT * FROM item_overview ORDER BY id")] == overview
        triggers = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"items_audit_update", "status_updates_append_only", "sources_text_immutable",
            "items_count_insert"} <= triggers
    assert not any(re.search(r"replace\(replace", r or "") for r in _trigger_sql(path))


def _trigger_sql(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
    finally:
        conn.close()
