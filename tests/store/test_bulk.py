"""The demo-data generator and the bulk write path: right counts, exact citations, a sound file."""
from __future__ import annotations

import json

import pytest

from app import cli
from app.core.model import PolicyTrackerError
from app.services import demo_data
from app.store import bulk
from app.store.store import Store


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    """A small generated database, built once for the module (tests only read it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with Store(path) as s:
        demo_data.generate(s, items=600, notes=4000, sources=6, seed=3)
    return path


@pytest.fixture
def demo(demo_path):
    s = Store(demo_path)
    yield s
    s.close()


def test_counts_match_the_request(demo):
    """Items, notes and sources come out exactly as asked, with the other tables filled too."""
    counts = demo.table_counts()
    assert counts["items"] == 600
    assert counts["status_updates"] == 4000
    assert counts["sources"] == 6
    assert counts["frameworks"] == 3
    for table in ("citations", "targets", "observations", "relations"):
        assert counts[table] > 0, table


def test_every_quote_is_the_text_at_its_offsets(demo):
    """Each citation's quote equals its source text sliced at its code-point offsets."""
    texts = {r["id"]: r["text"] for r in demo.list_sources(with_text=True)}
    rows = demo._all("SELECT source_id, start_offset, end_offset, quote, prefix, suffix FROM citations")
    assert rows
    for r in rows:
        text = texts[r["source_id"]]
        assert text[r["start_offset"]:r["end_offset"]] == r["quote"]
        assert text[:r["start_offset"]].endswith(r["prefix"])
        assert text[r["end_offset"]:].startswith(r["suffix"])
    assert demo.mismatched_citations() == []
    assert demo.unplaced_citations() == []


def test_some_sources_are_long_and_some_are_persian_or_accented(tmp_path):
    """Source texts run to thousands of words; non-ASCII texts keep exact code-point offsets."""
    with Store(tmp_path / "fa.sqlite") as s:
        demo_data.generate(s, items=200, notes=300, sources=40, seed=11)
        srcs = s.list_sources(with_text=True)
        assert all(len(x["text"].split()) >= 1900 for x in srcs)
        assert any(x["language"] == "fa" for x in srcs)
        assert any(not x["text"].isascii() for x in srcs)
        assert s.mismatched_citations() == []


def test_the_check_command_passes(demo_path, capsys):
    """`policy-tracker check` finds nothing wrong with a generated file."""
    assert cli.main(["check", "--db", str(demo_path)]) == 0
    assert "The database is sound." in capsys.readouterr().out


def test_search_finds_generated_words(demo):
    """The search triggers indexed the generated items, notes and sources."""
    assert demo.search(demo_data.RARE_TERM, scopes=("items",))
    assert demo.search(demo_data.RARE_TERM, scopes=("notes",))
    assert len(demo.search(demo_data.COMMON_TERM, scopes=("notes",))) == 50
    assert demo.search(demo_data.PREFIX_TERM + "*", scopes=("items", "notes"))
    assert demo.search("Government", scopes=("sources",))


def test_triggers_kept_counts_and_audit(demo):
    """The status counts and the audit log were written by the real triggers."""
    counts = demo.status_counts()
    assert sum(n for per in counts.values() for n in per.values()) == 600
    audited = demo.conn.execute("SELECT count(*) FROM audit_log WHERE table_name = 'status_updates'").fetchone()[0]
    assert audited == 4000


def test_items_follow_their_latest_update(demo):
    """An item's status is the status of its latest dated update."""
    rows = demo._all(
        "SELECT i.status, (SELECT u.status FROM status_updates u WHERE u.item_id = i.id "
        "ORDER BY u.as_of DESC, u.created_at DESC, u.id DESC LIMIT 1) AS latest FROM items i")
    assert all(r["latest"] is None or r["latest"] == r["status"] for r in rows)


def test_heavy_item_has_long_history(demo):
    """The item the benchmarks open has 1,000 updates and 50 citations."""
    heavy = demo.get_meta("demo.heavy_item_id")
    assert len(demo.status_updates_for_item(heavy)) == 1000
    assert len(demo.citations_for_item(heavy)) == 50


def test_same_seed_same_data(tmp_path):
    """Two builds with one seed give the same rows."""
    out = []
    for name in ("a", "b"):
        with Store(tmp_path / f"{name}.sqlite") as s:
            demo_data.generate(s, items=50, notes=200, sources=2, seed=7)
            out.append(s._all("SELECT id, ref, title, status, tags FROM items ORDER BY seq"))
    assert out[0] == out[1]
    assert all(isinstance(json.loads(r["tags"]), list) for r in out[0])


def test_refs_and_parents_are_consistent(demo):
    """A child's ref extends its parent's ref within the same framework."""
    rows = demo._all("SELECT c.ref, c.framework_id AS f, p.ref AS pref, p.framework_id AS pf FROM items c "
                     "JOIN items p ON p.id = c.parent_id")
    assert rows
    assert all(r["ref"].startswith(r["pref"] + ".") and r["f"] == r["pf"] for r in rows)


def test_command_refuses_a_non_empty_database(seeded_path, capsys):
    """demo-data will not write into a file that already holds records unless forced."""
    assert cli.main(["demo-data", "--items", "5", "--notes", "5", "--sources", "1", "--db", str(seeded_path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert cli.main(["demo-data", "--items", "5", "--notes", "5", "--sources", "1", "--quiet", "--force",
                     "--db", str(seeded_path)]) == 0


def test_command_builds_a_new_file(tmp_path, capsys):
    """demo-data creates a new database with the requested counts."""
    path = tmp_path / "new.sqlite"
    assert cli.main(["demo-data", "--items", "30", "--notes", "90", "--sources", "2", "--quiet",
                     "--db", str(path)]) == 0
    assert "30 items" in capsys.readouterr().out
    with Store(path) as s:
        assert s.table_counts()["status_updates"] == 90
        assert not bulk.is_empty(s)


def test_fast_session_restores_the_house_settings(empty_store):
    """The build-time PRAGMAs are undone afterwards (synchronous back to FULL)."""
    with bulk.fast_session(empty_store):
        assert empty_store.conn.execute("PRAGMA synchronous").fetchone()[0] == 0
    assert empty_store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_a_failed_batch_writes_nothing(empty_store):
    """A batch that breaks a rule is rolled back whole."""
    bad = {"frameworks": [("f1", "F", None, "", "2020-01-01T00:00:00.000Z", "2020-01-01T00:00:00.000Z")],
           "items": [("i1", "missing-framework", None, "1", "goal", "T", "", None, "unknown", None, "[]",
                      "2020-01-01T00:00:00.000Z", "2020-01-01T00:00:00.000Z")]}
    with pytest.raises(PolicyTrackerError, match="FOREIGN KEY constraint failed"):
        bulk.write_batch(empty_store, bad)
    assert bulk.is_empty(empty_store)
