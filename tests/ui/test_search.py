"""The search panel: results in context, activation, hostile queries, and a GUI thread that never waits."""
from __future__ import annotations

import re
import threading

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.model import Changes
from app.services import editing
from app.store import search_queries
from app.ui import search as search_mod
from app.ui.search import SearchPanel, snippet_html, snippet_plain

Qt = QtCore.Qt
HOSTILE = ['"', '""', '"unbalanced', 'digital"', "-", "--", "-digital", "digital -connectivity", "*", "**", "* *",
           "digi*", "*digital", "(", ")", "(digital", "digital)", "()", "NEAR", "NEAR(digital connectivity)",
           "digital NEAR/2 connectivity", "AND", "OR", "NOT", "digital AND", "OR digital", "digital OR NOT",
           "a:b", "title:digital", "^digital", "{digital}", "[", "'", "'; DROP TABLE items; --", "\\", "%", "_",
           "+", "digital + connectivity", "😀", "\u200c", "ي", "۹۰", "\t", "   ", "🇮🇷 digital", "x" * 500,
           "a\x00b", "\u202e digital"]


class FakeSession(QtCore.QObject):
    """The three things the panel uses from app.ui.session.Session."""

    changed = QtCore.Signal(object)

    def __init__(self, store):
        super().__init__()
        self.store = store
        self.undo_stack = QtGui.QUndoStack(self)


@pytest.fixture
def session(store):
    s = FakeSession(store)
    yield s
    s.deleteLater()


@pytest.fixture
def panel(qtbot, session):
    p = SearchPanel(session)
    qtbot.addWidget(p)
    p.resize(400, 500)
    p.show()
    yield p
    p.wait_for_idle()


def search(qtbot, panel, query: str) -> list[dict]:
    with qtbot.waitSignal(panel.results_shown, timeout=5000) as blocker:
        panel.set_query(query, immediately=True)
    assert blocker.args[0] == query
    return panel.result_rows()


# -- pure helpers -----------------------------------------------------------------------------------------
def test_snippet_html_bolds_matches_and_escapes_the_rest():
    """Matched words become bold; markup in the text stays literal."""
    assert snippet_html("<b>a</b> \x02net\x03 & co") == "&lt;b&gt;a&lt;/b&gt; <b>net</b> &amp; co"
    assert snippet_html("open \x02end") == "open <b>end</b>"
    assert snippet_plain("a \x02net\x03\nb") == "a [net] b"


def test_read_only_helper_matches_store_search(store):
    """The worker's read-only query finds the same rows as Store.search, in the same order."""
    for q in ("connectivity", "Digikala", "digit*", "proposal", "Kazakhstan"):
        mine = search_queries.search_file(store.path, q)
        theirs = store.search(q)
        key = lambda r: (r["kind"], r["item_id"], r["source_id"], round(r["rank"], 9))  # noqa: E731
        assert [key(r) for r in mine] == [key(r) for r in theirs]
        for a, b in zip(mine, theirs, strict=True):
            if a["kind"] != "source":
                assert a["snippet"] == b["snippet"]


def test_source_snippets_mark_the_words_in_context(store):
    """A source's snippet holds the matched words, marked, with a few words either side."""
    rows = [r for r in search_queries.search_file(store.path, "hospitality") if r["kind"] == "source"]
    assert rows
    snip = rows[0]["snippet"]
    assert "\x02hospitality\x03" in snip and snip.startswith("…") and snip.endswith("…")
    assert len(snip.split()) < 25


def test_source_snippet_handles_persian_forms_and_prefixes():
    """Arabic letter forms and Persian digits match like the index; word* marks whole words."""
    text = "هدف اول: گسترش دسترسی به اینترنت پرسرعت برای ۹۰ درصد خانوارها"
    snip = search_queries.source_snippet(text, search_queries.terms_pattern("دسترسي 90"))
    assert "\x02دسترسی\x03" in snip and "\x02۹۰\x03" in snip
    snip = search_queries.source_snippet("Connecting the connected", search_queries.terms_pattern("connect*"))
    assert snip == "\x02Connecting\x03 the \x02connected\x03"


def test_long_source_search_uses_the_indexes_and_one_window_of_text(store, monkeypatch):
    """A common word and a one-letter prefix in a 2.7 MB source: each query goes through a full-text
    index (no table scan, no FTS5 snippet(), which took 2 s and 27 s here), and the snippet
    normalises windows of the text, never the whole of it. How fast that is belongs to `make bench`."""
    from app.services import sources
    base = store.get_source(store.list_sources()[0]["id"])["text"]
    long_text = "\n".join([base] * 400)
    sources.add_source(store, long_text, title="Long")
    statements: list[str] = []
    real_open = search_queries.open_read_only

    def traced_open(*args, **kw):
        conn = real_open(*args, **kw)
        conn.set_trace_callback(statements.append)
        return conn
    normalised: list[int] = []  # the length of each text the search normalised
    real_normalize = search_queries.normalize_with_offsets

    def counting_normalize(text):
        normalised.append(len(text))
        return real_normalize(text)
    monkeypatch.setattr(search_queries, "open_read_only", traced_open)
    monkeypatch.setattr(search_queries, "normalize_with_offsets", counting_normalize)
    plans = real_open(store.path)
    try:
        for q in ("digital", "a*"):
            statements.clear()
            normalised.clear()
            rows = search_queries.search_file(store.path, q)
            long = [r for r in rows if r["kind"] == "source" and r["title"] == "Long"]
            assert len(long) == 1 and "\x02" in long[0]["snippet"], q
            searches = [st for st in statements if " MATCH " in st and not st.lstrip().startswith("--")]
            assert len(searches) == 3, (q, searches)  # items, notes, sources: one query each
            for st in searches:
                assert not re.search(r"\b(snippet|highlight)\s*\(", st, re.IGNORECASE), st
                details = [row[3] for row in plans.execute("EXPLAIN QUERY PLAN " + st)]
                assert any("VIRTUAL TABLE INDEX" in d for d in details), (q, details)
                scans = [d for d in details if re.match(r"SCAN (i|u|s|items|status_updates|sources)\b", d)]
                assert not scans, (q, details)
            assert normalised and max(normalised) < len(long_text) // 10, (q, max(normalised))
            assert sum(normalised) < len(long_text) // 4, (q, sum(normalised))
    finally:
        plans.close()


def test_read_only_helper_cannot_write(store):
    """The worker's connection refuses writes."""
    conn = search_queries.open_read_only(store.path)
    try:
        with pytest.raises(Exception, match="readonly"):
            conn.execute("DELETE FROM items")
    finally:
        conn.close()


# -- searching ---------------------------------------------------------------------------------------------
def test_connectivity_finds_items_and_sources(qtbot, panel):
    """A seed word finds items and source passages, shown with the word in context."""
    rows = search(qtbot, panel, "connectivity")
    kinds = {r["kind"] for r in rows}
    assert {"item", "source"} <= kinds
    assert all("\x02" in r["snippet"] for r in rows)
    assert panel.status.text().endswith("matches")
    text = panel.model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    assert "[" in text and "]" in text


def test_notes_are_searched(qtbot, panel, store, session):
    """A word from a status note finds the note, and activating it opens its item."""
    iid = store.item_ids(limit=1)[0]
    editing.add_status_update(store, iid, "in_progress", "2025-03-01", note="Quokkafication pilot launched")
    session.changed.emit(Changes(items=frozenset({iid})))
    rows = search(qtbot, panel, "quokkafication")
    assert [r["kind"] for r in rows] == ["note"]
    with qtbot.waitSignal(panel.item_requested) as blocker:
        panel.activate_row(0)
    assert blocker.args == [iid]


def test_activating_an_item_result_requests_the_item(qtbot, panel):
    """An item result asks the window to open that item."""
    rows = search(qtbot, panel, "Digikala")
    row = next(i for i, r in enumerate(rows) if r["kind"] == "item")
    with qtbot.waitSignal(panel.item_requested) as blocker:
        panel.activate_row(row)
    assert blocker.args == [rows[row]["item_id"]]


def test_activating_a_source_result_requests_the_passage(qtbot, panel, store):
    """A source result asks for the first matching words of that source, in code points."""
    rows = search(qtbot, panel, "Digikala")
    row = next(i for i, r in enumerate(rows) if r["kind"] == "source")
    with qtbot.waitSignal(panel.passage_requested) as blocker:
        panel.activate_row(row)
    sid, start, end = blocker.args
    assert sid == rows[row]["source_id"]
    assert store.get_source(sid)["text"][start:end] == "Digikala"


def test_activation_through_the_view(qtbot, panel):
    """Enter on a result in the list opens it."""
    rows = search(qtbot, panel, "Digikala")
    opened = []
    panel.item_requested.connect(lambda iid: opened.append(iid))
    panel.passage_requested.connect(lambda sid, s, e: opened.append(sid))
    panel.results.setFocus()
    panel.results.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    assert opened == [rows[0]["item_id"] or rows[0]["source_id"]]


def test_no_matches_is_said(qtbot, panel):
    """A word found nowhere shows 'No matches' and an empty list."""
    assert search(qtbot, panel, "xylophonequartz") == []
    assert panel.status.text() == "No matches"


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(qtbot, panel, query):
    """Quotes, dashes, stars, parentheses, operators and odd characters give results or none, never an error."""
    rows = search(qtbot, panel, query)
    assert isinstance(rows, list)
    assert not panel.status.text().startswith("Search failed")


# Queries whose only word is "digital": the rest is punctuation, operators' marks or invisible characters.
ONLY_DIGITAL = ['digital"', "-digital", "(digital", "digital)", "^digital", "{digital}", "\u202e digital",
                "🇮🇷 digital", "*digital"]
# Queries with no word at all: nothing to look for.
NO_WORDS = ['"', '""', "-", "--", "*", "**", "* *", "(", ")", "()", "[", "'", "\\", "%", "+", "😀", "\u200c",
            "\t", "   "]
# FTS5 operators typed in capitals are searched as the words themselves (as the same words in lower case).
OPERATOR_WORDS = ["NEAR", "AND", "OR", "NOT", "digital AND", "OR digital", "digital OR NOT",
                  "NEAR(digital connectivity)", "digital NEAR/2 connectivity"]


def _keys(rows: list[dict]) -> list[tuple]:
    return [(r["kind"], r["item_id"], r["source_id"], r.get("update_id")) for r in rows]


def test_hostile_queries_in_the_helper(store):
    """The read-only helper answers every hostile query as a search for its words alone: punctuation,
    FTS5 syntax and operators never change what is found."""
    assert set(ONLY_DIGITAL + NO_WORDS) <= set(HOSTILE)
    digital = search_queries.search_file(store.path, "digital")
    assert digital and {"item", "source"} <= {r["kind"] for r in digital}
    for q in HOSTILE:
        rows = search_queries.search_file(store.path, q)
        assert isinstance(rows, list) and len(rows) <= 50, q
        assert all(r["kind"] in ("item", "note", "source") and isinstance(r["snippet"], str) for r in rows), q
    for q in ONLY_DIGITAL:
        assert _keys(search_queries.search_file(store.path, q)) == _keys(digital), q
    for q in NO_WORDS:
        assert search_queries.search_file(store.path, q) == [], q
    for q in OPERATOR_WORDS:
        assert _keys(search_queries.search_file(store.path, q)) == \
            _keys(search_queries.search_file(store.path, q.lower())), q
    for q in ("digital AND", "OR digital"):  # as operators these would be syntax errors; as words they narrow
        narrowed = _keys(search_queries.search_file(store.path, q))
        assert narrowed and set(narrowed) < set(_keys(digital)), q


def test_typing_is_debounced_into_one_query(qtbot, panel, monkeypatch):
    """Typing several letters quickly runs the query once, for the whole word."""
    seen = []
    real = search_queries.search_file

    def spy(path, query, **kw):
        seen.append(query)
        return real(path, query, **kw)

    monkeypatch.setattr(search_mod.search_queries, "search_file", spy)
    with qtbot.waitSignal(panel.results_shown, timeout=5000) as blocker:
        qtbot.keyClicks(panel.field, "Digikala")
    assert blocker.args[0] == "Digikala"
    panel.wait_for_idle()
    assert seen == ["Digikala"]


def test_search_runs_off_the_gui_thread_and_never_blocks_it(qtbot, panel, monkeypatch):
    """While a query is stuck in the worker the window keeps handling events; its answer arrives later."""
    release = threading.Event()
    threads = []
    real = search_queries.search_file

    def slow(path, query, **kw):
        threads.append(threading.get_ident())
        assert release.wait(10)
        return real(path, query, **kw)

    monkeypatch.setattr(search_mod.search_queries, "search_file", slow)
    panel.set_query("connectivity", immediately=True)
    # the GUI thread is free: a timer fires and typing still works while the worker waits
    ticked = []
    QtCore.QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: bool(ticked) and bool(threads), timeout=3000)
    assert panel.status.text() == "Searching…"
    assert threads[0] != threading.get_ident()
    with qtbot.waitSignal(panel.results_shown, timeout=5000):
        release.set()
    assert panel.result_rows()


def test_stale_answers_are_discarded(qtbot, panel, monkeypatch):
    """An older query answering after a newer one was typed never replaces the newer results."""
    gate = threading.Event()
    real = search_queries.search_file

    def gated(path, query, **kw):
        if query == "connectivity":
            assert gate.wait(10)
        return real(path, query, **kw)

    monkeypatch.setattr(search_mod.search_queries, "search_file", gated)
    panel._pool.setMaxThreadCount(2)  # let the newer query overtake the older one
    panel.set_query("connectivity", immediately=True)
    with qtbot.waitSignal(panel.results_shown, timeout=5000) as blocker:
        panel.set_query("Digikala", immediately=True)
    assert blocker.args[0] == "Digikala"
    with qtbot.assertNotEmitted(panel.results_shown, wait=100):
        gate.set()
        panel.wait_for_idle()
    assert all("Digikala" in (r["snippet"] + r["title"]) or "digikala" in r["snippet"].lower()
               for r in panel.result_rows())


def test_results_follow_changes(qtbot, panel, store, session):
    """When `changed` fires the current query runs again and shows the new item."""
    assert search(qtbot, panel, "zebrafinch") == []
    fid = store.list_frameworks()[0]["id"]
    iid, changes = editing.create_item(store, {"framework_id": fid, "kind": "goal", "title": "Zebrafinch corridor"})
    with qtbot.waitSignal(panel.results_shown, timeout=5000):
        session.changed.emit(changes)
    assert [r["item_id"] for r in panel.result_rows()] == [iid]
    assert panel.status.text() == "1 match"


def test_user_text_in_results_is_escaped(qtbot, panel, store, session):
    """A title with markup is painted literally (escaped in the delegate's HTML)."""
    fid = store.list_frameworks()[0]["id"]
    editing.create_item(store, {"framework_id": fid, "kind": "goal", "title": "<b>x</b><img src=y> walrus"})
    rows = search(qtbot, panel, "walrus")
    index = panel.model.index(0, 0)
    delegate = panel.results.itemDelegate()
    opt = QtWidgets.QStyleOptionViewItem()
    opt.rect = QtCore.QRect(0, 0, 300, 60)
    doc = delegate._document(opt, index)
    assert "<b>x</b><img src=y>" in doc.toPlainText()
    assert rows and "<img" in index.data(Qt.ItemDataRole.DisplayRole)
    panel.results.viewport().grab()  # paints through the delegate without error


def test_focus_search_selects_the_field(qtbot, panel):
    """focus_search() puts the cursor in the field with its text selected."""
    panel.field.setText("old words")
    panel.wait_for_idle()
    panel.focus_search()
    qtbot.waitUntil(panel.field.hasFocus)
    assert panel.field.selectedText() == "old words"


def test_controls_have_accessible_names(panel):
    """The field, the list and the status label carry accessible names."""
    assert panel.field.accessibleName() and panel.results.accessibleName() and panel.status.accessibleName()


def test_a_new_query_interrupts_the_running_one():
    """Numbering a new query interrupts the connection of an older one still running."""
    calls = []

    class Conn:
        def interrupt(self):
            calls.append("interrupt")

    gen = search_mod._Generation()
    first = gen.bump()
    gen.attach(first, Conn())
    gen.bump()
    assert calls == ["interrupt"]
    gen.attach(first, None)
    gen.bump()
    assert calls == ["interrupt"]


def test_source_result_opens_at_the_whole_word_its_snippet_shows(qtbot, panel, store):
    """A prefix query opens the first whole word it matches, not a match inside another word."""
    rows = search(qtbot, panel, "hospital*")
    row = next(i for i, r in enumerate(rows) if r["kind"] == "source")
    with qtbot.waitSignal(panel.passage_requested) as blocker:
        panel.activate_row(row)
    sid, start, end = blocker.args
    text = store.get_source(sid)["text"]
    assert text[start:end].lower().startswith("hospital")
    assert text[start:end] in rows[row]["snippet"].replace("\x02", "").replace("\x03", "")
