"""Evidence (issue 12, part 4): web addresses in notes open in the browser, and the reader follows the selected item."""
from __future__ import annotations

import pytest
from PySide6 import QtCore, QtWidgets

from app.ui import commands as cmds
from app.ui import widgets
from app.ui.widgets import linked_html, web_links

Qt = QtCore.Qt


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Links handed to the browser seam (no browser is ever started)."""
    calls: list[str] = []
    monkeypatch.setattr(widgets, "url_opener", lambda u: calls.append(u.toString()) or True)
    return calls


def test_web_links_finds_http_and_https_only_without_trailing_punctuation():
    """Addresses stop before sentence punctuation (Latin, Persian), keep their own brackets; other schemes are text."""
    text = ("Report at https://example.org/plan.pdf. Also (see https://en.wikipedia.org/wiki/Plan_(Iran)) and "
            "javascript:alert(1), ftp://x.org/f, file:///etc/passwd and https://irna.ir/news/123، بعد HTTP://A.ORG")
    assert [u for _, _, u in web_links(text)] == ["https://example.org/plan.pdf",
                                                 "https://en.wikipedia.org/wiki/Plan_(Iran)",
                                                 "https://irna.ir/news/123", "HTTP://A.ORG"]
    start, end, url = web_links(text)[0]
    assert text[start:end] == url
    assert web_links("https:// and http://") == []


def test_linked_html_escapes_everything_but_the_links():
    """User text stays text: markup in a note is escaped and only the address becomes an anchor."""
    html = linked_html("<b>x</b> https://example.org/?a=1&b=2")
    assert html == ("<span style='white-space:pre-wrap'>&lt;b&gt;x&lt;/b&gt; "
                    "<a href='https://example.org/?a=1&amp;b=2'>https://example.org/?a=1&amp;b=2</a></span>")


def test_open_url_refuses_other_schemes_through_the_seam(opened):
    """Only http and https reach the browser seam."""
    assert widgets.open_url("https://example.org/x")
    assert not widgets.open_url("javascript:alert(1)")
    assert not widgets.open_url("file:///etc/passwd")
    assert not widgets.open_url("https://")
    assert opened == ["https://example.org/x"]


def _note_with_link(window, item_id: str, note: str):
    window.go_to_item(item_id)
    tab = window.panel.history
    window.panel.tabs.setCurrentWidget(tab)
    assert window.session.push(cmds.AddStatusUpdate(window.session, item_id, "in_progress", "2025-06-02",
                                                    note, "Test Analyst"))
    return tab, tab.model.index(0, 2)


def _link_point(tab, index) -> tuple[QtCore.QPoint | None, QtCore.QPoint]:
    """A point on the note's link, and one on its plain words, in viewport coordinates."""
    view = tab.view
    opt = QtWidgets.QStyleOptionViewItem()
    opt.rect = view.visualRect(index)
    opt.font = view.font()
    fm = view.fontMetrics()
    y = opt.rect.top() + tab.delegate.PAD + fm.lineSpacing() + 2 + fm.height() // 2
    left = opt.rect.left() + tab.delegate.PAD + 16
    on_link = next((QtCore.QPoint(x, y) for x in range(left, opt.rect.right(), 2)
                    if tab.delegate.link_at(opt, index, QtCore.QPoint(x, y))), None)
    return on_link, QtCore.QPoint(left + 3, y)


def test_click_on_a_link_in_a_status_note_opens_it(window, almaty_id, qtbot, opened):
    """A web address in a status note is drawn as a link; clicking it opens that address, clicking words does not."""
    tab, index = _note_with_link(window, almaty_id, "Minutes https://example.org/minutes-2025 today")
    qtbot.waitUntil(lambda: tab.view.visualRect(index).height() > 0, timeout=2000)
    on_link, on_words = _link_point(tab, index)
    assert on_link is not None
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=on_words)
    assert opened == []
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=on_link)
    assert opened == ["https://example.org/minutes-2025"]


def test_enter_on_a_status_update_opens_its_first_link(window, almaty_id, qtbot, opened):
    """The keyboard way: Enter on an update opens the first address in its note."""
    tab, index = _note_with_link(window, almaty_id, "See https://a.example/1 and https://b.example/2")
    tab.view.setFocus()
    tab.view.setCurrentIndex(index)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert opened == ["https://a.example/1"]


def test_a_note_without_web_address_opens_nothing(window, almaty_id, qtbot, opened):
    """A note with only a javascript: address is plain text: no link drawn, nothing opened."""
    tab, index = _note_with_link(window, almaty_id, "javascript:alert(1) was in the page")
    on_link, _ = _link_point(tab, index)
    assert on_link is None
    tab.view.setCurrentIndex(index)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert opened == []


def test_observation_note_link_opens_on_click_and_enter(window, gdp_id, qtbot, opened):
    """An observation whose note holds an address shows it as a link and opens it (click on the note, or Enter)."""
    window.go_to_item(gdp_id)
    tab = window.panel.target
    window.panel.tabs.setCurrentWidget(tab)
    assert window.session.push(cmds.AddObservation(window.session, gdp_id, "9.1", "2025-05-01",
                                                   "Statistical Centre https://amar.org.ir/gdp"))
    row = next(i for i, o in enumerate(tab.obs_rows) if o["observed_on"] == "2025-05-01")
    it = tab.obs_list.topLevelItem(row)
    qtbot.waitUntil(lambda: tab.obs_list.viewport().height() >= 3 * tab.obs_list.visualItemRect(it).height(),
                    timeout=2000)  # the panel grows to the target tab's height once laid out
    assert it.font(2).underline() and not it.font(1).underline()
    rect = tab.obs_list.visualItemRect(it)
    value_x = tab.obs_list.header().sectionViewportPosition(1) + 4
    qtbot.mouseClick(tab.obs_list.viewport(), Qt.MouseButton.LeftButton, pos=QtCore.QPoint(value_x, rect.center().y()))
    assert opened == []
    note_x = tab.obs_list.header().sectionViewportPosition(2) + 10
    qtbot.mouseClick(tab.obs_list.viewport(), Qt.MouseButton.LeftButton, pos=QtCore.QPoint(note_x, rect.center().y()))
    assert opened == ["https://amar.org.ir/gdp"]
    tab.obs_list.setCurrentItem(it)
    tab.obs_list.setFocus()
    qtbot.keyClick(tab.obs_list, Qt.Key.Key_Return)
    assert opened == ["https://amar.org.ir/gdp"] * 2


def test_an_observation_cites_the_words_it_was_read_in(window, gdp_id, qtbot):
    """The observation form offers the item's citations; the one chosen is stored, marked, and Enter shows its words."""
    window.reader.flash_ms = 60_000
    window.go_to_item(gdp_id)
    tab = window.panel.target
    window.panel.tabs.setCurrentWidget(tab)
    cits = window.session.store.citations_for_item(gdp_id)
    assert tab.obs_cites.count() == len(cits) + 1
    assert tab.obs_cites.itemData(0) is None
    tab.obs_cites.setCurrentIndex(1)
    tab.obs_value.setText("7.4")
    tab.obs_on.setText("2025-02-01")
    assert tab.add_observation()
    stored = [o for o in window.session.store.observations_for_item(gdp_id) if o["observed_on"] == "2025-02-01"]
    assert [o["citation_id"] for o in stored] == [cits[0]["id"]]
    row = next(i for i, o in enumerate(tab.obs_rows) if o["observed_on"] == "2025-02-01")
    it = tab.obs_list.topLevelItem(row)
    assert it.text(1) == "7.4 ❝"
    other = next(s["id"] for s in window.session.store.list_sources() if s["id"] != cits[0]["source_id"])
    window.reader.show_source(other)  # the reader elsewhere: Enter must bring the cited words back
    tab.obs_list.setCurrentItem(it)
    tab.obs_list.setFocus()
    qtbot.keyClick(tab.obs_list, Qt.Key.Key_Return)
    assert window.reader.source_id == cits[0]["source_id"]
    assert window.reader.flash_range() == (cits[0]["start"], cits[0]["end"])
    window.session.undo_stack.undo()
    assert [o for o in window.session.store.observations_for_item(gdp_id) if o["observed_on"] == "2025-02-01"] == []


def test_a_status_update_cites_its_evidence(window, gdp_id, qtbot):
    """The status form offers the item's citations; the chosen one is stored, marked ❝, and Enter shows its words."""
    window.reader.flash_ms = 60_000
    window.go_to_item(gdp_id)
    tab = window.panel.history
    window.panel.tabs.setCurrentWidget(tab)
    cits = window.session.store.citations_for_item(gdp_id)
    assert tab.cites.count() == len(cits) + 1 == 3
    assert tab.cites.itemData(0) is None and tab.cites.itemData(1) == cits[0]["id"]
    tab.cites.setCurrentIndex(1)
    tab.as_of.setText("2025-02-01")
    tab.note.setPlainText("Statistical centre's first estimate")
    qtbot.mouseClick(tab.add, Qt.MouseButton.LeftButton)
    stored = [u for u in window.session.store.status_updates_for_item(gdp_id) if u["as_of"] == "2025-02-01"]
    assert [u["citation_id"] for u in stored] == [cits[0]["id"]]
    assert tab.cites.currentIndex() == 0  # the next update starts with no evidence chosen
    row = next(i for i, u in enumerate(tab.model.rows()) if u["id"] == stored[0]["id"])
    assert tab.model.index(row, 1).data().endswith(" ❝")
    assert "Evidence: “" in tab.model.index(row, 2).data(Qt.ItemDataRole.ToolTipRole)
    other = next(s["id"] for s in window.session.store.list_sources() if s["id"] != cits[0]["source_id"])
    window.reader.show_source(other)  # the reader elsewhere: Enter must bring the cited words back
    tab.view.setCurrentIndex(tab.model.index(row, 2))
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert window.reader.source_id == cits[0]["source_id"]
    assert window.reader.flash_range() == (cits[0]["start"], cits[0]["end"])
    window.session.undo_stack.undo()
    assert [u for u in window.session.store.status_updates_for_item(gdp_id) if u["as_of"] == "2025-02-01"] == []


# -- the reader follows the selected item ------------------------------------------------------------

def _placed(window, item_id):
    return [c for c in window.session.store.citations_for_item(item_id) if c["start"] is not None]


def test_selecting_an_item_shows_its_first_citation_highlighted(window, gdp_id, qtbot):
    """One selection in the table puts the item's first passage in the reader, flashing and on screen."""
    window.reader.flash_ms = 60_000
    first = _placed(window, gdp_id)[0]
    window.table.select_item(gdp_id)
    reader = window.reader
    assert reader.source_id == first["source_id"]
    assert reader.flash_range() == (first["start"], first["end"])
    assert reader.cursor_offset() == first["start"]
    cursor = reader.text_view.cursorRect()
    assert reader.text_view.viewport().rect().contains(cursor)


def test_following_switches_source_between_items(window, gdp_id):
    """Going from an item of one source to an item of the other shows the other source."""
    store = window.session.store
    window.reader.flash_ms = 60_000
    window.table.select_item(gdp_id)
    gdp_source = _placed(window, gdp_id)[0]["source_id"]
    assert window.reader.source_id == gdp_source
    other = next(i for i in store.item_ids() if _placed(window, i) and _placed(window, i)[0]["source_id"] != gdp_source)
    window.table.select_item(other)
    want = _placed(window, other)[0]
    assert (window.reader.source_id, window.reader.flash_range()) == (want["source_id"], (want["start"], want["end"]))


def test_an_item_without_citations_leaves_the_reader_as_it_was(window, gdp_id):
    """A new item that cites nothing does not empty the reader."""
    window.table.select_item(gdp_id)
    shown = window.reader.source_id
    fid = window.session.store.get_item(gdp_id)["framework_id"]
    cmd = cmds.CreateItem(window.session, {"framework_id": fid, "kind": "goal", "title": "Uncited"})
    assert window.session.push(cmd)
    window.go_to_item(cmd.item_id)
    assert window.panel.item["id"] == cmd.item_id
    assert window.reader.source_id == shown
    assert window.show_item_words(cmd.item_id) is False


def test_clicking_a_later_passage_keeps_the_reader_there(window, almaty_id, qtbot):
    """Clicking an item's second passage opens the item without jumping back to its first passage."""
    cits = _placed(window, almaty_id)
    assert len(cits) == 2
    second = cits[1]
    window.table.select_item(window.table.items.item_id(0))  # start from another item
    window.reader.show_source(second["source_id"])
    window.reader.reveal(second["start"], second["end"], flash=False)
    point = window.reader.point_for_offset(second["start"] + 2)
    with qtbot.waitSignal(window.reader.item_activated, timeout=2000):
        qtbot.mouseClick(window.reader.text_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.panel.item["id"] == almaty_id
    assert second["start"] <= window.reader.cursor_offset() < second["end"]
    assert window.reader.flash_range() is None


def test_an_override_in_a_note_is_drawn_as_a_marker(window, almaty_id):
    """A status note holding U+202E is drawn with a visible ⟨RLO⟩ marker (the stored note keeps the character)."""
    from app.services import operations as ops
    store = window.session.store
    ops.perform(store, ops.AddStatusUpdate(almaty_id, "in_progress", "2025-06-01", "Paid \u202eten\u202c", "Desk"))
    window.go_to_item(almaty_id)
    history = window.panel.history
    model = history.view.model()
    notes = [history.delegate._parts(model.index(r, 0))[0].get("note") for r in range(model.rowCount())]
    assert "Paid ⟨RLO⟩ten⟨PDF⟩" in notes
    assert any(u["note"] == "Paid \u202eten\u202c" for u in store.status_updates_for_item(almaty_id))


def test_on_opening_the_reader_shows_the_first_items_words_right_after_the_first_paint(seeded_path, answers, qtbot):
    """Opening a file, the first item's words are looked up once the window runs (not before it paints)."""
    from app.store.store import Store
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences
    win = MainWindow(Store(seeded_path), prefs=Preferences(analyst="T"), interaction=answers, poll_ms=0)
    qtbot.addWidget(win)
    first = win.current_item_id()
    placed = [c for c in win.session.store.citations_for_item(first) if c["start"] is not None]
    assert placed and win.reader.source_id is None  # nothing looked up yet: the window has not run
    win.show()
    qtbot.waitUntil(lambda: win.reader.source_id == placed[0]["source_id"], timeout=5000)
    win.close()
    win.shutdown()


def test_removing_a_passage_an_update_cites_is_refused_before_asking(window, gdp_id, answers):
    """The sources tab says why at once, instead of asking "Remove…?" and then refusing."""
    store = window.session.store
    cit = store.citations_for_item(gdp_id)[0]
    assert window.session.push(cmds.AddStatusUpdate(window.session, gdp_id, "in_progress", "2025-02-01",
                                                    "See the plan", citation_id=cit["id"]))
    window.go_to_item(gdp_id)
    tab = window.panel.sources
    window.panel.tabs.setCurrentWidget(tab)
    tab.list.setCurrentRow(next(i for i, c in enumerate(tab.rows) if c["id"] == cit["id"]))
    asked = len(answers.questions)
    tab.remove_current()
    assert len(answers.questions) == asked  # no question
    assert answers.errors[-1] == ("This passage is the evidence of 1 status update, and the status history is "
                                  "never rewritten: withdraw that update first.")
    assert store.get_citation(cit["id"]) is not None
