"""Review on the desk's window: new entries are submitted (or drafts), the review filter, and the two File steps."""
from __future__ import annotations

from PySide6 import QtCore

from app.services import operations
from app.services.review import Decide
from app.store import reviews
from app.store.store import Store


def test_an_update_added_in_the_window_is_submitted_or_a_draft(window, almaty_id, qtbot):
    """Add update submits the new update for review; Save as draft keeps it a draft; undo removes either whole."""
    st = window.session.store
    window.table.select_item(almaty_id)
    tab = window.panel.history
    tab.as_of.setText("2025-04-01")
    tab.note.setPlainText("Working group formed")
    qtbot.mouseClick(tab.add, QtCore.Qt.MouseButton.LeftButton)
    first = st.status_updates_for_item(almaty_id)[0]
    assert reviews.entry(st, first["id"])["review_state"] == "submitted"
    tab.note.setPlainText("Not sure yet")
    qtbot.mouseClick(tab.draft, QtCore.Qt.MouseButton.LeftButton)
    draft = st.status_updates_for_item(almaty_id)[0]
    assert draft["note"] == "Not sure yet" and reviews.entry(st, draft["id"])["review_state"] == "draft"
    assert reviews.counts(st)["draft"] == 1
    window.act_undo.trigger()
    assert st.get_status_update(draft["id"]) is None and reviews.counts(st)["draft"] == 0
    assert "Awaiting review: 1" in window.review_panel.counts.text()


def test_the_review_filter_shows_the_items_with_returned_entries(window):
    """Any review state → Returned: the table lists the one item whose update was returned."""
    st = window.session.store
    u = st.conn.execute("SELECT id, item_id FROM status_updates ORDER BY id LIMIT 1").fetchone()
    window.session.push(_command(window, Decide(u[0], "returned", "Dana", "Why?")))
    combo = window.filter_bar.review
    combo.setCurrentIndex(combo.findData("returned"))
    assert window.table.items.matched_count() == 1
    assert window.filter_bar.count.text() == "1 of 27 items"


def _command(window, op):
    from app.ui.commands import OperationCommand
    return OperationCommand(window.session, op)


def test_export_for_review_and_import_review_from_the_file_menu(window, answers, tmp_path):
    """File > Export for Review writes the copy; File > Import Review merges its decision, undoably, and says so."""
    from app.ui import review_mode
    st = window.session.store
    path = tmp_path / "review.sqlite"
    made = review_mode.export_for_review_to(window, path)
    assert made is not None and made["items"] == 27
    assert answers.infos[-1].startswith("Wrote the review copy review.sqlite: 5 framework(s), 27 item(s), 0 entries")
    u = st.conn.execute("SELECT id FROM status_updates ORDER BY id LIMIT 1").fetchone()[0]
    with Store(path) as copy:
        operations.perform(copy, Decide(u, "returned", "Dana", "Cite the decree"))
    plan = review_mode.import_review_from(window, path)
    assert plan is not None and answers.infos[-1].splitlines()[:2] == [
        "Merged 1 review decision from review.sqlite:", "  Dana: 1 returned"]
    assert reviews.entry(st, u)["review_state"] == "returned"
    window.act_undo.trigger()
    assert reviews.entry(st, u)["review_state"] == "approved"
    window.act_redo.trigger()
    review_mode.import_review_from(window, path)
    assert answers.infos[-1] == "Nothing new: the decisions in review.sqlite are already in this file."
    review_mode.import_review_from(window, st.path)
    assert answers.errors[-1] == ("seeded.sqlite was not imported: That is the file that is open; choose the review "
                                  "copy that came back.")


def test_a_draft_is_submitted_from_the_review_panel(window, almaty_id, qtbot):
    """Submit for review turns the chosen draft into an entry awaiting review; undo makes it a draft again."""
    st = window.session.store
    window.table.select_item(almaty_id)
    tab = window.panel.history
    tab.as_of.setText("2025-04-01")
    tab.note.setPlainText("Unconfirmed report")
    qtbot.mouseClick(tab.draft, QtCore.Qt.MouseButton.LeftButton)
    draft = st.status_updates_for_item(almaty_id)[0]["id"]
    panel = window.review_panel
    panel.set_item(almaty_id, choose=draft)
    assert panel.current_entry_id() == draft and panel.submit_button.isVisibleTo(panel)
    qtbot.mouseClick(panel.submit_button, QtCore.Qt.MouseButton.LeftButton)
    assert reviews.entry(st, draft)["review_state"] == "submitted"
    window.act_undo.trigger()
    assert reviews.entry(st, draft)["review_state"] == "draft"


def test_the_report_dialog_asks_for_approved_entries_only(window):
    """The report dialog's Review box sets approved_only, and shows it again from the options."""
    from app.reports.data import ReportOptions
    from app.reports.qt_actions import ReportOptionsDialog
    d = ReportOptionsDialog(window.session.store, window, ReportOptions(approved_only=True))
    assert d.approved_only.isChecked() and d.options().approved_only is True
    d.approved_only.setChecked(False)
    assert d.options().approved_only is False
    d.deleteLater()
