"""Render a `Report` to one self-contained HTML string (pure Python: no Qt, no network, no disk
beyond the template and style sheet in resources/report/, which are inlined).

Two flavours share one markup: `render_html(report)` for browsers (charts as inline SVG, styled by
report.css) and `render_html(report, for_print=True)` for QTextDocument, which knows only a subset
of HTML/CSS and no SVG (charts as coloured table cells, styled by report-print.css). All user text
goes through `esc`; right-to-left text gets dir="rtl" so it prints right-aligned and joined.
"""
from __future__ import annotations

import html
import re
import string
from functools import lru_cache

from ..paths import resource
from .data import FrameworkSection, ItemReport, Progress, Report, StatusInfo, text_direction
from .fonts import css_families

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@lru_cache(maxsize=None)
def _resource_text(name: str) -> str:
    return resource("report", name).read_text(encoding="utf-8")


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def color(value: str | None) -> str:
    """A status colour from the database, or grey if it is not a plain #rrggbb value."""
    return value if value and _COLOR.match(value) else "#888888"


def _luminance(hex_color: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    a, b = sorted((_luminance(color(fg)), _luminance(color(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_on(bg: str) -> str:
    """Black or white, whichever contrasts more with bg (always at least 4.5:1, WCAG AA)."""
    bg = color(bg)
    return "#000000" if contrast("#000000", bg) >= contrast("#ffffff", bg) else "#ffffff"


def fmt_num(v: float | None) -> str:
    if v is None:
        return "–"
    text = f"{v:,.2f}".rstrip("0").rstrip(".")
    return text


def with_unit(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if not unit:
        return fmt_num(v)
    return fmt_num(v) + ("" if unit.startswith("%") else " ") + unit


class _R:
    """One rendering pass; `p` selects the QTextDocument flavour."""

    def __init__(self, report: Report, for_print: bool):
        self.r = report
        self.p = for_print
        self.o = report.options

    # -- small pieces -------------------------------------------------------------------------------
    def dir(self, text: str) -> str:
        if text_direction(text) == "rtl":
            return ' dir="rtl"'
        return "" if self.p else ' dir="auto"'

    def t(self, text: str, tag: str = "span", cls: str = "") -> str:
        """User text in its own element, escaped, with its direction."""
        c = f' class="{cls}"' if cls else ""
        return f"<{tag}{c}{self.dir(text)}>{esc(text)}</{tag}>"

    def badge(self, s: StatusInfo) -> str:
        bg = color(s.color)
        if self.p:  # an inline span, so the badge sits on the title's line
            return (f'<span class="badge" style="background-color:{bg};color:{text_on(bg)}">'
                    f'&nbsp;{esc(s.label)}&nbsp;</span><br>')
        return f'<span class="badge" style="background:{bg};color:{text_on(bg)}">{esc(s.label)}</span>'

    def swatch(self, s: StatusInfo) -> str:
        bg = color(s.color)
        if self.p:
            # a coloured space, not a glyph: the bundled fonts have no geometric shapes
            return f'<span style="background-color:{bg};font-size:6pt">&nbsp;&nbsp;&nbsp;</span>'
        return f'<span class="swatch" style="background:{bg}"></span>'

    def stacked_bar(self, counts: list[tuple[StatusInfo, int]], height: int = 14) -> str:
        total = sum(n for _, n in counts)
        if not total or not self.o.include_charts:
            return ""
        parts = [(s, n) for s, n in counts if n]
        if self.p:
            cells = "".join(f'<td width="{max(1, round(100 * n / total))}%" bgcolor="{color(s.color)}" '
                            f'style="font-size:{max(4, height // 2)}pt">&nbsp;</td>' for s, n in parts)
            return f'<table class="bar" width="100%" cellspacing="0" cellpadding="0"><tr>{cells}</tr></table>'
        x, rects = 0.0, []
        for s, n in parts:
            w = 1000 * n / total
            rects.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{color(s.color)}">'
                         f'<title>{esc(s.label)}: {n}</title></rect>')
            x += w
        return (f'<svg class="bar" viewBox="0 0 1000 {height}" preserveAspectRatio="none" role="img" '
                f'aria-label="status breakdown" width="100%" height="{height}">{"".join(rects)}</svg>')

    def progress_bar(self, pr: Progress) -> str:
        if not self.o.include_charts or pr.fraction is None:
            return ""
        f = pr.bar_fraction
        fill = "#1e5aa8" if f < 1 else "#2e7d32"
        if self.p:
            done = round(100 * f)
            cells = ""
            if done > 0:
                cells += f'<td width="{done}%" bgcolor="{fill}" style="font-size:3pt">&nbsp;</td>'
            if done < 100:
                cells += f'<td width="{100 - done}%" bgcolor="#e3e7ed" style="font-size:3pt">&nbsp;</td>'
            return f'<table class="pbar" width="60%" cellspacing="0" cellpadding="0"><tr>{cells}</tr></table>'
        return (f'<svg class="pbar" viewBox="0 0 1000 10" preserveAspectRatio="none" width="60%" height="10" '
                f'role="img" aria-label="progress {round(100 * f)}%"><rect x="0" y="0" width="1000" height="10" '
                f'fill="#e3e7ed"/><rect x="0" y="0" width="{1000 * f:.1f}" height="10" fill="{fill}"/></svg>')

    def legend(self, counts: list[tuple[StatusInfo, int]]) -> str:
        parts = [f'{self.swatch(s)}&nbsp;{esc(s.label)}&nbsp;<b>{n}</b>' for s, n in counts if n]
        return f'<p class="legend">{" &nbsp;&nbsp; ".join(parts)}</p>' if parts else ""

    # -- sections -------------------------------------------------------------------------------------
    def cover(self) -> str:
        c = self.r.cover
        meta = [("Prepared by", c.analyst), ("Database file", c.database),
                ("Generated on", c.generated_on)]
        meta_rows = "".join(f'<tr><th>{esc(k)}</th><td{self.dir(v)}>{esc(v)}</td></tr>' for k, v in meta if v)
        sel_rows = "".join(f'<tr><th>{esc(k)}</th><td{self.dir(v)}>{esc(v)}</td></tr>' for k, v in c.selection)
        totals = self.r.totals()
        items = self.r.items
        n_over = sum(1 for i in items if i.overdue)
        n_stale = sum(1 for i in items if i.stale)
        figures = (f'<table class="figures" width="100%" cellspacing="0" cellpadding="6"><tr>'
                   f'<td><span class="fig">{len(items):,}</span><br>items reported</td>'
                   f'<td><span class="fig">{len(self.r.frameworks):,}</span><br>frameworks</td>'
                   f'<td><span class="fig">{n_over:,}</span><br>overdue</td>'
                   f'<td><span class="fig">{n_stale:,}</span><br>no update in {self.o.stale_days} days</td>'
                   f'</tr></table>')
        later = (f' {c.left_out:,} item{"s" if c.left_out != 1 else ""} first recorded after that day '
                 f'{"are" if c.left_out != 1 else "is"} left out.' if c.left_out else "")
        return (f'<div class="cover">'
                f'<p class="kicker">POLICY TRACKER · STATUS REPORT</p>'
                f'{self.t(c.title, "h1", "title")}'
                f'<p class="asof">Status as of {esc(c.as_of)}</p>'
                f'<table class="meta" cellspacing="0" cellpadding="3">{meta_rows}</table>'
                f'<h3>At a glance</h3>{figures}'
                f'{self.stacked_bar(totals, 14)}{self.legend(totals)}'
                f'<h3>What this report covers</h3>'
                f'<table class="meta selection" cellspacing="0" cellpadding="3">{sel_rows}</table>'
                f'<p class="small">Each item is shown as it stood on {esc(c.as_of)}: its status is that of its '
                f'latest update dated on or before that day; an item with no dated status by then is shown as '
                f'“not yet recorded”.{esc(later)} Quoted words are the exact words of the cited source; '
                f'sources are listed at the end as [S1], [S2]….</p>'
                f'</div>')

    def breakdown(self, counts: list[tuple[StatusInfo, int]]) -> str:
        """Each status with items as 'swatch Label n', never broken inside (the words are joined by no-break spaces)."""
        parts = [f'<span class="nobr">{self.swatch(s)}&nbsp;{"&nbsp;".join(esc(w) for w in s.label.split())}'
                 f'&nbsp;<b>{n}</b></span>' for s, n in counts if n]
        return " &nbsp; ".join(parts) or "–"

    def summary(self) -> str:
        # one column per status cannot fit on a portrait page without breaking its label (eight or nine
        # statuses, words up to 9 letters): each framework's breakdown is one cell of whole labels instead
        rows = []
        for f in self.r.frameworks:
            chart = (f'{self.stacked_bar(f.counts, 6)}' if self.o.include_charts else "")
            rows.append(f'<tr><td class="fwname"{self.dir(f.title)}>{esc(f.title)}{chart}</td>'
                        f'<td class="breakdown">{self.breakdown(f.counts)}</td>'
                        f'<td class="num total">{f.total}</td><td class="num">{len(f.overdue) or "·"}</td>'
                        f'<td class="num">{len(f.stale) or "·"}</td></tr>')
        items = self.r.items
        nowrap = 'style="white-space:nowrap"'
        rows.append(f'<tr class="totals"><td><b>All frameworks</b></td><td class="breakdown">'
                    f'{self.breakdown(self.r.totals())}</td><td class="num total">{len(items)}</td>'
                    f'<td class="num">{sum(1 for i in items if i.overdue)}</td>'
                    f'<td class="num">{sum(1 for i in items if i.stale)}</td></tr>')
        return (f'<h2 class="summaryhead">Summary by framework</h2>'
                f'<p class="small">Number of items in each status as of {esc(self.r.cover.as_of)}. Overdue: past '
                f'its due date and not achieved or abandoned. Stale: no update in the {self.o.stale_days} days '
                f'before that date.</p>'
                f'<table class="summary" width="100%" cellspacing="0" cellpadding="3" border="1">'
                f'<thead><tr><th class="fwcol" width="32%">Framework</th><th width="44%">Items by status</th>'
                f'<th class="num" width="8%" {nowrap}>Total</th><th class="num" width="8%" {nowrap}>Overdue</th>'
                f'<th class="num" width="8%" {nowrap}>Stale</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def framework(self, n: int, f: FrameworkSection) -> str:
        out = [f'<h2 class="newpage framework"{self.dir(f.title)}><a name="fw-{n}"></a>{esc(f.title)}</h2>']
        if f.actor:
            out.append(self.t(f.actor, "p", "fwactor"))
        if f.description:
            out.append(self.t(f.description, "p", "fwdesc"))
        marks = [f"{f.total} item{'s' if f.total != 1 else ''}"]
        if f.overdue:
            marks.append(f"{len(f.overdue)} overdue")
        if f.stale:
            marks.append(f"{len(f.stale)} with no update in {self.o.stale_days} days")
        if f.evidence_waiting:
            marks.append(f"{len(f.evidence_waiting)} with evidence waiting to be checked")
        out.append(f'<p class="small">{esc(", ".join(marks))}; each is listed once below, with its marks.</p>')
        out.append(self.stacked_bar(f.counts, 10) + self.legend(f.counts))
        if f.items:
            out.append(self.item_head())
        for k, item in enumerate(f.items):
            out.append(self.item(f"{n}-{k}", item))
        if not f.items:
            out.append('<p class="small">No item of this framework matches the selection.</p>')
        return "".join(out)

    # the item table's columns; each item is its own one-row table (so a page break falls between
    # items), and the header above the first one makes them read as one table per framework
    _COLS = ('width="7%"', 'width="73%"', 'width="2%"', 'width="18%"')  # the third keeps text off the badge

    def item_head(self) -> str:
        """The header over a framework's items; its anchor lets the page loop keep it with the first item."""
        names = ("Ref", "Item", "", f"Status on {self.r.cover.as_of}; due")
        mark = '<a name="ihead"></a>'
        cells = "".join(f'<th {w}>{mark if k == 0 else ""}{esc(n)}</th>'
                        for k, (w, n) in enumerate(zip(self._COLS, names, strict=True)))
        return f'<table class="ihead" width="100%" cellspacing="0" cellpadding="3"><tr>{cells}</tr></table>'

    def item(self, anchor: str, i: ItemReport) -> str:
        since = (f"since {esc(i.status_on)}" if i.status_on else
                 "no dated status" if i.status_basis == "not_yet_recorded" else "undated")
        meta = [esc(i.kind_label)]
        if i.actor:
            meta.append(f'<span{self.dir(i.actor)}>{esc(i.actor)}</span>')
        if i.tags:
            meta.append(", ".join(f'<span{self.dir(t)}>{esc(t)}</span>' for t in i.tags))
        # the kind, actor and tags follow the title on its line: one line less per item
        body = [f'<p class="ititle"{self.dir(i.title)}>{esc(i.title)} &nbsp;<span class="imeta">'
                f'{" · ".join(meta)}</span></p>']
        if i.description:
            body.append(self.t(i.description, "p", "idesc"))
        if i.progress:
            body.append(self.progress(i.progress))
        for nt in i.notes:
            who = f' <span class="ndate">— {esc(nt.author)}</span>' if nt.author else ""
            body.append(f'<p class="note"{self.dir(nt.text)}><span class="ndate">{esc(nt.as_of)}</span> '
                        f'{self.swatch(nt.status)}&nbsp;{esc(nt.status.label)}: {esc(nt.text)}{who}</p>')
        for q in i.quotes:
            rtl = text_direction(q.text) == "rtl"
            words = f"«{q.text}»" if rtl else f"“{q.text}”"
            body.append(f'<p class="qwords"{self.dir(q.text)}>{esc(words)} '
                        f'<span class="cite">[{esc(q.mark)}]</span></p>')
        for r in i.related:
            body.append(f'<p class="related">{esc(r.relation)}: <b>{esc(r.ref)}</b> '
                        f'<span{self.dir(r.title)}>{esc(r.title)}</span> '
                        f'<span class="ndate">(<span{self.dir(r.framework)}>{esc(r.framework)}</span>; '
                        f'{esc(r.status.label)})</span></p>')
        marks = []
        if i.due_on:
            marks.append(f'<p class="due">due {esc(i.due_on)}</p>')
        if i.overdue:
            marks.append('<p class="flag">overdue</p>')
        if i.stale:
            marks.append(f'<p class="flag">no update in {self.o.stale_days} days</p>')
        if i.evidence_waiting:  # a new edition of a source moved or changed the words it cites
            marks.append('<p class="flag">evidence to check: a cited passage is not in the newest edition</p>')
        c = self._COLS
        return (f'<table class="item" width="100%" cellspacing="0" cellpadding="1"><tr>'
                f'<td class="iref" {c[0]}><a name="item-{anchor}"></a>{esc(i.ref)}</td>'
                f'<td class="ibody" {c[1]}>{"".join(body)}</td>'
                f'<td {c[2]}></td><td class="istatus" {c[3]}>{self.badge(i.status)}<span class="since">{since}</span>'
                f'{"".join(marks)}</td></tr></table>')

    def progress(self, pr: Progress) -> str:
        goal = {"increase": "raise to", "decrease": "bring down to", "maintain": "keep at"}.get(pr.direction, "reach")
        parts = [f'Target: {goal} <b>{esc(with_unit(pr.target, pr.unit))}</b>'
                 + (f' by {esc(pr.target_on)}' if pr.target_on else "")]
        if pr.baseline is not None:
            parts.append(f'baseline {esc(with_unit(pr.baseline, pr.unit))}'
                         + (f' ({esc(pr.baseline_on)})' if pr.baseline_on else ""))
        else:
            parts.append("baseline not yet recorded")
        parts.append(f'latest {esc(with_unit(pr.latest, pr.unit))} ({esc(pr.latest_on)})'
                     if pr.latest is not None else "no observation yet")
        if pr.fraction is not None:
            parts.append(f'<b>{round(100 * pr.fraction)}%</b> of the way')
        return f'<p class="progress">{"; ".join(parts)}.</p>{self.progress_bar(pr)}'

    def appendix(self) -> str:
        if not self.r.sources:
            return ""
        rows = []
        for s in self.r.sources:
            detail = [x for x in (s.kind.replace("_", " ") if s.kind else "", s.publisher, s.author, s.event,
                                  s.published_on) if x]
            rows.append(f'<tr><td class="ref">[S{s.number}]</td><td>{self.t(s.title, "p", "stitle")}'
                        f'<p class="small">{self.t(" · ".join(detail))}</p>'
                        + (f'<p class="small url">{esc(s.url)}</p>' if s.url else "")
                        + f'</td><td class="num">{s.cited_by}</td></tr>')
        return (f'<h2 class="newpage"><a name="sec-appendix"></a>Appendix: sources</h2>'
                f'<table class="sources" width="100%" cellspacing="0" cellpadding="4" border="1">'
                f'<thead><tr><th class="ref">No.</th><th>Source</th><th class="num">Items citing it</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def crosswalk(self) -> str:
        """The report's crosswalk (crosswalk_section): A's items down, B's across, the links in the cells."""
        cw = self.r.crosswalk
        if cw is None:
            return ""
        # small type, and the row heads a fifth of the width: the cells then break between words only
        small = 'style="font-size:6.5pt; text-align:left"'
        width = f'{max(4, 80 // max(1, len(cw.cols)))}%'
        head = "".join(f'<th class="xwcol" width="{width}" {small}{self.dir(c)}>{esc(c)}</th>' for c in cw.cols)
        rows = "".join(f'<tr><th class="xwrow" width="20%" {small}{self.dir(h)}>{esc(h.strip())}</th>'
                       + "".join(f'<td class="xwcell" {small}>{esc(v) if v else "·"}</td>' for v in cells) + "</tr>"
                       for h, cells in cw.rows)
        return (f'<h2 class="newpage"><a name="sec-crosswalk"></a>{esc(cw.title)}</h2>'
                f'<p class="small">Rows: {esc(cw.framework_a)}. Columns: {esc(cw.framework_b)}. Each cell names '
                f'the links between the two items: “Supports →” when the row item supports the column item, '
                f'“← Supports” the other way. {cw.linked:,} linked pair{"s" if cw.linked != 1 else ""}.</p>'
                f'<table class="crosswalk" width="100%" cellspacing="0" cellpadding="3" border="1">'
                f'<thead><tr><th width="20%"></th>{head}</tr></thead><tbody>{rows}</tbody></table>')

    def body(self) -> str:
        parts = [self.cover(), self.summary()]
        parts += [self.framework(n, f) for n, f in enumerate(self.r.frameworks)]
        parts.append(self.crosswalk())
        if self.o.include_quotes:
            parts.append(self.appendix())
        return "\n".join(parts)


def render_body(report: Report, *, for_print: bool = False) -> str:
    return _R(report, for_print).body()


# Styles of the compact item table, for both flavours (QTextDocument's subset first).
_EXTRA_PRINT = """
.kicker { margin-top: 40pt; }
h2.summaryhead { margin-top: 18pt; }
table.summary th { font-size: 7.5pt; }
td.breakdown { font-size: 7.5pt; }
table.ihead { margin-top: 6pt; font-size: 7.5pt; color: #5b6675; background-color: #e8ecf2; }
table.ihead th { font-weight: bold; text-align: left; }
table.item { margin-top: 0; border-top-width: 0.6pt; border-top-color: #9aa7b8; font-size: 8pt; }
td.ibody p { line-height: 90%; }
td.iref { font-size: 8pt; font-weight: bold; color: #5b6675; }
.ititle { font-size: 8.5pt; font-weight: bold; margin-top: 0; margin-bottom: 0; }
.imeta { font-size: 7pt; font-weight: normal; color: #5b6675; margin-top: 0; margin-bottom: 0; }
.idesc { font-size: 7.5pt; margin-top: 0; margin-bottom: 0; }
.progress { font-size: 7.5pt; margin-top: 0; margin-bottom: 0; }
.note { font-size: 7pt; margin-top: 0; margin-bottom: 0; }
.ndate { color: #5b6675; }
.qwords { font-size: 7pt; font-style: italic; color: #2b3544; margin-top: 0; margin-bottom: 0;
          margin-left: 8pt; margin-right: 8pt; }
.cite { font-style: normal; color: #5b6675; }
.related { font-size: 7pt; margin-top: 0; margin-bottom: 0; }
td.istatus { font-size: 7pt; }
.due { font-size: 7pt; margin-top: 1pt; margin-bottom: 0; }
table.pbar { margin-top: 0; margin-bottom: 1pt; }
.flag { font-size: 7pt; color: #b3261e; font-weight: bold; margin-top: 0; margin-bottom: 0; }
.badge { font-size: 7.5pt; }
.since { font-size: 7pt; }
"""
_EXTRA_SCREEN = """
table.summary thead th { white-space: nowrap; }
.nobr { white-space: nowrap; }
td.breakdown { font-size: 8.5pt; }
table.ihead { width: 100%; margin-top: 3mm; background: #e8ecf2; font-size: 8pt; color: #1b2330; }
table.ihead th { text-align: left; padding: 2pt 4pt; }
table.item { margin: 0; border-top: 0.6pt solid #9aa7b8; font-size: 9pt; }
table.item td { padding: 3pt 4pt; }
td.iref { font-weight: bold; color: #5b6675; }
.ititle { font-size: 10.5pt; font-weight: bold; margin: 0; }
.imeta { font-weight: normal; font-size: 8pt; }
.idesc, .progress { margin: 0 0 1pt; }
.note, .related { margin: 0; font-size: 8.5pt; }
.ndate { color: #5b6675; }
.qwords { font-size: 8.5pt; margin: 1pt 8pt 0; }
.cite { font-style: normal; color: #5b6675; }
.flag { color: #b3261e; font-weight: bold; margin: 1pt 0 0; font-size: 8pt; }
.due { margin: 1pt 0 0; font-size: 8pt; }
"""


def stylesheet(*, for_print: bool = False) -> str:
    """The flavour's style sheet; the print one names the bundled fonts (app/reports/fonts.py)."""
    if not for_print:
        return _resource_text("report.css") + _EXTRA_SCREEN
    families = css_families()
    css = _resource_text("report-print.css").replace('"DejaVu Serif"', families).replace('"DejaVu Sans"', families)
    return css + _EXTRA_PRINT


def render_html(report: Report, *, for_print: bool = False) -> str:
    """The whole report as one HTML document (template and CSS inlined; nothing else is loaded)."""
    tpl = string.Template(_resource_text("report.html"))
    css = stylesheet(for_print=for_print)
    return tpl.substitute(title=esc(report.cover.title), css=css.replace("</", "<\\/"),
                          lang="en", body=render_body(report, for_print=for_print))
