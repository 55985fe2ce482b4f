"""The store: transactions, row versions, history rules, counts, audit and full-text search."""
import tomllib
from pathlib import Path

import pytest

from app.core.model import ConflictError, PolicyTrackerError
from app.services import editing
from app.services.sources import add_source

SEEDED_ITEMS = len(tomllib.loads((Path(__file__).resolve().parents[2] / "seeds" / "curated.toml")
                                 .read_text(encoding="utf-8"))["items"])  # what the seeded file holds


def _almaty_proposal(store, ref="1"):
    fw = next(f for f in store.list_frameworks() if f["title"].startswith("Almaty"))
    return next(i for i in (store.get_item(x) for x in store.item_ids(framework_ids=[fw["id"]])) if i["ref"] == ref)


def test_write_rolls_back_everything_on_error(store):
    """An exception inside write() leaves no partial change."""
    before = store.count_items()
    item = _almaty_proposal(store)
    with pytest.raises(RuntimeError):
        with store.write():
            store.update_item(item["id"], {"title": "changed"})
            raise RuntimeError("boom")
    assert store.get_item(item["id"])["title"] == item["title"]
    assert store.count_items() == before


def test_nested_write_is_a_savepoint(store):
    """A failing inner block is undone while the outer one commits."""
    item = _almaty_proposal(store)
    with store.write():
        store.update_item(item["id"], {"actor": "outer"})
        with pytest.raises(RuntimeError):
            with store.write():
                store.update_item(item["id"], {"title": "inner"})
                raise RuntimeError
    got = store.get_item(item["id"])
    assert got["actor"] == "outer" and got["title"] == item["title"]


def test_stale_version_is_refused_with_the_other_change(store):
    """Saving over a newer version raises ConflictError naming the current state."""
    item = _almaty_proposal(store)
    editing.update_item(store, item["id"], {"title": "Their title"}, expected_version=item["version"])
    with pytest.raises(ConflictError, match="changed elsewhere") as e:
        editing.update_item(store, item["id"], {"title": "My title"}, expected_version=item["version"])
    assert e.value.current["title"] == "Their title"
    assert store.get_item(item["id"])["title"] == "Their title"


def test_status_history_is_append_only(store):
    """Status updates cannot be rewritten in place, only added or withdrawn."""
    item = _almaty_proposal(store)
    u = store.status_updates_for_item(item["id"])[0]
    with pytest.raises(PolicyTrackerError, match="append-only"):
        with store.write():
            store.conn.execute("UPDATE status_updates SET note = 'x' WHERE id = ?", (u["id"],))


def test_source_text_never_changes(store):
    """The text of an imported source cannot be altered."""
    src = store.list_sources()[0]
    with pytest.raises(PolicyTrackerError, match="cannot be changed"):
        with store.write():
            store.conn.execute("UPDATE sources SET text = 'forged' WHERE id = ?", (src["id"],))


def test_status_counts_follow_every_change(store):
    """The navigator's counts stay equal to a full count after adds, updates and deletes."""
    item = _almaty_proposal(store)
    editing.add_status_update(store, item["id"], "in_progress", "2025-03-01", "talks began", "me")
    snap, _ = editing.delete_item(store, _almaty_proposal(store, "2")["id"])
    actual = {}
    for r in store._all("SELECT framework_id, status, count(*) AS n FROM items GROUP BY 1, 2"):
        actual.setdefault(r["framework_id"], {})[r["status"]] = r["n"]
    assert store.status_counts() == actual
    editing.restore_item(store, snap)
    assert sum(sum(v.values()) for v in store.status_counts().values()) == store.count_items()


def test_every_change_is_audited(store):
    """Inserts, updates and deletes each leave a row in the audit log."""
    item = _almaty_proposal(store)
    n0 = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    editing.update_item(store, item["id"], {"title": "Audited"})
    rows = store._all("SELECT action, table_name, row_id FROM audit_log ORDER BY id DESC LIMIT 1")
    assert rows[0] == {"action": "update", "table_name": "items", "row_id": item["id"]}
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == n0 + 1


def test_search_finds_items_notes_and_sources(store):
    """Full-text search covers item titles, status notes and source texts."""
    item = _almaty_proposal(store)
    editing.add_status_update(store, item["id"], "in_progress", "2025-03-01", "Kazakh regulators quietly agreed", "me")
    kinds = {r["kind"] for r in store.search("connectivity")} | {r["kind"] for r in store.search("regulators")}
    assert {"item", "note", "source"} <= kinds | {r["kind"] for r in store.search("Digikala")}
    assert any(r["kind"] == "note" for r in store.search("regulat*"))


@pytest.mark.parametrize("q", ['"', '"unbalanced', "-", "*", "a -b", "NEAR(", "AND", "OR OR", "(", ")",
                               "'; DROP TABLE items; --", "col:value", "^start", "x" * 5000, "", "   "])
def test_hostile_queries_never_raise(store, q):
    """Whatever a person types, search returns results or nothing, never an error, and deletes nothing."""
    before = store.conn.execute("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM status_updates), "
                                "(SELECT count(*) FROM sources)").fetchone()
    assert isinstance(store.search(q), list)
    after = store.conn.execute("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM status_updates), "
                               "(SELECT count(*) FROM sources)").fetchone()
    assert tuple(after) == tuple(before)
    assert store.count_items() == SEEDED_ITEMS


def test_persian_search_matches_either_spelling(store):
    """Arabic and Persian letter forms and digits find each other (normalised index and query)."""
    sid, _ = add_source(store, "برنامه هفتم توسعه: سهم اقتصاد ديجيتال به ۱۰ درصد می\u200cرسد.", title="نمونه")
    assert any(r["source_id"] == sid for r in store.search("دیجیتال"))  # typed with Persian yeh
    assert any(r["source_id"] == sid for r in store.search("10"))
    assert any(r["source_id"] == sid for r in store.search("میرسد"))  # typed without the ZWNJ
    assert any(r["source_id"] == sid for r in store.search("می\u200cرسد"))


def test_item_ids_filter_and_sort(store):
    """Filtering by status and kind and sorting by title work together."""
    ids = store.item_ids(kinds=["proposal"], sort="title")
    titles = [store.get_item(i)["title"] for i in ids]
    assert len(ids) == 5 and titles == sorted(titles, key=str.lower)
    assert store.item_ids(statuses=[]) == []


def test_backup_in_the_middle_of_a_write_is_refused_not_hung(store, tmp_path):
    """The backup API on a connection mid-write would wait forever; it is refused at once."""
    with store.write():
        store.set_meta("x", "y")
        with pytest.raises(PolicyTrackerError, match="middle of a change"):
            store.backup_to(tmp_path / "b.sqlite")
    assert store.backup_to(tmp_path / "b.sqlite").exists()


def test_restoring_a_citation_relinks_its_observations(store):
    """Undoing the removal of a citation brings back the observations' link to it."""
    obs_item = next(i for i in (store.get_item(x) for x in store.item_ids()) if store.observations_for_item(i["id"])
                    and store.observations_for_item(i["id"])[0]["citation_id"])
    ob = store.observations_for_item(obs_item["id"])[0]
    cit = store.get_citation(ob["citation_id"])
    row, _ = editing.remove_citation(store, cit["id"])
    assert store.observations_for_item(obs_item["id"])[0]["citation_id"] is None
    editing.restore_citation(store, row)
    assert store.observations_for_item(obs_item["id"])[0]["citation_id"] == cit["id"]
    assert store.get_citation(cit["id"])["created_at"] == cit["created_at"]
