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

_Work = Callable[[Callable[[int, int], bool], Callable[[], bool]], Any]


class _Worker(QtCore.QObject):
    """Runs `fn(progress, cancelled)` on the worker thread; `progress(done, total)` reports and
    returns False once the caller asked to stop, as `cancelled()` then returns True."""
    progressed = QtCore.Signal(int, int)
    finished = QtCore.Signal(object, object)  # (result or None, exception or None)

    def __init__(self, fn: _Work, cancel: threading.Event):
        super().__init__()
        self._fn, self._cancel = fn, cancel

    @QtCore.Slot()
    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._fn(self._progress, self._cancel.is_set)
        except BaseException as e:  # handed to the caller's thread, which decides what to say
            error = e
        self.finished.emit(result, error)

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()


class _Receiver(QtCore.QObject):
    """Lives on the caller's thread, so the worker's signals reach it there, queued.

    PySide6 runs a plain Python function connected to a signal in the *sender's* thread, even with
    a queued connection: the worker would then quit the caller's event loop before the caller had
    started it, and the caller would wait for ever (CI hung so in the two-windows test). Slots of
    an object that lives on the caller's thread are run by the caller's event loop, after it began.
    """

    def __init__(self, loop: QtCore.QEventLoop, on_progress: Callable[[int, int], bool] | None,
                 cancel: threading.Event):
        super().__init__()
        self._loop, self._on_progress, self._cancel = loop, on_progress, cancel
        self.result: dict[str, Any] = {}

    @QtCore.Slot(int, int)
    def progressed(self, done: int, total: int) -> None:
        if self._on_progress is not None and self._on_progress(done, total) is False:
            self._cancel.set()

    @QtCore.Slot(object, object)
    def finished(self, value: Any, error: BaseException | None) -> None:
        self.result.update(value=value, error=error)
        self._loop.quit()


def _run(fn: _Work, on_progress: Callable[[int, int], bool] | None = None) -> Any:
    """Run `fn(progress, cancelled)` on a new thread while this thread runs a local event loop; return or
    raise what `fn` did. `on_progress` runs on this thread; returning False asks `fn` to stop."""
    cancel = threading.Event()
    thread = QtCore.QThread()
    worker = _Worker(fn, cancel)
    worker.moveToThread(thread)
    loop = QtCore.QEventLoop()
    receiver = _Receiver(loop, on_progress, cancel)
    worker.progressed.connect(receiver.progressed)
    worker.finished.connect(receiver.finished)
    thread.started.connect(worker.run)
    thread.start()
    try:
        loop.exec()  # `finished` can only be delivered by this loop, so it cannot be missed
    finally:
        cancel.set()  # the window is closing under us, or we are done: the worker stops at its next check
        thread.quit()
        thread.wait()
        worker.deleteLater()
    if receiver.result.get("error") is not None:
        raise receiver.result["error"]
    return receiver.result.get("value")


def prepare_off_thread(db_path: Path, doc_path: Path, on_progress: Callable[[int, int], bool]) -> Any:
    """Read and prepare `doc_path` for the database at `db_path` on a worker thread.

    Returns the `jsonio.Prepared` document; raises what reading or checking raised (a
    PolicyTrackerError for a bad file, jsonio.ImportCancelled when `on_progress` returned False).
    The caller's thread runs a local event loop meanwhile, so windows repaint and Cancel works.
    """
    db_path, doc_path = Path(db_path), Path(doc_path)

    def prepare(progress: Callable[[int, int], bool], cancelled: Callable[[], bool]) -> Any:
        from ..exchange import jsonio
        from ..store.store import Store
        doc = jsonio.load_file(doc_path)
        if cancelled():
            raise jsonio.ImportCancelled()
        store = Store(db_path, create=False)
        try:
            return jsonio.prepare_import(store, doc, progress, cancelled)
        finally:
            store.close()

    return _run(prepare, on_progress)


def run_off_thread(fn: Callable[[], Any]) -> Any:
    """Run `fn` (pure work: no database, no widgets) on a worker thread; return or raise what it did.

    The caller's thread runs a local event loop meanwhile, so the window repaints (e.g. while a
    long PDF's text is read). Used for reading a source file before it is added.
    """
    return _run(lambda _progress, _cancelled: fn())
