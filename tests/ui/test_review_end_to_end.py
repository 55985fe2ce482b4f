"""Offline review end to end: a review copy, decisions in the window and on the command line, the desk
working meanwhile, the import (two decisions, one conflict, then nothing new), and an approved-only report."""
from __future__ import annotations

import json

import pytest
from PySide6 import QtCore, QtWidgets

from app import cli
from app.services import operations
from app.services.review import Decide
from app.store import reviews
from app.store.store import ReviewCopyError, Store

NOTES = ("Working group met in Astana", "Budget line approved by parliament", "Pilot launched in two regions",
         "Ministry says the platform is live")


def _desk_adds_four_updates(desk_path) -> list[tuple[str, str]]:
    """The desk enters four updates, as the window does (each submitted for review): [(item id, update id)]."""
    with Store(desk_path) as desk:
        items = desk.item_ids()[:4]
        out = []
        for iid, note in zip(items, NOTES, strict=True):
            add = operations.AddStatusUpdate(iid, "in_progress", "2026-03-01", note, "Desk Analyst")
            operations.perform(desk, operations.Sequence("Add", (add, Decide(add.update_id, "submitted"))))
            out.append((iid, add.update_id))
        assert reviews.counts(desk)["submitted"] == 4
    return out


def test_review_copy_decisions_in_window_and_cli_come_back_with_one_conflict(seeded_path, tmp_path, qtbot, capsys):
    """Copy; approve and return in review mode and approve on the command line; the desk adds and withdraws;
    the import merges two decisions and shows one conflict, a second changes nothing; approved-only leaves
    out the returned update."""
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences
    from app.ui.session import RecordingInteraction

    (a_item, a), (b_item, b), (c_item, c), (d_item, d) = _desk_adds_four_updates(seeded_path)
    copy = tmp_path / "for-director.sqlite"
    assert cli.main(["review-copy", "--db", str(seeded_path), "-o", str(copy)]) == 0
    assert capsys.readouterr().out == (f"Wrote the review copy {copy}: 5 frameworks, 27 items, "
                                       f"4 entries awaiting review.\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("for-director")) == [copy.name]

    # the reviewer opens the copy: review mode
    answers = RecordingInteraction(answer=True)
    win = MainWindow(Store(copy), prefs=Preferences(analyst="Dana Reviewer"), interaction=answers, poll_ms=0)
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.windowTitle() == f"{copy.name} (review copy) — Policy Tracker"
        assert win.review_dock.isVisible()
        assert not win.act_new_item.isEnabled() and not win.act_add_source.isEnabled()
        assert not win.act_export_review.isEnabled() and not win.act_import_review.isEnabled()
        panel = win.review_panel
        assert panel.awaiting.count() == 4
        assert "Awaiting review: 4" in panel.counts.text()
        # nothing but a decision can be written, whatever asks for it
        with pytest.raises(ReviewCopyError):
            operations.perform(win.session.store, operations.AddStatusUpdate(a_item, "stalled", "2026-03-02"))
        assert win.panel.edits["title"].isReadOnly()

        # approve A with the keyboard, from the list of entries awaiting review
        row = next(i for i in range(panel.awaiting.count()) if panel.awaiting.item(i).data(panel_role()) == a)
        panel._go_to(panel.awaiting.item(row))
        assert win.current_item_id() == a_item and panel.current_entry_id() == a
        win.activateWindow()
        qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is win, timeout=3000)
        qtbot.keyClick(win.table, QtCore.Qt.Key.Key_A,
                       QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.AltModifier)
        assert reviews.entry(win.session.store, a)["review_state"] == "approved"
        # return B with a comment (a return without one is refused in one sentence)
        win.go_to_item(b_item)
        panel.set_item(b_item, choose=b)
        win.act_return.trigger()
        assert answers.errors == ["Say in the comment what should change before returning the entry."]
        panel.comment.setPlainText("Which source reports the budget line?")
        win.act_return.trigger()
        assert reviews.entry(win.session.store, b)["review_state"] == "returned"
        assert panel.awaiting.count() == 2
        # undo and redo a decision like any edit
        win.act_undo.trigger()
        assert reviews.entry(win.session.store, b)["review_state"] == "submitted"
        win.act_redo.trigger()
        assert reviews.entry(win.session.store, b)["review_state"] == "returned"
    finally:
        win.close()
        win.shutdown()

    # the command line: the two entries left, then a decision on each
    assert cli.main(["review", str(copy), "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted((e["id"], e["kind"], e["item_id"], e["review_state"]) for e in listed) == sorted([
        (c, "status_update", c_item, "submitted"), (d, "status_update", d_item, "submitted")])
    assert {e["id"]: e["text"] for e in listed}[c] == f"in_progress as of 2026-03-01: {NOTES[2]}"
    assert cli.main(["review", str(copy), c, "approve", "--reviewer", "Lee Reviewer"]) == 0
    assert capsys.readouterr().out == f"Approved the status update {c}.\n"
    assert cli.main(["review", str(copy), d, "return", "--reviewer", "Lee Reviewer",
                     "--comment", "Which ministry?"]) == 0
    assert capsys.readouterr().out == f"Returned the status update {d} with the comment “Which ministry?”.\n"

    # meanwhile the desk adds an update and withdraws C
    with Store(seeded_path) as desk:
        operations.perform(desk, operations.AddStatusUpdate(a_item, "stalled", "2026-04-01", "No news since March"))
        operations.perform(desk, operations.WithdrawStatusUpdate(c))

    assert cli.main(["review-import", "--db", str(seeded_path), str(copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == ["Merged 3 review decisions from for-director.sqlite:", "  Dana Reviewer: 1 approved, 1 returned",
                       "  Lee Reviewer: 1 returned", "1 conflict (not merged; the desk's entries are kept):"]
    assert "the desk withdrew it after the copy was made; Lee Reviewer approved it, which was not merged." in out[4]
    assert out[5:] == [f"    in the copy: in_progress as of 2026-03-01: {NOTES[2]}", "    on the desk: (withdrawn)"]
    with Store(seeded_path) as desk:
        assert [reviews.entry(desk, e)["review_state"] for e in (a, b, d)] == ["approved", "returned", "returned"]
        assert reviews.entry(desk, c) is None
        decided = desk.conn.execute("SELECT count(*) FROM reviews").fetchone()[0]

    # the same copy again: nothing new, exit 0, nothing written
    assert cli.main(["review-import", "--db", str(seeded_path), str(copy)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == ("Nothing new to merge from for-director.sqlite; "
                                                       "1 conflict still stands:")
    with Store(seeded_path) as desk:
        assert desk.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == decided

    # the approved-only report leaves the returned update out; the full one marks it
    full, approved = tmp_path / "full.html", tmp_path / "approved.html"
    assert cli.main(["report", "--db", str(seeded_path), "-o", str(full), "--notes", "10"]) == 0
    assert cli.main(["report", "--db", str(seeded_path), "-o", str(approved), "--notes", "10", "--approved-only"]) == 0
    capsys.readouterr()
    full_html, approved_html = full.read_text(encoding="utf-8"), approved.read_text(encoding="utf-8")
    assert f"{NOTES[1]} (not yet approved)" in full_html and NOTES[1] not in approved_html
    assert f"{NOTES[3]} (not yet approved)" in full_html and NOTES[3] not in approved_html
    assert NOTES[0] in approved_html and "No news since March" in full_html


def panel_role():
    from app.ui.review_mode import ENTRY_ROLE
    return ENTRY_ROLE


def test_a_copy_from_another_file_is_refused_in_one_sentence(seeded_path, tmp_path, capsys):
    """review-import refuses a copy made from a different desk file, and a file that is no review copy."""
    copy = tmp_path / "copy.sqlite"
    assert cli.main(["review-copy", "--db", str(seeded_path), "-o", str(copy)]) == 0
    other = tmp_path / "other.sqlite"
    assert cli.main(["init", "--empty", "--db", str(other)]) == 0
    capsys.readouterr()
    assert cli.main(["review-import", "--db", str(other), str(copy)]) == 1
    assert capsys.readouterr().err == ("policy-tracker: copy.sqlite was made from another file (seeded.sqlite), "
                                       "not from other.sqlite; nothing was imported.\n")
    assert cli.main(["review-import", "--db", str(seeded_path), str(other)]) == 1
    assert capsys.readouterr().err == ("policy-tracker: other.sqlite is not a review copy (it names no desk file it "
                                       "was made from); nothing was imported.\n")
