"""A report can include a crosswalk: option, data (as of the report's date), HTML/PDF, Word, Excel, CLI, dialog."""
from __future__ import annotations

import datetime as dt
import tomllib

import docx
import openpyxl
import pytest

from app import cli
from app.core.model import PolicyTrackerError
from app.paths import SEEDS_DIR
from app.reports.data import ReportOptions, build_report
from app.reports.html import render_html

ALMATY = "Almaty Digital 2025: Iran's five proposals for EAEU digital cooperation"
TOKYO = "Tokyo Statement (APT Ministerial Meeting 2025): six strategic priorities"


def _pair(store):
    ids = {f["title"]: f["id"] for f in store.list_frameworks()}
    return [ids[ALMATY], ids[TOKYO]]


def _seeded_cells() -> dict[tuple[str, str], str]:
    cur = tomllib.loads((SEEDS_DIR / "curated.toml").read_text(encoding="utf-8"))
    items = {i["key"]: i for i in cur["items"]}
    return {(items[r["from"]]["ref"], items[r["to"]]["ref"]): "Aligns with →" for r in cur["relations"]
            if items[r["from"]]["framework"] == "almaty-2025" and items[r["to"]]["framework"] == "tokyo-2025"}


def _cells(table) -> dict[tuple[str, str], str]:
    return {(h.split()[0], c.split()[0]): v for h, cells in table.rows for c, v in zip(table.cols, cells, strict=True)
            if v}


def test_report_crosswalk_holds_the_seeded_links(store):
    """The report's crosswalk of Almaty x Tokyo: 5 rows, 7 columns, the 4 seeded links and nothing else."""
    r = build_report(store, ReportOptions(crosswalk=_pair(store)))
    t = r.crosswalk
    assert (len(t.rows), len(t.cols)) == (5, 7)
    assert _cells(t) == _seeded_cells() and t.linked == 4
    assert t.title == f"Crosswalk: {ALMATY} × {TOKYO}"


def test_no_crosswalk_unless_asked(store):
    """Without the option the report has none, and the HTML no crosswalk heading."""
    r = build_report(store, ReportOptions())
    assert r.crosswalk is None and "sec-crosswalk" not in render_html(r)


def test_as_of_leaves_out_later_items_and_links(store):
    """The seeded items were recorded on 2025-06-01 and their links today: as of yesterday the 5 x 7 matrix has
    no link, and as of 2025-05-31 there is no item at all."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    r = build_report(store, ReportOptions(crosswalk=_pair(store), as_of=yesterday))
    assert (len(r.crosswalk.rows), len(r.crosswalk.cols), r.crosswalk.linked) == (5, 7, 0)
    r = build_report(store, ReportOptions(crosswalk=_pair(store), as_of=dt.date(2025, 5, 31)))
    assert r.crosswalk.rows == [] and r.crosswalk.cols == []


def test_html_shows_the_crosswalk_table(store):
    """The HTML has the crosswalk's heading and 4 cells reading "Aligns with →"."""
    html = render_html(build_report(store, ReportOptions(crosswalk=_pair(store))))
    section = html[html.index('name="sec-crosswalk"'):]
    assert section.count("Aligns with →") == 4
    assert "1 Connect communication infrastructure" in section and "6 Partnership and collaboration" in section


def test_word_and_excel_carry_the_crosswalk(store, tmp_path):
    """Word: a heading and a 6 x 8 table; Excel: a Crosswalk sheet with the same 4 links."""
    from app.reports.docx_report import write_docx
    from app.reports.xlsx_report import write_xlsx
    r = build_report(store, ReportOptions(crosswalk=_pair(store)))
    write_docx(r, tmp_path / "r.docx")
    d = docx.Document(str(tmp_path / "r.docx"))
    assert any(p.text == r.crosswalk.title for p in d.paragraphs)
    t = next(t for t in d.tables if t.rows[0].cells[1].text.startswith("TS Adopt"))
    assert (len(t.rows), len(t.columns)) == (6, 8)
    assert sum(1 for row in t.rows[1:] for c in row.cells[1:] if c.text == "Aligns with →") == 4
    write_xlsx(r, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Crosswalk"]
    values = [[c.value or "" for c in row] for row in ws.iter_rows(min_row=3)]
    assert len(values) == 5 and sum(1 for row in values for v in row[1:] if v == "Aligns with →") == 4


def test_options_keep_the_crosswalk_and_refuse_a_bad_one(store):
    """to_dict/from_dict keep the pair; a pair that is not a list of names, or of one framework, is refused."""
    opts = ReportOptions(crosswalk=_pair(store))
    assert ReportOptions.from_dict(opts.to_dict()) == opts
    with pytest.raises(PolicyTrackerError, match="'crosswalk' must be a list of names"):
        ReportOptions.from_dict({"crosswalk": "x"})
    with pytest.raises(PolicyTrackerError, match="needs two different frameworks"):
        build_report(store, ReportOptions(crosswalk=[_pair(store)[0]] * 2))


def test_command_line_flag(seeded_path, tmp_path, capsys):
    """`report --crosswalk Almaty Tokyo` (title prefixes) writes it; the same framework twice is one sentence."""
    out = tmp_path / "r.html"
    assert cli.main(["report", "--db", str(seeded_path), "--crosswalk", "Almaty", "Tokyo", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("Aligns with →") == 4
    capsys.readouterr()
    assert cli.main(["report", "--db", str(seeded_path), "--crosswalk", "Tokyo", "Tokyo", "-o",
                     str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err
    assert err.strip().endswith("--crosswalk needs two different frameworks.") and err.count("\n") == 1
    assert not (tmp_path / "x.html").exists()


def test_dialog_round_trips_the_crosswalk(qtbot, store):
    """The report dialog ticks "A crosswalk of" with the two frameworks chosen, and gives them back."""
    from app.reports.qt_actions import ReportOptionsDialog
    opts = ReportOptions(crosswalk=list(reversed(_pair(store))))
    dlg = ReportOptionsDialog(store, options=opts)
    qtbot.addWidget(dlg)
    assert dlg.crosswalk.isChecked() and dlg.options() == opts
    dlg.crosswalk.setChecked(False)
    assert dlg.options().crosswalk == []
    dlg.crosswalk.setChecked(True)
    dlg.crosswalk_b.setCurrentIndex(dlg.crosswalk_a.currentIndex())
    assert dlg.options().crosswalk == []  # one framework against itself is no crosswalk
