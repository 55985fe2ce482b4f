"""Write a `Report` as a Word document (python-docx) that a director can edit before circulating it.

The same sections as the PDF: cover, summary by framework, one section per framework (its items
with status as of the date, marks, notes, progress, the source's words) and the sources. Headings
are Word's own heading styles (so the navigation pane and a table of contents work), quoted words
use the Quote style. Persian and Arabic paragraphs are marked right to left: python-docx has no
setter for that, so `<w:bidi/>` is added to the paragraph's properties and `<w:rtl/>` to its runs,
with Noto Sans Arabic named as their complex-script font.

Pure python-docx (no Qt); the file is written atomically.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from ..exchange.atomic import atomic_path
from .data import ItemReport, Report, text_direction
from .fonts import ARABIC, LATIN
from .html import fmt_num, with_unit

# w:pPr children that come after w:bidi (the schema's order; Word refuses a file out of order)
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
MUTED = RGBColor(0x5B, 0x66, 0x75)
WARN = RGBColor(0xB3, 0x26, 0x1E)


def mark_rtl(paragraph) -> None:
    """Make a paragraph right to left: <w:bidi/> on the paragraph, <w:rtl/> and a Persian font on each run."""
    ppr = paragraph._p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for run in paragraph.runs:
        run.font.rtl = True
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), ARABIC)


class _Writer:
    def __init__(self, report: Report):
        self.r = report
        self.o = report.options
        self.doc = Document()
        st = self.doc.styles
        self.h = {n: st[f"Heading {n}"] for n in (1, 2, 3)}
        self.title_style = st["Title"]
        self.quote = st["Quote"]
        self.normal = st["Normal"]
        self.table_style = st["Table Grid"]
        normal = self.normal
        normal.font.name = LATIN
        normal.font.size = Pt(10)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), ARABIC)
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        if self.o.page_size == "Letter":
            section.page_width, section.page_height = Mm(215.9), Mm(279.4)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Mm(18))
        section.top_margin = section.bottom_margin = Mm(18)
        section.header.paragraphs[0].text = f"{report.cover.title} · status as of {report.cover.as_of}"
        self._body = self.doc._body
        self._end = self.doc.element.body.sectPr  # the body's last child: new paragraphs go before it

    # -- pieces ----------------------------------------------------------------------------------
    def new_paragraph(self, style=None):
        """An empty paragraph at the end of the body, in a style.

        Two shortcuts past python-docx's `add_paragraph`, which is quadratic on a long report: it finds
        the body's closing w:sectPr by scanning every paragraph before it, and its style argument scans
        every style for the default one. Here the new w:p goes straight before the kept w:sectPr and
        the style id is set directly.
        """
        el = OxmlElement("w:p")
        self._end.addprevious(el)
        p = Paragraph(el, self._body)
        if style is not None and style is not self.normal:
            el.style = style.style_id
        return p

    def para(self, text: str = "", style=None, *, rtl: bool | None = None, italic: bool = False,
             muted: bool = False, size: float | None = None):
        p = self.new_paragraph(style)
        if text:
            run = p.add_run(text)
            if italic:
                run.italic = True
            if muted:
                run.font.color.rgb = MUTED
            if size:
                run.font.size = Pt(size)
        if rtl if rtl is not None else text_direction(text) == "rtl":
            mark_rtl(p)
        return p

    def heading(self, text: str, level: int, *, rtl: bool | None = None):
        p = self.new_paragraph(self.h[level] if level else self.title_style)
        p.add_run(text)
        if rtl if rtl is not None else text_direction(text) == "rtl":
            mark_rtl(p)
        return p

    def table(self, header: list[str], rows: list[list[str]], shares: list[float] | None = None):
        """A table; `shares` gives each column its part of the text width (Word's equal columns broke
        names and labels inside words)."""
        t = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        t.style = self.table_style
        cells = t._cells  # one list: far cheaper than t.cell(r, c) per cell
        n = len(header)
        if shares is not None and len(shares) == n:
            sec = self.doc.sections[0]
            text_width = int(sec.page_width or 0) - int(sec.left_margin or 0) - int(sec.right_margin or 0)
            widths = [int(text_width * share / sum(shares)) for share in shares]
            t.autofit = False
            for i, cell in enumerate(cells):  # Word reads each cell's width, LibreOffice the grid's
                cell.width = widths[i % n]
            for col, w in zip(t.columns, widths, strict=True):
                col.width = w
        for c, text in enumerate(header):
            cell = cells[c]
            cell.paragraphs[0].add_run(text).bold = True
        for r, row in enumerate(rows, 1):
            for c, text in enumerate(row):
                p = cells[r * n + c].paragraphs[0]
                p.add_run(text)
                if text_direction(text) == "rtl":
                    mark_rtl(p)
        return t

    # -- sections --------------------------------------------------------------------------------
    def cover(self) -> None:
        c = self.r.cover
        self.heading(c.title, 0)
        self.para(f"Status as of {c.as_of}", size=14, muted=True)
        for k, v in (("Prepared by", c.analyst), ("Database file", c.database), ("Generated on", c.generated_on)):
            if v:
                self.para(f"{k}: {v}", muted=True)
        items = self.r.items
        self.heading("At a glance", 2)
        self.para(f"{len(items):,} items reported in {len(self.r.frameworks):,} frameworks; "
                  f"{sum(1 for i in items if i.overdue):,} overdue; "
                  f"{sum(1 for i in items if i.stale):,} with no update in {self.o.stale_days} days.")
        self.heading("What this report covers", 2)
        self.table(["", ""], [[k, v] for k, v in c.selection])
        later = (f" {c.left_out:,} item(s) first recorded after that day are left out." if c.left_out else "")
        self.para(f"Each item is shown as it stood on {c.as_of}: its status is that of its latest update dated "
                  f"on or before that day; an item with no dated status by then is shown as “not yet recorded”."
                  f"{later} Quoted words are the exact words of the cited source; sources are listed at the end "
                  f"as [S1], [S2]….", muted=True, size=8.5)

    def summary(self) -> None:
        """One row per framework; its counts by status in one cell ("Proposed 5 · In progress 3"), each
        label kept whole with no-break spaces: a column per status made Word break labels inside words."""
        self.heading("Summary by framework", 1)

        def by_status(counts: dict[str, int]) -> str:
            return " · ".join(f"{s.label} {counts[s.key]}".replace(" ", "\u00a0")
                              for s in self.r.statuses if counts.get(s.key))

        rows = []
        for f in self.r.frameworks:
            rows.append([f.title, by_status(dict((s.key, n) for s, n in f.counts)), str(f.total),
                         str(len(f.overdue)), str(len(f.stale))])
        items = self.r.items
        rows.append(["All frameworks", by_status(dict((s.key, n) for s, n in self.r.totals())), str(len(items)),
                     str(sum(1 for i in items if i.overdue)), str(sum(1 for i in items if i.stale))])
        self.table(["Framework", "Items by status", "Total", "Overdue", "Stale"], rows, shares=[29, 40, 10, 12, 9])

    def framework(self, f) -> None:
        self.heading(f.title, 1)
        if f.actor:
            self.para(f.actor, italic=True, muted=True)
        if f.description:
            self.para(f.description)
        self.para(f"{f.total} item{'s' if f.total != 1 else ''}: "
                  + ", ".join(f"{s.label} {n}" for s, n in f.counts if n), muted=True, size=9)
        for item in f.items:
            self.item(item)
        if not f.items:
            self.para("No item of this framework matches the selection.", muted=True)

    def item(self, i: ItemReport) -> None:
        self.heading(f"{i.ref} {i.title}".strip(), 2, rtl=text_direction(i.title) == "rtl")  # "T2 <Persian>" is RTL
        since = (f"since {i.status_on}" if i.status_on else
                 "no dated status" if i.status_basis == "not_yet_recorded" else "undated")
        p = self.new_paragraph()
        p.add_run(f"Status on {self.r.cover.as_of}: ")
        p.add_run(i.status.label).bold = True
        p.add_run(f" ({since})" + (f"; due {i.due_on}" if i.due_on else ""))
        for flag, on in (("overdue", i.overdue), (f"no update in {self.o.stale_days} days", i.stale),
                         ("evidence to check", i.evidence_waiting)):
            if on:
                run = p.add_run(f" · {flag}")
                run.bold = True
                run.font.color.rgb = WARN
        meta = " · ".join(x for x in (i.kind_label, i.actor, ", ".join(i.tags)) if x)
        self.para(meta, muted=True, size=8.5)
        if i.description:
            self.para(i.description)
        if i.progress:
            self.para(_progress_text(i.progress), size=9)
        for nt in i.notes:
            self.para(f"{nt.as_of} · {nt.status.label}: {nt.text}" + (f" — {nt.author}" if nt.author else ""),
                      size=9, rtl=text_direction(nt.text) == "rtl")
        for q in i.quotes:
            rtl = text_direction(q.text) == "rtl"
            p = self.para(f"«{q.text}»" if rtl else f"“{q.text}”", self.quote, rtl=False)
            p.add_run(f" [{q.mark}]").italic = False
            if rtl:
                mark_rtl(p)
        for r in i.related:
            self.para(f"{r.relation}: {r.ref} {r.title} ({r.framework}; {r.status.label})", size=9,
                      rtl=text_direction(r.title) == "rtl")

    def appendix(self) -> None:
        if not self.r.sources:
            return
        self.heading("Appendix: sources", 1)
        rows = []
        for s in self.r.sources:
            detail = " · ".join(x for x in (s.kind.replace("_", " ") if s.kind else "", s.publisher, s.author,
                                            s.event, s.published_on, s.url) if x)
            rows.append([f"[S{s.number}]", s.title, detail, str(s.cited_by)])
        self.table(["No.", "Source", "Details", "Items citing it"], rows)

    def crosswalk(self) -> None:
        cw = self.r.crosswalk
        if cw is None:
            return
        self.heading(cw.title, 1)
        self.para(f"Rows: {cw.framework_a}. Columns: {cw.framework_b}. Each cell names the links between the two "
                  f"items (“Supports →”: the row item supports the column item; “← Supports”: the other way).")
        self.table(["", *cw.cols], [[h.strip(), *cells] for h, cells in cw.rows])

    def build(self):
        self.cover()
        self.summary()
        for f in self.r.frameworks:
            self.framework(f)
        self.crosswalk()
        if self.o.include_quotes:
            self.appendix()
        props = self.doc.core_properties
        props.title = self.r.cover.title
        props.author = self.r.cover.analyst or "Policy Tracker"
        return self.doc


def _progress_text(pr) -> str:
    goal = {"increase": "raise to", "decrease": "bring down to", "maintain": "keep at"}.get(pr.direction, "reach")
    parts = [f"Target: {goal} {with_unit(pr.target, pr.unit)}" + (f" by {pr.target_on}" if pr.target_on else "")]
    parts.append(f"baseline {with_unit(pr.baseline, pr.unit)}" + (f" ({pr.baseline_on})" if pr.baseline_on else "")
                 if pr.baseline is not None else "baseline not yet recorded")
    parts.append(f"latest {with_unit(pr.latest, pr.unit)} ({pr.latest_on})" if pr.latest is not None
                 else "no observation yet")
    if pr.fraction is not None:
        parts.append(f"{fmt_num(round(100 * pr.fraction))}% of the way")
    return "; ".join(parts) + "."


def build_docx(report: Report):
    """The report as a python-docx Document (not yet saved)."""
    return _Writer(report).build()


def write_docx(report: Report, path: Path | str) -> Path:
    """Write the report as a .docx file, atomically (a failure never leaves half a file)."""
    out = Path(path).expanduser()
    doc = build_docx(report)
    with atomic_path(out) as tmp:
        doc.save(str(tmp))
    return out
