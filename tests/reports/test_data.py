"""Report data (pure, no Qt): status as of a date, filters, progress, overdue and presets."""
from __future__ import annotations

import datetime as dt

import pytest

from app.core.model import PolicyTrackerError
from app.reports import data
from app.reports.data import ReportOptions, build_report, progress_of
from app.services import editing


def test_whole_seeded_database_is_reported(store):
    """Every seeded item appears once, grouped by framework, with counts that add up."""
    report = build_report(store, ReportOptions(as_of=dt.date(2025, 7, 1)))
    assert len(report.items) == store.count_items()
    assert len({i.id for i in report.items}) == len(report.items)
    for f in report.frameworks:
        assert sum(n for _, n in f.counts) == f.total
    assert [s.key for s in report.statuses] == [s["key"] for s in store.statuses()]
    assert report.sources and all(q.source_number >= 1 for i in report.items for q in i.quotes)


def _status_on(store, iid, day):
    r = build_report(store, ReportOptions(as_of=dt.date.fromisoformat(day)))
    return next(((i.status.key, i.status_on, i.status_basis) for i in r.items if i.id == iid), None), r


def _recorded_on(store, iid, created, updated):
    """Pretend the item was typed in on `created` and last changed on `updated` (ISO dates)."""
    with store.write():
        store.conn.execute("UPDATE items SET created_at = ?, updated_at = ? WHERE id = ?",
                           (created + "T09:00:00.000Z", updated + "T09:00:00.000Z", iid))


def test_as_of_date_changes_the_reported_status(report_store):
    """An item shows the status of its latest update on or before the date; created later and no update: left out."""
    iid = report_store.test_ids["hostile"]
    editing.add_status_update(report_store, iid, "achieved", "2025-05-01", "done")
    got, r = _status_on(report_store, iid, "2025-01-01")
    assert got is None and r.cover.left_out >= 1  # typed in today, nothing dated by then: it did not exist
    assert _status_on(report_store, iid, "2025-03-01")[0] == ("in_progress", "2025-01-15", "update")
    assert _status_on(report_store, iid, "2025-06-01")[0] == ("achieved", "2025-05-01", "update")


def test_item_recorded_before_the_date_without_a_dated_status_is_not_yet_recorded(report_store):
    """Existing on the date but with updates only after it (or changed since): 'Not yet recorded', in its own column."""
    iid = report_store.test_ids["hostile"]
    _recorded_on(report_store, iid, "2024-06-01", "2024-06-01")
    got, r = _status_on(report_store, iid, "2024-12-01")  # its only update is dated 2025-01-15
    assert got == ("not_yet_recorded", None, "not_yet_recorded")
    assert r.statuses[-1].key == "not_yet_recorded" and r.statuses[-1].label == "Not yet recorded"
    fw = next(f for f in r.frameworks if f.id == report_store.test_ids["framework"])
    assert dict((s.key, n) for s, n in fw.counts)["not_yet_recorded"] == 1


def test_item_without_updates_shows_its_stored_status_only_if_unchanged_since(report_store):
    """No updates at all: the stored status holds on any date after the item's last change, not before."""
    iid, _ = editing.create_item(report_store, {"framework_id": report_store.test_ids["framework"], "kind": "goal",
                                                "ref": "T9", "title": "Quiet item", "status": "proposed"})
    _recorded_on(report_store, iid, "2024-01-01", "2024-09-01")
    assert _status_on(report_store, iid, "2024-10-01")[0] == ("proposed", None, "stored")
    assert _status_on(report_store, iid, "2024-05-01")[0] == ("not_yet_recorded", None, "not_yet_recorded")
    assert _status_on(report_store, iid, "2023-05-01")[0] is None


def test_baseline_dated_after_the_date_is_not_used():
    """A baseline measured after the report's date is left out, and so is the share of the way."""
    tgt = {"baseline": 7.0, "baseline_on": "2025-06-01", "target": 10.0, "direction": "increase", "unit": "%"}
    obs = [{"observed_on": "2025-01-01", "value": 8.5}]
    assert progress_of(tgt, obs, "2025-07-01").fraction == pytest.approx(0.5)
    early = progress_of(tgt, obs, "2025-03-01")
    assert early.baseline is None and early.fraction is None and early.latest == 8.5


def test_overdue_and_stale_follow_the_date(report_store):
    """Past its due date and not achieved is overdue; no update within stale_days is stale."""
    iid = report_store.test_ids["hostile"]
    r = build_report(report_store, ReportOptions(as_of=dt.date(2025, 3, 1), stale_days=30))
    item = next(i for i in r.items if i.id == iid)
    assert item.overdue and item.stale
    r = build_report(report_store, ReportOptions(as_of=dt.date(2025, 1, 20), stale_days=30))
    item = next(i for i in r.items if i.id == iid)
    assert not item.overdue and not item.stale


def test_filters_by_framework_status_kind_and_tag(report_store):
    """Each filter narrows the items; statuses filter on the status as of the date."""
    fid = report_store.test_ids["framework"]
    r = build_report(report_store, ReportOptions(framework_ids=[fid], as_of=dt.date(2025, 6, 1)))
    assert {i.ref for i in r.items} == {"T1", "T2"}
    r = build_report(report_store, ReportOptions(framework_ids=[fid], statuses=["stalled"], as_of=dt.date(2025, 6, 1)))
    assert [i.ref for i in r.items] == ["T2"]
    r = build_report(report_store, ReportOptions(framework_ids=[fid], statuses=["stalled"], as_of=dt.date(2025, 2, 1)))
    assert r.items == [] and [f.id for f in r.frameworks] == [fid]  # chosen framework still shown
    r = build_report(report_store, ReportOptions(kinds=["indicator"]))
    assert r.items and all(i.kind == "indicator" for i in r.items)
    tag = report_store.tags()[0]
    r = build_report(report_store, ReportOptions(tags=[tag]))
    assert r.items and all(tag in i.tags for i in r.items)


def test_notes_are_limited_and_dated_on_or_before(report_store):
    """Only updates on or before the date appear, newest first, at most notes_per_item."""
    iid = report_store.test_ids["hostile"]
    for day in ("2025-02-01", "2025-03-01", "2025-04-01"):
        editing.add_status_update(report_store, iid, "in_progress", day, f"note {day}")
    r = build_report(report_store, ReportOptions(as_of=dt.date(2025, 3, 15), notes_per_item=2))
    item = next(i for i in r.items if i.id == iid)
    assert [n.as_of for n in item.notes] == ["2025-03-01", "2025-02-01"]
    r = build_report(report_store, ReportOptions(include_notes=False))
    assert all(not i.notes for i in r.items)


def test_progress_honours_direction():
    """Increase and decrease measure the share of the way from baseline to target."""
    up = progress_of({"baseline": 7.0, "target": 10.0, "direction": "increase", "unit": "%"},
                     [{"observed_on": "2025-01-01", "value": 8.5}])
    assert up.fraction == pytest.approx(0.5)
    down = progress_of({"baseline": 100.0, "target": 50.0, "direction": "decrease"},
                       [{"observed_on": "2025-01-01", "value": 75.0}, {"observed_on": "2025-02-01", "value": 60.0}])
    assert down.fraction == pytest.approx(0.8) and down.latest == 60.0
    over = progress_of({"baseline": 0.0, "target": 10.0, "direction": "increase"}, [{"observed_on": "x", "value": 12}])
    assert over.fraction == pytest.approx(1.2) and over.bar_fraction == 1.0
    no_base = progress_of({"baseline": None, "target": 10.0, "direction": "increase"},
                          [{"observed_on": "x", "value": 12}])
    assert no_base.fraction is None  # no baseline, no distance: app.core.progress
    assert progress_of({"target": 5.0, "direction": "maintain"}, [{"observed_on": "x", "value": 5}]).fraction is None
    assert progress_of({"target": 5.0, "direction": "increase"}, []).fraction is None


def test_seeded_target_progress_uses_observations_up_to_the_date(store):
    """The seeded GDP-share target reports its baseline, target and a latest observation."""
    r = build_report(store, ReportOptions(as_of=dt.date(2025, 7, 1)))
    with_targets = [i for i in r.items if i.progress]
    assert with_targets
    p = with_targets[0].progress
    assert p.target == 10.0 and p.baseline == 7.0 and p.latest is not None


def test_related_items_are_from_other_frameworks(store):
    """Related items name another framework, never the item's own."""
    r = build_report(store, ReportOptions())
    titles = {f.id: f.title for f in r.frameworks}
    related = [(i, rel) for i in r.items for rel in i.related]
    assert related
    assert all(rel.framework != titles[i.framework_id] for i, rel in related)


def test_options_round_trip_and_presets(tmp_path):
    """Options survive to_dict/from_dict and a named preset saved under the config folder."""
    opts = ReportOptions(framework_ids=["a"], statuses=["stalled"], as_of=dt.date(2025, 3, 1), include_charts=False,
                         page_size="Letter", analyst="Ana", notes_per_item=5)
    assert ReportOptions.from_dict(opts.to_dict()) == opts
    data.save_preset("Monthly", opts)
    assert "Monthly" in data.list_presets()
    assert data.load_preset("Monthly") == opts
    data.delete_preset("Monthly")
    with pytest.raises(PolicyTrackerError, match="no saved report settings named"):
        data.load_preset("Monthly")


@pytest.mark.parametrize("bad", [{"as_of": "31/01/2025"}, {"page_size": "A3"}, {"statuses": "stalled"},
                                 {"notes_per_item": -1}, []])
def test_bad_saved_options_are_refused_in_one_sentence(bad):
    """Broken saved settings raise a PolicyTrackerError, not a TypeError."""
    with pytest.raises(PolicyTrackerError):
        ReportOptions.from_dict(bad)


def test_frameworks_are_found_by_id_title_or_prefix(store):
    """--framework accepts an id, a title in any case, or a unique start of a title."""
    fws = store.list_frameworks()
    tokyo = next(f for f in fws if f["title"].startswith("Tokyo"))
    assert data.resolve_frameworks(store, [tokyo["id"], tokyo["title"].upper(), "tokyo"]) == [tokyo["id"]] * 3
    with pytest.raises(PolicyTrackerError, match="no framework"):
        data.resolve_frameworks(store, ["Atlantis"])
    with pytest.raises(PolicyTrackerError, match="could mean"):
        data.resolve_frameworks(store, ["Iran"])


def test_text_direction():
    """Persian text reads right to left; Latin, digits and empty text left to right."""
    assert data.text_direction("افزایش سهم") == "rtl"
    assert data.text_direction("12 افزایش") == "rtl"
    assert data.text_direction("Goal 1") == "ltr"
    assert data.text_direction("") == "ltr"


def test_bidi_overrides_in_long_text_are_shown_not_obeyed(store):
    """A description and a note holding U+202E print with a visible ⟨RLO⟩ marker instead of reordering words."""
    from app.services import operations as ops
    iid = store.item_ids(limit=1)[0]
    ops.perform(store, ops.EditItem(iid, {"description": "Budget \u202e001 of 0001\u202c agreed"}))
    ops.perform(store, ops.AddStatusUpdate(iid, "in_progress", "2025-06-01", "Paid \u202eten\u202c", "Desk"))
    r = build_report(store, ReportOptions(as_of=dt.date(2025, 7, 1)))
    item = next(i for i in r.items if i.id == iid)
    assert item.description == "Budget ⟨RLO⟩001 of 0001⟨PDF⟩ agreed"
    assert item.notes[0].text == "Paid ⟨RLO⟩ten⟨PDF⟩"


def _paged_store(store):
    """english.pdf (3 pages) as the window adds it, and one item quoting pages 1 and 3, and the word
    list of no page (unplaced), by quote alone."""
    from pathlib import Path

    from app.exchange import jsonio
    from app.exchange.extract import extract
    from app.services import sources
    got = extract(Path(__file__).resolve().parents[1] / "data" / "sources" / "english.pdf")
    sid, _ = sources.add_source(store, got.text, title="Five proposals", original=got.original())
    quotes = ("a common market for digital services", "presented several proposals at the Almaty Digital 2025",
              "words that are on no page of this plan")
    item = {"id": "item-1", "framework_id": "fw-1", "kind": "goal", "title": "A digital market", "status": "proposed",
            "citations": [{"id": f"c{n}", "source_id": sid, "quote": q} for n, q in enumerate(quotes)]}
    jsonio.import_document(store, {"format": "policy-tracker", "version": 2, "sources": [],
                                   "frameworks": [{"id": "fw-1", "title": "Plan"}], "items": [item]})
    return store


def test_a_quote_on_a_pdf_knows_its_page(empty_store):
    """Each quote on a paged source carries the page its words start on; an unplaced one has none."""
    r = build_report(_paged_store(empty_store), ReportOptions())
    got = sorted((q.text[:12], q.page, q.mark) for i in r.items for q in i.quotes)
    assert got == [("a common mar", 3, "S1, p. 3"), ("presented se", 1, "S1, p. 1"), ("words that a", None, "S1")]


def test_a_quote_on_a_text_source_has_no_page(store):
    """The seeded sources are text: no quote has a page, and its mark is the source number alone."""
    r = build_report(store, ReportOptions(as_of=dt.date(2025, 7, 1)))
    quotes = [q for i in r.items for q in i.quotes]
    assert quotes and all(q.page is None and q.mark == f"S{q.source_number}" for q in quotes)
