"""File dialogs that never open the files they list.

Qt's own file dialog (and the platform dialogs that run inside our process) work out each
listed file's icon and type from its content: they open and close the database, its `-wal`
and its `-shm` while the person browses the folder. On POSIX, that close drops every lock
SQLite holds on the file in this process, and another program may then checkpoint and delete
the WAL under us: saved changes are lost (see app/store/guard.py). So every dialog of the app
is Qt's widget dialog with an icon provider that decides icon and type from the name alone,
and a filter that keeps the database's `-wal`, `-shm` and `-journal` companions out of sight
(nobody opens those on purpose).
"""
from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

COMPANIONS = ("-wal", "-shm", "-journal")


class NameOnlyIconProvider(QtGui.QAbstractFileIconProvider):
    """Icons and type names from a file's name and kind only: the file is never opened."""

    def __init__(self):
        super().__init__()
        self._mime = QtCore.QMimeDatabase()
        style = QtWidgets.QApplication.style()
        self._folder = style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DirIcon)
        self._file = style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_FileIcon)
        self._drive = style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DriveHDIcon)
        self.setOptions(QtGui.QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)

    def icon(self, what):  # noqa: D401 - Qt's overloads: (IconType) or (QFileInfo)
        if isinstance(what, QtCore.QFileInfo):
            if what.isRoot():
                return self._drive
            return self._folder if what.isDir() else self._file
        if what == QtGui.QAbstractFileIconProvider.IconType.Folder:
            return self._folder
        if what == QtGui.QAbstractFileIconProvider.IconType.Drive:
            return self._drive
        return self._file

    def type(self, info: QtCore.QFileInfo) -> str:  # noqa: A003 - Qt's name
        if info.isDir():
            return "Folder"
        if info.suffix().lower() in ("sqlite", "sqlite3", "db"):
            return "Database"
        # MatchExtension: the type from the name's glob alone, never from the content
        mime = self._mime.mimeTypeForFile(info.fileName(), QtCore.QMimeDatabase.MatchMode.MatchExtension)
        return mime.comment() if mime.isValid() and not mime.isDefault() else "File"


class HideCompanions(QtCore.QSortFilterProxyModel):
    """Keeps SQLite's -wal, -shm and -journal files out of the list."""

    def filterAcceptsRow(self, row: int, parent: QtCore.QModelIndex | QtCore.QPersistentModelIndex) -> bool:  # noqa: N802 - Qt's name
        name = self.sourceModel().index(row, 0, parent).data()
        return not (isinstance(name, str) and name.endswith(COMPANIONS))


def make_dialog(parent: QtWidgets.QWidget | None, caption: str, directory: str | Path, name_filter: str,
                *, save: bool = False) -> QtWidgets.QFileDialog:
    """The app's file dialog: Qt's widget dialog that only ever reads names and sizes."""
    d = QtWidgets.QFileDialog(parent, caption, _start_in(directory), name_filter)
    d.setOption(QtWidgets.QFileDialog.Option.DontUseNativeDialog, True)
    d.setOption(QtWidgets.QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    d.setIconProvider(_provider())
    d.setProxyModel(HideCompanions(d))
    d.resize(900, 540)  # room for the name, size, type and date columns
    if save:
        d.setAcceptMode(QtWidgets.QFileDialog.AcceptMode.AcceptSave)
        d.setFileMode(QtWidgets.QFileDialog.FileMode.AnyFile)
    else:
        d.setFileMode(QtWidgets.QFileDialog.FileMode.ExistingFile)
    return d


_PROVIDER: NameOnlyIconProvider | None = None


def _provider() -> NameOnlyIconProvider:
    global _PROVIDER  # one per process: a dialog does not own its icon provider
    if _PROVIDER is None:
        _PROVIDER = NameOnlyIconProvider()
    return _PROVIDER


LAST_DIR_KEY = "dialogs/last_dir"


def _start_in(directory: str | Path) -> str:
    """Where a dialog opens: the folder last chosen in one, when the caller only offers the home folder."""
    directory = Path(directory) if str(directory) else Path.home()
    target = directory if directory.is_dir() else directory.parent
    if target == Path.home():
        last = QtCore.QSettings().value(LAST_DIR_KEY, "")
        if isinstance(last, str) and last and Path(last).is_dir():
            return str(Path(last) / directory.name) if directory != target else last
    return str(directory)


def _run(d: QtWidgets.QFileDialog) -> str:
    hook = _TEST_HOOK
    if hook is not None:
        chosen = hook(d)
    elif d.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        chosen = ""
    else:
        files = d.selectedFiles()
        chosen = files[0] if files else ""
    if chosen:
        QtCore.QSettings().setValue(LAST_DIR_KEY, str(Path(chosen).parent))
    return chosen


# Tests (and the two-window robustness child) set this to drive a real dialog without a person:
# it receives the dialog, shown or not, and returns the chosen path ("" for Cancel).
_TEST_HOOK = None


def get_open_file_name(parent: QtWidgets.QWidget | None, caption: str, directory: str | Path = "",
                       name_filter: str = "All files (*)") -> str:
    """Like QFileDialog.getOpenFileName, but safe beside an open database; '' when cancelled."""
    return _run(make_dialog(parent, caption, directory, name_filter))


def get_save_file_name(parent: QtWidgets.QWidget | None, caption: str, directory: str | Path = "",
                       name_filter: str = "All files (*)", default_suffix: str = "") -> str:
    """Like QFileDialog.getSaveFileName (asks before replacing a file); '' when cancelled."""
    d = make_dialog(parent, caption, directory, name_filter, save=True)
    if default_suffix:
        d.setDefaultSuffix(default_suffix)
    return _run(d)
