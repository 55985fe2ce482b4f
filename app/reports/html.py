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

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@lru_cache(maxsize=None)
def _resource_text(name: str) -> str:
    return resource("report", name).read_text(encoding="utf-8")


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def color(value: str | None) -> str:
    """A status colour from the database, or grey if it is not a plain #rrggbb value."""
    return value if value and _COLOR.match(value) else "#888888"


def text_on(bg: str) -> str:
    """Black or white, whichever reads better on bg."""
    bg = color(bg)
    r, g, b = (int(bg[i:i + 2], 16) for i in (1, 3, 5))
    return "#111111" if (0.299 * r + 0.587 * g + 0.114 * b) > 160 else "#ffffff"


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
            return f'<span style="color:{bg}">&#9632;</span>'
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
                cells += f'<td width="{done}%" bgcolor="{fill}" style="font-size:5pt">&nbsp;</td>'
            if done < 100:
                cells += f'<td width="{100 - done}%" bgcolor="#e3e7ed" style="font-size:5pt">&nbsp;</td>'
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
        meta = [("Status as of", c.as_of), ("Prepared by", c.analyst), ("Database", c.database),
                ("Generated on", c.generated_on)]
        meta_rows = "".join(f'<tr><th>{esc(k)}</th><td>{self.t(v)}</td></tr>' for k, v in meta if v)
        sel_rows = "".join(f'<tr><th>{esc(k)}</th><td>{self.t(v)}</td></tr>' for k, v in c.selection)
        totals = self.r.totals()
        items = self.r.items
        n_over = sum(1 for i in items if i.overdue)
        n_stale = sum(1 for i in items if i.stale)
        figures = (f'<table class="figures" width="100%" cellspacing="0" cellpadding="8"><tr>'
                   f'<td><span class="fig">{len(items):,}</span><br>items reported</td>'
                   f'<td><span class="fig">{len(self.r.frameworks):,}</span><br>frameworks</td>'
                   f'<td><span class="fig">{n_over:,}</span><br>overdue</td>'
                   f'<td><span class="fig">{n_stale:,}</span><br>no update in {self.o.stale_days} days</td>'
                   f'</tr></table>')
        return (f'<div class="cover">'
                f'<p class="kicker">POLICY TRACKER · STATUS REPORT</p>'
                f'{self.t(c.title, "h1", "title")}'
                f'<p class="asof">Status as of {esc(c.as_of)}</p>'
                f'<table class="meta" cellspacing="0" cellpadding="3">{meta_rows}</table>'
                f'<h3>At a glance</h3>{figures}'
                f'{self.stacked_bar(totals, 18)}{self.legend(totals)}'
                f'<h3>What this report covers</h3>'
                f'<table class="meta selection" cellspacing="0" cellpadding="3">{sel_rows}</table>'
                f'<p class="small">Each item is shown as it stood on {esc(c.as_of)}: its status is that of its '
                f'latest update dated on or before that day. Quoted words are the exact words of the cited '
                f'source; sources are listed at the end as [S1], [S2]….</p>'
                f'</div>')

    def summary(self) -> str:
        used = [s for s, n in self.r.totals() if n] or self.r.statuses[:1]
        head = "".join(f'<th class="num" bgcolor="{color(s.color)}" style="color:{text_on(s.color)}">'
                       f'{esc(s.label)}</th>' for s in used)
        rows = []
        for f in self.r.frameworks:
            counts = dict((s.key, n) for s, n in f.counts)
            cells = "".join(f'<td class="num">{counts.get(s.key, 0) or "·"}</td>' for s in used)
            chart = (f'<br>{self.stacked_bar(f.counts, 8)}' if self.o.include_charts else "")
            rows.append(f'<tr><td class="fwname">{self.t(f.title)}{chart}</td>{cells}'
                        f'<td class="num total">{f.total}</td><td class="num">{len(f.overdue) or "·"}</td>'
                        f'<td class="num">{len(f.stale) or "·"}</td></tr>')
        totals = dict((s.key, n) for s, n in self.r.totals())
        foot = "".join(f'<td class="num">{totals.get(s.key, 0)}</td>' for s in used)
        items = self.r.items
        rows.append(f'<tr class="totals"><td><b>All frameworks</b></td>{foot}<td class="num total">{len(items)}</td>'
                    f'<td class="num">{sum(1 for i in items if i.overdue)}</td>'
                    f'<td class="num">{sum(1 for i in items if i.stale)}</td></tr>')
        return (f'<h2 class="newpage">Summary by framework</h2>'
                f'<p class="small">Number of items in each status as of {esc(self.r.cover.as_of)}. Overdue: past '
                f'its due date and not achieved or abandoned. Stale: no update in the {self.o.stale_days} days '
                f'before that date.</p>'
                f'<table class="summary" width="100%" cellspacing="0" cellpadding="4" border="1">'
                f'<thead><tr><th class="fwcol" width="34%">Framework</th>{head}<th class="num">Total</th>'
                f'<th class="num">Overdue</th><th class="num">Stale</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def watchlist(self, title: str, items: list[ItemReport]) -> str:
        if not items:
            return ""
        rows = "".join(f'<tr><td class="ref">{esc(i.ref)}</td><td{self.dir(i.title)}>{esc(i.title)}</td>'
                       f'<td>{esc(i.status.label)}</td><td>{esc(i.due_on or "")}</td>'
                       f'<td>{esc(i.status_on or "none")}</td></tr>' for i in items)
        return (f'<h4>{esc(title)}</h4><table class="watch" width="100%" cellspacing="0" cellpadding="3" border="1">'
                f'<thead><tr><th class="ref">Ref</th><th>Item</th><th>Status</th><th>Due</th>'
                f'<th>Last update</th></tr></thead><tbody>{rows}</tbody></table>')

    def framework(self, n: int, f: FrameworkSection) -> str:
        out = [f'<h2 class="newpage framework"><a name="fw-{n}"></a>{self.t(f.title)}</h2>']
        if f.actor:
            out.append(f'<p class="fwactor">{self.t(f.actor)}</p>')
        if f.description:
            out.append(self.t(f.description, "p", "fwdesc"))
        out.append(f'<p class="small">{f.total} item{"s" if f.total != 1 else ""} in this report.</p>')
        out.append(self.stacked_bar(f.counts, 14) + self.legend(f.counts))
        out.append(self.watchlist("Overdue", f.overdue))
        out.append(self.watchlist(f"No update in the last {self.o.stale_days} days", f.stale))
        for k, item in enumerate(f.items):
            out.append(self.item(f"{n}-{k}", item))
        if not f.items:
            out.append('<p class="small">No item of this framework matches the selection.</p>')
        return "".join(out)

    def item(self, anchor: str, i: ItemReport) -> str:
        since = (f"since {esc(i.status_on)}" if i.status_on else
                 "not yet recorded" if i.status_basis == "not_yet_recorded" else "undated")
        meta = [esc(i.kind_label)]
        if i.actor:
            meta.append(self.t(i.actor))
        if i.due_on:
            meta.append(f'due {esc(i.due_on)}' + (' <b class="warn">(overdue)</b>' if i.overdue else ""))
        if i.tags:
            meta.append("tags: " + ", ".join(self.t(t) for t in i.tags))
        if i.stale:
            meta.append(f'<span class="warn">no update in {self.o.stale_days} days</span>')
        # the cell carries the title's direction: QTextDocument takes direction from blocks, not spans
        rows = [f'<tr><td class="ititle"{self.dir(i.title)}><a name="item-{anchor}"></a><span class="iref">'
                f'{esc(i.ref)}</span> <span class="ttl">{esc(i.title)}</span></td>'
                f'<td class="istatus" width="22%" align="right">{self.badge(i.status)}'
                f'<span class="since">{since}</span></td></tr>',
                f'<tr><td colspan="2" class="imeta">{" · ".join(meta)}</td></tr>']
        if i.description:
            rows.append(f'<tr><td colspan="2">{self.t(i.description, "p", "idesc")}</td></tr>')
        if i.progress:
            rows.append(f'<tr><td colspan="2">{self.progress(i.progress)}</td></tr>')
        if i.notes:
            notes = "".join(
                f'<tr><td class="ndate">{esc(nt.as_of)}</td><td class="nstatus">{self.swatch(nt.status)} '
                f'{esc(nt.status.label)}</td><td>{self.t(nt.text, "p", "ntext")}'
                + (f'<span class="small">— {esc(nt.author)}</span>' if nt.author else "") + '</td></tr>'
                for nt in i.notes)
            rows.append(f'<tr><td colspan="2"><p class="label">Latest notes</p>'
                        f'<table class="notes" width="100%" cellspacing="0" cellpadding="2">{notes}</table></td></tr>')
        if i.quotes:
            qs = "".join(
                f'<table class="quote" width="100%" cellspacing="0" cellpadding="5"><tr>'
                f'<td class="qbar" width="3" bgcolor="#9aa7b8"></td>'
                f'<td class="qtext">{self.t("“" + q.text + "”", "p", "qwords")}'
                f'<p class="cite">{self.t(q.citation)} [S{q.source_number}]</p></td></tr></table>'
                for q in i.quotes)
            rows.append(f'<tr><td colspan="2"><p class="label">In the source’s words</p>{qs}</td></tr>')
        if i.related:
            rel = "".join(f'<li>{esc(r.relation)}: <b>{esc(r.ref)}</b> {self.t(r.title)} '
                          f'<span class="small">({self.t(r.framework)}; {esc(r.status.label)})</span></li>'
                          for r in i.related)
            rows.append(f'<tr><td colspan="2"><p class="label">Related items in other frameworks</p>'
                        f'<ul class="related">{rel}</ul></td></tr>')
        return (f'<table class="item" width="100%" cellspacing="0" cellpadding="5">{"".join(rows)}</table>'
                f'<p class="gap">&nbsp;</p>')

    def progress(self, pr: Progress) -> str:
        goal = {"increase": "raise to", "decrease": "bring down to", "maintain": "keep at"}.get(pr.direction, "reach")
        parts = [f'Target: {goal} <b>{esc(with_unit(pr.target, pr.unit))}</b>'
                 + (f' by {esc(pr.target_on)}' if pr.target_on else "")]
        if pr.baseline is not None:
            parts.append(f'baseline {esc(with_unit(pr.baseline, pr.unit))}'
                         + (f' ({esc(pr.baseline_on)})' if pr.baseline_on else ""))
        parts.append(f'latest {esc(with_unit(pr.latest, pr.unit))} ({esc(pr.latest_on)})'
                     if pr.latest is not None else "no observation yet")
        if pr.fraction is not None:
            parts.append(f'<b>{round(100 * pr.fraction)}%</b> of the way')
        return f'<p class="label">Progress</p><p class="progress">{"; ".join(parts)}.</p>{self.progress_bar(pr)}'

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
        return (f'<h2 class="newpage">Appendix: sources</h2>'
                f'<table class="sources" width="100%" cellspacing="0" cellpadding="4" border="1">'
                f'<thead><tr><th class="ref">No.</th><th>Source</th><th class="num">Items citing it</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def body(self) -> str:
        parts = [self.cover(), self.summary()]
        parts += [self.framework(n, f) for n, f in enumerate(self.r.frameworks)]
        if self.o.include_quotes:
            parts.append(self.appendix())
        return "\n".join(parts)


def render_body(report: Report, *, for_print: bool = False) -> str:
    return _R(report, for_print).body()


def stylesheet(*, for_print: bool = False) -> str:
    return _resource_text("report-print.css" if for_print else "report.css")


def render_html(report: Report, *, for_print: bool = False) -> str:
    """The whole report as one HTML document (template and CSS inlined; nothing else is loaded)."""
    tpl = string.Template(_resource_text("report.html"))
    css = stylesheet(for_print=for_print)
    return tpl.substitute(title=esc(report.cover.title), css=css.replace("</", "<\\/"),
                          lang="en", body=render_body(report, for_print=for_print))
