"""The window's report entry points: the options dialog and the export path (no modal dialogs shown)."""
from __future__ import annotations

import datetime as dt

from app.reports.data import ReportOptions


def test_options_dialog_round_trips_options(qtbot, store):
    """Options put into the dialog come back out unchanged."""
    from app.reports.qt_actions import ReportOptionsDialog
    fid = store.list_frameworks()[0]["id"]
    opts = ReportOptions(framework_ids=[fid], statuses=["proposed"], kinds=["goal"], as_of=dt.date(2025, 3, 1),
                         include_charts=False, notes_per_item=2, page_size="Letter", title="T", analyst="A")
    dlg = ReportOptionsDialog(store, options=opts)
    qtbot.addWidget(dlg)
    assert dlg.options() == opts


def test_export_pdf_and_html_without_dialogs(qtbot, store, tmp_path):
    """export_report with options and a path writes the file and returns it."""
    from PySide6.QtWidgets import QWidget

    from app.reports.qt_actions import export_report
    w = QWidget()
    qtbot.addWidget(w)
    pdf = export_report(w, store, "pdf", ReportOptions(), str(tmp_path / "r.pdf"))
    html = export_report(w, store, "html", ReportOptions(), str(tmp_path / "r.html"))
    assert pdf.read_bytes()[:5] == b"%PDF-" and html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_paint_to_printer_pages(qtbot, store, tmp_path):
    """The preview's paint path draws onto a QPrinter (PDF output) page by page."""
    from PySide6.QtPrintSupport import QPrinter

    from app.reports.data import build_report
    from app.reports.pdf import lay_out_report, paint
    from app.reports.qt_actions import _printer
    opts = ReportOptions(page_size="Letter")
    report = build_report(store, opts)
    laid = lay_out_report(report)
    printer = _printer(opts)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "p.pdf"))
    paint(laid, printer, report, pages=[0, 1, 2])
    assert (tmp_path / "p.pdf").stat().st_size > 1000
