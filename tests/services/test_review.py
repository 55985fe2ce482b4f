"""Review decisions as operations, the review copy's guard below the window, and merging a copy back."""
from __future__ import annotations

import sqlite3

import pytest

from app.core.model import NotFoundError, PolicyTrackerError, ValidationError
from app.exchange import jsonio
from app.services import operations
from app.services.review import Decide, MergeDecisions, make_review_copy, plan_import
from app.store import reviews
from app.store.store import ReviewCopyError, Store


def _updates(store, n):
    return [r[0] for r in store.conn.execute("SELECT id FROM status_updates ORDER BY id LIMIT ?", (n,))]


def test_a_decision_is_undoable_and_the_latest_decides(store):
    """Each decision is one undo step; the entry's state is its latest decision, the status never moves."""
    (u,) = _updates(store, 1)
    iid = store.get_status_update(u)["item_id"]
    status = store.get_item(iid)["status"]
    h = operations.History(store)
    h.do(Decide(u, "submitted", at="2026-01-01T00:00:00.000Z"))
    h.do(Decide(u, "returned", "Dana", "Source?", at="2026-01-02T00:00:00.000Z"))
    assert reviews.entry(store, u)["review_state"] == "returned"
    assert store.get_item(iid)["status"] == status
    h.undo()
    assert reviews.entry(store, u)["review_state"] == "submitted"
    h.redo()
    assert [d["state"] for d in reviews.decisions(store, [u])[u]] == ["submitted", "returned"]
    assert reviews.counts(store) == {"draft": 0, "submitted": 0, "approved": 65, "returned": 1}


def test_decisions_cannot_be_edited_and_follow_their_entry(store):
    """Decisions refuse UPDATE; withdrawing an entry takes it out of the counts, putting it back returns it."""
    (u,) = _updates(store, 1)
    h = operations.History(store)
    h.do(Decide(u, "returned", "Dana", "Check"))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE reviews SET comment = 'changed'")
    h.do(operations.WithdrawStatusUpdate(u))
    assert reviews.counts(store)["returned"] == 0 and reviews.entry(store, u) is None
    h.undo()
    assert reviews.entry(store, u)["review_state"] == "returned"


@pytest.mark.parametrize("op, message", [
    (lambda u: Decide(u, "approved", ""), "A review decision needs the reviewer's name."),
    (lambda u: Decide(u, "maybe", "Dana"), "“maybe” is not a review state; use one of draft, submitted, approved, "
                                           "returned."),
    (lambda u: Decide("no-such-entry", "approved", "Dana"), "No status update, observation or item has the id "
                                                            "“no-such-entry”."),
])
def test_bad_decisions_are_one_sentence_and_change_nothing(store, op, message):
    """A decision without a reviewer, with an unknown state or on an unknown entry is refused whole."""
    (u,) = _updates(store, 1)
    with pytest.raises((ValidationError, NotFoundError)) as e:
        operations.perform(store, op(u))
    assert str(e.value) == message
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_a_review_copy_refuses_every_write_but_decisions(store, tmp_path):
    """Below the window: edits, new entries, imports and deletions are refused in a review copy; decisions are not."""
    path = tmp_path / "copy.sqlite"
    made = make_review_copy(store, path)
    assert made == {"path": path, "frameworks": 5, "items": 27, "awaiting": 0}
    doc = jsonio.export_document(store)
    with Store(path) as copy:
        assert copy.review_copy["review_copy_of"] == reviews.file_id(store)
        assert reviews.file_id(copy) != reviews.file_id(store)
        iid = copy.item_ids()[0]
        (u,) = _updates(copy, 1)
        refused = [operations.EditItem(iid, {"title": "Changed"}), operations.DeleteItem(iid),
                   operations.AddStatusUpdate(iid, "stalled", "2026-01-01"), operations.WithdrawStatusUpdate(u),
                   operations.ImportDocument(doc, jsonio.import_document), Decide(u, "submitted")]
        for op in refused[:-1]:
            with pytest.raises(ReviewCopyError, match="only review decisions and comments can be made"):
                operations.perform(copy, op)
        with pytest.raises(ValidationError, match="only be approved or returned"):
            operations.perform(copy, refused[-1])
        with pytest.raises(ReviewCopyError):
            with copy.write():
                copy.set_meta("x", "y")
        operations.perform(copy, Decide(u, "approved", "Dana"))
        assert copy.get_item(iid)["title"] != "Changed"
        with pytest.raises(PolicyTrackerError, match="itself a review copy"):
            make_review_copy(copy, tmp_path / "again.sqlite")


def test_a_copy_of_chosen_frameworks_keeps_only_them_and_leaves_no_trace_of_the_rest(store, tmp_path):
    """--framework: the copy holds that framework's items and the sources they cite, and no audit of the others."""
    fw = next(f for f in store.list_frameworks() if f["title"].startswith("Almaty"))
    path = tmp_path / "almaty.sqlite"
    made = make_review_copy(store, path, [fw["id"]])
    assert (made["frameworks"], made["items"]) == (1, 5)
    with Store(path) as copy:
        assert [f["id"] for f in copy.list_frameworks()] == [fw["id"]]
        cited = {r[0] for r in copy.conn.execute("SELECT DISTINCT source_id FROM citations")}
        assert {s["id"] for s in copy.list_sources()} == cited
        assert copy.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    assert not (tmp_path / "almaty.sqlite.making").exists()


def test_an_entry_the_desk_changed_is_a_conflict_with_both_sides(store, tmp_path):
    """An item edited on the desk after the copy: the reviewer's decision on it is not merged, both texts shown."""
    iid = store.item_ids()[0]
    path = tmp_path / "copy.sqlite"
    make_review_copy(store, path)
    with Store(path) as copy:
        operations.perform(copy, Decide(iid, "approved", "Dana"))
    before = store.get_item(iid)["title"]
    operations.perform(store, operations.EditItem(iid, {"title": "A new title"}))
    plan = plan_import(store, path)
    assert plan.merge == [] and len(plan.conflicts) == 1
    c = plan.conflicts[0]
    assert (c.kind, c.copy_text, c.desk_text) == ("item", before, "A new title")
    assert "the desk changed it after the copy was made; Dana approved it, which was not merged." in plan.summary()


def test_merging_decisions_undoes_as_one_step(store, tmp_path):
    """The import writes every decision in one step; undo takes them all back."""
    a, b = _updates(store, 2)
    path = tmp_path / "copy.sqlite"
    make_review_copy(store, path)
    with Store(path) as copy:
        operations.perform(copy, Decide(a, "approved", "Dana"))
        operations.perform(copy, Decide(b, "returned", "Lee", "Why?"))
    plan = plan_import(store, path)
    assert plan.per_reviewer() == {"Dana": {"approved": 1}, "Lee": {"returned": 1}}
    h = operations.History(store)
    assert h.do(MergeDecisions(tuple(plan.merge))).result == 2
    assert reviews.counts(store)["returned"] == 1
    h.undo()
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_items_filter_by_review_state(store):
    """The item list filters by review state: an entry returned lists its item; approved lists those all approved."""
    (u,) = _updates(store, 1)
    iid = store.get_status_update(u)["item_id"]
    operations.perform(store, Decide(u, "returned", "Dana", "Why?"))
    assert store.item_ids(review_state="returned") == [iid]
    assert store.item_ids(review_state="submitted") == []
    assert len(store.item_ids(review_state="approved")) == store.count_items() - 1 == 26
