"""File menu work that is longer than a slot: import and export with progress, atomic writes.

Each function takes the window (for dialogs and the session) and reports through the session's
message seam, so a refusal is one sentence and nothing is half-written.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6 import QtCore, QtWidgets

from ..core.model import Changes, PolicyTrackerError
from ..exchange import csvio, jsonio
from ..exchange.atomic import write_atomically

if TYPE_CHECKING:
    from .main_window import MainWindow


class Progress:
    """A cancellable progress dialog usable as jsonio's progress(done, total) -> bool callback."""

    def __init__(self, parent: QtWidgets.QWidget, label: str):
        self.dialog = QtWidgets.QProgressDialog(label, "Cancel", 0, 100, parent)
        self.dialog.setWindowTitle("Policy Tracker")
        self.dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)
        self.cancel_after: int | None = None  # tests: press Cancel after this many calls
        self.calls = 0

    def __call__(self, done: int, total: int) -> bool:
        self.calls += 1
        if self.cancel_after is not None and self.calls > self.cancel_after:
            self.dialog.cancel()
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))
        QtWidgets.QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        self.dialog.reset()
        self.dialog.close()
        self.dialog.deleteLater()


def import_file(win: "MainWindow", path: Path, kind: str,
                progress_hook: Callable[[Progress], None] | None = None) -> jsonio.ImportReport | None:
    """Import a JSON document or a CSV sheet in one transaction; Cancel rolls it all back."""
    session = win.session
    progress = Progress(win, f"Importing {path.name}…")
    if progress_hook:
        progress_hook(progress)
    try:
        if kind == "csv":
            report = csvio.import_csv(session.store, path, progress)
        else:
            report = jsonio.import_document(session.store, jsonio.load_file(path), progress)
    except jsonio.ImportCancelled:
        session.inform("The import was cancelled; nothing was changed.")
        return None
    except (PolicyTrackerError, OSError) as e:
        session.error(f"{path.name} was not imported: {e}")
        return None
    finally:
        progress.close()
    # an import is not undoable: older undo steps may no longer describe the file
    session.undo_stack.clear()
    session.notify(Changes(structure=True))
    session.inform(f"Imported {path.name}. {report.summary()}")
    return report


def export_file(win: "MainWindow", path: Path, kind: str) -> bool:
    """Export the whole file as JSON (lossless) or CSV (items), written atomically."""
    session = win.session
    progress = Progress(win, f"Exporting to {path.name}…")
    try:
        steps = 3
        if not progress(0, steps):
            return False
        text = (csvio.export_csv(session.store) if kind == "csv"
                else jsonio.dumps(jsonio.export_document(session.store)))
        if not progress(2, steps):
            session.inform("The export was cancelled; no file was written.")
            return False
        write_atomically(path, text)
        progress(3, steps)
    except (PolicyTrackerError, OSError) as e:
        session.error(f"The export to {path.name} failed: {getattr(e, 'strerror', None) or e}.")
        return False
    finally:
        progress.close()
    win.statusBar().showMessage(f"Exported to {path}.", 8000)
    return True
