"""A status update can cite its evidence: one of its own item's citations (issue 12, migration 0005).

The history stays append-only, so the link is never cleared behind the analyst's back: a cited passage
cannot be removed while an update cites it, and every refusal leaves the file as it was.
"""
from __future__ import annotations

import copy
import sqlite3

import pytest

from app.core.model import PolicyTrackerError, ValidationError
from app.exchange import jsonio
from app.services import operations as ops
from app.store.store import Store
from tests.services.test_operations import snapshot, undo_redo_round_trip


def _cited_items(store: Store) -> tuple[dict, dict, dict]:
    """Two seeded items with citations, and the first's first citation."""
    items = [i for i in store.item_ids() if store.citations_for_item(i)]
    first, second = store.get_item(items[0]), store.get_item(items[1])
    return first, second, store.citations_for_item(first["id"])[0]


def test_an_update_keeps_its_evidence_through_undo_and_redo(store):
    item, _, cit = _cited_items(store)
    op = ops.AddStatusUpdate(item["id"], "in_progress", "2026-05-01", "Budget line approved", "Analyst",
                             citation_id=cit["id"])
    out = undo_redo_round_trip(store, op)
    assert out.result["citation_id"] == cit["id"]
    assert store.get_status_update(op.update_id)["citation_id"] == cit["id"]
    assert store.updates_citing(cit["id"]) == [op.update_id]
    # withdrawing it and redoing the withdrawal's undo brings the link back too
    undo_redo_round_trip(store, ops.WithdrawStatusUpdate(op.update_id))
    assert store.get_status_update(op.update_id) is None


def test_an_update_cannot_cite_another_items_words(store):
    item, other, _ = _cited_items(store)
    foreign = store.citations_for_item(other["id"])[0]
    before = snapshot(store)
    with pytest.raises(ValidationError, match="can only cite words cited by its own item"):
        ops.History(store).do(ops.AddStatusUpdate(item["id"], "in_progress", "2026-05-01", citation_id=foreign["id"]))
    with pytest.raises(PolicyTrackerError, match="no longer exists"):
        ops.History(store).do(ops.AddStatusUpdate(item["id"], "in_progress", "2026-05-01", citation_id="no-such-id"))
    assert snapshot(store) == before


def test_the_database_itself_refuses_a_foreign_citation(store):
    """Whatever program writes the file: the trigger of 0005, not only the app's check."""
    item, other, _ = _cited_items(store)
    foreign = store.citations_for_item(other["id"])[0]
    with pytest.raises(sqlite3.IntegrityError, match="can only cite words cited by its own item"):
        store.conn.execute(
            "INSERT INTO status_updates (id, item_id, status, as_of, citation_id) VALUES ('x', ?, 'planned', "
            "'2026-01-01', ?)", (item["id"], foreign["id"]))


def test_a_cited_passage_cannot_be_removed_while_an_update_cites_it(store):
    item, _, cit = _cited_items(store)
    h = ops.History(store)
    h.do(ops.AddStatusUpdate(item["id"], "in_progress", "2026-05-01", "See the plan", citation_id=cit["id"]))
    before = snapshot(store)
    with pytest.raises(ValidationError) as e:
        h.do(ops.RemoveCitation(cit["id"]))
    assert str(e.value) == ("This passage is the evidence of 1 status update, and the status history is never "
                            "rewritten: withdraw that update first.")
    assert snapshot(store) == before
    h.undo()  # the update is withdrawn: now the passage can go, and come back
    undo_redo_round_trip(store, ops.RemoveCitation(cit["id"]))


def test_deleting_the_item_takes_both_and_undo_restores_the_link(store):
    item, _, cit = _cited_items(store)
    h = ops.History(store)
    add = ops.AddStatusUpdate(item["id"], "in_progress", "2026-05-01", citation_id=cit["id"])
    h.do(add)
    h.do(ops.DeleteItem(item["id"]))
    assert store.get_status_update(add.update_id) is None and store.get_citation(cit["id"]) is None
    h.undo()
    assert store.get_status_update(add.update_id)["citation_id"] == cit["id"]


def test_evidence_travels_in_the_exchange_format(store, empty_path):
    item, other, cit = _cited_items(store)
    add = ops.AddStatusUpdate(item["id"], "in_progress", "2026-05-01", "Approved", citation_id=cit["id"])
    ops.History(store).do(add)
    doc = jsonio.export_document(store)
    ups = {u["id"]: u for it in doc["items"] for u in it["status_updates"]}
    assert ups[add.update_id]["citation_id"] == cit["id"]
    assert sum(1 for u in ups.values() if u["citation_id"] is not None) == 1
    with Store(empty_path) as fresh:
        jsonio.import_document(fresh, copy.deepcopy(doc))
        assert fresh.get_status_update(add.update_id)["citation_id"] == cit["id"]
    # a document whose update cites another item's citation is refused, naming the place
    bad = copy.deepcopy(doc)
    at = next(k for k, it in enumerate(bad["items"]) if it["id"] == item["id"])
    j = next(k for k, u in enumerate(bad["items"][at]["status_updates"]) if u["id"] == add.update_id)
    bad["items"][at]["status_updates"][j]["citation_id"] = store.citations_for_item(other["id"])[0]["id"]
    with Store(empty_path) as fresh:
        before = fresh.table_counts()
        with pytest.raises(PolicyTrackerError, match=rf"items\[{at}\]\.status_updates\[{j}\]\.citation_id"):
            jsonio.import_document(fresh, bad)
        assert fresh.table_counts() == before
