"""The dashboard's reads: counts by status per framework, overdue and quiet items, recent changes, their plans."""
from app.services import editing
from app.store import dashboard_queries as q

TOKYO = "Tokyo Statement (APT Ministerial Meeting 2025): six strategic priorities"


def _tokyo(store):
    fw = next(f for f in store.list_frameworks() if f["title"] == TOKYO)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM items WHERE framework_id = ? ORDER BY ref", (fw["id"],))]
    return fw, ids


def test_status_counts_are_the_seeded_statuses(store):
    """36 seeded items: 10 not started, 9 unknown, 6 + 6 proposed... grouped by framework; Tokyo's 7 not started."""
    counts = q.status_counts(store.conn)
    totals: dict[str, int] = {}
    for per in counts.values():
        for k, n in per.items():
            totals[k] = totals.get(k, 0) + n
    assert totals == {"not_started": 10, "unknown": 9, "proposed": 6, "in_progress": 1, "partially_achieved": 1}
    fw, _ = _tokyo(store)
    assert counts[fw["id"]] == {"not_started": 7}


def test_overdue_lists_open_items_due_before_today_longest_first(store):
    """Three Tokyo items due in the past, one of them achieved: the two open ones, earliest due first."""
    _, ids = _tokyo(store)
    for iid, due in zip(ids[:3], ("2025-03-01", "2024-01-01", "2025-01-01"), strict=True):
        editing.update_item(store, iid, {"due_on": due}, store.get_item(iid)["version"])
    editing.update_item(store, ids[3], {"due_on": "2030-01-01"}, store.get_item(ids[3])["version"])
    editing.add_status_update(store, ids[2], "achieved", "2025-12-01", "done")
    assert store.get_item(ids[2])["status"] == "achieved"
    assert q.overdue_ids(store.conn, "2026-01-01") == [ids[1], ids[0]]
    assert q.overdue_ids(store.conn, "2024-06-01") == [ids[1]]


def test_quiet_items_are_open_ones_without_an_update_since_the_day(store):
    """Since 2025-02-01 all 27 open seeded items are quiet but the 13 updated 2025-06-01...; one new update
    takes an item off the list, and achieving an item takes it off too."""
    open_items = {r[0] for r in store.conn.execute(
        "SELECT id FROM items WHERE status NOT IN ('achieved', 'abandoned')")}
    assert len(open_items) == 27
    recent = {r[0] for r in store.conn.execute("SELECT item_id FROM status_updates WHERE as_of >= '2025-06-01'")}
    assert set(q.quiet_ids(store.conn, "2025-06-01")) == open_items - recent
    assert len(q.quiet_ids(store.conn, "2025-06-01")) == 27 - len(recent & open_items)
    assert q.quiet_ids(store.conn, "2025-07-01") == q.quiet_ids(store.conn, "2025-06-02")
    assert len(q.quiet_ids(store.conn, "2025-07-01")) == 27
    _, ids = _tokyo(store)
    editing.add_status_update(store, ids[0], "in_progress", "2025-08-01", "started")
    editing.add_status_update(store, ids[1], "achieved", "2025-06-30", "done")
    quiet = q.quiet_ids(store.conn, "2025-07-01")
    assert len(quiet) == 25 and ids[0] not in quiet and ids[1] not in quiet


def test_recent_changes_say_who_what_and_which_item(store):
    """A status update added by "Sara" is the newest change, with its item; the item's own update row before it."""
    _, ids = _tokyo(store)
    mark = store.audit_position()
    store.author = "Sara"
    editing.add_status_update(store, ids[0], "in_progress", "2025-08-01", "started")
    newest = q.recent_change_ids(store.conn, 3)
    rows = q.changes_by_ids(store.conn, newest)
    first = rows[newest[0]]
    item = store.get_item(ids[0])
    assert [rows[i]["author"] for i in newest] == ["Sara", "Sara", None] and newest[2] == mark
    assert {(rows[i]["table"], rows[i]["action"], rows[i]["item_id"]) for i in newest[:2]} == {
        ("status_updates", "insert", ids[0]), ("items", "update", ids[0])}
    assert first["item"] == f"{item['ref']} {item['title']}"
    assert newest == sorted(newest, reverse=True)


def test_a_deleted_items_change_opens_nothing(store):
    """The audit row of a deleted item keeps its summary but names no item to open."""
    _, ids = _tokyo(store)
    editing.delete_item(store, ids[-1])
    rows = q.changes_by_ids(store.conn, q.recent_change_ids(store.conn, 1))
    (row,) = rows.values()
    assert (row["table"], row["action"], row["item_id"]) == ("items", "delete", None)


def test_each_query_uses_its_index(store):
    """EXPLAIN QUERY PLAN: items_status covers the counts, items_open_due the overdue range, items_open and
    status_updates_as_of the quiet list, and recent changes walk audit_log's rowid (no sort)."""
    plans = q.query_plans(store.conn)
    assert plans["status_counts"] == "SCAN i USING COVERING INDEX items_status"
    assert plans["overdue"] == "SEARCH i USING COVERING INDEX items_open_due (due_on<?)"
    assert plans["quiet"].startswith("SCAN i USING COVERING INDEX items_open\n")
    assert "SEARCH u USING COVERING INDEX status_updates_as_of (as_of>?)" in plans["quiet"]
    assert plans["recent"] == "SCAN a"


def test_lists_take_a_limit(store):
    """With a limit the lists give their first N ids in the same order (the dashboard lists 500 at once)."""
    _, ids = _tokyo(store)
    for iid, due in zip(ids[:3], ("2024-01-03", "2024-01-01", "2024-01-02"), strict=True):
        editing.update_item(store, iid, {"due_on": due}, store.get_item(iid)["version"])
    assert q.overdue_ids(store.conn, "2026-01-01", 2) == [ids[1], ids[2]]
    everything = q.quiet_ids(store.conn, "2025-07-01")
    assert q.quiet_ids(store.conn, "2025-07-01", 5) == everything[:5] and len(everything) == 27
