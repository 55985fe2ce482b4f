"""Screenshots of the main views for the README: `python -m tools.screenshots` (`make screenshots`).

Starts its own Xvfb (a real X server, so fonts, styles and the window frame are what a person
sees) and re-runs itself inside it with QT_QPA_PLATFORM=xcb; opens the window on a fresh copy of
the bundled database in a temp dir (never the user's file or settings) and saves PNGs into
resources/screenshots/. Falls back to the offscreen platform when Xvfb is missing.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.shots_common import isolated_home
from tools.shots_common import settle as wait

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "screenshots"
SIZE = (1440, 900)


def _free_display() -> int:
    for n in range(99, 160):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise SystemExit("no free X display number between :99 and :159")


def run_under_xvfb(argv: list[str]) -> int:
    xvfb = shutil.which("Xvfb")
    env = dict(os.environ, PT_SHOTS_CHILD="1")
    if not xvfb:
        print("Xvfb not found (apt-get install xvfb); drawing offscreen instead.", file=sys.stderr)
        env["QT_QPA_PLATFORM"] = "offscreen"
        return subprocess.call([sys.executable, "-m", "tools.screenshots", *argv], env=env, cwd=ROOT)
    n = _free_display()
    server = subprocess.Popen([xvfb, f":{n}", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # wait for the server's socket
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            if server.poll() is not None:
                raise SystemExit("Xvfb exited at start")
            time.sleep(0.05)
        env.update(DISPLAY=f":{n}", QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        return subprocess.call([sys.executable, "-m", "tools.screenshots", *argv], env=env, cwd=ROOT)
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()


def take(out: Path, theme: str) -> list[Path]:
    """Inside the X server: open the window and save the views."""
    home = isolated_home("pt-shots-")
    from PySide6 import QtWidgets

    from app.exchange.seeds import load_seeds
    from app.store.store import Store
    from app.ui.app import make_app
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences, apply
    from app.ui.session import RecordingInteraction

    app = make_app()
    prefs = Preferences(analyst="A. Analyst", theme=theme)
    apply(prefs, app)
    path = home / "policy-tracker.sqlite"
    with Store(path) as s:
        load_seeds(s)
    win = MainWindow(Store(path), prefs=prefs, interaction=RecordingInteraction(), poll_ms=0)
    win.resize(*SIZE)
    win.show()
    saved: list[Path] = []

    def settle(ms: int = 250) -> None:
        wait(app, ms)

    def save(widget: QtWidgets.QWidget, name: str) -> None:
        settle()
        p = out / f"{name}.png"
        widget.grab().save(str(p))
        saved.append(p)

    settle(600)
    st = win.session.store
    if theme == "light":  # a freshly seeded file opens on the welcome, inside the window
        win.show_welcome()
        save(win, "welcome")
    almaty = next(f["id"] for f in st.list_frameworks() if f["title"].startswith("Almaty"))
    proposal = st.item_ids(framework_ids=[almaty], kinds=["proposal"])[0]
    gdp = next(i for i in st.item_ids() if st.get_item(i)["ref"] == "7NDP-DE-GDP")
    suffix = "" if theme == "light" else f"-{theme}"

    win.navigator.select_scope(almaty)
    win.navigator.expand(win.navigator.tree.index_of(almaty))
    win.table.select_item(proposal)
    win.panel.sources.open.click()  # show the proposal's words in the reader
    win.reader.flash_ms = 1
    settle(400)
    save(win, "main-window" + suffix)
    if theme != "light":
        win.close()
        win.shutdown()
        return saved
    for tab, name in ((win.panel.history, "item-status-history"), (win.panel.sources, "item-sources"),
                      (win.panel.related, "item-related")):
        win.panel.tabs.setCurrentWidget(tab)
        save(win.panel, name)
    save(win.reader.parentWidget(), "reader")
    win.clear_filters()
    win.table.select_item(gdp)
    win.panel.tabs.setCurrentWidget(win.panel.target)
    save(win.panel, "item-target")
    win.search.focus_search()
    done = []
    win.search.results_shown.connect(lambda *a: done.append(a))
    win.search.set_query("digital economy", immediately=True)
    for _ in range(200):
        if done:
            break
        settle(50)
    save(win.search.parentWidget(), "search")

    # two windows on one file: a half-typed title meets another window's saved one
    from app.services import editing, sources
    win.go_to_item(proposal)
    title = win.panel.edits["title"]
    title.setFocus()
    title.setText(st.get_item(proposal)["title"] + " (with the EAEU)")
    with Store(path) as other:
        editing.update_item(other, proposal, {"title": "Digital economy cooperation across the EAEU"})
        sources.add_source(other, "A colleague's note on the Almaty proposals.\n", title="Colleague's note")
    win.session.poll_other_writers()
    save(win, "two-windows")
    win.panel.conflict.theirs_button.click()

    # the tree: the Tokyo Statement's six priorities under it, one of them chosen
    win.notice.clear()
    win.search.set_query("", immediately=True)
    win.panel.tabs.setCurrentWidget(win.panel.history)
    win.clear_filters()
    tokyo = next(f["id"] for f in st.list_frameworks() if f["title"].startswith("Tokyo"))
    top = next(i for i in st.item_ids(framework_ids=[tokyo]) if st.get_item(i)["ref"] == "TS")
    second = next(i for i in st.child_ids(top) if st.get_item(i)["ref"] == "2")
    win.table.select_item(second)
    win.table.scrollTo(win.table.items.index_of(top), QtWidgets.QAbstractItemView.ScrollHint.PositionAtTop)
    settle(300)
    save(win, "tree")
    win.resize(1024, 768)  # the smallest screen the window is made for
    settle(400)
    save(win, "small-screen")
    win.resize(*SIZE)
    import_sheet_dialog(win, save)
    saved.append(pdf_page(win, out, settle))
    win.close()
    win.shutdown()
    return saved


ANNEX_HEADER = ["Ref", "Title", "Kind", "Parent", "Status", "Due", "Tags", "Budget (bn rials)"]


def annex_rows() -> list[list[str]]:
    """A two-level Persian plan annex as analysts receive it, with two bad rows (a typo, a missing parent)."""
    rows = []
    for g in range(1, 4):
        rows.append([str(g), f"هدف کلان {g}: گسترش اقتصاد دیجیتال", "Goal", "", "Not started", "", "", ""])
        for t in range(1, 5):
            kind = "Targt" if (g, t) == (1, 3) else "Target"
            parent = "9" if (g, t) == (2, 2) else str(g)
            rows.append([f"{g}.{t}", f"هدف فرعی {t} از هدف {g}", kind, parent, "In progress", "2030-03-20",
                         "اقتصاد; digital", str(120 * g + t)])
    return rows


def import_sheet_dialog(win, save) -> None:
    """File > Import Spreadsheet on an XLSX annex: columns mapped, rows previewed with their problems."""
    import xlsxwriter

    from app.ui.sheet_import import SheetImportDialog
    path = Path(tempfile.mkdtemp(prefix="pt-annex-")) / "7th-plan-annex.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Annex 2")
    for r, row in enumerate([ANNEX_HEADER, *annex_rows()]):
        ws.write_row(r, 0, row)
    wb.close()
    dlg = SheetImportDialog(win.session, win)
    dlg.resize(1240, 680)
    dlg.load_file(path, "Annex 2")
    dlg.framework_combo.setEditText("برنامه هفتم توسعه: پیوست ۲")
    dlg.refresh()
    dlg.show()
    save(dlg, "import-sheet")
    dlg.reject()


def pdf_page(win, out: Path, settle) -> Path:
    """Show on page: a PDF source's cited words highlighted on its original page."""
    from app.ui import commands as cmds
    pdf = ROOT / "tests" / "data" / "sources" / "english.pdf"
    st = win.session.store
    sid = win.add_source_from(pdf, {"title": "A ministry's plan (PDF)"})
    assert sid, "the PDF was not added"
    words = st.get_source(sid)["text"]
    start = words.index("According to the International")  # a sentence on page 2, with a figure
    end = words.index(".", start) + 1
    item = st.item_ids(limit=1)[0]
    cite = cmds.AddCitation(win.session, item, sid, start, end)
    assert win.session.push(cite)
    dlg = win.reader.show_on_page(cite.citation_id)
    assert dlg is not None, "the PDF page did not open"
    dlg.resize(900, 820)
    settle(600)
    p = out / "pdf-page.png"
    dlg.grab().save(str(p))
    dlg.close()
    return p


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(OUT), help="folder for the PNGs (default: resources/screenshots)")
    args_list = sys.argv[1:] if argv is None else argv
    args = p.parse_args(args_list)
    if not os.environ.get("PT_SHOTS_CHILD"):
        return run_under_xvfb(args_list)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    saved = take(out, "light") + take(out, "dark")
    if out == OUT:  # the dashboard and crosswalk pictures, in this same X server (their own process and app)
        for tool, names in (("tools.shots_overview", ("dashboard", "crosswalk")),
                            ("tools.shots_review", ("review-mode", "review-import")),
                            ("tools.shots_editions", ("editions-check", "editions-compare", "editions-window"))):
            if subprocess.call([sys.executable, "-m", tool], cwd=ROOT) == 0:
                saved += [OUT / f"{n}.png" for n in names]
    for s in saved:
        print(s.relative_to(ROOT) if s.is_relative_to(ROOT) else s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
