"""The main window's workflows, headless: select, edit, validate, undo, files, preferences."""
from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from app.ui import file_ops
from app.ui.main_window import MainWindow
from app.ui.preferences import Preferences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _curated_counts() -> dict[str, int]:
    """How many frameworks, items and relations the bundled seeds curate (read from the seed file)."""
    cur = tomllib.loads((SEEDS / "curated.toml").read_text(encoding="utf-8"))
    return {k: len(cur[k]) for k in ("frameworks", "items", "relations")}


def test_title_shows_file_and_first_item_is_open(window, seeded_path):
    """The window title names the file and the panel shows the selected item."""
    assert seeded_path.name in window.windowTitle()
    assert window.panel.item is not None
    assert window.panel.item["id"] == window.table.current_item_id()


def test_navigator_filters_table(window, almaty_id):
    """Choosing a framework (and a status under it) narrows the table."""
    fid = window.session.store.get_item(almaty_id)["framework_id"]
    window.navigator.select_scope(fid)
    assert window.table.items.rowCount() == 5
    window.navigator.select_scope(fid, "proposed")
    assert window.table.items.filter.statuses == ("proposed",)
    window.clear_filters()
    # every item matches; the six Tokyo priorities are rows under TS, so the top level has 21
    assert window.table.items.matched_count() == window.session.store.count_items() == 27
    assert window.table.items.rowCount() == 21
    assert window.filter_bar.count.text() == "27 items"


def test_filter_bar_kind_and_bad_date(window):
    """The kind filter narrows rows; an impossible due date is marked and ignored."""
    fb = window.filter_bar
    fb.kind.setCurrentIndex(fb.kind.findData("indicator"))
    assert window.table.items.rowCount() == 9
    fb.due_from.setText("2025-02-30")
    fb.due_from.editingFinished.emit()
    assert "not a real date" in fb.due_from.toolTip()
    assert window.table.items.filter.due_from is None


def test_field_validated_as_typed_and_nothing_written(window, almaty_id, qtbot):
    """An empty title shows a message beside the field and writes nothing."""
    window.go_to_item(almaty_id)
    title = window.panel.edits["title"]
    title.setFocus()
    qtbot.keyClick(title, "a", QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(title, QtCore.Qt.Key.Key_Delete)
    assert "cannot be empty" in window.panel.errors["title"].text()
    assert window.panel.errors["title"].isVisibleTo(window.panel)
    assert not window.panel.commit("title")
    assert window.session.store.get_item(almaty_id)["title"]
    assert window.session.undo_stack.count() == 0


def test_due_date_rules(window, almaty_id, qtbot):
    """An impossible date and a due date before the item's first as-of date are refused."""
    window.go_to_item(almaty_id)
    due = window.panel.edits["due_on"]
    due.setText("2025-13-01")
    assert window.panel.validate("due_on") is None
    assert "not a real date" in window.panel.errors["due_on"].text()
    due.setText("1999-01-01")
    assert window.panel.validate("due_on") is None
    assert "before the as-of date" in window.panel.errors["due_on"].text()
    due.setText("2030-12-31")
    assert window.panel.commit("due_on")
    assert window.session.store.get_item(almaty_id)["due_on"] == "2030-12-31"
    window.act_undo.trigger()
    assert window.session.store.get_item(almaty_id)["due_on"] is None
    assert due.text() == ""


def test_edit_title_in_place_updates_table(window, almaty_id):
    """Leaving an edited title writes it once and the table row shows it."""
    window.go_to_item(almaty_id)
    window.panel.edits["title"].setText("<b>Bold</b> connect infrastructure")
    assert window.panel.commit("title")
    m = window.table.items
    assert m.data(m.index(m.row_of(almaty_id), m.column_of("title"))) == "<b>Bold</b> connect infrastructure"
    assert window.panel.heading.textFormat() == QtCore.Qt.TextFormat.PlainText


def test_status_update_defaults_author_and_undoes(window, almaty_id):
    """A new update is authored by the analyst, appears first, and Undo removes it."""
    window.go_to_item(almaty_id)
    tab = window.panel.history
    assert tab.author.text() == "Test Analyst"
    tab.status.setCurrentIndex(tab.status.findData("stalled"))
    tab.as_of.setText("2025-05-05")
    tab.note.setPlainText("No follow-up meeting")
    n = tab.model.rowCount()
    assert tab.submit()
    assert tab.model.rowCount() == n + 1
    assert tab.model.rows()[0]["note"] == "No follow-up meeting"
    assert window.panel.chip.text() == "Stalled"
    window.act_undo.trigger()
    assert tab.model.rowCount() == n
    tab.as_of.setText("2999-01-01")
    assert not tab.submit()
    assert "future" in tab.error.text()


def test_delete_asks_first_and_undo_restores(window, almaty_id, answers):
    """Deleting asks through the seam; No keeps the item; Undo brings it back."""
    window.go_to_item(almaty_id)
    assert window.table.selected_item_ids() == [almaty_id]
    answers.answer = False
    window.act_delete.trigger()
    assert window.session.store.get_item(almaty_id)
    answers.answer = True
    ups = window.session.store.status_updates_for_item(almaty_id)
    window.act_delete.trigger()
    assert answers.questions and window.session.store.get_item(almaty_id) is None
    window.act_undo.trigger()
    assert window.session.store.status_updates_for_item(almaty_id) == ups
    assert window.go_to_item(almaty_id)


def test_sources_tab_opens_citation_in_reader(window, almaty_id):
    """Open in reader shows the cited source with the passage flashing."""
    window.go_to_item(almaty_id)
    tab = window.panel.sources
    assert tab.list.count() >= 1
    cit = tab.rows[0]
    tab.open.click()
    assert window.reader.source_id == cit["source_id"]
    assert window.reader.flash_range() == (cit["start"], cit["end"])


def test_target_tab_progress_and_edit(window, gdp_id):
    """The GDP target shows baseline and target; saving a new target is undoable."""
    window.go_to_item(gdp_id)
    tab = window.panel.target
    assert "target 10" in tab.summary.text()
    assert tab.chart.target["target"] == 10
    tab.fields["target"].setText("12")
    assert tab.save_target()
    assert window.session.store.get_target(gdp_id)["target"] == 12
    tab.obs_value.setText("8")
    tab.obs_on.setText("2025-03-01")
    assert tab.add_observation()
    assert tab.bar.value() == 20  # (8 - 7) / (12 - 7)
    tab.fields["target"].setText("lots")
    assert not tab.save_target()
    assert "not a number" in tab.error.text()
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert window.session.store.get_target(gdp_id)["target"] == 10


def test_related_tab_add_and_remove(window, almaty_id, gdp_id):
    """A link to an item of another framework is added through the picker and removed."""
    window.go_to_item(almaty_id)
    tab = window.panel.related
    n = tab.tree.topLevelItemCount()

    class Picker:
        def __init__(self, session, item, parent):
            pass

        def exec(self):
            return True

        def result_value(self):
            return gdp_id, "supports", "both digital"

    tab.picker_factory = Picker
    assert tab.add_link()
    assert tab.tree.topLevelItemCount() == n + 1
    link_role = QtCore.Qt.ItemDataRole.UserRole + 5
    tab.tree.setCurrentItem(next(tab.tree.topLevelItem(i) for i in range(tab.tree.topLevelItemCount())
                                 if tab.tree.topLevelItem(i).data(0, link_role)["other_id"] == gdp_id))
    assert tab.remove_current()
    assert tab.tree.topLevelItemCount() == n


def test_item_picker_dialog_lists_other_frameworks(session, almaty_id, qtbot):
    """The picker offers only items of other frameworks and filters as you type."""
    from app.ui.dialogs import ItemPickerDialog
    item = session.store.get_item(almaty_id)
    dlg = ItemPickerDialog(session, item, None)
    qtbot.addWidget(dlg)
    n = dlg.list.topLevelItemCount()
    assert n == session.store.count_items() - 5
    dlg.filter.setText("GDP")
    other, kind, _ = dlg.result_value()
    assert session.store.get_item(other)["ref"] == "7NDP-DE-GDP" and kind == "same_as"


def test_add_source_refuses_binary_and_adds_text(window, tmp_path, answers):
    """A binary file is refused in one sentence; a UTF-8 file becomes a source shown in the reader."""
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\x00\x01\x02")
    n = len(window.session.store.list_sources())
    assert window.add_source_from(bad, {"title": "x"}) is None
    assert "binary" in answers.errors[-1] and len(window.session.store.list_sources()) == n
    good = tmp_path / "speech.md"
    good.write_text("# A speech\n\nWe will build 100 schools.", encoding="utf-8")
    sid = window.add_source_from(good, {"title": "A speech", "published_on": "2025-01-01"})
    assert sid and window.reader.source_id == sid
    window.act_undo.trigger()
    assert window.session.store.get_source(sid) is None


def test_export_and_import_json_with_progress(window, tmp_path, answers):
    """Exporting writes a whole JSON file; importing it back reports nothing new."""
    out = tmp_path / "all.json"
    assert file_ops.export_file(window, out, "json")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["items"]) == window.session.store.count_items()
    assert file_ops.import_file(window, out, "json") is not None
    assert "Nothing new" in answers.infos[-1]
    csv_out = tmp_path / "items.csv"
    assert file_ops.export_file(window, csv_out, "csv")
    assert csv_out.read_text(encoding="utf-8").startswith("id,") or csv_out.stat().st_size > 100


def test_import_cancel_rolls_back(window, tmp_path, answers):
    """Cancelling an import part-way leaves the file unchanged."""
    from app.exchange import jsonio
    doc = jsonio.export_document(window.session.store)
    base = doc["items"][0]
    doc["items"] = [dict(base, id=f"00000000-0000-4000-8000-{i:012d}", citations=[], status_updates=[],
                         observations=[], target=None, parent_id=None) for i in range(600)]
    doc["relations"] = []
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    n = window.session.store.count_items()

    def hook(progress):
        progress.cancel_after = 1

    assert file_ops.import_file(window, path, "json", progress_hook=hook) is None
    assert "cancelled" in answers.infos[-1]
    assert window.session.store.count_items() == n


def test_save_copy_is_a_consistent_snapshot(window, tmp_path, answers):
    """Save a Copy writes a database with the same items; the open file cannot be its target."""
    from app.store.store import Store
    dest = tmp_path / "copy.sqlite"
    assert window.save_copy_to(dest)
    with Store(dest) as s:
        assert s.count_items() == window.session.store.count_items()
    assert not window.save_copy_to(window.session.store.path)
    assert answers.errors


def test_new_and_open_database_and_recent(window, tmp_path, seeded_path):
    """A new database opens empty with a fresh undo stack; the old one is in Open Recent."""
    new = tmp_path / "new.sqlite"
    assert window.create_database(new)
    assert window.table.items.rowCount() == 0 and "new.sqlite" in window.windowTitle()
    assert window.panel.item is None
    assert str(seeded_path.resolve()) in window.recent_files()
    assert window.open_path(seeded_path)
    assert window.table.items.rowCount() > 0
    assert not window.create_database(seeded_path)


def test_layout_restored_from_settings(seeded_path, answers, qtbot):
    """Splitter sizes and chosen columns survive closing and reopening the window."""
    from app.store.store import Store
    w = MainWindow(Store(seeded_path), prefs=Preferences(), interaction=answers, poll_ms=0)
    qtbot.addWidget(w)
    # the offscreen screen is 800 wide: restoring clamps a window to it, and then to its minimum width
    w.resize(max(w.minimumSizeHint().width(), 760), 700)
    w.show()
    w.splitter.setSizes([200, 500, 392])
    sizes = w.splitter.sizes()
    w.table.toggle_column("tags", True)
    w.close()
    w.shutdown()
    w2 = MainWindow(Store(seeded_path), prefs=Preferences(), interaction=answers, poll_ms=0)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.size() == w.size()
    assert w2.splitter.sizes() == sizes, (w.size(), w2.size())
    assert "tags" in w2.table.items.columns()
    w2.close()
    w2.shutdown()


def test_preferences_apply_theme_and_author(window):
    """Preferences change the default author and the palette."""
    window.set_preferences(Preferences(analyst="Dana", theme="dark", text_size=11))
    assert window.session.analyst == "Dana"
    assert window.panel.history.author.text() == "Dana"
    assert QtWidgets.QApplication.instance().property("pt_dark")
    assert QtCore.QSettings().value("prefs/analyst") == "Dana"
    window.set_preferences(Preferences(analyst="Dana", theme="light"))
    assert not QtWidgets.QApplication.instance().property("pt_dark")


def test_other_process_change_refreshes(window, seeded_path, almaty_id):
    """An edit by another program shows up after the session notices it."""
    from app.services import editing
    from app.store.store import Store
    with Store(seeded_path) as other:
        editing.update_item(other, almaty_id, {"title": "Changed elsewhere"})
    assert window.session.poll_other_writers()
    m = window.table.items
    assert m.data(m.index(m.row_of(almaty_id), m.column_of("title"))) == "Changed elsewhere"


def test_every_control_has_an_accessible_name(window):
    """Focusable controls carry an accessible name for screen readers."""
    missing = []
    for w in window.findChildren(QtWidgets.QWidget):
        if w.window() is not window or w.focusPolicy() == QtCore.Qt.FocusPolicy.NoFocus \
                or isinstance(w, (QtWidgets.QScrollBar, QtWidgets.QMenu)):
            continue
        if w.inherits("QAbstractButton") and w.text():
            continue
        if not w.accessibleName() and w.parent() is not None and not w.parent().accessibleName():
            missing.append(f"{type(w).__name__} {w.objectName()}")
    assert not missing, missing


def test_user_text_is_plain_everywhere(window):
    """Every label in the window shows text as plain text."""
    rich = [lab for lab in window.findChildren(QtWidgets.QLabel)
            if lab.text() and lab.textFormat() != QtCore.Qt.TextFormat.PlainText and not lab.buddy()]
    assert not rich, [r.text() for r in rich]


def test_unexpected_exception_is_logged_and_shown(window):
    """The last-resort hook logs the traceback and shows one message; the window stays usable."""
    from app.ui.app import ExceptionHook, log_file
    shown = []
    hook = ExceptionHook(lambda: window, show=shown.append)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        hook(*sys.exc_info())
    assert "boom" in shown[0] and str(log_file()) in shown[0]
    assert window.isVisible()


def test_run_gui_with_no_path_seeds_the_default_database(tmp_path, monkeypatch):
    """With no file named, the default database is created from the bundled seeds."""
    from app.store.store import Store
    from app.ui.app import ensure_database
    monkeypatch.setenv("POLICY_TRACKER_DB", str(tmp_path / "d" / "default.sqlite"))
    path = ensure_database(None)
    assert path == tmp_path / "d" / "default.sqlite"
    want = _curated_counts()
    with Store(path) as s:
        assert s.count_items() == want["items"]
        assert len(s.list_frameworks()) == want["frameworks"]
        assert len(s.relations_all()) == want["relations"]


@pytest.mark.parametrize("url,opened", [("https://example.org", True), ("javascript:alert(1)", False),
                                        ("file:///etc/passwd", False)])
def test_only_web_links_open(url, opened, monkeypatch):
    """Links open in the browser only when they are http or https."""
    from PySide6 import QtGui

    from app.ui.widgets import open_url
    calls = []
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda u: calls.append(u) or True)
    assert open_url(url) is opened
    assert bool(calls) is opened


def test_add_source_takes_a_pdf_with_its_pages_and_undo_takes_it_all_back(window, answers):
    """File > Add source reads a PDF off the window thread: text, file and its 3 pages stored; undo removes all."""
    import hashlib

    from app.store import source_files
    pdf = Path(__file__).resolve().parents[1] / "data" / "sources" / "english.pdf"
    store = window.session.store
    sid = window.add_source_from(pdf, {"title": "A plan in three pages"})
    assert sid and answers.errors == [] and window.reader.source_id == sid
    got = source_files.get_original(store, sid)
    assert got is not None and got["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert [p[0] for p in source_files.pages(store, sid)] == [1, 2, 3]
    window.act_undo.trigger()
    assert store.get_source(sid) is None and source_files.get_original(store, sid) is None
    assert source_files.pages(store, sid) == []


def test_add_source_refuses_a_scanned_pdf_in_one_sentence(window, answers):
    """A PDF with no text layer is refused with one sentence and nothing is stored."""
    pdf = Path(__file__).resolve().parents[1] / "data" / "sources" / "scanned.pdf"
    n = len(window.session.store.list_sources())
    assert window.add_source_from(pdf, {"title": "Scan"}) is None
    assert len(answers.errors) == 1 and answers.errors[0].count(". ") == 0 and "scanned.pdf" in answers.errors[0]
    assert len(window.session.store.list_sources()) == n
