"""Start the window: the application object, the database to open, and the last-resort error hook."""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import cast

from PySide6 import QtCore, QtGui, QtWidgets

from ..core.model import PolicyTrackerError
from ..paths import APP_NAME, default_db_path, resource, user_log_dir
from ..store.outputs import PrivateFileHandler
from ..store.store import Store
from .file_ops import open_offering_backup
from .main_window import MainWindow
from .preferences import Preferences, apply

log = logging.getLogger("policy_tracker.ui")


def log_file() -> Path:
    return user_log_dir() / "policy-tracker.log"


def _setup_logging() -> None:
    try:
        user_log_dir().mkdir(parents=True, exist_ok=True)
        handler = PrivateFileHandler(log_file())  # 0600, like the database: it can name your files
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("policy_tracker")
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)


class ExceptionHook:
    """Log an unexpected exception with its traceback, tell the person once, keep the window alive."""

    def __init__(self, parent_window=lambda: None, show=None):
        self._parent = parent_window
        self._busy = False
        self.show = show or self._show
        self.seen: list[BaseException] = []

    def __call__(self, etype, value, tb) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        self.seen.append(value)
        log.error("unexpected error\n%s", "".join(traceback.format_exception(etype, value, tb)))
        if self._busy:  # an error while showing the last one: logged, not shown again
            return
        self._busy = True
        try:
            if isinstance(value, PolicyTrackerError):
                msg = str(value)
            else:
                msg = (f"Something went wrong: {etype.__name__}: {value}\n\nYour data is safe: every change "
                       f"is saved when it is made. Details were written to {log_file()}.")
            self.show(msg)
        finally:
            self._busy = False

    def _show(self, msg: str) -> None:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "Policy Tracker", msg,
                                    QtWidgets.QMessageBox.StandardButton.Ok, self._parent())
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        box.exec()


def ensure_database(db_path: Path | None) -> Path:
    """The file to open; with no path, the default one, built from the bundled seeds the first time."""
    if db_path is not None:
        return Path(db_path).expanduser()
    path = default_db_path()
    if not path.exists() or path.stat().st_size == 0:
        path.parent.mkdir(parents=True, exist_ok=True)
        from ..exchange.seeds import load_seeds
        with Store(path, create=True) as store:
            load_seeds(store)
    return path


def make_app(argv: list[str] | None = None) -> QtWidgets.QApplication:
    # instance() is typed as the QCoreApplication base; the one running here is a QApplication
    running = cast(QtWidgets.QApplication | None, QtWidgets.QApplication.instance())
    app = running or QtWidgets.QApplication(argv or [sys.argv[0]])
    from ..reports.fonts import install_app_fonts  # bundled Noto faces after the system font: no boxes
    install_app_fonts(app)
    QtCore.QCoreApplication.setOrganizationName(APP_NAME)
    QtCore.QCoreApplication.setApplicationName(APP_NAME)
    QtGui.QGuiApplication.setApplicationDisplayName("Policy Tracker")
    icon = resource("icons", "policy-tracker.svg")
    if icon.exists():
        app.setWindowIcon(QtGui.QIcon(str(icon)))
    return app


def _ask_restore(question: str) -> bool:
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "Policy Tracker", question,
                                QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No)
    box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    return box.exec() == QtWidgets.QMessageBox.StandardButton.Yes


def run_gui(db_path: Path | None) -> int:
    """Open the main window on a file (app/cli.py calls this); returns the exit code."""
    _setup_logging()
    app = make_app()
    prefs = Preferences.load()
    apply(prefs, app)
    try:
        path = ensure_database(db_path)
        store = open_offering_backup(path, _ask_restore, create=db_path is None or not path.exists())
    except (PolicyTrackerError, OSError) as e:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Critical, "Policy Tracker",
                                    f"The database could not be opened: {e}")
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        box.exec()
        return 1
    win = MainWindow(store, prefs=prefs)
    hook = ExceptionHook(lambda: win)
    sys.excepthook = hook
    win.show()
    try:
        return app.exec()
    finally:
        sys.excepthook = sys.__excepthook__
        win.shutdown()
