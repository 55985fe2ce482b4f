"""Run in a fresh process by bench_startup / bench_memory: open a window, report when it painted.

    python -m tests.benchmarks.gui_child MODE DB
MODE: startup-app | startup-bare | memory-app | memory-model | memory-bare. Prints one line
"PAINTED {json}" (or "SKIP reason") on stdout, then exits at once.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SKIP = 3


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _peak_mb() -> dict:
    out = {"ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out


def _scroll_end_to_end(view) -> dict:
    from PySide6 import QtWidgets
    sb = view.verticalScrollBar()
    QtWidgets.QApplication.processEvents()
    steps, t = 0, time.perf_counter()
    step = max(1, sb.pageStep(), sb.maximum() // 5000)
    v = 0
    while v < sb.maximum():
        v = min(sb.maximum(), v + step)
        sb.setValue(v)
        view.viewport().repaint()
        steps += 1
    QtWidgets.QApplication.processEvents()
    return {"scroll_steps": steps, "scroll_s": time.perf_counter() - t,
            "rows": view.model().rowCount() if view.model() else 0}


def _biggest_table(window):
    from PySide6 import QtWidgets
    views = [v for v in window.findChildren(QtWidgets.QAbstractItemView) if v.model() is not None]
    return max(views, key=lambda v: v.model().rowCount(), default=None)


def _when_painted(callback) -> None:
    """Call callback(window) right after the first paint of a QMainWindow has been flushed."""
    from PySide6 import QtCore, QtWidgets

    class Catcher(QtCore.QObject):
        done = False

        def eventFilter(self, obj, ev):  # noqa: N802 - Qt override
            if not self.done and ev.type() == QtCore.QEvent.Type.Paint and isinstance(obj, QtWidgets.QWidget):
                win = obj.window()
                if isinstance(win, QtWidgets.QMainWindow):
                    self.done = True
                    t = time.perf_counter()
                    QtCore.QTimer.singleShot(0, lambda: callback(win, t))
            return False

    catcher = Catcher()
    original = QtWidgets.QApplication.exec

    def exec_(*args, **kwargs):
        app = QtWidgets.QApplication.instance()
        app.installEventFilter(catcher)
        app._bench_catcher = catcher  # keep it alive
        return original()  # static in PySide6: called as app.exec() or QApplication.exec()

    QtWidgets.QApplication.exec = exec_
    if hasattr(QtWidgets.QApplication, "exec_"):
        QtWidgets.QApplication.exec_ = exec_
    return catcher


def run_app(db: Path, memory: bool) -> int:
    try:
        from app.ui.app import run_gui
    except ImportError as e:
        _say(f"SKIP window not built ({e})")
        return SKIP

    def painted(win, t_paint):
        info = {"painted_s": t_paint - T0, "flushed_s": time.perf_counter() - T0}
        if memory:
            view = _biggest_table(win)
            if view is not None:
                info.update(_scroll_end_to_end(view))
            info.update(_peak_mb())
        _say("PAINTED " + json.dumps(info))
        os._exit(0)

    _when_painted(painted)
    run_gui(db)
    _say("SKIP the window closed before it painted")
    return SKIP


def run_bare(db: Path, memory: bool) -> int:
    import sqlite3

    from PySide6 import QtGui, QtWidgets
    app = QtWidgets.QApplication([])
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT i.ref, i.title, f.title, i.kind, i.status, i.due_on FROM items i "
        "JOIN frameworks f ON f.id = i.framework_id ORDER BY i.framework_id, i.ref LIMIT 50").fetchall()
    model = QtGui.QStandardItemModel()
    model.setHorizontalHeaderLabels(["Ref", "Title", "Framework", "Kind", "Status", "Due"])
    for r in rows:
        model.appendRow([QtGui.QStandardItem("" if v is None else str(v)) for v in r])
    win = QtWidgets.QMainWindow()
    view = QtWidgets.QTableView()
    view.setModel(model)
    win.setCentralWidget(view)
    win.resize(1280, 800)

    def painted(w, t_paint):
        info = {"painted_s": t_paint - T0, "flushed_s": time.perf_counter() - T0}
        if memory:
            info.update(_peak_mb())
        _say("PAINTED " + json.dumps(info))
        os._exit(0)

    _when_painted(painted)
    win.show()
    app.exec()
    return 1


def run_model(db: Path) -> int:
    """No main window yet: the item table model behind a QTableView, scrolled end to end."""
    try:
        from app.ui.models import ItemTableModel
    except ImportError as e:
        _say(f"SKIP no window and no item model ({e})")
        return SKIP
    from PySide6 import QtWidgets

    from app.store.store import Store
    app = QtWidgets.QApplication([])
    store = Store(db)
    win = QtWidgets.QMainWindow()
    view = QtWidgets.QTableView()
    view.setModel(ItemTableModel(store))
    win.setCentralWidget(view)
    win.resize(1280, 800)

    def painted(w, t_paint):
        info = {"painted_s": t_paint - T0}
        info.update(_scroll_end_to_end(view))
        info.update(_peak_mb())
        _say("PAINTED " + json.dumps(info))
        os._exit(0)

    _when_painted(painted)
    win.show()
    app.exec()
    return 1


def main(argv: list[str]) -> int:
    mode, db = argv[0], Path(argv[1])
    if mode == "startup-app":
        return run_app(db, memory=False)
    if mode == "memory-app":
        return run_app(db, memory=True)
    if mode == "startup-bare":
        return run_bare(db, memory=False)
    if mode == "memory-bare":
        return run_bare(db, memory=True)
    if mode == "memory-model":
        return run_model(db)
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
