"""The operations core: each change returns its inverse; undo and redo need no window.

Every test compares the whole file (its export, less `exported_at`) before and after, so an
inverse that forgets anything fails.
"""
from __future__ import annotations

import copy

import pytest

from app.core.model import ConflictError
from app.exchange import csvio, jsonio
from app.services import editing
from app.services import operations as ops
from app.store.store import Store


def snapshot(store: Store) -> dict:
    doc = jsonio.export_document(store)
    doc.pop("exported_at")
    for it in doc["items"]:  # bookkeeping every write moves; the records are what must come back
        it.pop("updated_at")
        it.pop("version", None)
    return doc


def first_item(store: Store) -> dict:
    return store.get_item(store.item_ids(limit=1)[0])


def undo_redo_round_trip(store: Store, op: ops.Operation) -> ops.Outcome:
    """Do, undo (the file is as before), redo (the file is as after the do)."""
    h = ops.History(store)
    before = snapshot(store)
    out = h.do(op)
    done = snapshot(store)
    assert done != before, "the operation changed nothing"
    h.undo()
    assert snapshot(store) == before
    h.redo()
    assert snapshot(store) == done
    return out


def test_every_kind_of_edit_undoes_and_redoes_exactly(store):
    """Field edits, items, updates, citations, targets, observations, links, sources and frameworks."""
    item = first_item(store)
    src = store.list_sources()[0]["id"]
    other = store.item_ids(limit=2)[1]
    for op in (ops.EditItem(item["id"], {"title": "A new title", "tags": ["a", "b"]}),
               ops.CreateItem({"framework_id": item["framework_id"], "kind": "goal", "title": "Fresh"}),
               ops.AddStatusUpdate(item["id"], "achieved", "2025-06-01", "Done", "Analyst"),
               ops.AddCitation(item["id"], src, 0, 25),
               ops.SetTarget(item["id"], {"unit": "%", "baseline": 7, "target": 10, "direction": "increase"}),
               ops.AddObservation(item["id"], 8.5, "2025-05-01", "Half way"),
               ops.AddRelation(item["id"], other, "supports", "because"),
               ops.AddSource("A text nobody cites yet.\n", {"title": "A note"}),
               ops.CreateFramework("A framework of its own"),
               ops.DeleteItem(item["id"])):  # last: its redo leaves the item deleted
        undo_redo_round_trip(store, op)


def test_removals_undo_to_the_same_records(store):
    """Removing a citation, an observation or a link and undoing brings back the same id."""
    item = next(store.get_item(i) for i in store.item_ids() if store.citations_for_item(i))
    cit = store.citations_for_item(item["id"])[0]
    out = undo_redo_round_trip(store, ops.RemoveCitation(cit["id"]))
    assert out.result["id"] == cit["id"]
    rel = store.relations_all()[0]
    undo_redo_round_trip(store, ops.RemoveRelation(rel["id"]))
    obs_item = next(i for i in store.item_ids() if store.observations_for_item(i))
    obs = store.observations_for_item(obs_item)[0]
    undo_redo_round_trip(store, ops.RemoveObservation(obs["id"]))


def test_status_follows_the_rule_and_undo_puts_it_back(store):
    """An update dated after the latest moves the status; undo restores the old one and the same record."""
    item = first_item(store)
    h = ops.History(store)
    out = h.do(ops.AddStatusUpdate(item["id"], "achieved", "2026-01-01", "x", "me"))
    assert store.get_item(item["id"])["status"] == "achieved"
    h.undo()
    assert store.get_item(item["id"])["status"] == item["status"]
    assert store.get_status_update(out.result["id"]) is None
    h.redo()
    again = store.get_status_update(out.result["id"])
    assert (again["created_at"], again["note"]) == (out.result["created_at"], "x")


def test_sequence_is_one_step_last_first(store):
    """Tracking a passage (new item + citation) undoes as one step."""
    fid = store.list_frameworks()[0]["id"]
    src = store.list_sources()[0]["id"]
    op = ops.track_new_item({"framework_id": fid, "kind": "goal", "title": "Tracked"}, src, 10, 40)
    undo_redo_round_trip(store, op)


def test_a_refused_part_of_a_sequence_writes_nothing(store):
    """All or nothing: the item of a sequence whose citation is refused is not created."""
    fid = store.list_frameworks()[0]["id"]
    src = store.list_sources()[0]["id"]
    before = snapshot(store)
    with pytest.raises(Exception, match="Select some words of the source to cite"):
        ops.perform(store, ops.track_new_item({"framework_id": fid, "kind": "goal", "title": "x"}, src, 5, 5))
    assert snapshot(store) == before


def test_undo_over_another_programs_change_is_refused_naming_both(store, seeded_path):
    """Undo of a title edit after another program changed the title: refused, both values in the message."""
    item = first_item(store)
    h = ops.History(store)
    h.do(ops.EditItem(item["id"], {"title": "Mine"}))
    with Store(seeded_path) as other:
        editing.update_item(other, item["id"], {"title": "Theirs"})
    with pytest.raises(ConflictError) as e:
        h.undo()
    assert "its title is now “Theirs”, this step would make it" in str(e.value)
    assert f"“{item['title'][:30]}" in str(e.value)
    assert store.get_item(item["id"])["title"] == "Theirs"
    assert h.undo_label == "Edit title"  # the step stays: nothing was undone


def test_redo_over_another_programs_change_is_refused(store, seeded_path):
    """Redo of an edit whose field another program changed after the undo is refused too."""
    item = first_item(store)
    h = ops.History(store)
    h.do(ops.EditItem(item["id"], {"title": "Mine"}))
    h.undo()
    with Store(seeded_path) as other:
        editing.update_item(other, item["id"], {"title": "Theirs"})
    with pytest.raises(ConflictError, match="its title is now “Theirs”, this step would make it “Mine”"):
        h.redo()


# -- imports ---------------------------------------------------------------------------------------
@pytest.fixture
def doc(store):
    """A document with a new item, a later update to an existing item and a changed field."""
    d = jsonio.export_document(store)
    d = copy.deepcopy(d)
    old = d["items"][0]
    old["title"] = old["title"] + " (revised)"
    old["updated_at"] = "2099-01-01T00:00:00.000Z"
    old["status_updates"].append({"id": "00000000-0000-4000-8000-00000000aaaa", "status": "achieved",
                                  "as_of": "2026-02-01", "note": "Done", "author": "Desk", "created_at": None})
    new = copy.deepcopy(d["items"][1])
    new.update(id="00000000-0000-4000-8000-00000000bbbb", ref="NEW-1", title="A new item from a colleague",
               parent_id=None, citations=[], observations=[], target=None,
               status_updates=[{"id": "00000000-0000-4000-8000-00000000cccc", "status": "in_progress",
                                "as_of": "2026-01-15", "note": "Started", "author": "Colleague", "created_at": None}])
    d["items"] = [old, new]
    d["relations"] = []
    return d


def test_import_is_one_undoable_step(store, doc):
    """Undoing an import removes what it added and puts back what it changed, exactly; redo re-imports."""
    h = ops.History(store)
    before = snapshot(store)
    out = h.do(ops.ImportDocument(doc, jsonio.import_document, "Import colleague.json"))
    assert out.result.added == {"items": 1, "status_updates": 1}  # the new item's own update comes with it
    assert store.get_item(doc["items"][0]["id"])["status"] == "achieved"
    assert store.get_item("00000000-0000-4000-8000-00000000bbbb")["title"] == "A new item from a colleague"
    h.undo()
    assert snapshot(store) == before
    assert store.get_item("00000000-0000-4000-8000-00000000bbbb") is None
    h.redo()
    assert store.get_item(doc["items"][0]["id"])["title"].endswith("(revised)")
    assert store.get_status_update("00000000-0000-4000-8000-00000000aaaa")["status"] == "achieved"


def test_undo_of_an_import_is_refused_after_another_program_edited_its_items(store, doc, seeded_path):
    """Another window's edit of an imported item since: undoing the import would lose it, so it is refused."""
    h = ops.History(store)
    h.do(ops.ImportDocument(doc, jsonio.import_document, "Import"))
    with Store(seeded_path) as other:
        editing.update_item(other, "00000000-0000-4000-8000-00000000bbbb", {"actor": "Someone else"})
    with pytest.raises(ConflictError, match="“A new item from a colleague” after the import; the import was not"):
        h.undo()
    assert store.get_item("00000000-0000-4000-8000-00000000bbbb")["actor"] == "Someone else"


def test_sheet_import_undoes_and_its_new_framework_goes_too(store, tmp_path):
    """A CSV sheet that creates a framework and two items undoes to the file as it was."""
    sheet = tmp_path / "annex.csv"
    sheet.write_text("framework,ref,kind,title\nAnnex B,1,goal,Ports\nAnnex B,2,target,Rail\n", encoding="utf-8")
    h = ops.History(store)
    before = snapshot(store)
    doc = csvio.read_sheet(store, sheet)
    out = h.do(ops.ImportDocument(doc, csvio.sheet_importer(sheet.name), "Import annex.csv"))
    assert out.result.added == {"frameworks": 1, "items": 2}
    h.undo()
    assert snapshot(store) == before
    assert "Annex B" not in [f["title"] for f in store.list_frameworks()]
