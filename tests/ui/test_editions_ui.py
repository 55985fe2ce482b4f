"""Source editions in the window: Add New Edition, the count under the navigator, Citations to Check's
three decisions (each undone), the reader's earlier editions and the comparison of two editions."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.store import editions as E
from app.ui import editions_ui

FIGURE_OLD, FIGURE_NEW = "nearly 7%", "nearly 8%"
NOTE = "Editor's note: this article was corrected on 1 July.\n\n"


def _almaty(store) -> dict:
    return next(s for s in store.list_sources(with_text=True) if s["title"].startswith("Aref"))


def _revise(store, tmp_path: Path) -> tuple[str, str, str, str]:
    """A revised edition of the Almaty article: a note at the top, a figure changed, a cited sentence deleted.
    Returns (source id, the new text, the id of the citation whose figure changed, the id of the deleted one)."""
    src = _almaty(store)
    text = src["text"]
    cits = store.citations_for_source(src["id"])
    figure = next(c for c in cits if FIGURE_OLD in c["quote"])
    deleted = next(c for c in cits if c["quote"].startswith("For the first time, Iran has dedicated"))
    new = NOTE + text[:deleted["start"]] + text[deleted["end"]:]
    new = new.replace(FIGURE_OLD, FIGURE_NEW, 1)
    path = tmp_path / "almaty-v2.txt"
    path.write_text(new, encoding="utf-8")
    return src["id"], new, figure["id"], deleted["id"]


@pytest.fixture
def revised(window, tmp_path, qtbot):
    sid, new, figure, deleted = _revise(window.session.store, tmp_path)
    qtbot.waitUntil(lambda: not window._words_timer.isActive())  # the first item's words are shown first
    window.reader.show_source(sid)
    sentence = editions_ui.add_edition_from(window, sid, tmp_path / "almaty-v2.txt",
                                            meta={"published_on": "2025-07-01", "note": "corrected"})
    assert sentence is not None and sentence.startswith("Edition 2 of 'Aref")
    return sid, new, figure, deleted


def test_add_new_edition_is_one_undo_step_and_the_reader_follows(window, revised, qtbot):
    """The reader shows the new text; File > Add New Edition sits after Add Source; undo restores the old text."""
    sid, new, figure, deleted = revised
    store = window.session.store
    assert window.reader.text == new and store.get_source(sid)["text"] == new
    assert window.reader.edition_bar.isVisible() and window.reader.edition_bar.pick.count() == 2
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    names = [a.objectName() for a in file_menu.actions()]
    assert names[names.index("addSource") + 1] == "addEdition"
    assert window.session.undo_stack.undoText() == "Add new edition"
    states = {c["id"]: c for c in E.citations_of(store, sid)}
    assert (states[figure]["anchor_state"], states[figure]["figures_changed"]) == ("review", 1)
    assert states[deleted]["anchor_state"] == "not_found"
    for c in states.values():  # every citation placed is on its own words
        if c["start_offset"] is not None:
            assert new[c["start_offset"]:c["end_offset"]] == c["quote"]
    window.session.undo_stack.undo()
    assert store.get_source(sid)["text"] == _almaty(store)["text"] != new
    assert [e["edition"] for e in E.editions(store, sid)] == [1]
    assert not window.reader.edition_bar.isVisible()
    assert not window.check_count.isVisible()


def test_count_under_the_navigator_opens_citations_to_check(window, revised, qtbot):
    """The count names exactly the citations waiting; clicking it lists them with the old words in context."""
    sid, new, figure, deleted = revised
    n = E.count_to_check(window.session.store)
    assert window.check_count.isVisible()
    assert window.check_count.text() == f"⚠ {n} citation{'s' if n != 1 else ''} to check"
    qtbot.mouseClick(window.check_count, __import__("PySide6").QtCore.Qt.MouseButton.LeftButton)
    view = window._citations_view
    assert view.isVisible() and [r["id"] for r in view.rows] == [r["id"] for r in E.to_check(window.session.store)]
    assert figure in [r["id"] for r in view.rows] and deleted in [r["id"] for r in view.rows]
    assert view.select(figure)
    assert FIGURE_OLD in view.old_view.toPlainText()
    assert view.warning.text().startswith("The figures in these words changed in the new edition")
    assert view.select(deleted)
    assert "not in it" in view.new_view.toPlainText() and not view.accept_button.isEnabled()


def test_place_on_the_readers_selection_then_undo(window, revised):
    """Show in Reader, select the new words there, Place: the citation takes them; undo puts it back."""
    sid, new, figure, deleted = revised
    store = window.session.store
    view = editions_ui.open_citations_to_check(window)
    assert view.select(figure)
    assert view.show_in_reader()
    before = E.citation_place(store, figure)
    old_quote = before["quote"]
    words = old_quote.replace(FIGURE_OLD, FIGURE_NEW)
    start = new.index(words)
    window.reader.select_range(start, start + len(words))
    n = E.count_to_check(store)
    assert view.decide("place")
    now = E.citation_place(store, figure)
    assert (now["start_offset"], now["quote"], now["anchor_state"], now["figures_changed"]) == (
        start, words, "reworded", 0)
    assert E.count_to_check(store) == n - 1 and figure not in [r["id"] for r in view.rows]
    window.session.undo_stack.undo()
    assert E.citation_place(store, figure) == before
    assert figure in [r["id"] for r in view.rows]


def test_mark_as_gone_and_accept_each_undo(window, revised, answers):
    """Mark as Gone takes the citation off the list (it was left waiting) and clears the figures flag; Accept of
    changed figures asks first, No changes nothing, Yes takes the suggestion; both undo."""
    sid, new, figure, deleted = revised
    store = window.session.store
    view = editions_ui.open_citations_to_check(window)
    before = E.citation_place(store, figure)
    view.select(figure)
    assert view.decide("gone")
    assert (E.citation_place(store, figure)["anchor_state"], E.citation_place(store, figure)["figures_changed"]) == (
        "gone", 0)
    assert figure not in {r["id"] for r in E.to_check(store)}
    window.session.undo_stack.undo()
    assert E.citation_place(store, figure) == before
    words = before["quote"].replace(FIGURE_OLD, FIGURE_NEW)
    start = new.index(words)
    with store.write():  # a suggestion as the engine stores one
        E.set_places(store, [dict(before, suggested_start=start, suggested_end=start + len(words))])
    view.refresh()
    view.select(figure)
    assert view.accept_button.isEnabled()
    answers.answer = False
    assert not view.decide("accept")
    assert "figures in these words changed" in answers.questions[-1]
    assert E.citation_place(store, figure)["start_offset"] is None
    answers.answer = True
    assert view.decide("accept")
    assert E.citation_place(store, figure)["start_offset"] == start
    window.session.undo_stack.undo()
    assert E.citation_place(store, figure)["suggested_start"] == start


def test_placing_needs_a_selection_in_the_newest_edition(window, revised, answers):
    """Place with nothing selected (or an earlier edition on screen) is one sentence and changes nothing."""
    sid, new, figure, deleted = revised
    store = window.session.store
    view = editions_ui.open_citations_to_check(window)
    view.select(deleted)
    view.show_in_reader()
    window.reader.edition_bar.pick.setCurrentIndex(0)  # edition 1 on screen
    window.reader.select_range(0, 10)
    before = E.citation_place(store, deleted)
    assert not view.decide("place")
    assert answers.errors[-1] == ("Select the citation's words in the newest edition of its source in the reader "
                                  "first (Show in Reader opens it).")
    assert E.citation_place(store, deleted) == before


def test_reader_shows_an_earlier_edition_read_only_and_compares_two(window, revised):
    """Edition 1 on screen: its text, citations marked where they were, no citing; Compare marks the changed words."""
    sid, new, figure, deleted = revised
    store = window.session.store
    old = E.edition_text(store, sid, 1)
    bar = window.reader.edition_bar
    bar.pick.setCurrentIndex(0)
    assert window.reader.text == old and not window.reader.showing_newest()
    window.reader.select_range(0, 20)
    assert not window.reader.track_action.isEnabled() and not window.reader.request_cite()
    marked = len(E.places_in(store, sid, 1))
    # every citation of the source was placed in edition 1 (the seeds cite it 28 times)
    assert len(window.reader._highlight_selections) == marked == len(E.citations_of(store, sid)) == 28
    dlg = bar.open_compare()
    assert dlg.old_pick.currentData() == 1 and dlg.new_pick.currentData() == 2
    removed = [old[s:e] for s, e in dlg.removed]
    added = [new[s:e] for s, e in dlg.added]
    assert any("7%" in r for r in removed) and any("8%" in a for a in added)
    assert any(a.startswith("Editor's") for a in added)
    assert any(r.startswith("For the first time") for r in removed)
    bar.pick.setCurrentIndex(1)
    assert window.reader.text == new and window.reader.showing_newest()


def test_item_panel_shows_the_citation_not_in_the_current_edition_and_the_flagged_value(window, revised):
    """The item keeps its citation, shown "not in the current edition"; the observation citing it is flagged."""
    sid, new, figure, deleted = revised
    store = window.session.store
    item_id = store.get_citation(figure)["item_id"]
    assert window.go_to_item(item_id)
    texts = [window.panel.sources.list.item(i).text() for i in range(window.panel.sources.list.count())]
    mine = next(t for t in texts if FIGURE_OLD in t)
    assert mine.endswith("(not in the current edition: to review in Citations to Check)\n"
                         "⚠ its figures changed in the newest edition")
    flagged = E.flagged(store, item_id)["observations"]
    assert len(flagged) == 1
    obs = window.panel.target.obs_list
    marks = [obs.topLevelItem(i).text(1) for i in range(obs.topLevelItemCount())]
    assert sum(m.endswith("❝ ⚠") for m in marks) == 1


def test_report_marks_items_whose_evidence_waits(window, revised):
    """The report data and its HTML name the items whose citations wait to be checked, and only those."""
    from app.reports.data import ReportOptions, build_report
    from app.reports.html import render_body
    store = window.session.store
    waiting = {r["item_id"] for r in E.to_check(store)}
    report = build_report(store, ReportOptions())
    assert {i.id for i in report.items if i.evidence_waiting} == waiting and len(waiting) == 5
    html = render_body(report)
    assert html.count("evidence to check: a cited passage is not in the newest edition") == 5


def test_word_report_marks_items_whose_evidence_waits(window, revised, tmp_path):
    """The Word report says "evidence to check" on exactly the items waiting."""
    import docx

    from app.reports.data import ReportOptions, build_report
    from app.reports.docx_report import write_docx
    store = window.session.store
    path = write_docx(build_report(store, ReportOptions()), tmp_path / "r.docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert text.count("· evidence to check") == len({r["item_id"] for r in E.to_check(store)}) == 5


def test_excel_report_marks_items_whose_evidence_waits(window, revised, tmp_path):
    """The Excel report's Evidence column says "to check" on exactly the items waiting, and the summary counts them."""
    import openpyxl

    from app.reports.data import ReportOptions, build_report
    from app.reports.xlsx_report import write_xlsx
    store = window.session.store
    waiting = {r["item_id"] for r in E.to_check(store)}
    report = build_report(store, ReportOptions())
    wb = openpyxl.load_workbook(str(write_xlsx(report, tmp_path / "r.xlsx")))
    marked = set()
    for name, f in zip(wb.sheetnames[1:], report.frameworks, strict=False):
        rows = list(wb[name].iter_rows(values_only=True))
        assert rows[0][16] == "Evidence"
        marked |= {i.id for i, row in zip(f.items, rows[1:], strict=True) if row[16] == "to check"}
    assert marked == waiting and len(waiting) == 5
    summary = list(wb["Summary"].iter_rows(values_only=True))
    head = summary[3]
    assert head[-1] == "Evidence to check"
    assert sum(row[len(head) - 1] or 0 for row in summary[4:4 + len(report.frameworks)]) == 5


def test_opening_another_file_closes_citations_to_check(window, revised, empty_path):
    """Citations to Check belongs to one file: opening another closes it, and the count follows the new file."""
    from app.store.store import Store
    view = editions_ui.open_citations_to_check(window)
    assert view.isVisible()
    window.set_store(Store(empty_path))
    assert not view.isVisible() and window._citations_view is None
    assert not window.check_count.isVisible() and window.check_count.count == 0
