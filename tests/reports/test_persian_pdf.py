"""Persian in print: every word reads back from the PDF, no glyph is a box, headers and actor lines run RTL."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest
from pdfcheck import missing_glyphs, normal, pdf_fonts, pdf_text, persian_words
from reportfixtures import FA_ACTOR, FA_FRAMEWORK, FA_QUOTE, FA_WORDS, add_persian_framework

from app.reports.data import ReportOptions, build_report

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
FA_REPORT_TITLE = "گزارش وضعیت برنامه هفتم"


@pytest.fixture
def persian_pdf(qapp, report_store, tmp_path):
    """The report of the seeded file plus a Persian framework, titled in Persian, as of 2025-07-01."""
    from app.reports.pdf import write_pdf
    add_persian_framework(report_store)
    report = build_report(report_store, ReportOptions(as_of=dt.date(2025, 7, 1), title=FA_REPORT_TITLE))
    path = tmp_path / "fa.pdf"
    laid = write_pdf(report, path)
    return report, laid, path


def test_every_persian_word_reads_back(persian_pdf):
    """Each word of the Persian title, actor, item, description, note, quote and source is in pdftotext's text."""
    _, _, path = persian_pdf
    got = set(persian_words(pdf_text(path)))
    for phrase in (*FA_WORDS, FA_REPORT_TITLE):
        missing = [w for w in phrase.split() if normal(w) not in got]
        assert missing == [], phrase


def test_no_glyph_is_a_box(persian_pdf):
    """No glyph in the PDF is .notdef, and the Persian is set in the bundled Arabic faces, not DejaVu."""
    _, _, path = persian_pdf
    assert missing_glyphs(path) == {}
    fonts = pdf_fonts(path)
    assert {"NotoSansArabic-Regular", "NotoSansArabic-Bold", "NotoSans-Italic"} <= set(fonts)
    assert [f for f in fonts if not f.startswith("NotoSans")] == []  # nothing from the machine's fonts


_OLD_SETUP = """
import sys
from PySide6.QtGui import QFontDatabase, QGuiApplication, QPdfWriter, QTextDocument
app = QGuiApplication(["old"])
if "DejaVu Serif" not in QFontDatabase.families():
    sys.exit(3)
from PySide6.QtGui import QFont
doc = QTextDocument()
# the old quotes' face, with no fallback to another installed font: what a machine without an
# Arabic-script face of its own gets, whatever this machine happens to have (DejaVu Sans has Arabic)
old = QFont("DejaVu Serif")
old.setItalic(True)
old.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
doc.setDefaultFont(old)
doc.setHtml(sys.argv[2])
writer = QPdfWriter(sys.argv[1])
doc.print_(writer)
del writer
"""


def test_the_box_check_catches_the_old_dejavu_setup(tmp_path):
    """Without bundled fonts or fallback, Persian in DejaVu Serif Italic (the old quotes) is one box a letter."""
    path = tmp_path / "old.pdf"
    html = f'<p dir="rtl">{FA_QUOTE}</p>'
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    res = subprocess.run([sys.executable, "-c", _OLD_SETUP, str(path), html], env=env, capture_output=True,
                         text=True, timeout=60)
    if res.returncode == 3:
        pytest.skip("fonts-dejavu-core is not installed")
    assert res.returncode == 0, res.stderr
    letters = sum(1 for ch in FA_QUOTE if not ch.isspace() and ch != "\u200c")
    assert sum(missing_glyphs(path).values()) == letters
    assert normal(FA_QUOTE.split()[0]) not in persian_words(pdf_text(path))


def test_running_header_and_actor_line_are_right_to_left(persian_pdf):
    """The Persian framework heading and actor line are RTL blocks; its pages carry its title in the header."""
    from PySide6.QtCore import Qt
    _, laid, path = persian_pdf
    for words in (FA_FRAMEWORK, FA_ACTOR):
        block = laid.doc.find(words).block()
        assert block.isValid() and block.textDirection() == Qt.LayoutDirection.RightToLeft, words
    first = next(p for p, title in laid.framework_pages if title == FA_FRAMEWORK)
    page_words = persian_words(pdf_text(path, first + 1))
    header = [normal(w) for w in FA_FRAMEWORK.split()]
    assert page_words.count(header[0]) >= 2  # the heading and the running header
    assert set(normal(w) for w in FA_REPORT_TITLE.split()) <= set(page_words)


def test_appendix_pages_name_the_appendix(persian_pdf):
    """The sources appendix's running header names the appendix, not the last framework."""
    _, laid, _ = persian_pdf
    assert laid.framework_pages[-1][1] == "Appendix: sources"
    assert laid.framework_pages[-1][0] == laid.page_count - 1


def test_fonts_are_the_bundled_files(qapp):
    """Both families are registered from resources/fonts, and a report font lists Latin then Arabic."""
    from app.reports import fonts
    assert fonts.missing() == []
    assert fonts.font(10, italic=True).families() == ["Noto Sans", "Noto Sans Arabic"]


def test_install_app_fonts_appends_the_fallback(qapp):
    """The window keeps its own UI font first and gains Noto Sans Arabic, then Noto Sans, after it."""
    from app.reports import fonts
    fonts.register_arabic()  # the first registration names the window's font by the face it resolves to
    before = qapp.font()
    own = [f for f in before.families() or [before.family()] if f]
    try:
        fonts.install_app_fonts(qapp)
        assert qapp.font().families() == own + [f for f in ("Noto Sans Arabic", "Noto Sans") if f not in own]
    finally:
        qapp.setFont(before)


def test_the_window_application_gets_the_bundled_fallback(qapp):
    """make_app (what the window starts with) installs Noto Sans Arabic after the UI font."""
    from app.ui.app import make_app
    before = qapp.font()
    try:
        assert make_app() is qapp
        assert "Noto Sans Arabic" in qapp.font().families()
    finally:
        qapp.setFont(before)


def test_registering_the_report_fonts_does_not_change_the_windows_face(qapp):
    """After every bundled face is registered, the window's font still resolves to the face it had before."""
    from PySide6 import QtGui

    from app.reports import fonts
    before = QtGui.QFontInfo(qapp.font()).family()
    spacing = QtGui.QFontMetrics(qapp.font()).lineSpacing()
    fonts.register()
    assert QtGui.QFontInfo(qapp.font()).family() == before
    assert QtGui.QFontMetrics(qapp.font()).lineSpacing() == spacing
