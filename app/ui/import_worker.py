"""Read and check an exchange document off the window's thread, with progress and Cancel.

The slow part of an import is reading the file, checking it against the database and placing
its quotes in their sources (`jsonio.prepare_import`): none of it writes. It runs on a worker
thread with a connection of its own (an sqlite3 connection is never shared between threads
here), while the window keeps painting and its progress dialog's Cancel stays live. Only the
short write that follows runs on the window's thread, in the window's own store: if the file
changed meanwhile, that write checks the document again inside its transaction (jsonio keeps
the quotes already placed), so nothing prepared against an older file is written blindly.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from PySide6 import QtCore


class _Worker(QtCore.QObject):
    progressed = QtCore.Signal(int, int)
    finished = QtCore.Signal(object, object)  # (prepared document or None, exception or None)

    def __init__(self, db_path: Path, doc_path: Path, cancel: threading.Event):
        super().__init__()
        self._db_path, self._doc_path, self._cancel = db_path, doc_path, cancel

    @QtCore.Slot()
    def run(self) -> None:
        from ..exchange import jsonio
        from ..store.store import Store
        prepared: Any = None
        error: BaseException | None = None
        try:
            doc = jsonio.load_file(self._doc_path)
            if self._cancel.is_set():
                raise jsonio.ImportCancelled()
            store = Store(self._db_path, create=False)
            try:
                prepared = jsonio.prepare_import(store, doc, self._progress, self._cancel.is_set)
            finally:
                store.close()
        except BaseException as e:  # handed to the window's thread, which decides what to say
            error = e
        self.finished.emit(prepared, error)

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()


def prepare_off_thread(db_path: Path, doc_path: Path, on_progress: Callable[[int, int], bool]) -> Any:
    """Read and prepare `doc_path` for the database at `db_path` on a worker thread.

    Returns the `jsonio.Prepared` document; raises what reading or checking raised (a
    PolicyTrackerError for a bad file, jsonio.ImportCancelled when `on_progress` returned False).
    The caller's thread runs a local event loop meanwhile, so windows repaint and Cancel works.
    """
    cancel = threading.Event()
    thread = QtCore.QThread()
    worker = _Worker(Path(db_path), Path(doc_path), cancel)
    worker.moveToThread(thread)
    loop = QtCore.QEventLoop()
    result: dict[str, Any] = {}

    def progressed(done: int, total: int) -> None:
        if on_progress(done, total) is False:
            cancel.set()

    def finished(prepared: Any, error: BaseException | None) -> None:
        result.update(prepared=prepared, error=error)
        loop.quit()

    worker.progressed.connect(progressed, QtCore.Qt.ConnectionType.QueuedConnection)
    worker.finished.connect(finished, QtCore.Qt.ConnectionType.QueuedConnection)
    thread.started.connect(worker.run)
    thread.start()
    try:
        if "error" not in result:
            loop.exec()
    finally:
        cancel.set()  # the window is closing under us, or we are done: the worker stops at its next check
        thread.quit()
        thread.wait()
        worker.deleteLater()
    if result.get("error") is not None:
        raise result["error"]
    return result["prepared"]


class _Call(QtCore.QObject):
    finished = QtCore.Signal(object, object)  # (result or None, exception or None)

    def __init__(self, fn: Callable[[], Any]):
        super().__init__()
        self._fn = fn

    @QtCore.Slot()
    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._fn()
        except BaseException as e:  # handed to the window's thread
            error = e
        self.finished.emit(result, error)


def run_off_thread(fn: Callable[[], Any]) -> Any:
    """Run `fn` (pure work: no database, no widgets) on a worker thread; return or raise what it did.

    The caller's thread runs a local event loop meanwhile, so the window repaints (e.g. while a
    long PDF's text is read). Used for reading a source file before it is added.
    """
    thread = QtCore.QThread()
    call = _Call(fn)
    call.moveToThread(thread)
    loop = QtCore.QEventLoop()
    result: dict[str, Any] = {}

    def finished(value: Any, error: BaseException | None) -> None:
        result.update(value=value, error=error)
        loop.quit()

    call.finished.connect(finished, QtCore.Qt.ConnectionType.QueuedConnection)
    thread.started.connect(call.run)
    thread.start()
    try:
        loop.exec()
    finally:
        thread.quit()
        thread.wait()
        call.deleteLater()
    if result.get("error") is not None:
        raise result["error"]
    return result["value"]
