"""Screenshots of the dashboard and the crosswalk for the README (issue 17), from the real window.

    xvfb-run -a -s '-screen 0 1440x900x24' env QT_QPA_PLATFORM=xcb python -m tools.shots_overview

Opens the window on a fresh copy of the bundled database in a temp dir (never the user's file or
settings), makes a few edits as "A. Analyst" through the window's own undo commands (three due
dates in the past, two status updates, one crosswalk link), and saves resources/screenshots/dashboard.png
and resources/screenshots/crosswalk.png.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from tools.shots_common import isolated_home
from tools.shots_common import settle as wait

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "screenshots"
SIZE = (1440, 900)


def main() -> int:
    home = isolated_home("pt-shots-")
    from PySide6 import QtCore, QtWidgets

    from app.exchange.seeds import load_seeds
    from app.services.crosswalk import Wanted
    from app.store.store import Store
    from app.ui import commands as cmds
    from app.ui.app import make_app
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences, apply
    from app.ui.session import RecordingInteraction
    from app.ui.welcome import set_welcome_hidden

    app = make_app()
    prefs = Preferences(analyst="A. Analyst", theme="light")
    apply(prefs, app)
    path = home / "policy-tracker.sqlite"
    with Store(path) as s:
        load_seeds(s)
    set_welcome_hidden(True)  # a returning analyst: the file opens on the dashboard
    win = MainWindow(Store(path), prefs=prefs, interaction=RecordingInteraction(), poll_ms=0)
    win.resize(*SIZE)
    win.show()

    def settle(ms: int = 300) -> None:
        wait(app, ms)

    settle(600)
    s = win.session
    st = s.store
    fws = {f["title"].split(":")[0].split(" (")[0]: f["id"] for f in st.list_frameworks()}
    tokyo = st.item_ids(framework_ids=[fws["Tokyo Statement"]])
    almaty = st.item_ids(framework_ids=[fws["Almaty Digital 2025"]])
    by_ref = {st.get_item(i)["ref"]: i for i in tokyo}
    for ref, due in (("1", "2025-09-30"), ("3", "2025-06-30"), ("5", "2025-11-15")):
        s.push(cmds.EditItemFields(s, by_ref[ref], {"due_on": due}))
    s.push(cmds.AddStatusUpdate(s, by_ref["1"], "in_progress", QtCore.QDate.currentDate().toString("yyyy-MM-dd"),
                                "Regional backbone study commissioned."))
    s.push(cmds.AddStatusUpdate(s, almaty[0], "in_progress", QtCore.QDate.currentDate().toString("yyyy-MM-dd"),
                                "Raised again at the EAEU digital agenda meeting."))
    win.show_view("dashboard")
    settle(600)
    OUT.mkdir(parents=True, exist_ok=True)
    win.grab().save(str(OUT / "dashboard.png"))

    win.show_view("crosswalk")
    view = win.views.crosswalk
    view.set_pair(fws["Almaty Digital 2025"], fws["Tokyo Statement"])
    m = view.model
    row = next(r for r in range(m.rowCount()) if m.row_item(r)["ref"] == "4")
    col = next(c for c in range(m.columnCount()) if m.col_item(c)["ref"] == "3")
    view.edit_cell(row, col, [Wanted("conflicts_with", m.row_item(row)["id"], m.col_item(col)["id"],
                                     "Countering unilateralism pulls against rules set by others.")])
    view.table.setCurrentIndex(m.index(row, col))
    view.table.scrollToTop()
    view.table.horizontalScrollBar().setValue(0)
    settle(600)
    win.grab().save(str(OUT / "crosswalk.png"))
    print(OUT / "dashboard.png")
    print(OUT / "crosswalk.png")
    if os.environ.get("PT_SHOTS_HOLD"):  # keep the window up for `import -window root`
        settle(int(os.environ["PT_SHOTS_HOLD"]))
    win.close()
    win.shutdown()
    QtWidgets.QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
