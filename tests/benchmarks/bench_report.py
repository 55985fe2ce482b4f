"""Benchmark: a 1,000-item status report to PDF against the same HTML straight through QTextDocument.

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_report

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


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(bench_report(n))
