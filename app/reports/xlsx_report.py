"""Write a `Report` as an Excel workbook (XlsxWriter): the status table a desk keeps and filters.

A "Summary" sheet (items per status per framework), then one sheet per framework with one row per
item: ref, title, status as of the date, last update, due, overdue, no recent update, target,
latest value, progress, first quote (and its source), kind, actor, tags, and whether its evidence waits to be
checked (a new edition of a source left a citation for a person). Header rows are frozen and filtered; a
framework whose title is Persian or Arabic gets a right-to-left sheet. Then a "Sources" sheet.

No cell is ever read as a formula: text goes through `write_string` only, and the workbook is
opened with strings_to_formulas/strings_to_urls/strings_to_numbers off besides. Dates are real
Excel dates (so filters and sorting work), numbers are numbers.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import xlsxwriter

from ..exchange.atomic import atomic_path
from .data import Report, text_direction
from .fonts import ARABIC, LATIN

ITEM_COLUMNS = (("Ref", 8), ("Title", 48), ("Status", 16), ("Status since", 12), ("Due", 12), ("Overdue", 9),
                ("No recent update", 10), ("Target", 12), ("Latest value", 12), ("Latest on", 12),
                ("Progress", 10), ("First quote", 60), ("Source", 8), ("Kind", 12), ("Actor", 24), ("Tags", 24),
                ("Evidence", 10))  # "to check": a new edition left one of its citations for a person
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "in_memory": False}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A legal, unique worksheet name from a title (at most 31 characters, none of []:*?/\\)."""
    base = " ".join(_BAD_SHEET.sub(" ", title).split()).strip("'") or "Framework"
    name = base[:31].rstrip()
    n = 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(name.casefold())
    return name


def _date(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def write_xlsx(report: Report, path: Path | str) -> Path:
    """Write the report as a .xlsx workbook, atomically (a failure never leaves half a file)."""
    out = Path(path).expanduser()
    with atomic_path(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        try:
            _fill(wb, report)
        finally:
            wb.close()
    return out


def _fill(wb, report: Report) -> None:
    wb.set_properties({"title": report.cover.title, "author": report.cover.analyst or "Policy Tracker",
                       "comments": f"Status as of {report.cover.as_of}"})
    base = {"font_name": LATIN, "font_size": 10, "valign": "top"}
    head = wb.add_format({**base, "bold": True, "bg_color": "#E8ECF2", "bottom": 1, "text_wrap": True})
    text = wb.add_format({**base, "text_wrap": True})
    rtl_text = wb.add_format({**base, "font_name": ARABIC, "text_wrap": True, "reading_order": 2})
    date = wb.add_format({**base, "num_format": "yyyy-mm-dd", "align": "left"})
    num = wb.add_format({**base, "num_format": "#,##0.##"})
    pct = wb.add_format({**base, "num_format": "0%"})
    flag = wb.add_format({**base, "bold": True, "font_color": "#B3261E"})
    title_fmt = wb.add_format({**base, "bold": True, "font_size": 14})
    taken: set[str] = set()
    as_of = report.cover.as_of

    def s(ws, r, c, value, rtl_aware=True):
        value = value or ""
        fmt = rtl_text if rtl_aware and text_direction(value) == "rtl" else text
        ws.write_string(r, c, value, fmt)

    # -- summary ------------------------------------------------------------------------------------
    ws = wb.add_worksheet(sheet_name("Summary", taken))
    used = [st for st, n in report.totals() if n] or report.statuses[:1]
    ws.write_string(0, 0, report.cover.title, title_fmt)
    ws.write_string(1, 0, f"Status as of {as_of}", text)
    header = ["Framework", *(st.label for st in used), "Total", "Overdue", "Stale", "Evidence to check"]
    for c, h in enumerate(header):
        ws.write_string(3, c, h, head)
    r = 4
    for f in report.frameworks:
        counts = dict((st.key, n) for st, n in f.counts)
        s(ws, r, 0, f.title)
        for c, st in enumerate(used, 1):
            ws.write_number(r, c, counts.get(st.key, 0), num)
        ws.write_number(r, len(used) + 1, f.total, num)
        ws.write_number(r, len(used) + 2, len(f.overdue), num)
        ws.write_number(r, len(used) + 3, len(f.stale), num)
        ws.write_number(r, len(used) + 4, len(f.evidence_waiting), num)
        r += 1
    ws.set_column(0, 0, 48)
    ws.set_column(1, len(header) - 1, 12)
    ws.freeze_panes(4, 1)
    ws.autofilter(3, 0, max(3, r - 1), len(header) - 1)
    r += 1
    for k, v in report.cover.selection:
        ws.write_string(r, 0, k, head)
        s(ws, r, 1, v)
        r += 1
    if report.cover.left_out:
        ws.write_string(r, 0, f"{report.cover.left_out} item(s) first recorded after {as_of} are left out.", text)

    # -- one sheet per framework ------------------------------------------------------------------------
    last = len(ITEM_COLUMNS) - 1
    for f in report.frameworks:
        ws = wb.add_worksheet(sheet_name(f.title, taken))
        if text_direction(f.title) == "rtl":
            ws.right_to_left()
        for c, (h, width) in enumerate(ITEM_COLUMNS):
            ws.write_string(0, c, f"Status on {as_of}" if h == "Status" else h, head)
            ws.set_column(c, c, width)
        for r, i in enumerate(f.items, 1):
            s(ws, r, 0, i.ref)
            s(ws, r, 1, i.title)
            ws.write_string(r, 2, i.status.label, text)
            since = _date(i.status_on)
            if since:
                ws.write_datetime(r, 3, since, date)
            due = _date(i.due_on)
            if due:
                ws.write_datetime(r, 4, due, date)
            if i.overdue:
                ws.write_string(r, 5, "overdue", flag)
            if i.stale:
                ws.write_string(r, 6, "stale", flag)
            pr = i.progress
            if pr:
                ws.write_number(r, 7, pr.target, num)
                if pr.latest is not None:
                    ws.write_number(r, 8, pr.latest, num)
                    when = _date(pr.latest_on)
                    if when:
                        ws.write_datetime(r, 9, when, date)
                if pr.fraction is not None:
                    ws.write_number(r, 10, pr.fraction, pct)
            if i.quotes:
                s(ws, r, 11, i.quotes[0].text)
                ws.write_string(r, 12, i.quotes[0].mark, text)
            ws.write_string(r, 13, i.kind_label, text)
            s(ws, r, 14, i.actor)
            s(ws, r, 15, ", ".join(i.tags))
            if i.evidence_waiting:
                ws.write_string(r, 16, "to check", flag)
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(1, len(f.items)), last)

    # -- the crosswalk (crosswalk_section), when asked for ---------------------------------------------------
    cw = report.crosswalk
    if cw is not None:
        ws = wb.add_worksheet(sheet_name("Crosswalk", taken))
        s(ws, 0, 0, cw.title)
        ws.write_string(1, 0, "", head)
        for c, h in enumerate(cw.cols, 1):
            ws.write_string(1, c, h, head)
        for r, (h, cells) in enumerate(cw.rows, 2):
            ws.write_string(r, 0, h, head)
            for c, v in enumerate(cells, 1):
                s(ws, r, c, v)
        ws.set_column(0, 0, 48)
        ws.set_column(1, max(1, len(cw.cols)), 22)
        ws.set_row(1, 60)
        ws.freeze_panes(2, 1)

    # -- sources ------------------------------------------------------------------------------------------
    if report.sources:
        ws = wb.add_worksheet(sheet_name("Sources", taken))
        cols = (("No.", 8), ("Title", 60), ("Kind", 14), ("Publisher", 24), ("Author", 24), ("Published", 12),
                ("URL", 40), ("Items citing it", 10))
        for c, (h, width) in enumerate(cols):
            ws.write_string(0, c, h, head)
            ws.set_column(c, c, width)
        for r, src in enumerate(report.sources, 1):
            ws.write_string(r, 0, f"S{src.number}", text)
            s(ws, r, 1, src.title)
            ws.write_string(r, 2, src.kind.replace("_", " "), text)
            s(ws, r, 3, src.publisher)
            s(ws, r, 4, src.author)
            pub = _date(src.published_on)
            if pub:
                ws.write_datetime(r, 5, pub, date)
            ws.write_string(r, 6, src.url or "", text)
            ws.write_number(r, 7, src.cited_by, num)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(report.sources), len(cols) - 1)
