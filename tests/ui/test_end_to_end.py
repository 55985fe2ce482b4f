"""One analyst's path through the window, from a proposal to a newly tracked item found by search."""
from __future__ import annotations

from PySide6 import QtCore


def test_proposal_to_new_item_found_by_search(window, almaty_id, qtbot, monkeypatch):
    """Select an Almaty proposal, add/undo/redo an update, read its passage, track other words, search."""
    st = window.session.store
    fid = st.get_item(almaty_id)["framework_id"]

    # select an Almaty proposal through the navigator and the table
    window.navigator.select_scope(fid)
    assert window.table.select_item(almaty_id)
    assert window.panel.item["id"] == almaty_id

    # add a status update, undo it, redo it
    tab = window.panel.history
    tab.status.setCurrentIndex(tab.status.findData("in_progress"))
    tab.as_of.setText("2025-04-01")
    tab.note.setPlainText("EAEU working group formed")
    qtbot.mouseClick(tab.add, QtCore.Qt.MouseButton.LeftButton)
    assert st.get_item(almaty_id)["status"] == "in_progress"
    window.act_undo.trigger()
    assert st.get_item(almaty_id)["status"] == "proposed"
    assert all(r["note"] != "EAEU working group formed" for r in tab.model.rows())
    window.act_redo.trigger()
    assert tab.model.rows()[0]["note"] == "EAEU working group formed"
    assert window.panel.chip.text() == "In progress"

    # open its passage in the reader
    window.panel.tabs.setCurrentWidget(window.panel.sources)
    cit = window.panel.sources.rows[0]
    qtbot.mouseClick(window.panel.sources.open, QtCore.Qt.MouseButton.LeftButton)
    reader = window.reader
    assert reader.source_id == cit["source_id"]
    assert reader.flash_range() == (cit["start"], cit["end"])

    # select other words there and track them as a new item
    text = st.get_source(cit["source_id"])["text"]
    words = "digital economy"
    start = text.find(words, cit["end"])
    if start < 0:
        start = text.find(words)
    end = start + len(words)
    assert start >= 0 and not (cit["start"] <= start < cit["end"])
    reader.select_range(start, end)
    asked = {}

    def answer(title, framework_id, *, heading):
        asked.update(title=title, framework_id=framework_id, heading=heading)
        return {"framework_id": framework_id, "kind": "goal", "ref": "6",
                "title": "Zebracorn digital economy cooperation"}

    monkeypatch.setattr(window, "ask_item_fields", answer)
    assert reader.request_track()
    assert asked["title"] == words and asked["framework_id"] == fid
    new_id = window.panel.item["id"]
    assert new_id != almaty_id and st.get_item(new_id)["title"] == "Zebracorn digital economy cooperation"
    (c,) = st.citations_for_item(new_id)
    assert (c["start"], c["end"], c["quote"]) == (start, end, words)
    assert window.session.undo_stack.undoText().startswith("Track")

    # find it through search
    search = window.search
    window.act_search.trigger()
    with qtbot.waitSignal(search.results_shown, timeout=5000):
        search.set_query("zebracorn", immediately=True)
    rows = search.result_rows()
    assert any(r.get("item_id") == new_id for r in rows)
    window.table.select_item(almaty_id)
    search.activate_row(next(i for i, r in enumerate(rows) if r.get("item_id") == new_id))
    assert window.panel.item["id"] == new_id
