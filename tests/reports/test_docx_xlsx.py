"""Word and Excel reports, read back with python-docx and openpyxl: every item, real styles, RTL, no formulas."""
from __future__ import annotations

import datetime as dt

import pytest
from reportfixtures import (
    FA_ACTOR,
    FA_DESCRIPTION,
    FA_FRAMEWORK,
    FA_ITEM_TITLE,
    FA_NOTE,
    FA_QUOTE,
    PERSIAN_NOTE,
    PERSIAN_TITLE,
    add_persian_framework,
)

from app.reports.data import ReportOptions, build_report
from app.services import editing

FORMULA = '=HYPERLINK("http://evil","click")'


@pytest.fixture
def report(report_store):
    """Seeds, the test framework (with an item titled like a formula) and the Persian framework, as of 2025-07-01."""
    add_persian_framework(report_store)
    iid, _ = editing.create_item(report_store, {"framework_id": report_store.test_ids["framework"], "kind": "goal",
                                                "ref": "T3", "title": FORMULA})
    editing.add_status_update(report_store, iid, "proposed", "2025-01-02", "+1 and -1 and @SUM(A1)")
    return build_report(report_store, ReportOptions(as_of=dt.date(2025, 7, 1)))


def _docx(report, tmp_path):
    import docx

    from app.reports.docx_report import write_docx
    path = write_docx(report, tmp_path / "r.docx")
    return docx.Document(str(path))


def _bidi(p) -> bool:
    from docx.oxml.ns import qn
    ppr = p._p.pPr
    return ppr is not None and ppr.find(qn("w:bidi")) is not None


def test_docx_has_every_item_as_a_heading(report, tmp_path):
    """Each framework is a Heading 1 and each item a Heading 2 ("ref title"), in report order, after the cover's."""
    doc = _docx(report, tmp_path)
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h1 == ["Summary by framework", *(f.title for f in report.frameworks), "Appendix: sources"]
    assert h2 == ["At a glance", "What this report covers", *(f"{i.ref} {i.title}".strip() for i in report.items)]
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == [report.cover.title]


def test_docx_quotes_use_the_quote_style(report, tmp_path):
    """Every quoted passage is a paragraph in Word's Quote style, with its [Sn] reference."""
    doc = _docx(report, tmp_path)
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    expected = [(f"«{q.text}»" if q.text == FA_QUOTE else f"“{q.text}”") + f" [S{q.source_number}]"
                for i in report.items for q in i.quotes]
    assert quotes == expected


def test_docx_persian_paragraphs_are_right_to_left(report, tmp_path):
    """Paragraphs holding Persian carry w:bidi, their runs w:rtl and Noto Sans Arabic; English ones do not."""
    from docx.oxml.ns import qn

    from app.reports.docx_report import _AFTER_BIDI
    doc = _docx(report, tmp_path)
    for words in (FA_FRAMEWORK, FA_ACTOR, FA_ITEM_TITLE, FA_DESCRIPTION, FA_NOTE, FA_QUOTE, PERSIAN_TITLE,
                  PERSIAN_NOTE):
        hits = [p for p in doc.paragraphs if words in p.text]
        assert hits and all(_bidi(p) for p in hits), words
        for p in hits:
            for run in p.runs:
                assert run._r.rPr.find(qn("w:rtl")) is not None
                assert run._r.rPr.rFonts.get(qn("w:cs")) == "Noto Sans Arabic"
            tags = [c.tag for c in p._p.pPr]
            later = [k for k, tag in enumerate(tags) if tag in {qn(t) for t in _AFTER_BIDI}]
            assert all(tags.index(qn("w:bidi")) < k for k in later)  # the schema's order
    english = [p for p in doc.paragraphs if p.text.startswith("T1 Item with a hostile note")]
    assert len(english) == 1 and not _bidi(english[0])


def test_docx_text_is_literal(report, tmp_path):
    """A formula-like title and markup in a note are kept as the same characters."""
    doc = _docx(report, tmp_path)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"T3 {FORMULA}" in text and '<img src=x> and =HYPERLINK("http://evil")' in text


def _xlsx(report, tmp_path):
    import openpyxl

    from app.reports.xlsx_report import write_xlsx
    path = write_xlsx(report, tmp_path / "r.xlsx")
    return openpyxl.load_workbook(str(path))


def test_xlsx_has_a_sheet_per_framework_and_a_row_per_item(report, tmp_path):
    """Summary, one sheet per framework (one row per item: ref, title, status...), then Sources."""
    wb = _xlsx(report, tmp_path)
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-1] == "Sources"
    assert len(wb.sheetnames) == len(report.frameworks) + 2
    for name, f in zip(wb.sheetnames[1:-1], report.frameworks, strict=True):
        ws = wb[name]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][:3] == ("Ref", "Title", "Status on 2025-07-01")
        assert [(r[0] or "", r[1], r[2]) for r in rows[1:]] == [(i.ref, i.title, i.status.label) for i in f.items]
        assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:Q{max(2, len(f.items) + 1)}"


def test_xlsx_persian_framework_sheet_is_right_to_left(report, tmp_path):
    """The Persian framework's sheet reads right to left; the others left to right."""
    wb = _xlsx(report, tmp_path)
    rtl = [name for name in wb.sheetnames if wb[name].sheet_view.rightToLeft]
    assert rtl == [FA_FRAMEWORK]
    row = next(wb[FA_FRAMEWORK].iter_rows(min_row=2, values_only=True))
    assert row[1] == FA_ITEM_TITLE and row[11] == FA_QUOTE and row[7] == 10 and row[8] == 6.1
    assert row[4] == dt.datetime(2028, 3, 20)  # a real date, not text


def test_xlsx_no_cell_is_a_formula(report, tmp_path):
    """Text that looks like a formula is stored as text: no cell of any sheet is a formula."""
    wb = _xlsx(report, tmp_path)
    formulas = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row]
    assert FORMULA in values


def test_sheet_names_are_legal_and_unique():
    """Titles with []:*?/\\ or over 31 characters become legal, distinct sheet names."""
    from app.reports.xlsx_report import sheet_name
    taken: set[str] = set()
    names = [sheet_name(t, taken) for t in ("Plan [2025]: a/b?", "Plan [2025]: a/b?", "x" * 40, "Summary")]
    assert names == ["Plan 2025 a b", "Plan 2025 a b (2)", "x" * 31, "Summary"]


def test_docx_summary_keeps_status_labels_whole_and_the_names_wide(report, tmp_path):
    """The Word summary puts each framework's counts in one cell of whole labels, in columns sized for them."""
    doc = _docx(report, tmp_path)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Framework")
    assert [c.text for c in table.rows[0].cells] == ["Framework", "Items by status", "Total", "Overdue", "Stale"]
    assert [r.cells[0].text for r in table.rows[1:]] == [f.title for f in report.frameworks] + ["All frameworks"]
    first = report.frameworks[0]
    want = " · ".join(f"{s.label} {n}".replace(" ", "\u00a0") for s, n in first.counts if n)
    assert table.rows[1].cells[1].text == want
    widths = [c.width for c in table.rows[0].cells]
    assert widths[0] > 2 * widths[2] and widths[1] > 3 * widths[2]
