"""Show on page: the original PDF's page in a QPdfView, the cited words found and highlighted."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtWidgets

from app.ui.pdf_page import HIGHLIGHT, PdfPageWindow, find_on_page

RAW = (Path(__file__).resolve().parents[1] / "data" / "sources" / "english.pdf").read_bytes()


def test_words_are_found_whatever_the_line_breaks_hyphens_and_spaces():
    """Only letters and digits are compared: a line-end hyphen, CR LF and double spaces do not matter."""
    page = "the share of the digital econ-\r\nomy  in gross\r\ndomestic product is"
    assert find_on_page(page, "digital economy in gross domestic product") == (17, 63)
    assert page[17:63] == "digital econ-\r\nomy  in gross\r\ndomestic product"


def test_a_ligature_and_case_are_folded_and_missing_words_are_none():
    """NFKC folds the ﬁ ligature and case is ignored; words not on the page, or none at all, give None."""
    assert find_on_page("the ﬁnal Plan", "FINAL plan") == (4, 13)
    assert find_on_page("the final plan", "another plan") is None
    assert find_on_page("the final plan", " -- ") is None


@pytest.fixture
def window(qtbot):
    """Opens a page window the reader's way (a child window of a widget), kept until the test ends."""
    parents = []

    def make(content: bytes, page: int, words: str) -> PdfPageWindow:
        parent = QtWidgets.QWidget()
        parents.append(parent)
        qtbot.addWidget(parent)
        w = PdfPageWindow(content, page, words, title="Five proposals", parent=parent)
        w.show()
        qtbot.waitExposed(w)
        return w
    return make


def test_the_highlight_is_painted_over_the_cited_words(window, qtbot):
    """The boxes lie on the drawn page, and their middle is tinted with the highlight."""
    w = window(RAW, 3, "a common market for digital services")
    assert w.windowTitle() == "Five proposals — p. 3"
    assert w.view.pageNavigator().currentPage() == 2
    rects = w.view.box_rects()
    assert len(rects) == 2 and all(w.view.page_rect().contains(r) for r in rects)  # "a" ends a line
    img = w.view.viewport().grab().toImage()
    r = rects[1]
    # a spot of white paper inside the box: between the top of the box and the letters' tops
    spot = img.pixelColor(int(r.left()) + 3, int(r.top()) + 2)
    assert (spot.blue() < spot.red() - 60, spot.red() > 200) == (True, True)  # yellow over white, not white
    outside = img.pixelColor(int(r.left()) + 3, int(r.top()) - 8)
    assert outside.name() == "#ffffff"
    assert HIGHLIGHT.alpha() < 255


def test_words_not_in_the_page_text_show_the_page_without_a_highlight(window):
    """Words the page's text layer does not have: the page is shown, unhighlighted, and that is said."""
    w = window(RAW, 1, "words that are on no page of this plan")
    assert w.view.boxes == [] and w.found is None
    assert w.info.text() == ("Page 1 of 3. The cited words could not be found in this page's text layer; "
                             "the page is shown without a highlight.")


def test_a_page_beyond_the_pdf_and_bytes_that_are_not_a_pdf_are_named(window):
    """A page the PDF does not have, or bytes QtPdf cannot open, each give one sentence and no highlight."""
    w = window(RAW, 7, "anything")
    assert w.info.text() == "The original PDF has 3 pages; page 7 is not one."
    w = window(b"not a pdf at all", 1, "anything")
    assert (w.loaded, w.info.text(), w.view.boxes) == (False, "The original PDF could not be opened.", [])
