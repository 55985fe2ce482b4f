"""Screenshots of offline review for the README: review mode, and the summary of an import.

    xvfb-run -a -s '-screen 0 1440x900x24' env QT_QPA_PLATFORM=xcb python -m tools.shots_review

Builds a desk file from the bundled seeds in a temp dir (never the user's file or settings), enters
three updates as the window does (submitted for review), writes a review copy, opens it in the
window (review mode), approves one update and returns another, then brings the decisions back into
the desk after it withdrew the third. Saves resources/screenshots/review-mode.png and review-import.png.
"""
from __future__ import annotations

import sys
from pathlib import Path

from tools.shots_common import isolated_home
from tools.shots_common import settle as wait

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "screenshots"
SIZE = (1440, 900)
NOTES = ("EAEU working group on digital platforms met in Astana; terms of reference agreed.",
         "Budget line for the data-exchange pilot approved by parliament.",
         "Pilot launched in two regions.")


def main() -> int:
    home = isolated_home("pt-review-shots-")
    from PySide6 import QtWidgets

    from app.exchange.seeds import load_seeds
    from app.services import operations
    from app.services.review import Decide, MergeDecisions, make_review_copy, plan_import
    from app.store.store import Store
    from app.ui.app import make_app
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences, apply
    from app.ui.session import Interaction, RecordingInteraction

    app = make_app()
    prefs = Preferences(analyst="Director Karimova")
    apply(prefs, app)
    desk_path, copy_path = home / "desk.sqlite", home / "review-for-director.sqlite"
    with Store(desk_path) as desk:
        load_seeds(desk)
        almaty = next(f["id"] for f in desk.list_frameworks() if f["title"].startswith("Almaty"))
        items = desk.item_ids(framework_ids=[almaty])[:3]
        ups = []
        for iid, note in zip(items, NOTES, strict=True):
            add = operations.AddStatusUpdate(iid, "in_progress", "2026-03-01", note, "A. Analyst")
            operations.perform(desk, operations.Sequence("Add", (add, Decide(add.update_id, "submitted"))))
            ups.append(add.update_id)
        make_review_copy(desk, copy_path)

    OUT.mkdir(parents=True, exist_ok=True)

    def settle(ms: int = 300) -> None:
        wait(app, ms)

    win = MainWindow(Store(copy_path), prefs=prefs, interaction=RecordingInteraction(), poll_ms=0)
    win.resize(*SIZE)
    win.move(0, 0)
    win.show()
    settle(800)
    panel = win.review_panel
    win.go_to_item(items[0])
    panel.set_item(items[0], choose=ups[0])
    panel.decide("approved")
    win.go_to_item(items[1])
    panel.set_item(items[1], choose=ups[1])
    panel.comment.setPlainText("Which source reports the budget line? Cite the parliament's record.")
    panel.decide("returned")
    win.go_to_item(items[2])
    panel.set_item(items[2], choose=ups[2])
    panel.comment.setPlainText("")
    settle(600)
    win.grab().save(str(OUT / "review-mode.png"))
    win.close()
    win.shutdown()

    with Store(copy_path) as copy:
        operations.perform(copy, Decide(ups[2], "approved", "Director Karimova"))
    with Store(desk_path) as desk:
        operations.perform(desk, operations.WithdrawStatusUpdate(ups[2]))
    desk_win = MainWindow(Store(desk_path), prefs=Preferences(analyst="A. Analyst"),
                          interaction=RecordingInteraction(), poll_ms=0)
    desk_win.resize(*SIZE)
    desk_win.move(0, 0)
    desk_win.show()
    settle(600)
    plan = plan_import(desk_win.session.store, copy_path)
    operations.perform(desk_win.session.store, MergeDecisions(tuple(plan.merge), "Import review"))
    desk_win.session.notify(operations.Changes(structure=True))
    desk_win.review_dock.setVisible(True)
    desk_win.go_to_item(items[1])
    desk_win.review_panel.set_item(items[1], choose=ups[1])
    settle(300)
    # the summary File > Import Review shows (session.inform), over the desk's window
    box = Interaction(lambda: desk_win)._box(QtWidgets.QMessageBox.Icon.Information, "Policy Tracker",
                                              plan.summary() + "\n\nEdit > Undo takes the whole import back.",
                                              QtWidgets.QMessageBox.StandardButton.Ok)
    box.show()
    settle(800)
    screen = app.primaryScreen()
    screen.grabWindow(0).save(str(OUT / "review-import.png"))
    box.close()
    desk_win.close()
    desk_win.shutdown()
    print("\n".join(str(p) for p in sorted(OUT.glob("review-*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
