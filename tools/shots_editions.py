"""Screenshots of source editions for the README: `python -m tools.shots_editions` (run it under xvfb-run).

Opens the window on a fresh copy of the bundled seeds in a temp dir (never the user's file or
settings), adds a revised edition of the Almaty article (a note at the top, a figure changed, a
cited sentence deleted), and saves resources/screenshots/editions-check.png (Citations to Check over
the window) and resources/screenshots/editions-compare.png (the two editions side by side).
Run with QT_QPA_PLATFORM=xcb under `xvfb-run -a -s '-screen 0 1440x900x24'` for real fonts and frames.
"""
from __future__ import annotations

import sys
from pathlib import Path

from tools.shots_common import isolated_home
from tools.shots_common import settle as wait

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "screenshots"


def main() -> int:
    home = isolated_home("pt-shots-editions-")
    from PySide6 import QtWidgets

    from app.exchange.seeds import load_seeds
    from app.store import editions as E
    from app.store.store import Store
    from app.ui import editions_ui
    from app.ui.app import make_app
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences, apply
    from app.ui.session import RecordingInteraction

    app = make_app()
    prefs = Preferences(analyst="A. Analyst")
    apply(prefs, app)
    path = home / "policy-tracker.sqlite"
    with Store(path) as s:
        load_seeds(s)
    win = MainWindow(Store(path), prefs=prefs, interaction=RecordingInteraction(), poll_ms=0)
    win.resize(1440, 900)
    win.show()

    def settle(ms: int = 300) -> None:
        wait(app, ms)

    def save(widget: QtWidgets.QWidget, name: str) -> None:
        settle()
        OUT.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(OUT / f"{name}.png"))
        print(OUT / f"{name}.png")

    settle(600)
    st = win.session.store
    src = next(s for s in st.list_sources(with_text=True) if s["title"].startswith("Aref"))
    text = src["text"]
    cits = st.citations_for_source(src["id"])
    figure = next(c for c in cits if "nearly 7%" in c["quote"])
    deleted = next(c for c in cits if c["quote"].startswith("For the first time, Iran has dedicated"))
    new = ("Editor's note: this article was corrected on 1 July.\n\n" + text[:deleted["start"]]
           + text[deleted["end"]:]).replace("nearly 7%", "nearly 8%", 1)
    f = home / "almaty-corrected.txt"
    f.write_text(new, encoding="utf-8")
    win.reader.show_source(src["id"])
    print(editions_ui.add_edition_from(win, src["id"], f, meta={"published_on": "2025-07-01",
                                                               "note": "corrected figures"}))
    settle(400)
    view = editions_ui.open_citations_to_check(win)
    view.resize(1180, 620)
    view.move(win.geometry().center() - view.rect().center())
    view.select(figure["id"])
    view.show_in_reader()
    settle(500)
    save(view, "editions-check")
    save(win, "editions-window")
    view.close()
    dlg = win.reader.edition_bar.open_compare()
    assert dlg is not None
    dlg.resize(1300, 760)
    # scroll both sides to the changed figure
    for side, at in ((dlg.old_view, text.index("nearly 7%")), (dlg.new_view, new.index("nearly 8%"))):
        cur = side.textCursor()
        cur.setPosition(min(at, len(side.toPlainText())))
        side.setTextCursor(cur)
        side.ensureCursorVisible()
    settle(500)
    save(dlg, "editions-compare")
    print("to check:", E.count_to_check(st))
    win.close()
    win.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
