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

SKIP_TABLES = ("audit_log", "schema_migrations", "meta")


def snapshot(store: Store) -> dict:
    """Every row of every table (less the audit trail, search index and rowid aliases): what must come back.

    Only an item's `version` and `updated_at` may differ after an undo: they count and date changes.
    """
    out = {}
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'")]
    for t in tables:
        if t in SKIP_TABLES:
            continue
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({t})")
                if r[1] not in ("seq",) and not (t == "items" and r[1] in ("version", "updated_at"))]
        rows = [tuple(r) for r in store.conn.execute(f"SELECT {', '.join(cols)} FROM {t}")]
        if t == "framework_status_counts":  # trigger-kept counts: a zero row and no row say the same
            rows = [r for r in rows if r[-1]]
        out[t] = sorted(rows)
    return out


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
    assert h.undo_label is None  # the step can never apply again: it is dropped, as the window drops it


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
    old["updated_at"] = _now()
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
    with pytest.raises(ConflictError, match="changed NEW-1 “A new item from a colleague” since; the import was not "
                                            "undone"):
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


# -- every inverse expects the file as its operation left it ------------------------------------------
def _other_changes(seeded_path, fn):
    with Store(seeded_path) as other:
        fn(other)


def test_undoing_a_new_item_after_another_program_edited_it_is_refused(store, seeded_path):
    """Undo of a create would delete another program's work on the item: refused, naming what moved."""
    fid = store.list_frameworks()[0]["id"]
    h = ops.History(store)
    out = h.do(ops.CreateItem({"framework_id": fid, "kind": "goal", "title": "Mine"}))
    _other_changes(seeded_path, lambda o: editing.update_item(o, out.result, {"title": "Theirs"}))
    with pytest.raises(ConflictError, match="its title is now “Theirs”, not “Mine”"):
        h.undo()
    assert store.get_item(out.result)["title"] == "Theirs"


def test_undoing_a_target_after_another_program_changed_it_is_refused(store, seeded_path):
    """Undo of a target change does not overwrite another program's target."""
    item = first_item(store)
    h = ops.History(store)
    h.do(ops.SetTarget(item["id"], {"unit": "%", "baseline": 7, "target": 10, "direction": "increase"}))
    _other_changes(seeded_path, lambda o: editing.set_target(
        o, item["id"], {"unit": "%", "baseline": 7, "target": 12, "direction": "increase"}))
    with pytest.raises(ConflictError, match=r"since \(its target\)"):
        h.undo()
    assert store.get_target(item["id"])["target"] == 12


def test_redo_of_an_import_after_another_programs_edit_is_refused(store, doc, seeded_path):
    """Redo re-imports only onto the file as the undo left it."""
    h = ops.History(store)
    h.do(ops.ImportDocument(doc, jsonio.import_document, "Import"))
    h.undo()
    iid = doc["items"][0]["id"]
    _other_changes(seeded_path, lambda o: editing.update_item(o, iid, {"title": "Theirs"}))
    with pytest.raises(ConflictError, match="since; the import was not done again"):
        h.redo()
    assert store.get_item(iid)["title"] == "Theirs"


def test_withdrawing_an_update_follows_the_rule_when_another_program_added_a_later_one(store, seeded_path):
    """Undo of my update leaves the status the history gives, not the status from before."""
    item = first_item(store)
    h = ops.History(store)
    h.do(ops.AddStatusUpdate(item["id"], "in_progress", "2026-01-01", "mine", "me"))
    _other_changes(seeded_path, lambda o: editing.add_status_update(o, item["id"], "achieved", "2026-02-01", "theirs"))
    with pytest.raises(ConflictError, match="its status is now “achieved”"):
        h.undo()  # the item moved: refused
    # withdrawn directly (as an older file's undo would), the rule still decides
    editing.remove_status_update(store, store.status_updates_for_item(item["id"])[-1]["id"], "not_started")
    assert store.get_item(item["id"])["status"] == store.status_updates_for_item(item["id"])[0]["status"]


def test_undo_of_an_import_refuses_to_orphan_another_programs_item(store, doc, seeded_path):
    """An item placed under an imported item meanwhile would lose its parent: refused by name."""
    h = ops.History(store)
    h.do(ops.ImportDocument(doc, jsonio.import_document, "Import"))
    fid = store.list_frameworks()[0]["id"]
    _other_changes(seeded_path, lambda o: editing.create_item(o, {"framework_id": fid, "kind": "goal", "title": "Child",
                                                                  "parent_id": "00000000-0000-4000-8000-00000000bbbb"}))
    with pytest.raises(ConflictError, match="placed “Child” under an item the import added"):
        h.undo()


def test_undo_of_an_import_removes_the_statuses_it_added(store, doc):
    """A status the document brought is gone after undo; the built-in ones are exactly as before."""
    doc["statuses"] = [*jsonio.export_document(store)["statuses"],
                       {"key": "on_hold", "label": "On hold", "description": "Paused"}]
    before = store.status_rows()
    h = ops.History(store)
    h.do(ops.ImportDocument(doc, jsonio.import_document, "Import"))
    assert "on_hold" in store.status_rows()
    h.undo()
    assert store.status_rows() == before


def test_edits_in_a_burst_merge_but_not_across_another_programs_change(store, seeded_path, monkeypatch):
    """Two quick edits of a field undo as one; with another program's change between them they stay two."""
    item = first_item(store)
    clock = iter([100.0, 101.0, 200.0, 201.0, 202.0, 203.0])
    monkeypatch.setattr(ops.time, "monotonic", lambda: next(clock))
    h = ops.History(store)
    h.do(ops.EditItem(item["id"], {"description": "a"}))
    h.do(ops.EditItem(item["id"], {"description": "ab"}))
    h.undo()
    assert store.get_item(item["id"])["description"] == item["description"]  # one step
    h.do(ops.EditItem(item["id"], {"description": "B"}))
    _other_changes(seeded_path, lambda o: editing.update_item(o, item["id"], {"description": "C"}))
    h.do(ops.EditItem(item["id"], {"description": "D"}))
    h.undo()
    assert store.get_item(item["id"])["description"] == "C"  # their C comes back, not lost


def test_edits_far_apart_stay_two_steps(store, monkeypatch):
    """Two deliberate edits a minute apart are two undo steps."""
    item = first_item(store)
    clock = iter([100.0, 160.0, 161.0])
    monkeypatch.setattr(ops.time, "monotonic", lambda: next(clock))
    h = ops.History(store)
    h.do(ops.EditItem(item["id"], {"title": "One"}))
    h.do(ops.EditItem(item["id"], {"title": "Two"}))
    h.undo()
    assert store.get_item(item["id"])["title"] == "One"


def test_an_item_status_is_not_a_field_to_edit(store):
    """Editing the status directly is refused: it follows the status updates."""
    item = first_item(store)
    with pytest.raises(Exception, match="follows its status updates"):
        ops.perform(store, ops.EditItem(item["id"], {"status": "achieved"}))


def _now() -> str:
    """This moment as the exchange format writes it (an import may not bring a later one)."""
    import datetime as dt

    from app.core import validation as v
    return v.timestamp(dt.datetime.now(dt.timezone.utc).isoformat(), "updated_at")
