"""The source reader: highlights, code-point offsets, tooltips, clicks, selections, find, RTL."""
from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.model import Changes
from app.services import editing, sources
from app.ui.reader import OffsetMap, SourceReader, display_text, is_right_to_left, page_mark_color

Qt = QtCore.Qt
EMOJI_TEXT = "Goal 😀 one: expand 🇮🇷 broadband access to 90% of homes.\r\nSecond line 𝔸 ends here."
PERSIAN_TEXT = ("هدف اول: گسترش دسترسی به اینترنت پرسرعت برای ۹۰ درصد خانوارها تا سال ۱۴۰۵.\n"
                "هدف دوم: توسعه‌ی زیرساخت‌های داده و هوش مصنوعی 🚀 در کشور.")


class FakeSession(QtCore.QObject):
    """The three things the reader uses from app.ui.session.Session."""

    changed = QtCore.Signal(object)

    def __init__(self, store):
        super().__init__()
        self.store = store
        self.undo_stack = QtGui.QUndoStack(self)

    def notify(self, changes: Changes) -> None:
        self.changed.emit(changes)


@pytest.fixture
def session(store):
    s = FakeSession(store)
    yield s
    s.deleteLater()


@pytest.fixture
def reader(qtbot, session):
    r = SourceReader(session)
    r.flash_ms = 60
    qtbot.addWidget(r)
    r.resize(800, 600)
    r.show()
    qtbot.waitExposed(r)
    return r


def seed_source_id(store, word: str = "Almaty") -> str:
    return next(s["id"] for s in store.list_sources() if word in s["title"])


def add_cited_item(store, source_id: str, start: int, end: int, title: str = "An item", status: str = "in_progress"):
    fid = store.list_frameworks()[0]["id"]
    iid, _ = editing.create_item(store, {"framework_id": fid, "kind": "goal", "title": title, "ref": "X-1",
                                         "status": status})
    editing.add_citation(store, iid, source_id, start, end)
    return iid


# -- offsets (no Qt needed) ---------------------------------------------------------------------------
def test_offset_map_round_trips_with_emoji_and_flags():
    """Code points and UTF-16 units convert both ways around characters outside the BMP."""
    m = OffsetMap(EMOJI_TEXT)
    assert m.utf16_length == len(EMOJI_TEXT.encode("utf-16-le")) // 2
    for cp in range(len(EMOJI_TEXT) + 1):
        u16 = len(EMOJI_TEXT[:cp].encode("utf-16-le")) // 2
        assert m.to_utf16(cp) == u16
        assert m.to_code_point(u16) == cp
    after_emoji = EMOJI_TEXT.index("😀") + 1
    assert m.to_utf16(after_emoji) == after_emoji + 1
    assert m.to_code_point(m.to_utf16(after_emoji) - 1) == after_emoji - 1  # inside the pair rounds down


def test_display_text_keeps_one_qt_character_per_code_point():
    """A CRLF line end does not collapse: the document is as long as the stored text in UTF-16."""
    shown = display_text(EMOJI_TEXT)
    assert len(shown) == len(EMOJI_TEXT) and "\r" not in shown


def test_right_to_left_detection():
    """Persian by language tag or by script is right-to-left; English is not."""
    assert is_right_to_left("anything", "fa")
    assert is_right_to_left(PERSIAN_TEXT, None)
    assert not is_right_to_left("Plain English text.", "en")


# -- highlights -----------------------------------------------------------------------------------------
def test_every_placed_citation_of_a_seed_source_is_highlighted(reader, store):
    """Each placed citation of a seed source gets one highlight at its exact offsets."""
    for src in store.list_sources():
        assert reader.show_source(src["id"])
        expected = [(c["start"], c["end"], c["item_id"]) for c in store.citations_for_source(src["id"])]
        assert expected, "the seed sources have citations"
        assert reader.highlight_ranges() == expected
        for s, e, _ in expected:
            assert reader.text[s:e] == next(c["quote"] for c in store.citations_for_source(src["id"])
                                            if c["start"] == s and c["end"] == e)
        assert len(reader.text_view.extraSelections()) == len(expected)


def test_highlight_colour_follows_the_item_status(reader, store, session):
    """A status change repaints the passage in the new status colour when `changed` fires."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    c = store.citations_for_source(sid)[0]
    first = reader.text_view.extraSelections()[0]
    before = first.format.background().color().name()
    new_status = "abandoned" if c["status"] != "abandoned" else "achieved"
    _, changes = editing.update_item(store, c["item_id"], {"status": new_status})
    session.notify(changes)
    first = reader.text_view.extraSelections()[0]
    after = first.format.background().color().name()
    assert after != before


def test_text_is_shown_as_plain_text(reader, store, session):
    """Markup in a source is shown literally, never interpreted."""
    sid, changes = sources.add_source(store, "<b>bold?</b> <img src=x> # not a heading", title="Markup")
    session.notify(changes)
    reader.show_source(sid)
    assert reader.text_view.toPlainText() == "<b>bold?</b> <img src=x> # not a heading"


def test_picker_lists_sources_and_switches(reader, store, qtbot):
    """The source picker holds every source and choosing one shows it."""
    ids = [s["id"] for s in store.list_sources()]
    assert [reader.picker.itemData(i) for i in range(reader.picker.count())] == ids
    with qtbot.waitSignal(reader.source_shown) as blocker:
        reader.picker.setCurrentIndex(1)
    assert blocker.args == [ids[1]] and reader.source_id == ids[1]


def test_missing_source_is_refused_calmly(reader):
    """Showing a source that does not exist returns False and says so."""
    assert reader.show_source("no-such-id") is False
    assert "no longer" in reader.info.text()


# -- emoji and Persian: positions on both sides of Qt ---------------------------------------------------
@pytest.mark.parametrize("text,language,word", [
    (EMOJI_TEXT, "en", "broadband access"),
    (EMOJI_TEXT, "en", "ends here"),
    (PERSIAN_TEXT, None, "زیرساخت‌های داده"),
    (PERSIAN_TEXT, None, "هوش مصنوعی"),
])
def test_highlight_and_selection_offsets_with_emoji_and_persian(reader, store, session, qtbot, text, language, word):
    """A citation after emoji/Persian text is painted at the right Qt positions and a selection maps back."""
    sid, changes = sources.add_source(store, text, title="Offsets", language=language)
    start = text.index(word)
    end = start + len(word)
    add_cited_item(store, sid, start, end)
    session.notify(changes)
    reader.show_source(sid)
    doc_text = reader.text_view.document().toPlainText()
    selections = reader.text_view.extraSelections()
    sel = selections[0].cursor
    assert sel.selectedText() == word  # Qt's own positions hold exactly the cited words
    assert sel.selectionStart() == len(text[:start].encode("utf-16-le")) // 2
    units = doc_text.encode("utf-16-le")  # Qt positions index UTF-16 code units
    assert units[2 * sel.selectionStart():2 * sel.selectionEnd()].decode("utf-16-le") == word
    reader.select_range(start, end)
    assert reader.text_view.textCursor().selectedText() == word
    with qtbot.waitSignal(reader.track_requested) as blocker:
        reader.request_track()
    assert blocker.args == [sid, start, end]
    assert text[blocker.args[1]:blocker.args[2]] == word


def test_persian_source_is_right_to_left_and_selects_correctly(reader, store, session, qtbot):
    """A Persian source is laid out right to left, right-aligned, and a mouse-like selection maps to offsets."""
    sid, changes = sources.add_source(store, PERSIAN_TEXT, title="برنامه")
    session.notify(changes)
    reader.show_source(sid)
    option = reader.text_view.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    assert option.alignment() & Qt.AlignmentFlag.AlignRight
    assert reader.is_right_to_left()
    word = "هوش مصنوعی"
    start = PERSIAN_TEXT.index(word)
    # select with Qt's own cursor movement (word by word), as keyboard selection would
    cur = reader.text_view.textCursor()
    cur.setPosition(reader.offset_map.to_utf16(start))
    cur.movePosition(QtGui.QTextCursor.MoveOperation.NextWord, QtGui.QTextCursor.MoveMode.KeepAnchor, 2)
    reader.text_view.setTextCursor(cur)
    s, e = reader.selected_range()
    assert (s, e) == (start, start + len(word))
    assert PERSIAN_TEXT[s:e] == word
    # and the mouse lands on the right character in right-to-left lines
    pt = reader.point_for_offset(start + 1)
    assert reader.offset_at_point(pt) == start + 1


def test_english_source_is_left_to_right(reader, store):
    """The seed English sources keep left-to-right layout."""
    reader.show_source(seed_source_id(store))
    assert not reader.is_right_to_left()


# -- hover and click ------------------------------------------------------------------------------------
def test_hover_tooltip_escapes_user_text(reader, store, session, qtbot):
    """An item titled with markup shows literally in the passage's tooltip."""
    sid = seed_source_id(store)
    text = store.get_source(sid)["text"]
    start = text.index("Distinguished Guests")
    iid = add_cited_item(store, sid, start, start + len("Distinguished Guests"), title="<b>x</b><img src=y>")
    session.notify(Changes(items=frozenset({iid}), sources=frozenset({sid})))
    reader.show_source(sid)
    reader.reveal(start, start, flash=False)
    tip = reader.tooltip_at_point(reader.point_for_offset(start + 3))
    assert "&lt;b&gt;x&lt;/b&gt;&lt;img src=y&gt;" in tip and "<img" not in tip
    shown = QtGui.QTextDocument()
    shown.setHtml(tip)
    assert "<b>x</b><img src=y>" in shown.toPlainText()
    assert "In progress" in shown.toPlainText()
    # and a real tooltip event shows exactly that
    pt = reader.point_for_offset(start + 3)
    event = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, pt, reader.text_view.viewport().mapToGlobal(pt))
    QtWidgets.QApplication.sendEvent(reader.text_view.viewport(), event)
    qtbot.waitUntil(lambda: QtWidgets.QToolTip.isVisible())
    assert QtWidgets.QToolTip.text() == tip
    QtWidgets.QToolTip.hideText()


def test_no_tooltip_outside_passages(reader, store):
    """Plain text has no tooltip."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    assert reader.tooltip_at_point(reader.point_for_offset(2)) == ""


def test_clicking_a_highlight_emits_item_activated(reader, store, qtbot):
    """A plain click on a cited passage names its item."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    c = store.citations_for_source(sid)[3]
    reader.reveal(c["start"], c["end"], flash=False)
    pt = reader.point_for_offset((c["start"] + c["end"]) // 2)
    expected = reader.citations_at(reader.offset_at_point(pt))[0]["item_id"]
    with qtbot.waitSignal(reader.item_activated) as blocker:
        qtbot.mouseClick(reader.text_view.viewport(), Qt.MouseButton.LeftButton, pos=pt)
    assert blocker.args == [expected]


def test_clicking_plain_text_emits_nothing(reader, store, qtbot):
    """A click outside any passage does not activate an item."""
    reader.show_source(seed_source_id(store))
    with qtbot.assertNotEmitted(reader.item_activated):
        qtbot.mouseClick(reader.text_view.viewport(), Qt.MouseButton.LeftButton, pos=reader.point_for_offset(1))


# -- selection -> requests ------------------------------------------------------------------------------
def test_selection_emits_track_and_cite_with_exact_stripped_offsets(reader, store, qtbot):
    """Selected words (with blank space around them) become code-point offsets of just the words."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    text = reader.text
    words = "warm hospitality"
    start = text.index(words)
    reader.select_range(start - 1, start + len(words) + 1)  # " warm hospitality."
    assert reader.track_action.isEnabled()
    with qtbot.waitSignal(reader.track_requested) as blocker:
        reader.track_action.trigger()
    sid_, s, e = blocker.args
    assert sid_ == sid and text[s:e] == text[start - 1:start + len(words) + 1].strip()
    reader.set_current_item("some-item")
    assert reader.cite_action.isEnabled()
    reader.select_range(start, start + len(words))
    with qtbot.waitSignal(reader.cite_requested) as blocker:
        reader.cite_action.trigger()
    assert blocker.args == [sid, start, start + len(words)]
    assert text[start:start + len(words)] == words


def test_cite_needs_a_current_item_and_a_selection(reader, store, qtbot):
    """With no item open, or nothing selected, Cite does nothing and says why."""
    reader.show_source(seed_source_id(store))
    reader.set_current_item(None)
    reader.select_range(10, 20)
    assert not reader.cite_action.isEnabled()
    with qtbot.assertNotEmitted(reader.cite_requested):
        assert reader.request_cite() is False
    reader.select_range(10, 10)
    assert not reader.track_action.isEnabled()
    with qtbot.assertNotEmitted(reader.track_requested):
        assert reader.request_track() is False


def test_mouse_drag_selection_maps_to_offsets(reader, store, qtbot):
    """Dragging across words selects them; the request carries their code-point offsets."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    text = reader.text
    start = text.index("Ladies and Gentlemen")
    end = start + len("Ladies and Gentlemen")
    reader.reveal(start, start, flash=False)
    a = reader.point_for_offset(start)
    b = reader.point_for_offset(end - 1)
    vp = reader.text_view.viewport()
    a.setX(a.x() - 2)  # the left edge of the first letter
    b.setX(b.x() + 3)  # past the middle of the last letter
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    QtWidgets.QApplication.sendEvent(vp, QtGui.QMouseEvent(
        QtCore.QEvent.Type.MouseMove, QtCore.QPointF(b), QtCore.QPointF(vp.mapToGlobal(b)),
        Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)
    assert reader.selected_range() == (start, end)


def test_context_menu_offers_track_and_cite(reader, store):
    """The text's context menu starts with the two requests, plus Open for a passage under the mouse."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    c = store.citations_for_source(sid)[0]
    reader.reveal(c["start"], c["end"], flash=False)
    menu = reader.build_context_menu(reader.point_for_offset(c["start"] + 1))
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "Track as new item…" and texts[1] == "Cite for the current item"
    assert any(t.startswith("Open ") for t in texts)
    assert any("Copy" in t for t in texts)
    menu.deleteLater()


# -- show_citation and find -----------------------------------------------------------------------------
def test_show_citation_scrolls_to_and_flashes_the_passage(reader, store, qtbot):
    """Opening a citation shows its source, puts its passage on screen and flashes it, then the flash ends."""
    sid = seed_source_id(store, "Tokyo")
    reader.show_source(seed_source_id(store))
    c = store.citations_for_source(sid)[-1]
    with qtbot.waitSignal(reader.source_shown):
        assert reader.show_citation(c["id"])
    assert reader.source_id == sid
    assert reader.flash_range() == (c["start"], c["end"])
    assert reader.offset_map.to_code_point(reader.text_view.textCursor().position()) == c["start"]
    rect = reader.text_view.cursorRect()
    assert reader.text_view.viewport().rect().contains(rect.center())
    qtbot.waitUntil(lambda: reader.flash_range() is None, timeout=3000)


def test_show_unknown_citation_returns_false(reader):
    """A citation that no longer exists is reported, not raised."""
    assert reader.show_citation("gone") is False


def test_find_counts_steps_and_wraps(reader, store, qtbot):
    """Find marks every match, reports the count and steps forward and back with wrap-around."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    text_lower = reader.text.lower()
    n = text_lower.count("digital")
    assert reader.find("Digital") == n > 2
    assert reader.find_count.text() == f"1 of {n}"
    first = reader.current_match()
    assert reader.text[first[0]:first[1]].lower() == "digital"
    reader.find_next()
    assert reader.find_count.text() == f"2 of {n}"
    reader.find_previous()
    reader.find_previous()
    assert reader.find_count.text() == f"{n} of {n}"
    assert reader.text_view.textCursor().selectedText().lower() == "digital"
    assert reader.find("zzzqqq") == 0 and reader.find_count.text() == "No matches"


def test_find_handles_persian_letter_forms_and_emoji(reader, store, session):
    """Find ignores Arabic/Persian letter variants and selects the right span after an emoji."""
    sid, changes = sources.add_source(store, PERSIAN_TEXT, title="برنامه")
    session.notify(changes)
    reader.show_source(sid)
    assert reader.find("كشور") == 1  # typed with an Arabic kaf
    s, e = reader.current_match()
    assert PERSIAN_TEXT[s:e] == "کشور"
    assert reader.text_view.textCursor().selectedText() == "کشور"


def test_ctrl_f_in_the_reader_opens_the_find_bar(reader, store, qtbot):
    """Ctrl+F in the text opens the find bar even when the window binds Ctrl+F itself; Escape closes it."""
    window_shortcut = QtGui.QShortcut(QtGui.QKeySequence.StandardKey.Find, reader)
    window_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    reader.show_source(seed_source_id(store))
    reader.text_view.setFocus()
    with qtbot.assertNotEmitted(window_shortcut.activated):
        qtbot.keyClick(reader.text_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert reader.find_bar.isVisible()
    qtbot.keyClicks(reader.find_field, "Kazakhstan")
    assert reader.match_count() >= 1
    assert reader.find_count.text().startswith("1 of")
    qtbot.keyClick(reader.find_field, Qt.Key.Key_Escape)
    assert not reader.find_bar.isVisible()


# -- following the file -----------------------------------------------------------------------------------
def test_new_citation_appears_without_reload(reader, store, session):
    """Citing words in the shown source adds a highlight and keeps the scroll position."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    text = reader.text
    start = text.index("sensors")
    reader.reveal(start, start, flash=False)
    scroll = reader.text_view.verticalScrollBar().value()
    before = len(reader.highlight_ranges())
    iid = add_cited_item(store, sid, start, start + len("sensors"))
    session.notify(Changes(items=frozenset({iid}), sources=frozenset({sid})))
    assert len(reader.highlight_ranges()) == before + 1
    assert (start, start + len("sensors"), iid) in reader.highlight_ranges()
    assert reader.text_view.verticalScrollBar().value() == scroll


def test_removed_source_clears_the_reader(reader, store, session):
    """When the shown source is deleted the reader empties and says so."""
    sid, changes = sources.add_source(store, "A short text.", title="Short")
    session.notify(changes)
    reader.show_source(sid)
    _, changes = sources.remove_source(store, sid)
    session.notify(changes)
    assert reader.source_id is None and reader.text_view.toPlainText() == ""
    assert reader.picker.findData(sid) == -1


def test_every_control_has_an_accessible_name(reader):
    """Buttons, fields, labels and the text all carry accessible names."""
    for w in reader.findChildren(QtWidgets.QWidget):
        if isinstance(w, (QtWidgets.QAbstractButton, QtWidgets.QLineEdit, QtWidgets.QComboBox,
                          QtWidgets.QPlainTextEdit, QtWidgets.QLabel)) and w.parent() in (reader, reader.find_bar):
            assert w.accessibleName(), w


def test_find_in_a_long_text_marks_only_matches_near_the_screen(reader, store, session):
    """Tens of thousands of matches are counted, but only those around the view are painted."""
    from app.ui import reader as reader_mod
    base = store.get_source(seed_source_id(store))["text"]
    sid, changes = sources.add_source(store, "\n".join([base] * 200), title="Long")
    session.notify(changes)
    reader.show_source(sid)
    n = reader.find("digital")
    assert n > 5000
    marked = len(reader.text_view.extraSelections()) - len(reader.highlight_ranges())
    assert 0 < marked <= reader_mod.MAX_FIND_HIGHLIGHTS
    for _ in range(3):
        reader.find_previous()  # wraps to the end of the text
    assert reader.find_count.text() == f"{n - 2} of {n}"
    s, e = reader.current_match()
    assert reader.text[s:e].lower() == "digital"


def test_enter_on_a_passage_opens_its_item(reader, store, qtbot):
    """With the text cursor inside a cited passage, Enter names its item (the keyboard's click)."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    c = store.citations_for_source(sid)[0]
    reader.reveal(c["start"] + 1, c["start"] + 1, flash=False)
    reader.text_view.setFocus()
    with qtbot.waitSignal(reader.item_activated) as blocker:
        qtbot.keyClick(reader.text_view, Qt.Key.Key_Return)
    assert blocker.args == [reader.citations_at(c["start"] + 1)[0]["item_id"]]
    menu = reader.build_context_menu(offset=c["start"] + 1)
    assert any(a.text().startswith("Open ") for a in menu.actions())
    menu.deleteLater()


# -- a paged source (issue 14) ---------------------------------------------------------------------
PDF_DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "sources"


@pytest.fixture
def pdf_source(store):
    """english.pdf (3 pages) added as the window adds it, with one item citing a passage on page 2."""
    from app.exchange.extract import extract
    got = extract(PDF_DATA / "english.pdf")
    sid, _ = sources.add_source(store, got.text, title="Five proposals", original=got.original())
    start = got.text.index("share of the digital")
    end = got.text.index("domestic product") + len("domestic product")
    iid = add_cited_item(store, sid, start, end, title="Digital share")
    cid = store.citations_for_source(sid)[0]["id"]
    return sid, iid, cid, start, end


def test_a_pdf_source_shows_page_marks_without_changing_the_text(reader, pdf_source):
    """Pages 2 and 3 are marked at their starts; the text on screen is the stored text, offsets unchanged."""
    sid, *_ = pdf_source
    reader.show_source(sid)
    assert reader.page_marks() == [(2, 490), (3, 861)]
    assert reader.text_view.toPlainText() == display_text(reader.text)
    assert [reader.page_at(o) for o in (0, 489, 490, 860, 861, 1111)] == [1, 1, 2, 2, 3, 3]
    assert reader.info.text() == "1 cited passage · 3 pages"


def test_the_page_rule_is_painted_where_the_page_begins(reader, pdf_source, qtbot):
    """The rule of each visible page start is drawn across the viewport at the top of its first line."""
    sid, *_ = pdf_source
    reader.show_source(sid)
    reader.reveal(490, 491, flash=False)
    qtbot.waitUntil(lambda: any(p == 2 for p, _y in reader.visible_page_marks()))
    y = dict(reader.visible_page_marks())[2]
    top = reader.text_view.cursorRect(reader._cursor(reader.text_view.document(), 490, 490)).top()
    assert y == top - 1
    img = reader.text_view.viewport().grab().toImage()
    rule = page_mark_color(reader.text_view.palette())
    base = reader.text_view.palette().color(QtGui.QPalette.ColorRole.Base)
    x = img.width() // 3
    assert img.pixelColor(x, y).rgb() == rule.rgb() != base.rgb()


def test_a_text_source_has_no_page_marks_and_no_show_on_page(reader, store):
    """A source kept as text only: no marks, and "Show on page" is off and says why when asked."""
    sid = seed_source_id(store)
    reader.show_source(sid)
    assert reader.page_marks() == [] and reader.visible_page_marks() == []
    assert not reader.page_action.isEnabled()
    add_cited_item(store, sid, 0, 5)
    reader.refresh_highlights()
    reader.text_view.setTextCursor(reader._cursor(reader.text_view.document(), 2, 2))
    assert reader.show_on_page() is None
    assert reader.info.text() == "This source is not a PDF; there is no page to show."


def test_show_on_page_opens_the_citations_pdf_page_with_its_words(reader, pdf_source, qtbot):
    """From the context menu on a cited passage, "Show on page 2" opens page 2 of the PDF with the words found."""
    sid, _iid, cid, start, end = pdf_source
    reader.show_source(sid)
    assert reader.page_action.isEnabled()
    menu = reader.build_context_menu(offset=start + 3)
    act = next(a for a in menu.actions() if a.text().startswith("Show on page"))
    assert act.text() == "Show on page 2"
    act.trigger()
    win = reader.pdf_window
    assert win is not None
    qtbot.waitExposed(win)
    assert (win.page, win.loaded, win.view.pageNavigator().currentPage()) == (2, True, 1)
    assert win.pdf.getAllText(1).text()[win.found[0]:win.found[1]] == \
        "share of the digital economy \r\nin gross domestic product"
    assert len(win.view.boxes) == 2  # the passage runs over two lines
    assert win.info.text() == "Page 2 of 3 · the cited words are highlighted."
    menu.deleteLater()


def test_show_on_page_uses_the_citation_at_the_cursor(reader, pdf_source):
    """The tool bar's "Show on page" takes the passage the cursor is in; outside any, it says so."""
    sid, _iid, _cid, start, _end = pdf_source
    reader.show_source(sid)
    reader.text_view.setTextCursor(reader._cursor(reader.text_view.document(), 5, 5))
    assert reader.show_on_page() is None
    assert reader.info.text() == "Put the cursor in a cited passage first; its page will be shown."
    reader.text_view.setTextCursor(reader._cursor(reader.text_view.document(), start + 1, start + 1))
    reader.page_action.trigger()
    assert reader.pdf_window is not None and reader.pdf_window.page == 2


def test_the_original_file_of_a_pdf_source_is_saved_back_byte_for_byte(window, tmp_path, answers):
    """Save the original file writes the PDF the source was read from, identical and 0600; a text source has none."""
    from pathlib import Path
    pdf = Path(__file__).resolve().parents[1] / "data" / "sources" / "english.pdf"
    sid = window.add_source_from(pdf, {"title": "A plan"})
    assert sid and window.reader.source_id == sid
    menu = window.reader.build_context_menu(offset=0)
    assert "Save the original file (english.pdf)…" in [a.text() for a in menu.actions()]
    dest = tmp_path / "again.pdf"
    assert window.reader.save_original(dest)
    assert dest.read_bytes() == pdf.read_bytes() and dest.stat().st_mode & 0o777 == 0o600
    text_source = next(s["id"] for s in window.session.store.source_titles() if s["id"] != sid)
    window.reader.show_source(text_source)
    assert not window.reader.save_original(tmp_path / "none.txt")
    assert window.reader.info.text() == "This source was added from text; there is no original file to save."
    assert not (tmp_path / "none.txt").exists()
