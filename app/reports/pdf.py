"""Lay a report out with QTextDocument and paint it page by page to a PDF or a printer (QtGui only).

Why our own page loop: `QTextDocument.print_()` can neither draw a running header nor keep an
item's block on one page. Here the document is laid out at a fixed 96 dpi (so CSS px and pt mean
what they mean in a browser, whatever the screen), item blocks that would straddle a page are
moved to the next page before the final layout, and each page is drawn with a header (report
title, the section on that page, right to left when it is Persian) and a footer (page X of N).

Every font is a family list over the bundled fonts (app/reports/fonts.py): Latin from Noto Sans,
Persian and Arabic from Noto Sans Arabic, whatever the machine has installed.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, cast

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextOption,
)

from ..core.model import PolicyTrackerError
from ..exchange.atomic import atomic_path
from . import fonts
from .data import Report, text_direction
from .html import render_html

LOGICAL_DPI = 96  # layout units: CSS pixels
PDF_DPI = 300
MARGINS_MM = (18.0, 21.0, 18.0, 18.0)  # left, top, right, bottom; header and footer sit inside top/bottom
ProgressFn = Callable[[int, int], bool]  # (page done, pages) -> False to cancel
KEEP_WHOLE = 0.5  # item blocks up to half a page are kept on one page; taller ones would leave gaps


def ensure_app() -> QGuiApplication:
    """A QGuiApplication for headless use; picks 'offscreen' when there is no display (else Qt aborts)."""
    app = QGuiApplication.instance()
    if app is not None:
        return cast(QGuiApplication, app)  # instance() is typed as the QCoreApplication base
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) \
            and not os.environ.get("QT_QPA_PLATFORM"):  # unset or empty: an empty value is no choice either
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(sys.argv[:1] or ["policy-tracker"])


def page_size(name: str) -> QPageSize:
    return QPageSize(QPageSize.PageSizeId.Letter if name.lower() == "letter" else QPageSize.PageSizeId.A4)


def page_layout(name: str) -> QPageLayout:
    return QPageLayout(page_size(name), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                       QPageLayout.Unit.Millimeter)


@dataclass
class Laid:
    """A document laid out for one page geometry (all in 96-dpi layout units)."""

    doc: QTextDocument
    page_w: float
    page_h: float
    body: QRectF  # where the document's pages go on a sheet
    framework_pages: list[tuple[int, str]]  # (first page, framework title), in order
    moved: int  # item blocks moved to a new page to keep them whole
    split: int  # item blocks of at most KEEP_WHOLE of a page still crossing a page (should be 0)
    _keep: object = None  # the layout's paint device must outlive the document

    @property
    def page_count(self) -> int:
        return self.doc.pageCount()


def _mm(v: float) -> float:
    return v / 25.4 * LOGICAL_DPI


def lay_out(html: str, size: str = "A4", *, keep_together: bool = True) -> Laid:
    """Build and paginate the document for a page size; the caller needs a QGuiApplication."""
    ps = page_size(size).size(QPageSize.Unit.Millimeter)
    page_w, page_h = _mm(ps.width()), _mm(ps.height())
    left, top, right, bottom = (_mm(m) for m in MARGINS_MM)
    body = QRectF(left, top, page_w - left - right, page_h - top - bottom)
    device = QImage(1, 1, QImage.Format.Format_ARGB32)  # fixes the layout's dpi, independent of any screen
    device.setDotsPerMeterX(round(LOGICAL_DPI / 0.0254))
    device.setDotsPerMeterY(round(LOGICAL_DPI / 0.0254))
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    doc.setDocumentMargin(0)
    fonts.register()
    default = fonts.font()
    default.setPointSizeF(10)
    doc.setDefaultFont(default)
    doc.setHtml(html)
    _repeat_table_headers(doc)
    moved = 0
    if keep_together:
        doc.setTextWidth(body.width())  # natural (unpaginated) layout, to measure blocks
        moved = _keep_items_whole(doc, body.height())
    doc.setPageSize(body.size())
    if keep_together:
        moved += _mend_splits(doc, body.height())
    split = _count_split_items(doc, body.height())
    return Laid(doc, page_w, page_h, body, _framework_pages(doc, body.height()), moved, split, device)


def _units(doc: QTextDocument):
    """The root frame's children in order: ('block', QTextBlock) or ('frame', QTextFrame)."""
    it = doc.rootFrame().begin()
    while not it.atEnd():
        f = it.currentFrame()
        if f is not None:
            yield "frame", f
        else:
            yield "block", it.currentBlock()
        it += 1


def _first_anchor(frame: QTextFrame) -> str:
    block = frame.firstCursorPosition().block()
    it = block.begin()
    while not it.atEnd():
        names = it.fragment().charFormat().anchorNames()
        if names:
            return names[0]
        it += 1
    return ""


def _repeat_table_headers(doc: QTextDocument) -> None:
    """Tables written with <thead> repeat their header row on every page they cross."""
    for kind, unit in _units(doc):
        if kind == "frame" and hasattr(unit, "rows") and unit.rows() > 2:
            fmt = unit.format()
            if fmt.headerRowCount() == 0 and _is_header_row(unit):
                fmt.setHeaderRowCount(1)
                unit.setFormat(fmt)


def _is_header_row(table) -> bool:
    cell = table.cellAt(0, 0)
    return cell.isValid() and cell.format().toTableCellFormat().background().style() != Qt.BrushStyle.NoBrush \
        and cell.firstCursorPosition().charFormat().fontWeight() >= QFont.Weight.DemiBold


def _geometry(doc: QTextDocument, kind: str, unit) -> tuple[float, float, float]:
    """(top, bottom, top margin) of a unit in the current layout."""
    lay = doc.documentLayout()
    if kind == "frame":
        r = lay.frameBoundingRect(unit)
        return r.top(), r.bottom(), unit.frameFormat().topMargin()
    r = lay.blockBoundingRect(unit)
    return r.top(), r.bottom(), unit.blockFormat().topMargin()


def _breaks_before(kind: str, unit) -> bool:
    fmt = unit.frameFormat() if kind == "frame" else unit.blockFormat()
    return bool(fmt.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)


def _set_break_before(kind: str, unit) -> None:
    if kind == "frame":
        fmt = unit.frameFormat()
        fmt.setPageBreakPolicy(fmt.pageBreakPolicy() | QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        unit.setFrameFormat(fmt)
    else:
        from PySide6.QtGui import QTextCursor
        cur = QTextCursor(unit)
        fmt = unit.blockFormat()
        fmt.setPageBreakPolicy(fmt.pageBreakPolicy() | QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        cur.setBlockFormat(fmt)


def _keep_items_whole(doc: QTextDocument, page_h: float) -> int:
    """Simulate pagination on the natural layout and break before each item block that would straddle.

    One extra layout instead of one per moved block: setting a format re-lays out everything after
    it, so changes are collected first and applied together. A heading directly before a moved
    block moves with it.
    """
    units = list(_units(doc))
    geo = [_geometry(doc, k, u) for k, u in units]
    to_break: list[int] = []
    y = 0.0
    prev_bottom = None
    for n, ((kind, unit), (top, bottom, margin)) in enumerate(zip(units, geo, strict=True)):
        h = bottom - top
        if _breaks_before(kind, unit) or prev_bottom is None:
            y_top = margin if prev_bottom is not None else top
        else:
            y_top = y + (top - prev_bottom)
        if y_top + h > page_h - 3:  # a little slack: the final layout rounds differently
            keep = kind == "frame" and _first_anchor(unit).startswith("item-") and h <= page_h * KEEP_WHOLE
            if keep:
                target = _with_lead_in(units, n)
                to_break.append(target)
                y_top = margin + (top - geo[target][0]) if target != n else margin
            else:
                y_top = (y_top + h) % page_h - h  # Qt splits it; carry on from where it ends
                y_top = max(y_top, -h)
        y = y_top + h
        prev_bottom = bottom
    for n in to_break:
        _set_break_before(*units[n])
    return len(to_break)


def _split_items(doc: QTextDocument, page_h: float) -> list[tuple[QTextFrame, float]]:
    """Item blocks that cross a page boundary in the current layout, with their heights."""
    out = []
    lay = doc.documentLayout()
    for kind, unit in _units(doc):
        if kind == "frame":
            if not _first_anchor(unit).startswith("item-"):
                continue
            # the first line, not the frame's top: a frame that starts a page may report its top on the page before
            top = lay.blockBoundingRect(unit.firstCursorPosition().block()).top()
            bottom = lay.frameBoundingRect(unit).bottom()
            if int((top + 0.5) // page_h) != int((bottom - 0.5) // page_h):
                out.append((unit, bottom - top))
    return out


def _with_lead_in(units: list, n: int) -> int:
    """The unit to break before so that item n moves with its framework's item header and a heading."""
    target = n
    if target and units[target - 1][0] == "frame" and _first_anchor(units[target - 1][1]) == "ihead" \
            and not _breaks_before(*units[target - 1]):
        target -= 1
    if target and units[target - 1][0] == "block" and units[target - 1][1].blockFormat().headingLevel() \
            and not _breaks_before(*units[target - 1]):
        target -= 1
    return target


def _count_split_items(doc: QTextDocument, page_h: float) -> int:
    return sum(1 for _, h in _split_items(doc, page_h) if h <= page_h * KEEP_WHOLE)


def _mend_splits(doc: QTextDocument, page_h: float, rounds: int = 2) -> int:
    """Break before item blocks the paginated layout still splits (the simulation drifts a little).

    Each round mends every split it finds at once (one more layout per round, the expensive part);
    a second round catches a block that the first round's breaks pushed across a page.
    """
    mended = 0
    for _ in range(rounds):
        splits = [f for f, h in _split_items(doc, page_h) if h <= page_h * KEEP_WHOLE]
        if not splits:
            break
        units = list(_units(doc))
        index = {u.firstPosition(): k for k, (kind, u) in enumerate(units) if kind == "frame"}
        for f in splits:
            target = _with_lead_in(units, index[f.firstPosition()])
            if _breaks_before(*units[target]):
                continue  # already starts a page: it cannot be helped
            _set_break_before(*units[target])
            mended += 1
    return mended


def _framework_pages(doc: QTextDocument, page_h: float) -> list[tuple[int, str]]:
    """(first page, title) of each section a running header names: frameworks, then the appendix."""
    out = []
    lay = doc.documentLayout()
    for kind, unit in _units(doc):
        if kind != "block" or unit.blockFormat().headingLevel() != 2:
            continue
        it = unit.begin()
        while not it.atEnd():
            if any(a.startswith(("fw-", "sec-")) for a in it.fragment().charFormat().anchorNames()):
                # the bottom: a block that starts a page may report its top on the page before
                out.append((int((lay.blockBoundingRect(unit).bottom() - 1) // page_h), unit.text().strip()))
                break
            it += 1
    return out


# -- painting --------------------------------------------------------------------------------------------
def paint(laid: Laid, device: QPagedPaintDevice, report: Report, progress: ProgressFn | None = None,
          pages: list[int] | None = None) -> None:
    """Draw the pages (0-based indexes; all by default) on a PDF writer or printer set to full-page mode."""
    doc = laid.doc
    count = laid.page_count
    pages = list(range(count)) if pages is None else [p for p in pages if 0 <= p < count]
    painter = QPainter()
    if not painter.begin(device):
        raise PolicyTrackerError("The report could not be written (the output device refused to start).")
    try:
        scale = device.logicalDpiX() / LOGICAL_DPI
        layout = doc.documentLayout()
        for k, p in enumerate(pages):
            if progress and progress(k, len(pages)) is False:
                raise PolicyTrackerError("The report was cancelled.")
            if k:
                device.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.save()
            painter.translate(laid.body.left(), laid.body.top() - p * laid.body.height())
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.clip = QRectF(0, p * laid.body.height(), laid.body.width(), laid.body.height())
            painter.setClipRect(ctx.clip)
            layout.draw(painter, ctx)
            painter.restore()
            if p > 0:
                _furniture(painter, laid, report, p, count)
            painter.restore()
        if progress:
            progress(len(pages), len(pages))
    finally:
        painter.end()


def _line(painter: QPainter, rect: QRectF, text: str, fm: QFontMetricsF, *, right: bool = False) -> None:
    """One line of furniture in rect: elided to fit, right to left (and right-aligned) when it is Persian."""
    rtl = text_direction(text) == "rtl"
    text = fm.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    option.setAlignment((Qt.AlignmentFlag.AlignRight if (rtl or right) else Qt.AlignmentFlag.AlignLeft)
                        | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignBottom)
    painter.drawText(rect, text, option)


def _furniture(painter: QPainter, laid: Laid, report: Report, page: int, count: int) -> None:
    """Running header and footer of one page (every page but the cover)."""
    body = laid.body
    ink, muted = QColor("#1e3a5f"), QColor("#5b6675")
    font = fonts.font(11)
    painter.setFont(font)
    fm = QFontMetricsF(font)
    section = ""
    for first, title in laid.framework_pages:
        if first <= page:
            section = title
    line_h = fm.height()
    header_y = body.top() - _mm(8)  # baseline of the first header line
    right = f"Status as of {report.cover.as_of}"
    right_w = fm.horizontalAdvance(right) + 4
    painter.setPen(ink)
    _line(painter, QRectF(body.left(), header_y - line_h, body.width() - right_w - _mm(4), line_h + fm.descent()),
          report.cover.title, fm)
    painter.setPen(muted)
    _line(painter, QRectF(body.right() - right_w, header_y - line_h, right_w, line_h + fm.descent()), right, fm,
          right=True)
    if section:
        small = fonts.font(10, italic=True)  # Persian finds no italic face: it is drawn upright, never as boxes
        painter.setFont(small)
        sfm = QFontMetricsF(small)
        _line(painter, QRectF(body.left(), header_y + fm.descent() + 1, body.width(), sfm.height() + 1), section, sfm)
        painter.setFont(font)
    painter.setPen(QPen(ink, 0.8))
    rule_y = body.top() - _mm(2.5)
    painter.drawLine(QPointF(body.left(), rule_y), QPointF(body.right(), rule_y))
    foot_y = body.bottom() + _mm(8.5)
    painter.setPen(QPen(QColor("#c9d0da"), 0.6))
    painter.drawLine(QPointF(body.left(), foot_y - _mm(4.5)), QPointF(body.right(), foot_y - _mm(4.5)))
    painter.setPen(muted)
    info = " · ".join(x for x in (report.cover.database, f"generated {report.cover.generated_on}") if x)
    painter.drawText(QPointF(body.left(), foot_y),
                     fm.elidedText(info, Qt.TextElideMode.ElideMiddle, body.width() * 0.6))
    num = f"Page {page + 1} of {count}"
    painter.drawText(QPointF(body.right() - fm.horizontalAdvance(num), foot_y), num)


def lay_out_report(report: Report) -> Laid:
    return lay_out(render_html(report, for_print=True), report.options.page_size)


def write_pdf(report: Report, path: Path | str, progress: ProgressFn | None = None) -> Laid:
    """Write the report as a PDF, atomically (a failure never leaves half a file)."""
    ensure_app()
    out = Path(path).expanduser()
    if not out.parent.is_dir():
        raise PolicyTrackerError(f"The folder {out.parent} does not exist.")
    if not os.access(out.parent, os.W_OK):
        raise PolicyTrackerError(f"The folder {out.parent} is not writable.")
    laid = lay_out_report(report)
    with atomic_path(out) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(PDF_DPI)
        writer.setPageLayout(page_layout(report.options.page_size))
        writer.setTitle(report.cover.title)
        writer.setCreator("Policy Tracker")
        paint(laid, writer, report, progress)
        del writer  # flushes and closes the file
    return laid


def baseline_pdf(html: str, path: Path | str, size: str = "A4") -> None:
    """The same HTML straight through QTextDocument.print_() (the benchmark's baseline)."""
    ensure_app()
    doc = QTextDocument()
    doc.setHtml(html)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(QPageLayout(page_size(size), QPageLayout.Orientation.Portrait,
                                     QMarginsF(*MARGINS_MM), QPageLayout.Unit.Millimeter))
    doc.print_(writer)
    del writer


def page_size_f(laid: Laid) -> QSizeF:
    return QSizeF(laid.page_w, laid.page_h)
