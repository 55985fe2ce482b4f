"""A crosswalk as a table for spreadsheets: CSV (UTF-8) or XLSX (XlsxWriter).

The first row holds framework B's items as "ref title", the first column A's items the same way
(both in tree order), and each cell the keys of the relation kinds between the two items, in
either direction, separated by "; " (empty when there is none). The top-left cell names the two
frameworks. No cell is ever read as a formula: CSV cells that would be are prefixed with ' (as
the CSV export does), XLSX cells are written as strings only.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..store.crosswalk_queries import Crosswalk
from .atomic import atomic_path, write_atomically
from .csvio import neutralise

FORMATS = ("csv", "xlsx")
# as the Excel report opens its workbooks: text is never taken for a formula, a link or a number
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "in_memory": False}


def heading(item: dict) -> str:
    """An item as a crosswalk names it: "ref title" (just the title when it has no ref)."""
    return f"{item['ref']} {item['title']}".strip() if item.get("ref") else item["title"]


def cell_text(cw: Crosswalk, row_id: str, col_id: str) -> str:
    """The kinds' keys of the relations between two items, in the kinds' order, each once."""
    return "; ".join(dict.fromkeys(r["kind"] for r in cw.relations(row_id, col_id)))


def table(cw: Crosswalk) -> list[list[str]]:
    """The crosswalk as rows of text, header row first."""
    corner = f"{cw.framework_a['title']} \\ {cw.framework_b['title']}"
    out = [[corner] + [heading(c) for c in cw.cols]]
    for r in cw.rows:
        out.append([heading(r)] + [cell_text(cw, r["id"], c["id"]) for c in cw.cols])
    return out


def to_csv(cw: Crosswalk) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in table(cw):
        w.writerow([neutralise(v) for v in row])
    return buf.getvalue()


def write(cw: Crosswalk, path: Path | str, fmt: str | None = None) -> Path:
    """Write the crosswalk to `path` as CSV or XLSX (by `fmt`, else by the file's suffix), atomically."""
    out = Path(path).expanduser()
    fmt = fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    if fmt == "csv":
        write_atomically(out, to_csv(cw), "the crosswalk")
        return out
    import xlsxwriter
    with atomic_path(out, "the crosswalk") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        try:
            ws = wb.add_worksheet("Crosswalk")
            head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4"})
            wrap = wb.add_format({"text_wrap": True, "valign": "top"})
            rows = table(cw)
            for y, row in enumerate(rows):
                for x, value in enumerate(row):
                    ws.write_string(y, x, value, head if (x == 0 or y == 0) else wrap)
            ws.set_column(0, 0, 40)
            ws.set_column(1, max(1, len(rows[0]) - 1), 22)
            ws.set_row(0, 60)
            ws.freeze_panes(1, 1)
        finally:
            wb.close()
    return out
