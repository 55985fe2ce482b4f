"""The app's file dialogs list a database's folder without opening the database's files."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from app.services import editing
from app.store import guard
from app.store.store import Store
from app.ui import file_dialogs


def _list(d: QtWidgets.QFileDialog, qtbot) -> list[str]:
    """Show the dialog until Qt listed the folder, then ask for every file's icon and type as Qt does."""
    model = d.findChild(QtWidgets.QFileSystemModel)
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        d.show()
    provider = d.iconProvider() or model.iconProvider()
    root = model.index(d.directory().absolutePath())
    names = []
    for r in range(model.rowCount(root)):
        info = model.fileInfo(model.index(r, 0, root))
        provider.icon(info)
        provider.type(info)
        names.append(info.fileName())
    view = d.findChild(QtWidgets.QListView, "listView")
    shown = [view.model().index(r, 0, view.rootIndex()).data() for r in range(view.model().rowCount(view.rootIndex()))]
    d.hide()
    return shown


@pytest.fixture
def open_db(seeded_path, monkeypatch):
    """A Store with only SQLite's own locks, so that any stray close would show in lost()."""
    monkeypatch.setattr(guard, "_OFD_SETLK", None)
    s = Store(seeded_path)
    editing.create_framework(s, "Leaves a WAL")
    (seeded_path.parent / "note.txt").write_text("a note\n", encoding="utf-8")
    yield s
    s.close()


def test_app_dialog_keeps_the_locks_and_hides_the_companions(open_db, qtbot):
    """Listing the folder in the app's dialog leaves SQLite's locks in place; -wal and -shm are not shown."""
    folder = open_db.path.parent
    assert Path(f"{open_db.path}-wal").exists() and Path(f"{open_db.path}-shm").exists()
    d = file_dialogs.make_dialog(None, "Add source document", folder, "All files (*)")
    qtbot.addWidget(d)
    shown = _list(d, qtbot)
    assert open_db.guarantees_lost() is None
    assert "seeded.sqlite" in shown and "note.txt" in shown
    assert not any(n.endswith(("-wal", "-shm")) for n in shown)
    assert d.iconProvider().type(QtCore.QFileInfo(str(open_db.path))) == "Database"


def test_qt_stock_dialog_drops_the_locks(open_db, qtbot):
    """The control: Qt's own dialog opens and closes the files, and the guard notices (this is what 0.1 shipped)."""
    d = QtWidgets.QFileDialog(None, "Add source document", str(open_db.path.parent))
    d.setOption(QtWidgets.QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(d)
    _list(d, qtbot)
    assert open_db.guarantees_lost() == ("This window's locks on seeded.sqlite were lost, so another program could "
                                         "overwrite your changes; saving has stopped.")


def test_every_dialog_of_the_window_is_the_safe_one(window, monkeypatch):
    """Open, New, Save a Copy, Add Source, Import and Export all go through app.ui.file_dialogs."""
    seen = []
    monkeypatch.setattr(file_dialogs, "_TEST_HOOK", lambda d: seen.append(
        (d.windowTitle(), isinstance(d.iconProvider(), file_dialogs.NameOnlyIconProvider),
         isinstance(d.proxyModel(), file_dialogs.HideCompanions))) or "")
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: pytest.fail("stock dialog"))
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("stock dialog"))
    window.open_database()
    window.new_database()
    window.save_copy()
    window.add_source_document()
    window.import_dialog("json")
    window.import_dialog("csv")
    window.export_dialog("json")
    window.export_dialog("csv")
    from app.reports.data import ReportOptions
    from app.reports.qt_actions import export_report
    export_report(window, window.session.store, "pdf", ReportOptions(),
                  choose_path=lambda c, s, f: file_dialogs.get_save_file_name(window, c, s, f, "pdf"))
    assert [t for t, _, _ in seen] == ["Open database", "New database", "Save a copy", "Add source document",
                                       "Import JSON", "Import CSV", "Export JSON", "Export CSV",
                                       "Export Report as PDF"]
    assert all(p and m for _, p, m in seen)


def test_dialogs_open_in_the_folder_last_chosen(window, tmp_path, monkeypatch):
    """After a file was chosen in /x, the next dialog that would open in the home folder opens in /x."""
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "note.txt").write_text("a note\n", encoding="utf-8")
    seen = []
    monkeypatch.setattr(file_dialogs, "_TEST_HOOK", lambda d: seen.append(d.directory().absolutePath())
                        or (str(folder / "note.txt") if len(seen) == 1 else ""))
    assert file_dialogs.get_open_file_name(window, "Add source document", Path.home()) == str(folder / "note.txt")
    file_dialogs.get_open_file_name(window, "Import JSON", Path.home())
    assert seen == [str(Path.home()), str(folder)]
    file_dialogs.get_open_file_name(window, "Open database", tmp_path)  # a folder given on purpose stands
    assert seen[-1] == str(tmp_path)
