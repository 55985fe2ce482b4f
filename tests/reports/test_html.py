"""The HTML export (pure, no Qt): one self-contained file that parses, escapes user text and marks RTL."""
from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from reportfixtures import HOSTILE_NOTE, PERSIAN_TITLE, squash

from app.reports.data import ReportOptions, build_report
from app.reports.html import render_html


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags, self.attrs, self.stack_ok = [], [], [], True
        self.rtl_text = []
        self._rtl = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if ("dir", "rtl") in attrs:
            self._rtl += 1

    def handle_endtag(self, tag):
        pass

    def handle_data(self, data):
        self.text.append(data)
        if self._rtl:
            self.rtl_text.append(data)


def _parse(text):
    p = _Collect()
    p.feed(text)
    p.close()
    return p


def test_html_contains_every_item_status_and_quote(report_store):
    """Every item's title, status label and quoted words are in the HTML's text."""
    report = build_report(report_store, ReportOptions(as_of=dt.date(2025, 7, 1)))
    p = _parse(render_html(report))
    text = squash(" ".join(p.text))
    for item in report.items:
        assert squash(item.title) in text
        assert squash(item.status.label) in text
        for q in item.quotes:
            assert squash(q.text) in text


def test_html_is_self_contained(report_store):
    """No script, no external stylesheet, image or link that would load anything."""
    p = _parse(render_html(build_report(report_store, ReportOptions())))
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not [v for k, v in p.attrs if k in ("src", "href") and v]
    assert "svg" in p.tags  # charts are inline


def test_hostile_note_is_escaped_and_shown_literally(report_store):
    """A note with markup and a spreadsheet formula appears as text, never as elements."""
    html = render_html(build_report(report_store, ReportOptions(as_of=dt.date(2025, 7, 1))))
    p = _parse(html)
    assert HOSTILE_NOTE in " ".join(p.text)
    assert "script" not in p.tags and "img" not in p.tags
    assert "&lt;img src=x&gt;" in html


def test_persian_text_is_marked_right_to_left(report_store):
    """Persian titles sit in an element with dir="rtl"."""
    p = _parse(render_html(build_report(report_store, ReportOptions())))
    assert PERSIAN_TITLE in "".join(p.rtl_text)


def test_no_charts_leaves_out_svg(report_store):
    """--no-charts gives a report without charts."""
    p = _parse(render_html(build_report(report_store, ReportOptions(include_charts=False))))
    assert "svg" not in p.tags


def test_coloured_labels_meet_wcag_contrast(report_store):
    """Every badge, header and swatch label with a background colour has text at 4.5:1 or more."""
    import re

    from app.reports.html import contrast
    for for_print in (False, True):
        html = render_html(build_report(report_store, ReportOptions()), for_print=for_print)
        pairs = re.findall(r'style="background(?:-color)?:(#[0-9a-fA-F]{6});color:(#[0-9a-fA-F]{6})', html)
        assert len(pairs) >= len(build_report(report_store, ReportOptions()).items)  # one badge per item at least
        assert [(bg, fg) for bg, fg in pairs if contrast(fg, bg) < 4.5] == []


def test_status_colours_of_the_vocabulary_get_readable_text():
    """Light and mid greys (white on them was unreadable) get black text; dark blue keeps white."""
    from app.reports.html import contrast, text_on
    assert text_on("#90a4ae") == "#000000" and text_on("#e8ecf2") == "#000000"
    assert text_on("#1e3a5f") == "#ffffff"
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


def test_summary_labels_are_whole_in_html(report_store):
    """The summary writes each status label with no-break spaces inside a nobr span, so it never wraps inside."""
    report = build_report(report_store, ReportOptions(as_of=dt.date(2025, 7, 1)))
    html = render_html(report)
    summary = html[html.index('<table class="summary"'):]
    summary = summary[:summary.index("</table>")]
    for s, n in report.totals():
        if n:
            assert "&nbsp;".join(s.label.split()) + f"&nbsp;<b>{n}</b></span>" in summary


def test_each_item_is_listed_once_and_the_file_name_only_when_asked(report_store):
    """No overdue or stale list repeats items: each title appears once; the database file is named only on request."""
    report = build_report(report_store, ReportOptions(as_of=dt.date(2025, 3, 1), stale_days=30))
    item = next(i for i in report.items if i.id == report_store.test_ids["hostile"])
    assert item.overdue and item.stale  # it would have been in both old watch lists
    for for_print in (False, True):
        html = render_html(report, for_print=for_print)
        assert html.count("Item with a hostile note") == 1
        assert "overdue</p>" in html and "no update in 30 days</p>" in html
        assert report_store.path.name not in html
    shown = render_html(build_report(report_store, ReportOptions(show_file=True)))
    assert f"{report_store.path.name} (in {report_store.path.parent})" in shown


def test_a_quote_on_a_pdf_is_printed_with_its_page(empty_store):
    """The HTML report prints "p. N" beside a quote from a paged source, inside the source mark."""
    from test_data import _paged_store
    out = render_html(build_report(_paged_store(empty_store), ReportOptions()))
    assert "“a common market for digital services” <span class=\"cite\">[S1, p. 3]</span>" in out
    assert [out.count(f'class="cite">[{m}]</span>') for m in ("S1, p. 1", "S1, p. 3", "S1")] == [1, 1, 1]
