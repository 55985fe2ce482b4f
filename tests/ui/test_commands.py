"""Undo commands: each change runs once, undoes exactly, redoes the same record."""
from __future__ import annotations

from app.core.model import Changes
from app.ui import commands as c


def test_status_update_undo_redo_keeps_id(session, almaty_id, gdp_id):
    """Adding a status update, undoing and redoing restores the same update and status."""
    iid = almaty_id
    before = session.store.get_item(iid)["status"]
    cmd = c.AddStatusUpdate(session, iid, "in_progress", "2025-03-01", "Talks began", None)
    assert session.push(cmd)
    assert session.store.get_item(iid)["status"] == "in_progress"
    assert session.store.get_status_update(cmd.update_id)["author"] == "Test Analyst"
    session.undo_stack.undo()
    assert session.store.get_status_update(cmd.update_id) is None
    assert session.store.get_item(iid)["status"] == before
    session.undo_stack.redo()
    assert session.store.get_status_update(cmd.update_id)["note"] == "Talks began"
    assert session.store.get_item(iid)["status"] == "in_progress"


def test_refused_change_shows_message_and_pushes_nothing(session, answers, almaty_id, gdp_id):
    """A service refusal goes through the seam and leaves the stack empty."""
    iid = almaty_id
    ok = session.push(c.AddStatusUpdate(session, iid, "achieved", "2025-02-30", "", ""))
    assert not ok and session.undo_stack.count() == 0
    assert "not a real date" in answers.errors[0]


def test_edit_fields_undo_and_conflict(session, answers, almaty_id, gdp_id):
    """Editing a field undoes to the old value; a stale version is refused as a conflict."""
    iid = almaty_id
    old = session.store.get_item(iid)["title"]
    stale = c.EditItemFields(session, iid, {"title": "Other title"})
    assert session.push(c.EditItemFields(session, iid, {"title": "New title"}))
    assert session.store.get_item(iid)["title"] == "New title"
    assert not session.push(stale)
    assert "changed elsewhere" in answers.errors[-1]
    session.undo_stack.undo()
    assert session.store.get_item(iid)["title"] == old


def test_consecutive_edits_of_one_field_merge(session, almaty_id, gdp_id):
    """Two edits of the same field of one item make one undo step."""
    iid = almaty_id
    old = session.store.get_item(iid)["description"]
    session.push(c.EditItemFields(session, iid, {"description": "a"}))
    session.push(c.EditItemFields(session, iid, {"description": "ab"}))
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.store.get_item(iid)["description"] == old


def test_delete_item_undo_restores_history(session, almaty_id, gdp_id):
    """Deleting an item and undoing brings back its updates, citations and links."""
    iid = almaty_id
    tree = session.store.item_tree(iid)
    rels = session.store.relations_for_item(iid)
    session.push(c.DeleteItem(session, iid))
    assert session.store.get_item(iid) is None
    session.undo_stack.undo()
    back = session.store.item_tree(iid)
    assert back["status_updates"] == tree["status_updates"]
    assert back["citations"] == tree["citations"]
    assert len(session.store.relations_for_item(iid)) == len(rels)
    session.undo_stack.redo()
    assert session.store.get_item(iid) is None


def test_citation_relation_target_observation_round_trip(session, almaty_id, gdp_id):
    """Citation, link, target and observation commands each undo and redo."""
    st = session.store
    iid = almaty_id
    other = gdp_id
    src = st.list_sources()[0]["id"]
    n_cit = len(st.citations_for_item(iid))
    session.push(c.AddCitation(session, iid, src, 0, 20))
    assert len(st.citations_for_item(iid)) == n_cit + 1
    session.push(c.AddRelation(session, iid, other, "supports", "x"))
    old_target = st.get_target(other)
    session.push(c.SetTarget(session, other, {"unit": "%", "baseline": 7, "target": 12, "direction": "increase"}))
    assert st.get_target(other)["target"] == 12
    add_obs = c.AddObservation(session, other, 8, "2025-01-01", "n")
    session.push(add_obs)
    session.push(c.RemoveObservation(session, add_obs.observation_id))
    for _ in range(5):
        session.undo_stack.undo()
    assert len(st.citations_for_item(iid)) == n_cit
    assert st.get_target(other) == old_target
    assert not any(r["kind"] == "supports" and r["other_id"] == other for r in st.relations_for_item(iid))
    for _ in range(5):
        session.undo_stack.redo()
    assert st.get_target(other)["target"] == 12
    rel = next(r for r in st.relations_for_item(iid) if r["other_id"] == other and r["kind"] == "supports")
    session.push(c.RemoveRelation(session, rel["id"]))
    session.undo_stack.undo()
    assert st.get_relation(rel["id"]) is not None
    cid = st.citations_for_item(iid)[-1]["id"]
    session.push(c.RemoveCitation(session, cid))
    session.undo_stack.undo()
    assert st.get_citation(cid) is not None


def test_track_new_item_is_one_step(session, almaty_id, gdp_id):
    """Tracking selected words creates item and citation together and undoes both."""
    st = session.store
    src = st.list_sources()[0]["id"]
    fid = st.list_frameworks()[0]["id"]
    cmd = c.track_new_item(session, {"framework_id": fid, "kind": "goal", "title": "A new goal"}, src, 10, 40)
    assert session.push(cmd)
    assert st.get_item(cmd.item_id) and st.get_citation(cmd.citation_id)
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert st.get_item(cmd.item_id) is None and st.get_citation(cmd.citation_id) is None
    session.undo_stack.redo()
    assert st.get_item(cmd.item_id) and st.get_citation(cmd.citation_id)


def test_failing_part_of_compound_writes_nothing(session, answers, almaty_id, gdp_id):
    """When the citation of a tracked item is refused, the item is not created either."""
    st = session.store
    src = st.list_sources()[0]["id"]
    fid = st.list_frameworks()[0]["id"]
    n = st.count_items()
    cmd = c.track_new_item(session, {"framework_id": fid, "kind": "goal", "title": "x"}, src, 5, 5)
    assert not session.push(cmd)
    assert st.count_items() == n and answers.errors


def test_add_source_undo(session, qtbot, almaty_id, gdp_id):
    """Adding a source emits a change and undo removes it."""
    with qtbot.waitSignal(session.changed) as blocker:
        cmd = c.AddSource(session, "Some text of a speech.", title="A speech")
        session.push(cmd)
    assert isinstance(blocker.args[0], Changes)
    assert session.store.get_source(cmd.source_id)
    session.undo_stack.undo()
    assert session.store.get_source(cmd.source_id) is None


def test_other_process_write_is_noticed(session, seeded_path, qtbot, almaty_id, gdp_id):
    """A commit by another connection makes the session emit a structural change."""
    from app.store.store import Store
    with Store(seeded_path) as other:
        with other.write():
            other.set_meta("touched", "1")
    with qtbot.waitSignal(session.changed) as blocker:
        assert session.poll_other_writers()
    assert blocker.args[0].structure


def test_undo_does_not_overwrite_another_programs_change(session):
    """Undoing a title edit after someone else changed that title is refused, their change kept."""
    from app.services import editing
    from app.ui import commands as cmds
    store = session.store
    item_id = store.item_ids(limit=1)[0]
    assert session.push(cmds.EditItemFields(session, item_id, {"title": "  Mine  "}))
    session.undo_stack.undo()
    session.undo_stack.redo()  # trimmed on save: undo/redo still agree with what is stored
    assert store.get_item(item_id)["title"] == "Mine"
    editing.update_item(store, item_id, {"title": "Theirs"})  # as another program would
    session.undo_stack.undo()
    assert store.get_item(item_id)["title"] == "Theirs"


def test_undo_refused_by_a_busy_file_keeps_the_step_to_try_again(session, answers, qtbot, monkeypatch):
    """A transient refusal during undo leaves the step on the stack, still undoable; nothing moved."""
    from app.core.model import PolicyTrackerError
    from app.services import operations as ops
    store = session.store
    item_id = store.item_ids(limit=1)[0]
    assert session.push(c.EditItemFields(session, item_id, {"title": "Mine"}))
    real = ops.perform
    calls = []

    def busy_once(st, op):
        calls.append(op)
        if len(calls) == 1:
            raise PolicyTrackerError("The database is busy in another program; nothing was saved.")
        return real(st, op)
    monkeypatch.setattr(ops, "perform", busy_once)
    session.undo_stack.undo()
    qtbot.waitUntil(lambda: session.undo_stack.index() == 1)
    assert session.undo_stack.count() == 1 and session.undo_stack.canUndo()
    assert store.get_item(item_id)["title"] == "Mine"
    assert answers.errors == ["The database is busy in another program; nothing was saved."]
    session.undo_stack.undo()  # now it goes through
    assert store.get_item(item_id)["title"] != "Mine"
    assert session.undo_stack.index() == 0


def test_an_unexpected_error_in_undo_is_said_in_one_sentence_and_keeps_the_step(session, answers, qtbot, monkeypatch):
    """Even a programming error during undo leaves the file and the stack as they were."""
    from app.services import operations as ops
    item_id = session.store.item_ids(limit=1)[0]
    assert session.push(c.EditItemFields(session, item_id, {"title": "Mine"}))
    monkeypatch.setattr(ops, "perform", lambda st, op: {}["missing"])
    session.undo_stack.undo()
    qtbot.waitUntil(lambda: session.undo_stack.index() == 1)
    assert session.store.get_item(item_id)["title"] == "Mine"
    assert answers.errors == ["That step could not be undone (KeyError: 'missing'); nothing was changed."]


def test_a_conflicting_undo_leaves_the_stack_with_both_values_said(session, answers, seeded_path):
    """Undo over another program's change: refused naming both values, and the step leaves the stack."""
    from app.services import editing
    from app.store.store import Store
    item_id = session.store.item_ids(limit=1)[0]
    assert session.push(c.EditItemFields(session, item_id, {"title": "Mine"}))
    with Store(seeded_path) as other:
        editing.update_item(other, item_id, {"title": "Theirs"})
    session.undo_stack.undo()
    assert session.store.get_item(item_id)["title"] == "Theirs"
    assert "its title is now “Theirs”, this step would make it" in answers.errors[-1]
    assert session.undo_stack.count() == 0


def test_own_saves_do_not_hide_another_programs_commit(session, seeded_path):
    """Another program commits, then this window saves: the next look still reports the other's commit."""
    from app.services import editing
    from app.store.store import Store
    with Store(seeded_path) as other:
        editing.create_framework(other, "Theirs")
    item_id = session.store.item_ids(limit=1)[0]
    assert session.push(c.EditItemFields(session, item_id, {"title": "Mine"}))
    assert session.poll_other_writers()


def test_an_import_in_the_window_is_one_undo_step(session, tmp_path):
    """Importing a document through the session undoes to the file as it was."""
    from app.exchange import jsonio
    doc = jsonio.export_document(session.store)
    doc["items"] = doc["items"][:1]
    doc["items"][0]["title"] = "Changed by the import"
    doc["items"][0]["updated_at"] = _now()
    before = session.store.get_item(doc["items"][0]["id"])["title"]
    cmd = c.ImportDocument(session, doc, jsonio.import_document, "Import colleague.json")
    assert session.push(cmd)
    assert session.store.get_item(doc["items"][0]["id"])["title"] == "Changed by the import"
    assert session.undo_stack.undoText() == "Import colleague.json"
    session.undo_stack.undo()
    assert session.store.get_item(doc["items"][0]["id"])["title"] == before
    session.undo_stack.redo()
    assert session.store.get_item(doc["items"][0]["id"])["title"] == "Changed by the import"


def _now() -> str:
    """This moment as the exchange format writes it (an import may not bring a later one)."""
    import datetime as dt

    from app.core import validation as v
    return v.timestamp(dt.datetime.now(dt.timezone.utc).isoformat(), "updated_at")
