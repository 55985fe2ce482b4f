"""A real Policy Tracker window in a child process, driven line by line over stdin/stdout.

Usage: python window_child.py DB [--stock-dialog] [--no-ofd]. Headless by default
(QT_QPA_PLATFORM=offscreen unless the caller set a platform). Each stdin line is one JSON
command; each answer is one JSON line on stdout, printed only after the command finished, so
"saved" in an answer means the window told the person it was saved.

Commands:
  {"op": "dialog", "dir": D, "pick": F}   File > Add source's dialog lists D (waiting until Qt
                                          has listed it and worked out every file's icon and
                                          type, as it does for the person), then F is chosen
  {"op": "add", "file": F, "title": T}    add F as a source through the window (as after the dialog)
  {"op": "edit", "item": ID, "title": T}  type T into the item panel's title and press Enter
  {"op": "poll"}                          the window's two-second look at the file, now
  {"op": "quit"}                          close the window as the person would
--stock-dialog uses Qt's own file dialog and icon provider (what release 0.1 did);
--no-ofd runs without the guard's own locks, as on a kernel without OFD locks.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    import faulthandler
    import signal
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # the test asks for our stacks when we hang
    db = Path(argv[0])
    stock = "--stock-dialog" in argv
    if "--no-ofd" in argv:
        from app.store import guard
        guard._OFD_SETLK = None
    from PySide6 import QtCore, QtWidgets

    from app.store.store import Store
    from app.ui import file_dialogs
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences
    from app.ui.session import RecordingInteraction

    app = QtWidgets.QApplication(["policy-tracker-test"])
    QtCore.QCoreApplication.setOrganizationName("policy-tracker-tests")
    answers = RecordingInteraction(answer=True)
    win = MainWindow(Store(db), prefs=Preferences(analyst=f"window {os.getpid()}"), interaction=answers, poll_ms=0)
    win.show()
    app.processEvents()

    def list_folder(d: QtWidgets.QFileDialog, pick: str) -> str:
        """Show the dialog and wait until it listed the folder and knew each file's icon and type."""
        loop = QtCore.QEventLoop()
        model = d.findChild(QtWidgets.QFileSystemModel)
        model.directoryLoaded.connect(lambda _p: loop.quit())
        QtCore.QTimer.singleShot(10_000, loop.quit)  # a bound, not a wait: the loop quits on loading
        d.show()
        loop.exec()
        provider = d.iconProvider() or model.iconProvider()
        root = model.index(d.directory().absolutePath())
        names = []
        for r in range(model.rowCount(root)):
            info = model.fileInfo(model.index(r, 0, root))
            names.append(info.fileName())
            provider.icon(info)  # what Qt's file-info gatherer asks for every listed file
            provider.type(info)
        d.hide()
        out["listed"] = sorted(names)
        return pick

    out: dict = {}

    def run(cmd: dict) -> dict:
        app.processEvents()  # what the event loop would have done between two of the person's actions
        out.clear()
        op = cmd["op"]
        if op == "dialog":
            if stock:
                d = QtWidgets.QFileDialog(win, "Add source document", cmd["dir"])
                d.setOption(QtWidgets.QFileDialog.Option.DontUseNativeDialog, True)
                chosen = list_folder(d, cmd["pick"])
            else:
                file_dialogs._TEST_HOOK = lambda d: list_folder(d, cmd["pick"])
                chosen = file_dialogs.get_open_file_name(win, "Add source document", cmd["dir"], "All files (*)")
            out["chosen"] = chosen
        elif op == "add":
            sid = win.add_source_from(Path(cmd["file"]), {"title": cmd["title"]})
            out["saved"] = sid is not None
            out["id"] = sid
        elif op == "edit":
            if not win.go_to_item(cmd["item"]):
                out["saved"] = False
                out["missing"] = True
            else:
                edit = win.panel.edits["title"]
                edit.setFocus()
                edit.setText(cmd["title"])
                win.panel.commit("title")
                out["conflict"] = win.panel.conflict.conflict is not None
                # saved = the window no longer holds it as unsaved text, and says nothing against it
                out["saved"] = not out["conflict"] and not win.panel.is_dirty("title") \
                    and not win.session.store.stopped and not answers.errors
                if not out["saved"] and not out["conflict"]:
                    out["panel"] = {"item": win.panel.item and win.panel.item["id"], "field": edit.text(),
                                    "base": win.panel._base.get("title"),
                                    "stored": win.session.store.get_item(cmd["item"])["title"],
                                    "error": win.panel.errors["title"].text()}
                if out["conflict"]:  # the person keeps the other's value and moves on
                    win.panel.conflict.theirs_button.click()
        elif op == "poll":
            win.session.poll_other_writers()
        elif op == "quit":
            win.close()
            win.shutdown()
        out["notice"] = win.notice.text() if op != "quit" else ""
        out["stopped"] = bool(getattr(win.session.store, "stopped", None))
        out["errors"] = list(answers.errors)
        answers.errors.clear()
        return out

    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        try:
            reply = run(cmd)
        except Exception as e:  # noqa: BLE001 - reported to the test, which fails on it
            reply = {"exception": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)
        if cmd["op"] == "quit":
            break
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
