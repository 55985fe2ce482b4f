"""Imports in the window: read and checked off the window's thread, written on it, with Cancel."""
from __future__ import annotations

import json
import threading

from PySide6 import QtCore

from app.exchange import jsonio
from app.ui import file_ops


def _colleague_doc(store, n: int = 3) -> dict:
    doc = jsonio.export_document(store)
    base = doc["items"][0]
    doc["items"] = [dict(base, id=f"00000000-0000-4000-8000-{i:012d}", ref=f"C-{i}", title=f"From a colleague {i}",
                         citations=[], status_updates=[], observations=[], target=None, parent_id=None)
                    for i in range(n)]
    doc["relations"] = []
    return doc


def test_checking_runs_on_a_worker_and_writing_on_the_window_thread(window, tmp_path, monkeypatch):
    """prepare_import runs on another thread with its own connection; the write runs on the window's."""
    path = tmp_path / "colleague.json"
    path.write_text(json.dumps(_colleague_doc(window.session.store)), encoding="utf-8")
    seen: dict[str, object] = {}
    real_prepare, real_import = jsonio.prepare_import, jsonio.import_document

    def prepare(store, doc, progress=None, cancelled=None):
        seen["prepare_thread"] = threading.get_ident()
        seen["prepare_store_is_windows"] = store is window.session.store
        return real_prepare(store, doc, progress, cancelled)

    def import_document(store, doc, progress=None):
        seen["write_thread"] = threading.get_ident()
        seen["write_store_is_windows"] = store is window.session.store
        return real_import(store, doc, progress)

    monkeypatch.setattr(jsonio, "prepare_import", prepare)
    monkeypatch.setattr(jsonio, "import_document", import_document)
    n = window.session.store.count_items()
    assert file_ops.import_file(window, path, "json") is not None
    assert seen["prepare_thread"] != threading.get_ident()
    assert seen["prepare_store_is_windows"] is False
    assert seen["write_thread"] == threading.get_ident()
    assert seen["write_store_is_windows"] is True
    assert window.session.store.count_items() == n + 3
    assert window.session.undo_stack.undoText() == "Import colleague.json"


def test_the_window_keeps_running_while_a_document_is_checked(window, tmp_path, monkeypatch):
    """A timer on the window's thread fires while the worker is still checking (it waits for that timer)."""
    path = tmp_path / "colleague.json"
    path.write_text(json.dumps(_colleague_doc(window.session.store)), encoding="utf-8")
    fired = threading.Event()
    real_prepare = jsonio.prepare_import

    def prepare(store, doc, progress=None, cancelled=None):
        # finishes only once the window's event loop has run the timer below: were the check on the
        # window's thread, the timer could not fire and this would give up and fail the import
        if not fired.wait(timeout=30):
            raise AssertionError("the window's event loop did not run while the document was checked")
        return real_prepare(store, doc, progress, cancelled)

    monkeypatch.setattr(jsonio, "prepare_import", prepare)
    QtCore.QTimer.singleShot(0, fired.set)
    assert file_ops.import_file(window, path, "json") is not None
    assert fired.is_set()


def test_cancel_while_checking_changes_nothing(window, tmp_path, answers):
    """Cancel pressed during the check stops the worker; nothing is written and no undo step is added."""
    doc = _colleague_doc(window.session.store, n=400)
    source = doc["sources"][0]
    for i, it in enumerate(doc["items"]):  # quotes to place, so the check reports progress
        it["citations"] = [{"id": f"00000000-0000-4000-9000-{i:012d}", "source_id": source["id"],
                            "quote": source["text"][10:40]}]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    n, steps = window.session.store.count_items(), window.session.undo_stack.count()
    calls: list[int] = []

    def hook(progress):
        real_show = progress.show

        def show(done, total):
            calls.append(done)
            progress.cancel_after = 0
            return real_show(done, total)
        progress.show = show

    assert file_ops.import_file(window, path, "json", progress_hook=hook) is None
    assert calls[0] < 400  # cancelled at the first report, before every quote was placed
    assert answers.infos[-1] == "The import was cancelled; nothing was changed."
    assert window.session.store.count_items() == n
    assert window.session.undo_stack.count() == steps


def test_a_bad_document_is_one_sentence_and_no_progress_box_stays(window, tmp_path, answers):
    """A document the check refuses is reported once; the progress box is gone before the message."""
    path = tmp_path / "bad.json"
    path.write_text('{"format": "policy-tracker", "items": 5}', encoding="utf-8")
    n = window.session.store.count_items()
    assert file_ops.import_file(window, path, "json") is None
    assert len(answers.errors) == 1
    assert answers.errors[0].startswith("bad.json was not imported: ")
    assert window.session.store.count_items() == n
    from PySide6 import QtWidgets
    assert [d for d in window.findChildren(QtWidgets.QProgressDialog) if d.isVisible()] == []


def test_a_result_ready_before_the_wait_begins_is_not_missed(qtbot, monkeypatch):
    """The worker finishes before the window's thread starts waiting: the answer still arrives.

    Release 0.2's CI hung here: PySide6 ran the plain function connected to the worker's signal on
    the worker's thread, which quit the window's event loop before it had started, and the window
    then waited for ever while adding a source. The wait below begins only after the worker has
    emitted its answer; a bound (not a pause) ends it if the answer was lost, and the test fails.
    """
    from app.ui import import_worker
    emitted = threading.Event()
    real_run = import_worker._Worker.run

    def run(self):
        real_run(self)
        emitted.set()

    class LateLoop(QtCore.QEventLoop):
        def exec(self, *args):
            assert emitted.wait(timeout=30), "the worker did not finish"
            QtCore.QTimer.singleShot(5_000, self.quit)  # a bound: reached only if the answer was lost
            return super().exec(*args)

    monkeypatch.setattr(import_worker._Worker, "run", run)
    monkeypatch.setattr(import_worker.QtCore, "QEventLoop", LateLoop)
    assert import_worker.run_off_thread(lambda: "read") == "read"


def test_progress_is_shown_on_the_window_thread(window, tmp_path):
    """The progress dialog is a widget: it is only ever touched from the window's thread."""
    from app.ui import import_worker
    doc = _colleague_doc(window.session.store, n=5)
    source = doc["sources"][0]
    for i, it in enumerate(doc["items"]):
        it["citations"] = [{"id": f"00000000-0000-4000-9000-{i:012d}", "source_id": source["id"],
                            "quote": source["text"][10:40]}]
    path = tmp_path / "five.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    threads: list[int] = []

    def on_progress(done: int, total: int) -> bool:
        threads.append(threading.get_ident())
        return True

    prepared = import_worker.prepare_off_thread(window.session.store.path, path, on_progress)
    assert len(prepared.document["items"]) == 5
    assert threads and set(threads) == {threading.get_ident()}
