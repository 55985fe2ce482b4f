"""The records' description (app.core.records) agrees with the real schema, and a field added to it
reaches the store, the JSON exchange and the CSV sheet with no other edit."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import inspect
import re
import sqlite3

import pytest

from app.core import records
from app.core import validation as v
from app.core.model import ValidationError
from app.core.records import NOW, Field

# Tables of a file that are not records: vocabularies kept by the migrations, bookkeeping, indexes.
NOT_RECORDS = {"app_meta", "item_kinds", "relation_kinds", "audit_log", "framework_status_counts",
               "schema_migrations", "sqlite_sequence",
               # a source's original file and its page boundaries (0004): parts of the source record,
               # written with it by AddSource, not records of their own
               "source_files", "source_pages",
               # review decisions and each entry's latest one (the review step): exported on their
               # entries as review_state and reviews (app/exchange/jsonio.py), not records of their own
               "reviews", "review_current",
               # a source's editions and where its citations were in earlier ones: parts of the
               # source and citation records, exported under them (`editions`, `placements`)
               "source_editions", "citation_placements"}
FTS_SHADOWS = ("_config", "_data", "_docsize", "_idx", "_content", "_pending")  # _pending: 0003's queues


def _xinfo(conn, table: str) -> list[dict]:
    cols = ("cid", "name", "type", "notnull", "dflt", "pk", "hidden")
    return [dict(zip(cols, r, strict=True)) for r in conn.execute(f"PRAGMA table_xinfo({table})")]


def _default(sql: str | None):
    """A column's default as the description writes it."""
    if sql is None:
        return None
    if "'now'" in sql:
        return NOW
    if sql.startswith("'") and sql.endswith("'"):
        return sql[1:-1].replace("''", "'")
    return int(sql) if re.fullmatch(r"-?\d+", sql) else float(sql)


def schema_mismatches(conn: sqlite3.Connection) -> list[str]:
    """Every way the description and the file's schema disagree (empty when they agree)."""
    out = []
    tables = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
    described = {rec.table for rec in records.all_records()}
    fts = {f"{t}_fts" for t in described}
    for t in tables:
        if t in described or t in NOT_RECORDS or t in fts or any(t == f + s for f in fts for s in FTS_SHADOWS):
            continue
        out.append(f"table {t} is neither described in app/core/records.py nor listed as not a record")
    for rec in records.all_records():
        if rec.table not in tables:
            out.append(f"{rec.table} is described but not in the schema")
            continue
        cols = _xinfo(conn, rec.table)
        by_name = {c["name"]: c for c in cols}
        internal = set(rec.internal_columns)
        fields = [c["name"] for c in cols if c["name"] not in internal]
        if fields != list(rec.columns):
            out.append(f"{rec.table}: the table's columns {fields} are not the described {list(rec.columns)} "
                       f"(same names, same order; other columns must be internal)")
        for name in internal:
            if name not in by_name:
                out.append(f"{rec.table}.{name} is marked internal but is not a column")
        fks = {r[3]: r[2] for r in conn.execute(f"PRAGMA foreign_key_list({rec.table})")}
        for f in rec.fields:
            c = by_name.get(f.name)
            if c is None:
                continue
            where = f"{rec.table}.{f.name}"
            if c["type"] != f.sql_type:
                out.append(f"{where} is {c['type']} in the schema, described as {f.type} ({f.sql_type})")
            if bool(c["notnull"] or c["pk"]) == f.nullable:
                out.append(f"{where}: NOT NULL is {bool(c['notnull'])} in the schema, but nullable={f.nullable}")
            if _default(c["dflt"]) != f.default:
                out.append(f"{where}: the schema's default is {c['dflt']}, the description's {f.default!r}")
            if c["hidden"]:
                out.append(f"{where} is a generated column; describe it as internal")
            if f.refers_to or f.vocabulary:
                target = f.refers_to or f.vocabulary
                if fks.get(f.name) != target:
                    out.append(f"{where} should reference {target}; the schema says {fks.get(f.name)}")
            elif f.name in fks:
                out.append(f"{where} references {fks[f.name]}: describe it with refers_to or vocabulary")
            if f.choices and f.vocabulary:
                keys = tuple(r[0] for r in conn.execute(f"SELECT key FROM {f.vocabulary} ORDER BY rowid"))
                if keys != f.choices:
                    out.append(f"{where}: the choices {f.choices} are not the {f.vocabulary} rows {keys}")
            elif f.choices:
                check = f"{f.name} IN ({', '.join(repr(x) for x in f.choices)})"
                if check not in tables[rec.table]:
                    out.append(f"{where}: the table has no CHECK ({check})")
        for name in rec.search_columns:  # searchable: a virtual generated column the index reads
            if name in by_name and by_name[name]["hidden"] != 2:
                out.append(f"{rec.table}.{name} should be a VIRTUAL generated column")
        if rec.searchable:
            indexed = [r[1] for r in conn.execute(f"PRAGMA table_info({rec.table}_fts)")]
            if indexed != list(rec.search_columns):
                out.append(f"{rec.table}_fts indexes {indexed}, the description's searchable fields "
                           f"{list(rec.search_columns)}")
        elif f"{rec.table}_fts" in tables:
            out.append(f"{rec.table}_fts exists but no field of {rec.table} is searchable")
    return out


def test_the_description_matches_the_schema_the_migrations_build(empty_path):
    """Every described column exists with its type, nullability, default, reference and search column;
    every column of a described table is described or internal; every table is a record or listed."""
    conn = sqlite3.connect(f"file:{empty_path}?mode=ro", uri=True)
    try:
        assert schema_mismatches(conn) == []
    finally:
        conn.close()


def test_the_checker_notices_a_column_the_description_lacks(empty_path):
    """The schema test can fail: a column added by a migration but not described is reported."""
    conn = sqlite3.connect(str(empty_path))
    try:
        conn.execute("ALTER TABLE frameworks ADD COLUMN url TEXT")
        assert any("frameworks: the table's columns" in m for m in schema_mismatches(conn))
    finally:
        conn.close()


def test_every_field_names_a_rule_that_exists():
    """Each cleaner is a function of core.validation, and every value field has a working rule."""
    for rec in records.all_records():
        for f in rec.fields:
            if f.cleaner:
                assert inspect.isfunction(getattr(v, f.cleaner, None)), f"{rec.table}.{f.name}: {f.cleaner}"
        assert set(v.rules(rec)) == set(rec.value_fields)
        for f in rec.fields:
            assert f.label and f.noun, f"{rec.table}.{f.name}"
            assert f.limit is None or isinstance(f.limit, (int, tuple)), f"{rec.table}.{f.name}"


def test_the_item_table_and_sheet_columns_name_described_values():
    """The window's table columns and the sheet's derived columns are fields or derived values whose
    source field exists; every sortable one is sortable by the store."""
    from app.store.store import sortable
    items = records.ITEMS
    for key in items.table_columns:
        assert items.has(key) or key in {d.name for d in items.derived}, key
        if items.sort_of(key):
            assert key in sortable(), key
    for d in items.derived:
        assert records.record(d.record).has(d.field), d
    names = [f.csv for f in items.csv_fields] + [d.name for d in items.derived if d.csv]
    assert len(names) == len(set(names))


def test_the_limits_validation_uses_are_the_described_ones():
    """An item's ref, a source's publisher and a framework's actor are cut off at their described limits."""
    for rec, name, check in (
            (records.ITEMS, "ref", lambda x: v.clean_item_value("ref", x)),
            (records.SOURCES, "publisher", lambda x: v.clean_source_meta({"title": "T", "publisher": x})),
            (records.FRAMEWORKS, "actor", lambda x: v.clean_framework_fields({"actor": x}, partial=True))):
        limit = rec.field(name).limit
        check("x" * limit)
        with pytest.raises(ValidationError, match=f"the limit is {limit:,}"):
            check("x" * (limit + 1))


# -- a field added to the description ----------------------------------------------------------------
SUMMARY = Field("summary", "line", default="", limit=300, editable=True, csv="summary", cleaner="clean_text")


@pytest.fixture
def with_summary(monkeypatch, empty_store):
    """The description with one more item field, and the file with the column its migration would add."""
    items = dataclasses.replace(records.ITEMS, fields=records.ITEMS.fields + (SUMMARY,))
    monkeypatch.setattr(records, "ITEMS", items)
    empty_store.conn.execute("ALTER TABLE items ADD COLUMN summary TEXT NOT NULL DEFAULT ''")
    return empty_store


def _doc(**item) -> dict:
    from app.exchange import jsonio
    return {"format": jsonio.FORMAT, "version": jsonio.VERSION,
            "frameworks": [{"id": "fw", "title": "Plan"}],
            "items": [{"id": "it", "framework_id": "fw", "kind": "goal", "title": "A goal", **item}]}


def test_a_new_field_reaches_the_store_json_and_csv(with_summary, tmp_path):
    """With only the description and the column changed: the store selects, writes and exports the
    field, the JSON import checks it with its limit, and the CSV sheet has a column for it."""
    from app.exchange import csvio, jsonio
    from app.services import editing
    from app.store import bulk
    from app.store import store as store_mod

    store = with_summary
    assert schema_mismatches(store.conn) == []  # the patched description matches the altered file
    assert store_mod.ITEM_COLUMNS[-1] == "summary" and bulk.columns("items")[-1] == "summary"
    assert "summary" in store_mod.FINGERPRINT_FIELDS and "summary" in v.ITEM_VALUE_FIELDS

    with pytest.raises(ValidationError) as e:
        jsonio.validate_document(_doc(summary="s" * 301))
    assert str(e.value) == "items[0].summary: is 301 characters long; the limit is 300"
    with pytest.raises(ValidationError, match="^items\\[0\\].summary: must be text$"):
        jsonio.validate_document(_doc(summary=7))

    jsonio.import_document(store, _doc(summary="Why it matters"))
    assert store.get_item("it")["summary"] == "Why it matters"
    assert jsonio.export_document(store)["items"][0]["summary"] == "Why it matters"
    editing.update_item(store, "it", {"summary": "Changed in the window"})
    assert store.get_item("it")["summary"] == "Changed in the window"
    assert "Changed in the window" in store.item_fingerprints(["it"])["it"]  # what undo checks
    jsonio.import_document(store, _doc(summary="From a newer copy", updated_at=_now()))
    assert store.get_item("it")["summary"] == "From a newer copy"  # the merge takes it too

    header, row = csvio.export_rows(store)
    assert header[header.index("tags") + 1] == "summary" and row[header.index("summary")] == "From a newer copy"
    sheet = tmp_path / "items.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["framework", "kind", "title", "summary"],
                                  ["Plan", "goal", "From the sheet", "Typed"]])
    doc = csvio.read_sheet(store, sheet)
    assert doc["items"][0]["summary"] == "Typed"


def test_without_the_new_field_nothing_of_it_appears(empty_store):
    """The description as shipped: no summary column anywhere (the test above changed a copy only)."""
    from app.exchange import csvio
    from app.store import store as store_mod
    assert "summary" not in store_mod.ITEM_COLUMNS and "summary" not in csvio.columns()


def _now() -> str:
    """This moment as the exchange format writes it (an import may not bring a later one)."""
    return v.timestamp(dt.datetime.now(dt.timezone.utc).isoformat(), "updated_at")
