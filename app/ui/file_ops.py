"""The File menu's work: opening, creating, copying, restoring and backing up the file; adding a
source; importing and exporting with progress; the report actions.

`FileMenu` holds the menu's slots and is mixed into the main window (which supplies the session,
`set_store`, the reader and the status bar). The functions take the window as a `FileWindow` and
report through the session's message seam, so a refusal is one sentence and nothing is
half-written. Nothing here imports the main window: it is built on top of this module.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol, cast

from PySide6 import QtCore, QtWidgets

from ..core.model import PolicyTrackerError
from ..services import sources as source_service
from ..store.db import DatabaseOpenError, SchemaTooNewError
from ..store.store import Store
from . import commands as cmds
from . import file_dialogs
from .dialogs import SourceMetaDialog

if TYPE_CHECKING:  # pragma: no cover
    from ..exchange import jsonio
    from .session import Session

MAX_RECENT = 8
DB_FILTER = "Policy Tracker files (*.sqlite *.sqlite3 *.db);;All files (*)"


class FileWindow(Protocol):
    """What the functions here use of the window (a QWidget, also the parent of their dialogs)."""

    session: Session

    def statusBar(self) -> QtWidgets.QStatusBar: ...  # noqa: N802 - Qt's name


def open_offering_backup(path: Path, confirm: Callable[[str], bool], *, create: bool = False) -> Store:
    """Open a file; if it is damaged and a good backup exists, offer to restore that backup.

    `confirm(question) -> bool` asks the person. A file written by a newer version is never
    replaced by an older backup. Raises the original error when nothing is restored.
    """
    try:
        return Store(path, create=create)
    except DatabaseOpenError as e:
        if e.backup is None or isinstance(e, SchemaTooNewError):
            raise
        question = (f"{e}\n\nRestore the newest good backup, {Path(e.backup).name}? "
                    f"The damaged file is kept beside it.")
        if not confirm(question):
            raise
        from ..services.backups import restore_backup
        restore_backup(Path(e.backup), path)
        return Store(path, create=False)


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
        self.closed = False

    def __call__(self, done: int, total: int) -> bool:
        """For work on the window's own thread: show progress and let Cancel be pressed."""
        self.show(done, total)
        QtWidgets.QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def show(self, done: int, total: int) -> bool:
        """For work on another thread: the window's event loop is already running."""
        self.calls += 1
        if self.cancel_after is not None and self.calls > self.cancel_after:
            self.dialog.cancel()
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.dialog.reset()
        self.dialog.close()
        self.dialog.deleteLater()


def import_file(win: FileWindow, path: Path, kind: str,
                progress_hook: Callable[[Progress], None] | None = None) -> jsonio.ImportReport | None:
    """Import a JSON document or a CSV sheet as one undoable step; Cancel rolls it all back.

    A JSON document is read, checked and its quotes placed on a worker thread (import_worker),
    the window staying live with Cancel; then it is written in one short transaction here.
    """
    from ..exchange import csvio, jsonio  # here, not at start-up: they bring the anchoring engine
    from .import_worker import prepare_off_thread
    session = win.session
    progress = Progress(cast(QtWidgets.QWidget, win), f"Importing {path.name}…")
    if progress_hook:
        progress_hook(progress)
    try:
        try:  # read, shape and check the file first: a bad file is refused before anything is locked
            if kind == "csv":
                doc, importer = csvio.read_sheet(session.store, path), csvio.sheet_importer(path.name)
            else:
                progress.dialog.setLabelText(f"Reading and checking {path.name}…")
                doc = prepare_off_thread(session.store.path, path, progress.show)
                importer = jsonio.import_document
                progress.dialog.setLabelText(f"Importing {path.name}…")
        except jsonio.ImportCancelled:
            raise
        except (PolicyTrackerError, OSError) as e:
            progress.close()  # never over the message
            session.error(f"{path.name} was not imported: {e}")
            return None
        cmd = cmds.ImportDocument(session, doc, importer, f"Import {path.name}", progress)
        ok = session.push(cmd)
    except jsonio.ImportCancelled:
        progress.close()
        session.inform("The import was cancelled; nothing was changed.")
        return None
    finally:
        progress.close()
    if not ok:
        return None
    assert cmd.outcome is not None  # a pushed command has run
    report = cmd.outcome.result
    session.inform(f"Imported {path.name}. {report.summary()} Edit > Undo takes the whole import back.")
    return report


def export_file(win: FileWindow, path: Path, kind: str) -> bool:
    """Export the whole file as JSON (lossless) or CSV (items), written atomically."""
    from ..exchange import csvio, jsonio
    from ..exchange.atomic import write_atomically
    session = win.session
    progress = Progress(cast(QtWidgets.QWidget, win), f"Exporting to {path.name}…")
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


class FileMenu:
    """The File menu's slots, mixed into the main window.

    The window supplies `session`, `set_store(store)`, `reader`, `recent_menu` and
    `statusBar()`; it is also the parent of every dialog opened here.
    """

    if TYPE_CHECKING:  # supplied by the window; nothing here may shadow QMainWindow's own
        session: Session
        reader: Any
        recent_menu: QtWidgets.QMenu

        def set_store(self, store: Store) -> None: ...

        def statusBar(self) -> QtWidgets.QStatusBar: ...  # noqa: N802 - Qt's name

    @property
    def _dialog_parent(self) -> QtWidgets.QWidget:
        """The window this is mixed into, as the parent of the dialogs opened here."""
        return cast(QtWidgets.QWidget, self)

    # -- the open file ----------------------------------------------------------------------------
    def open_path(self, path: Path) -> bool:
        path = Path(path)
        if path.resolve() == self.session.store.path.resolve():
            return True
        try:
            store = open_offering_backup(path, self.session.confirm)
        except (PolicyTrackerError, OSError) as e:
            self.session.error(f"{path.name} could not be opened: {e}")
            return False
        self.set_store(store)
        return True

    def new_database(self) -> None:
        name = file_dialogs.get_save_file_name(self._dialog_parent, "New database",
                                              Path.home() / "policy-tracker.sqlite", DB_FILTER, "sqlite")
        if name:
            self.create_database(Path(name))

    def create_database(self, path: Path) -> bool:
        if path.exists():
            self.session.error(f"{path.name} already exists; choose a new name for the new database.")
            return False
        try:
            store = Store(path, create=True)
        except (PolicyTrackerError, OSError) as e:
            self.session.error(f"The database could not be created: {e}")
            return False
        self.set_store(store)
        return True

    def open_database(self) -> None:
        name = file_dialogs.get_open_file_name(self._dialog_parent, "Open database", self.session.store.path.parent,
                                              DB_FILTER)
        if name:
            self.open_path(Path(name))

    def recent_files(self) -> list[str]:
        v = QtCore.QSettings().value("recent", [])
        return [str(x) for x in (v if isinstance(v, list) else [v] if v else [])]

    def _remember_recent(self, path: Path) -> None:
        p = str(Path(path).resolve())
        recent = [p] + [r for r in self.recent_files() if r != p]
        QtCore.QSettings().setValue("recent", recent[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        current = str(self.session.store.path.resolve())
        entries = [r for r in self.recent_files() if r != current]
        for r in entries:
            a = self.recent_menu.addAction(r.replace("&", "&&"))
            a.triggered.connect(lambda _c=False, p=r: self.open_path(Path(p)))
            a.setEnabled(Path(r).exists())
        if not entries:
            self.recent_menu.addAction("No other recent files").setEnabled(False)

    def save_copy(self) -> None:
        stem = self.session.store.path.stem
        name = file_dialogs.get_save_file_name(self._dialog_parent, "Save a copy",
                                              self.session.store.path.with_name(f"{stem}-copy.sqlite"),
                                              DB_FILTER, "sqlite")
        if name:
            self.save_copy_to(Path(name))

    def save_copy_to(self, dest: Path) -> bool:
        if dest.resolve() == self.session.store.path.resolve():
            self.session.error("A copy cannot replace the open file itself; choose another name.")
            return False
        try:
            self.session.store.backup_to(dest)
        except (PolicyTrackerError, OSError) as e:
            self.session.error(f"The copy could not be saved: {e}")
            return False
        self.statusBar().showMessage(f"Saved a copy as {dest}.", 8000)
        return True

    def restore_from_backup(self, backup: Path | None = None) -> bool:
        """Replace the open file's content with a verified backup (the current file is kept aside)."""
        from ..services.backups import list_backups, restore_backup
        path = self.session.store.path
        if backup is None:
            found = list_backups(path)
            if not found:
                self.session.inform("There are no backups of this file yet.")
                return False
            labels = [f"{b.taken_at:%Y-%m-%d %H:%M:%S}  ({b.size / 1024:,.0f} KB)  {b.path.name}" for b in found]
            label, ok = QtWidgets.QInputDialog.getItem(self._dialog_parent, "Restore from backup", "Backup to restore:",
                                                       labels, 0, False)
            if not ok:
                return False
            backup = found[labels.index(label)].path
        if not self.session.confirm(f"Replace the content of {path.name} with the backup {Path(backup).name}? "
                                    f"The current file is kept beside it, and Undo history is cleared."):
            return False
        try:
            restore_backup(Path(backup), path)
            store = Store(path, create=False)
        except (PolicyTrackerError, OSError) as e:
            self.session.error(f"The backup could not be restored: {e}")
            return False
        self.set_store(store)
        self.statusBar().showMessage(f"Restored {path.name} from {Path(backup).name}.", 8000)
        return True

    # -- sources, import and export -------------------------------------------------------------
    def add_source_document(self) -> None:
        name = file_dialogs.get_open_file_name(
            self._dialog_parent, "Add source document", Path.home(),
            "Source documents (*.pdf *.docx *.odt *.html *.htm *.txt *.md *.markdown *.text);;"
            "PDF (*.pdf);;Word (*.docx);;OpenDocument text (*.odt);;Saved web page (*.html *.htm);;"
            "Text or Markdown (*.txt *.md *.markdown *.text);;All files (*)")
        if name:
            self.add_source_from(Path(name))

    def add_source_from(self, path: Path, meta: dict | None = None) -> str | None:
        """Read a PDF, Word, ODT, web page, text or Markdown file (refusals in one sentence, nothing
        stored) and add it as a source, its original file kept beside the text."""
        from ..exchange.extract import extract  # here: it brings pdfium, python-docx, odfpy, trafilatura
        from ..exchange.extract.plain import MARKDOWN, TEXT
        from .import_worker import run_off_thread
        try:
            self.statusBar().showMessage(f"Reading {path.name}…")
            got = run_off_thread(lambda: extract(path))  # a long PDF takes seconds: the window stays live
        except (PolicyTrackerError, OSError) as e:
            self.session.error(str(e))
            return None
        finally:
            self.statusBar().clearMessage()
        if meta is None:
            title = got.title or source_service.default_title(got.text, path.stem)
            dlg = SourceMetaDialog(title[:200], self._dialog_parent)
            if not dlg.exec():
                return None
            meta = dlg.meta()
        meta = {k: val for k, val in meta.items() if val}
        original = None if got.media_type in (TEXT, MARKDOWN) else got.original()
        cmd = cmds.AddSource(self.session, got.text, original=original, **meta)
        if not self.session.push(cmd):
            return None
        if self.reader is not None:
            self.reader.show_source(cmd.source_id)
        pages = f" ({len(got.pages)} pages)" if got.pages else ""
        self.statusBar().showMessage(f"Added {path.name}{pages} as a source.", 8000)
        return cmd.source_id

    def import_dialog(self, kind: str) -> None:
        flt = "CSV sheets (*.csv)" if kind == "csv" else "Policy Tracker JSON (*.json)"
        name = file_dialogs.get_open_file_name(self._dialog_parent, f"Import {kind.upper()}", Path.home(),
                                              flt + ";;All files (*)")
        if name:
            import_file(self, Path(name), kind)

    def export_dialog(self, kind: str) -> None:
        stem = self.session.store.path.stem
        flt = "CSV sheets (*.csv)" if kind == "csv" else "Policy Tracker JSON (*.json)"
        name = file_dialogs.get_save_file_name(self._dialog_parent, f"Export {kind.upper()}",
                                              Path.home() / f"{stem}.{kind}", flt, kind)
        if name:
            export_file(self, Path(name), kind)

    def backup_if_changed(self) -> Path | None:
        """Write a verified backup if the file changed since the last one; report failure once."""
        from ..services.backups import maybe_backup
        if self.session.store.in_write:
            return None  # e.g. an import is running its progress dialog: the timer comes back
        try:
            path = maybe_backup(self.session.store)
        except PolicyTrackerError as e:
            self.statusBar().showMessage(f"Backup failed: {e}")
            return None
        if path is not None:
            self.statusBar().showMessage(f"Backed up to {path}", 5000)
        return path

    # -- reports ------------------------------------------------------------------------------------
    # app.reports.qt_actions is imported when first asked for: printing support stays out of start-up
    def print_preview(self) -> None:
        from ..reports import qt_actions
        qt_actions.print_preview(self, self.session.store)

    def print_report(self) -> None:
        from ..reports import qt_actions
        qt_actions.print_report(self, self.session.store)

    def export_report(self, fmt: str) -> None:
        from ..reports import qt_actions
        qt_actions.export_report(self, self.session.store, fmt, choose_path=lambda caption, suggested, flt:
                                 file_dialogs.get_save_file_name(self._dialog_parent, caption, suggested, flt, fmt))
