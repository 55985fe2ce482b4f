"""Reports and review states: --approved-only reports from approved entries alone; otherwise they are marked."""
from __future__ import annotations

from app.reports.data import NOT_APPROVED, ReportOptions, build_report
from app.services import operations
from app.services.review import Decide

AS_OF = "2026-06-30"


def _item_with_two_updates(store):
    """A seeded item with one status update, given a second, later one: (item id, [update ids, newest first])."""
    iid = store.conn.execute("SELECT item_id FROM status_updates GROUP BY item_id HAVING count(*) = 1 "
                             "ORDER BY item_id LIMIT 1").fetchone()[0]
    operations.perform(store, operations.AddStatusUpdate(iid, "stalled", "2026-05-01", "No news since spring."))
    ups = [u["id"] for u in store.status_updates_for_item(iid)]
    assert len(ups) == 2
    return iid, ups


def _report_item(store, iid, **opts):
    from app.reports.data import parse_as_of
    rep = build_report(store, ReportOptions(as_of=parse_as_of(AS_OF), notes_per_item=10, **opts))
    return rep, next(i for i in rep.items if i.id == iid)


def test_a_returned_latest_update_is_marked_or_left_out(store):
    """A returned newest update is marked in a full report; approved-only takes the status of the one before."""
    iid, ups = _item_with_two_updates(store)
    newest, older = store.get_status_update(ups[0]), store.get_status_update(ups[1])
    operations.perform(store, Decide(ups[0], "returned", "Dana", "Which source?"))
    _, full = _report_item(store, iid)
    assert [n.text.endswith(NOT_APPROVED) for n in full.notes] == [True] + [False] * (len(ups) - 1)
    assert (full.status.key, full.status_on) == (newest["status"], newest["as_of"])
    rep, approved = _report_item(store, iid, approved_only=True)
    assert len(approved.notes) == len(ups) - 1 and not any(NOT_APPROVED in n.text for n in approved.notes)
    assert (approved.status.key, approved.status_on) == (older["status"], older["as_of"])
    assert ("Review", "Approved entries only") in rep.cover.selection


def test_an_item_not_yet_approved_is_left_out_of_an_approved_only_report(store):
    """An item that is only submitted is marked in a full report and left out (and counted) of an approved-only one."""
    iid, _ = _item_with_two_updates(store)
    operations.perform(store, Decide(iid, "submitted"))
    rep, item = _report_item(store, iid)
    assert item.title.endswith(NOT_APPROVED)
    n = len(rep.items)
    rep = build_report(store, ReportOptions(approved_only=True))
    assert len(rep.items) == n - 1 and iid not in {i.id for i in rep.items}
    assert rep.cover.not_approved_left_out == 1
    assert ("Review", "Approved entries only; 1 item not yet approved left out") in rep.cover.selection


def test_an_item_whose_only_updates_are_unapproved_is_not_yet_recorded(store):
    """Approved-only never shows the stored status an unapproved update gave: it says not yet recorded."""
    iid, ups = _item_with_two_updates(store)
    for u in ups:
        operations.perform(store, Decide(u, "submitted"))
    _, item = _report_item(store, iid, approved_only=True)
    assert (item.status.key, item.notes) == ("not_yet_recorded", [])
