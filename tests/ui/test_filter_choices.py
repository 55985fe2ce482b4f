"""Actor and tag filter choices are read when first needed, and again after a change."""
from app.services import editing
from app.ui.item_table import FilterBar


def test_tag_choices_load_on_focus_and_refresh_after_changes(session, qtbot):
    """Tags are not scanned at start-up; focusing the combo lists them; a new tag appears after an edit."""
    bar = FilterBar(session)
    qtbot.addWidget(bar)
    assert bar.tag.count() == 1  # only "Any tag" until the person opens it
    bar.tag.ensure_filled()
    tags = {bar.tag.itemData(i) for i in range(bar.tag.count())}
    assert "connectivity" in tags
    item_id = session.store.item_ids(limit=1)[0]
    _, changes = editing.update_item(session.store, item_id, {"tags": ["brand-new-tag"], "status": "stalled"})
    session.changed.emit(changes)
    bar.tag.ensure_filled()
    assert bar.tag.findData("brand-new-tag") > 0
