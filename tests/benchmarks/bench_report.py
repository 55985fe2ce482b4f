"""Benchmark: a 1,000-item status report to PDF against the same HTML straight through QTextDocument,
and to Word and Excel against the same content written with python-docx and XlsxWriter directly.

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_report [N] [office]

app_s: the whole report - gather data as of a date, render the print HTML, lay it out at 96 dpi with
item blocks kept whole, paint every page with running header and page numbers to a PDF.
baseline_s: `QTextDocument.setHtml(the same HTML)` + `print_()` to a QPdfWriter (Qt's own pagination,
no header, nothing kept together). Target: app at most 1.3 times the baseline.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _database(n_items: int, folder: Path) -> Path:
    from app.services.demo_data import generate
    from app.store.store import Store
    path = folder / f"report-bench-{n_items}.sqlite"
    with Store(path) as s:
        generate(s, items=n_items, notes=n_items * 4, sources=20, seed=4)
    return path


def bench_report(n_items: int = 1000, repeats: int = 3) -> dict:
    """Median seconds of the full report vs the QTextDocument baseline on an n_items database."""
    from app.reports.data import ReportOptions, build_report
    from app.reports.html import render_html
    from app.reports.pdf import baseline_pdf, ensure_app, write_pdf
    from app.store.store import Store

    ensure_app()
    with tempfile.TemporaryDirectory(prefix="pt-bench-report-") as tmp:
        folder = Path(tmp)
        db = _database(n_items, folder)
        store = Store(db)
        try:
            options = ReportOptions(title="Benchmark report")
            html = render_html(build_report(store, options), for_print=True)
            app_times, base_times, pages = [], [], 0
            for k in range(repeats + 1):  # the first round warms caches (fonts, the file) and is dropped
                t = time.perf_counter()
                laid = write_pdf(build_report(store, options), folder / "app.pdf")
                a = time.perf_counter() - t
                t = time.perf_counter()
                baseline_pdf(html, folder / "baseline.pdf", options.page_size)
                b = time.perf_counter() - t
                if k:
                    app_times.append(a)
                    base_times.append(b)
                pages = laid.page_count
        finally:
            store.close()
    app_s, base_s = statistics.median(app_times), statistics.median(base_times)
    return {"name": f"{n_items:,}-item PDF report", "app_s": round(app_s, 3), "baseline_s": round(base_s, 3),
            "ratio": round(app_s / base_s, 3), "target": 1.3, "pages": pages, "items": n_items,
            "app_runs": [round(x, 3) for x in app_times], "baseline_runs": [round(x, 3) for x in base_times]}




# -- Word and Excel -------------------------------------------------------------------------------------
def _docx_direct(report, path: Path) -> None:
    """The baseline: the same headings, paragraphs, quotes, tables and RTL marks with python-docx's documented
    calls (add_heading, add_paragraph(text, style=...), add_run, add_table), nothing of ours."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from app.reports.data import text_direction
    from app.reports.docx_report import _AFTER_BIDI, _progress_text

    doc = docx.Document()

    def rtl(p, text):
        if text_direction(text) == "rtl":
            p._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
            for run in p.runs:
                run.font.rtl = True
                run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), "Noto Sans Arabic")

    def table(header, rows):
        t = doc.add_table(rows=1 + len(rows), cols=len(header))
        t.style = "Table Grid"
        for c, h in enumerate(header):
            t.cell(0, c).paragraphs[0].add_run(h).bold = True
        for r, row in enumerate(rows, 1):
            for c, text in enumerate(row):
                p = t.cell(r, c).paragraphs[0]
                p.add_run(text)
                rtl(p, text)

    c = report.cover
    doc.add_heading(c.title, 0)
    doc.add_paragraph(f"Status as of {c.as_of}")
    doc.add_heading("What this report covers", 2)
    table(["", ""], [[k, v] for k, v in c.selection])
    doc.add_heading("Summary by framework", 1)
    used = [s for s, n in report.totals() if n]
    table(["Framework", *(s.label for s in used), "Total", "Overdue", "Stale"],
          [[f.title, *(str(dict((s.key, n) for s, n in f.counts).get(s.key, 0)) for s in used), str(f.total),
            str(len(f.overdue)), str(len(f.stale))] for f in report.frameworks])
    for f in report.frameworks:
        rtl(doc.add_heading(f.title, 1), f.title)
        if f.actor:
            p = doc.add_paragraph()
            p.add_run(f.actor).italic = True
            rtl(p, f.actor)
        for i in f.items:
            rtl(doc.add_heading(f"{i.ref} {i.title}", 2), i.title)
            p = doc.add_paragraph(f"Status on {c.as_of}: ")
            p.add_run(i.status.label).bold = True
            p.add_run(f" (since {i.status_on}); due {i.due_on}")
            doc.add_paragraph(" · ".join(x for x in (i.kind_label, i.actor, ", ".join(i.tags)) if x))
            if i.description:
                rtl(doc.add_paragraph(i.description), i.description)
            if i.progress:
                doc.add_paragraph(_progress_text(i.progress))
            for nt in i.notes:
                rtl(doc.add_paragraph(f"{nt.as_of} · {nt.status.label}: {nt.text} — {nt.author}"), nt.text)
            for q in i.quotes:
                p = doc.add_paragraph(f"“{q.text}”", style="Quote")
                p.add_run(f" [S{q.source_number}]")
                rtl(p, q.text)
            for r in i.related:
                doc.add_paragraph(f"{r.relation}: {r.ref} {r.title} ({r.framework}; {r.status.label})")
    doc.add_heading("Appendix: sources", 1)
    table(["No.", "Source", "Details", "Items citing it"],
          [[f"[S{s.number}]", s.title, s.publisher, str(s.cited_by)] for s in report.sources])
    doc.save(str(path))


def _xlsx_direct(report, path: Path) -> None:
    """The baseline: the same cells, formats and sheet settings with XlsxWriter calls written out inline."""
    import datetime as dt

    import xlsxwriter

    from app.reports.xlsx_report import ITEM_COLUMNS, WORKBOOK_OPTIONS, sheet_name
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    head = wb.add_format({"bold": True, "bg_color": "#E8ECF2", "bottom": 1, "text_wrap": True})
    text = wb.add_format({"text_wrap": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    num = wb.add_format({"num_format": "#,##0.##"})
    pct = wb.add_format({"num_format": "0%"})
    taken: set[str] = set()
    ws = wb.add_worksheet(sheet_name("Summary", taken))
    for r, f in enumerate(report.frameworks, 1):
        ws.write_string(r, 0, f.title, text)
        for c, (_, n) in enumerate(f.counts, 1):
            ws.write_number(r, c, n, num)
    for f in report.frameworks:
        ws = wb.add_worksheet(sheet_name(f.title, taken))
        for c, (h, width) in enumerate(ITEM_COLUMNS):
            ws.write_string(0, c, h, head)
            ws.set_column(c, c, width)
        for r, i in enumerate(f.items, 1):
            ws.write_string(r, 0, i.ref, text)
            ws.write_string(r, 1, i.title, text)
            ws.write_string(r, 2, i.status.label, text)
            if i.status_on:
                ws.write_datetime(r, 3, dt.datetime.fromisoformat(i.status_on), date)
            if i.due_on:
                ws.write_datetime(r, 4, dt.datetime.fromisoformat(i.due_on), date)
            if i.overdue:
                ws.write_string(r, 5, "overdue", text)
            if i.stale:
                ws.write_string(r, 6, "stale", text)
            if i.progress:
                ws.write_number(r, 7, i.progress.target, num)
                if i.progress.latest is not None:
                    ws.write_number(r, 8, i.progress.latest, num)
                    ws.write_datetime(r, 9, dt.datetime.fromisoformat(i.progress.latest_on), date)
                if i.progress.fraction is not None:
                    ws.write_number(r, 10, i.progress.fraction, pct)
            if i.quotes:
                ws.write_string(r, 11, i.quotes[0].text, text)
                ws.write_string(r, 12, f"S{i.quotes[0].source_number}", text)
            ws.write_string(r, 13, i.kind_label, text)
            ws.write_string(r, 14, i.actor, text)
            ws.write_string(r, 15, ", ".join(i.tags), text)
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, len(f.items), len(ITEM_COLUMNS) - 1)
    ws = wb.add_worksheet("Sources")
    for r, s in enumerate(report.sources, 1):
        ws.write_string(r, 0, f"S{s.number}", text)
        ws.write_string(r, 1, s.title, text)
        ws.write_number(r, 7, s.cited_by, num)
    wb.close()


def bench_docx_xlsx(n_items: int = 1000, repeats: int = 3) -> list[dict]:
    """Median seconds of our Word and Excel writers against the same content written with the library directly.

    Both sides start from the same built Report (gathering it is the PDF row's business; its time is in
    the note), and are timed alternately so load from other processes hits both alike.
    """
    from app.reports.data import ReportOptions, build_report
    from app.reports.docx_report import write_docx
    from app.reports.xlsx_report import write_xlsx
    from app.store.store import Store

    from .harness import paired_times

    out = []
    with tempfile.TemporaryDirectory(prefix="pt-bench-office-") as tmp:
        folder = Path(tmp)
        store = Store(_database(n_items, folder))
        try:
            t = time.perf_counter()
            report = build_report(store, ReportOptions(title="Benchmark report"))
            build_s = time.perf_counter() - t
        finally:
            store.close()
        for fmt, ours, direct, lib in (("docx", write_docx, _docx_direct, "python-docx"),
                                       ("xlsx", write_xlsx, _xlsx_direct, "XlsxWriter")):
            (app_s, app_runs), (base_s, base_runs) = paired_times(
                lambda ours=ours, fmt=fmt: ours(report, folder / f"app.{fmt}"),
                lambda direct=direct, fmt=fmt: direct(report, folder / f"base.{fmt}"), repeats=repeats)
            out.append({"name": f"{n_items:,}-item {fmt.upper()} report vs {lib} directly", "app_s": round(app_s, 3),
                        "baseline_s": round(base_s, 3), "ratio": round(app_s / base_s, 3), "target": 1.5,
                        "items": n_items, "note": f"gathering the report: {build_s:.2f} s (both sides start from it)",
                        "app_runs": [round(x, 3) for x in app_runs], "baseline_runs": [round(x, 3) for x in base_runs]})
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    if "office" in sys.argv[2:]:
        for row in bench_docx_xlsx(n):
            print(row)
    else:
        print(bench_report(n))
