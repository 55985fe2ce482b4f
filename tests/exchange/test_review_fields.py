"""The review fields of the exchange format (version 3): review_state and reviews on each entry."""
from __future__ import annotations

import copy

import pytest

from app.core.model import ValidationError
from app.exchange import jsonio
from app.services import operations
from app.services.review import Decide
from app.store import reviews


def _first_update(doc):
    return next(u for it in doc["items"] for u in it["status_updates"])


def test_export_gives_every_entry_its_state_and_decisions(store):
    """Seeded entries export as approved with no decision; a returned update exports its decisions oldest first."""
    doc = jsonio.export_document(store)
    assert doc["version"] == 3
    entries = [e for it in doc["items"] for e in (it, *it["status_updates"], *it["observations"])]
    assert len(entries) == 66 and {e["review_state"] for e in entries} == {"approved"}
    uid = _first_update(doc)["id"]
    operations.perform(store, Decide(uid, "submitted", at="2026-01-01T10:00:00.000Z"))
    operations.perform(store, Decide(uid, "returned", "Dana", "Which source says so?", at="2026-01-02T10:00:00.000Z"))
    u = _first_update(jsonio.export_document(store))
    assert u["review_state"] == "returned"
    assert u["reviews"] == [{"state": "submitted", "reviewer": "", "at": "2026-01-01T10:00:00.000Z", "comment": ""},
                            {"state": "returned", "reviewer": "Dana", "at": "2026-01-02T10:00:00.000Z",
                             "comment": "Which source says so?"}]


def test_decisions_travel_to_another_file_once(store, empty_store):
    """An export's decisions are imported with their entries; importing the document again adds none."""
    uid = _first_update(jsonio.export_document(store))["id"]
    operations.perform(store, Decide(uid, "returned", "Dana", "Check the date", at="2026-01-02T10:00:00.000Z"))
    doc = jsonio.export_document(store)
    report = jsonio.import_document(empty_store, copy.deepcopy(doc))
    assert report.added["review decisions"] == 1
    assert reviews.counts(empty_store) == {"draft": 0, "submitted": 0, "approved": 65, "returned": 1}
    again = jsonio.import_document(empty_store, copy.deepcopy(doc))
    assert "review decisions" not in again.added
    assert empty_store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_a_version_3_entry_without_review_state_is_submitted(store, empty_store):
    """New entries of a current-version document that says nothing of review are submitted."""
    doc = jsonio.export_document(store)
    for it in doc["items"]:
        for e in (it, *it["status_updates"], *it["observations"]):
            e.pop("review_state")
            e.pop("reviews")
    jsonio.import_document(empty_store, doc)
    assert reviews.counts(empty_store) == {"draft": 0, "submitted": 66, "approved": 0, "returned": 0}


def test_version_2_documents_import_as_approved(store, tmp_path):
    """A version-2 document's entries are approved: no decision is written for them."""
    from app.store.store import Store
    doc = jsonio.export_document(store)
    doc["version"] = 2
    for it in doc["items"]:
        it.pop("review_state"), it.pop("reviews")
    with Store(tmp_path / "other.sqlite") as other:
        jsonio.import_document(other, doc)
        assert reviews.counts(other) == {"draft": 0, "submitted": 0, "approved": 66, "returned": 0}
        assert other.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


@pytest.mark.parametrize("mutate, message", [
    (lambda u: u.update(review_state="maybe"), r"status_updates\[0\]\.review_state: is 'maybe'"),
    (lambda u: u.update(reviews=[{"state": "approved", "reviewer": "A"}]), r"reviews\[0\]\.at: is required"),
    (lambda u: u.update(reviews=[{"state": "nope", "at": "2026-01-01T00:00:00Z"}]), r"reviews\[0\]\.state"),
    (lambda u: u.update(reviews="x"), r"reviews: must be a list"),
    (lambda u: u.update(review_state="approved",
                        reviews=[{"state": "returned", "at": "2026-01-01T00:00:00Z", "reviewer": "A"}]),
     r"review_state: is 'approved' but its latest review says 'returned'"),
])
def test_bad_review_fields_are_refused_naming_the_place(store, empty_store, mutate, message):
    """A bad review field is one sentence naming its place, and nothing is imported."""
    doc = jsonio.export_document(store)
    mutate(_first_update(doc))
    with pytest.raises(ValidationError, match=message):
        jsonio.import_document(empty_store, doc)
    assert empty_store.count_items() == 0
