"""The window's report entry points: the options dialog and the export path (no modal dialogs shown)."""
from __future__ import annotations

import datetime as dt

from app.reports.data import ReportOptions


def test_options_dialog_round_trips_options(qtbot, store):
    """Options put into the dialog come back out unchanged."""
    from app.reports.qt_actions import ReportOptionsDialog
    fid = store.list_frameworks()[0]["id"]
    opts = ReportOptions(framework_ids=[fid], statuses=["proposed"], kinds=["goal"], as_of=dt.date(2025, 3, 1),
                         include_charts=False, notes_per_item=2, page_size="Letter", title="T", analyst="A",
                         show_file=True)
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


def test_export_word_and_excel_without_dialogs(qtbot, store, tmp_path):
    """export_report writes .docx and .xlsx files the same way as PDF and HTML."""
    import zipfile

    from PySide6.QtWidgets import QWidget

    from app.reports.qt_actions import EXPORT_FILTERS, export_report
    w = QWidget()
    qtbot.addWidget(w)
    assert set(EXPORT_FILTERS) == {"pdf", "html", "docx", "xlsx"}
    for fmt, part in (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml")):
        out = export_report(w, store, fmt, ReportOptions(), str(tmp_path / f"r.{fmt}"))
        assert out == tmp_path / f"r.{fmt}" and part in zipfile.ZipFile(out).namelist()


def test_dialog_opens_on_the_last_confirmed_settings(qtbot, store, monkeypatch):
    """Settings confirmed for a preview come back in the next dialog (print, export) and after a restart."""
    from PySide6.QtWidgets import QDialog

    from app.reports import data, qt_actions
    seen = []

    def confirm(dlg):
        qtbot.addWidget(dlg)
        seen.append(dlg.options())
        if len(seen) == 1:  # the person changes two settings the first time
            dlg.title.setText("Monthly status")
            dlg.charts.setChecked(False)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(qt_actions.ReportOptionsDialog, "exec", confirm)
    first = qt_actions.ask_options(None, store, "Preview")
    assert first.title == "Monthly status" and first.include_charts is False
    second = qt_actions.ask_options(None, store, "Export as Word...")
    assert seen[1] == first and second == first
    assert data.last_options_path().is_file() and data.load_last_options() == first  # what the next start reads


def test_broken_last_settings_fall_back_to_defaults(tmp_path):
    """An unreadable last-settings file gives the default options instead of an error."""
    from app.reports import data
    path = data.last_options_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert data.load_last_options() == ReportOptions()
    path.write_text('{"page_size": "A3"}', encoding="utf-8")
    assert data.load_last_options() == ReportOptions()
    path.unlink()


def test_calendar_has_room_for_weekday_names(qtbot, store):
    """The as-of calendar shows short weekday names and is wide enough for the widest of them."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QCalendarWidget

    from app.reports.qt_actions import ReportOptionsDialog, calendar_min_width
    dlg = ReportOptionsDialog(store)
    qtbot.addWidget(dlg)
    cal = dlg.as_of.calendarWidget()
    assert cal.horizontalHeaderFormat() == QCalendarWidget.HorizontalHeaderFormat.ShortDayNames
    fm = cal.fontMetrics()
    widest = max(fm.horizontalAdvance(cal.locale().dayName(d, QLocale.FormatType.ShortFormat)) for d in range(1, 8))
    assert cal.minimumWidth() == calendar_min_width(max(widest, fm.horizontalAdvance("00")))
