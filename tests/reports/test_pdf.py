"""The PDF report: text, pages, page furniture, page sizes and escaping, checked with poppler's tools."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from reportfixtures import HOSTILE_NOTE, PERSIAN_NOTE, PERSIAN_TITLE, squash

from app.reports.data import ReportOptions, build_report

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def page_grays(path: Path, tmp_path: Path) -> list[bytes]:
    """Each page as 8-bit grey pixels (PGM from pdftoppm), at a low resolution."""
    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(path), str(tmp_path / "pg")], check=True)
    out = []
    for f in sorted(tmp_path.glob("pg*.pgm")):
        raw = f.read_bytes()
        parts = raw.split(maxsplit=4)  # P5, width, height, maxval, pixels
        out.append(parts[4])
    return out


@pytest.fixture
def written(qapp, report_store, tmp_path):
    from app.reports.pdf import write_pdf
    report = build_report(report_store, ReportOptions(as_of=dt.date(2025, 7, 1), title="Quarterly status"))
    path = tmp_path / "report.pdf"
    laid = write_pdf(report, path)
    return report, laid, path


def test_pdf_has_every_item_status_and_quote(written):
    """pdftotext finds every item's title, status label and quoted words."""
    report, _, path = written
    text = squash(pdf_text(path))
    for item in report.items:
        assert squash(item.title) in text, item.title
        assert squash(item.status.label) in text
        for q in item.quotes:
            assert squash(q.text) in text, q.text


def test_pdf_pages_are_not_blank(written, tmp_path):
    """Every page has ink on it."""
    _, laid, path = written
    pages = page_grays(path, tmp_path)
    assert len(pages) == laid.page_count > 3
    for n, pixels in enumerate(pages, 1):
        assert sum(1 for b in pixels if b < 200) > 50, f"page {n} is blank"


def test_pdf_has_page_numbers_and_running_header(written):
    """Pages after the cover carry 'Page X of N' and the report title."""
    _, laid, path = written
    text = pdf_text(path)
    n = laid.page_count
    assert f"Page 2 of {n}" in text and f"Page {n} of {n}" in text
    assert text.count("Quarterly status") >= n - 1
    assert "Status as of 2025-07-01" in text


def test_item_blocks_do_not_straddle_pages(written):
    """No item block crosses a page boundary (each fits on one page)."""
    _, laid, _ = written
    assert laid.split == 0


def test_table_headers_repeat(written):
    """Tables with a header row repeat it on every page they cross."""
    _, laid, _ = written
    from app.reports.pdf import _units
    tables = [u for k, u in _units(laid.doc) if k == "frame" and hasattr(u, "rows")]
    headed = [t for t in tables if t.format().headerRowCount() >= 1]
    assert len(headed) >= 2  # the summary and at least one watch list


def test_hostile_note_prints_literally(written):
    """Markup and a formula in a note come out as the same characters in the PDF text."""
    _, _, path = written
    assert squash(HOSTILE_NOTE) in squash(pdf_text(path))


def test_persian_prints_as_text(written):
    """Persian title and note are in the PDF text (after NFKC of presentation forms)."""
    _, _, path = written
    text = squash(pdf_text(path))
    for words in (PERSIAN_TITLE, PERSIAN_NOTE):
        forward = squash(words)
        backward = squash(" ".join(reversed(words.split())))
        assert forward in text or backward in text, words


def test_persian_block_is_right_to_left(written):
    """The Persian title's block is laid out right to left."""
    from PySide6.QtCore import Qt
    _, laid, _ = written
    doc = laid.doc
    block = doc.find(PERSIAN_TITLE).block()
    assert block.isValid()
    assert block.textDirection() == Qt.LayoutDirection.RightToLeft


@pytest.mark.parametrize("size, points", [("A4", "(A4)"), ("Letter", "(letter)")])
def test_page_sizes(qapp, store, tmp_path, size, points):
    """A4 and Letter reports have pages of that size."""
    from app.reports.pdf import write_pdf
    path = tmp_path / f"{size}.pdf"
    write_pdf(build_report(store, ReportOptions(page_size=size, include_notes=False)), path)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert points in info


def test_as_of_date_changes_the_printed_status(qapp, report_store, tmp_path):
    """The same item prints a different status on different as-of dates."""
    from app.reports.pdf import write_pdf
    fid = report_store.test_ids["framework"]
    early, late = tmp_path / "early.pdf", tmp_path / "late.pdf"
    write_pdf(build_report(report_store, ReportOptions(framework_ids=[fid], as_of=dt.date(2025, 2, 1))), early)
    write_pdf(build_report(report_store, ReportOptions(framework_ids=[fid], as_of=dt.date(2025, 7, 1))), late)
    assert "Stalled" not in pdf_text(early) and "Stalled" in pdf_text(late)


def test_unwritable_output_is_one_sentence(qapp, store, tmp_path):
    """A missing folder is refused with a PolicyTrackerError, and nothing is left behind."""
    from app.core.model import PolicyTrackerError
    from app.reports.pdf import write_pdf
    with pytest.raises(PolicyTrackerError, match="does not exist"):
        write_pdf(build_report(store, ReportOptions()), tmp_path / "missing" / "r.pdf")


def _broken_words(doc, table) -> list[str]:
    """Words of a laid-out table's cells that a line break cuts in two (e.g. 'Propos|ed')."""
    out = []
    for r in range(table.rows()):
        for c in range(table.columns()):
            cell = table.cellAt(r, c)
            block = cell.firstCursorPosition().block()
            while block.isValid() and block.position() <= cell.lastPosition():
                text, lay = block.text(), block.layout()
                for n in range(lay.lineCount() - 1):
                    end = lay.lineAt(n).textStart() + lay.lineAt(n).textLength()
                    if 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
                        out.append(text)
                block = block.next()
    return out


def test_summary_and_item_headers_never_break_a_word(qapp, report_store):
    """Every header and status label of the summary and the item tables is laid out with whole words."""
    from app.reports.pdf import _units, lay_out_report
    from app.services import editing
    fid = report_store.test_ids["framework"]
    for n, status in enumerate(s["key"] for s in report_store.statuses()):  # every status in use
        iid, _ = editing.create_item(report_store, {"framework_id": fid, "kind": "goal", "ref": f"S{n}", "title": "x"})
        editing.add_status_update(report_store, iid, status, "2025-01-01", "")
    laid = lay_out_report(build_report(report_store, ReportOptions(as_of=dt.date(2025, 7, 1))))
    tables = [u for k, u in _units(laid.doc) if k == "frame" and hasattr(u, "rows")]
    summary = next(t for t in tables if t.cellAt(0, 0).firstCursorPosition().block().text() == "Framework")
    text = "\n".join(summary.cellAt(r, 1).firstCursorPosition().block().text() for r in range(summary.rows()))
    for s in report_store.statuses():
        assert s["label"].replace(" ", "\xa0") in text  # joined by no-break spaces
    heads = [t for t in tables if t.rows() == 1 and t.cellAt(0, 0).firstCursorPosition().block().text() == "Ref"]
    assert len(heads) == len(laid.framework_pages) - 1  # one item header per framework (not the appendix)
    assert [w for t in [summary, *heads] for w in _broken_words(laid.doc, t)] == []


def test_broken_word_check_finds_a_word_cut_by_a_narrow_column(qapp):
    """The check above is real: the old summary's narrow 'Proposed' column cuts the word and is reported."""
    from app.reports.pdf import _units, lay_out
    laid = lay_out('<table width="100%" border="1"><tr><th width="99%">Framework</th><th width="1%">Proposed</th>'
                   '</tr></table>')
    table = next(u for k, u in _units(laid.doc) if k == "frame")
    assert set(_broken_words(laid.doc, table)) == {"Proposed"}
