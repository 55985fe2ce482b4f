"""Report fixtures: the seeded database plus items that test escaping and right-to-left text."""
from __future__ import annotations

import pytest
from reportfixtures import HOSTILE_NOTE, PERSIAN_NOTE, PERSIAN_TITLE

from app.services import editing


@pytest.fixture
def report_store(store):
    """The seeded store plus one item with a hostile note and one in Persian, both in their own framework."""
    fid, _ = editing.create_framework(store, "Test framework", "Tester")
    hostile, _ = editing.create_item(store, {"framework_id": fid, "kind": "goal", "ref": "T1",
                                             "title": "Item with a hostile note", "due_on": "2025-02-01"})
    editing.add_status_update(store, hostile, "in_progress", "2025-01-15", HOSTILE_NOTE, "tester")
    persian, _ = editing.create_item(store, {"framework_id": fid, "kind": "goal", "ref": "T2", "title": PERSIAN_TITLE})
    editing.add_status_update(store, persian, "stalled", "2025-03-01", PERSIAN_NOTE, "tester")
    store.test_ids = {"framework": fid, "hostile": hostile, "persian": persian}
    return store
