"""The window's part of source editions (issue 15): File > Add New Edition…, View > Citations to
Check…, the count under the navigator, and the reader's edition picker with Compare Editions….

Kept out of the shared window modules: main_window calls `install(win)` once and
`with_check_count(win, navigator)` when it builds its panes; the reader builds an `EditionBar`.
Every change goes through the undo stack (OperationCommand over services.editions' operations).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from ..core import validation as v
from ..core.model import PolicyTrackerError, ValidationError
from ..services import editions as SE
from ..store import editions as E
from . import file_dialogs
from .commands import OperationCommand

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

SOURCE_FILTER = ("Source documents (*.pdf *.docx *.odt *.html *.htm *.txt *.md *.markdown *.text);;"
                 "All files (*)")


# -- File > Add New Edition… ------------------------------------------------------------------------
class EditionMetaDialog(QtWidgets.QDialog):
    """When the new edition was published, and a note on what changed."""

    def __init__(self, title: str, number: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add new edition")
        self.setAccessibleName("Add new edition")
        self.resize(520, 0)
        form = QtWidgets.QFormLayout(self)
        head = QtWidgets.QLabel(f"Edition {number} of “{title}”. Every earlier edition is kept; each citation "
                                f"is placed on its own words where that is certain, and the others wait in "
                                f"Citations to Check.")
        head.setTextFormat(Qt.TextFormat.PlainText)
        head.setWordWrap(True)
        form.addRow(head)
        self.published = QtWidgets.QLineEdit()
        self.published.setPlaceholderText("YYYY-MM-DD")
        self.published.setAccessibleName("Published on")
        self.note = QtWidgets.QLineEdit()
        self.note.setAccessibleName("What changed")
        form.addRow("&Published on:", self.published)
        form.addRow("&What changed:", self.note)
        self.error = QtWidgets.QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("", self.error)
        box = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                         | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)

    def accept(self) -> None:
        try:
            v.parse_date(self.published.text(), "published_on")
        except ValidationError as e:
            self.error.setText(str(e))
            return
        super().accept()

    def meta(self) -> dict:
        return {"published_on": self.published.text().strip() or None, "note": self.note.text().strip()}


def choose_source(win: Any) -> str | None:
    """The source the reader shows, else one the person picks from the file's sources."""
    rd = getattr(win, "reader", None)
    if rd is not None and rd.source_id:
        return rd.source_id
    sources = win.session.store.source_titles()
    if not sources:
        win.session.error("The file has no sources yet; add a source document first.")
        return None
    labels = [s["title"] for s in sources]
    label, ok = QtWidgets.QInputDialog.getItem(win, "Add new edition", "Source:", labels, 0, False)
    return sources[labels.index(label)]["id"] if ok else None


def add_edition_dialog(win: Any) -> str | None:
    sid = choose_source(win)
    if sid is None:
        return None
    name = file_dialogs.get_open_file_name(win, "Add new edition", Path.home(), SOURCE_FILTER)
    return add_edition_from(win, sid, Path(name)) if name else None


def add_edition_from(win: Any, source_id: str, path: Path, meta: dict | None = None) -> str | None:
    """Read a file off the window's thread (any format Add Source takes) and make it the newest
    edition of the source: one undoable step. Returns the summary sentence, or None."""
    from ..exchange.extract import extract  # here: it brings pdfium, python-docx, odfpy, trafilatura
    from ..exchange.extract.plain import MARKDOWN, TEXT
    from .import_worker import run_off_thread
    session: Session = win.session
    src = session.store.get_source(source_id)
    if src is None:
        session.error("That source is no longer in the file.")
        return None
    rows = E.citations_of(session.store, source_id)

    def read_and_place() -> tuple:
        # pure work, off the window's thread: read the file, then place every citation in its text
        got = extract(path)
        return got, SE.place_in_new_edition(src["text"], got.text, rows)
    try:
        win.statusBar().showMessage(f"Reading {path.name} and placing its {len(rows):,} citations…")
        got, placed = run_off_thread(read_and_place)
    except (PolicyTrackerError, OSError) as e:
        session.error(str(e))
        return None
    finally:
        win.statusBar().clearMessage()
    if meta is None:
        dlg = EditionMetaDialog(src["title"], E.newest(session.store, source_id) + 1, win)
        if not dlg.exec():
            return None
        meta = dlg.meta()
    original = None if got.media_type in (TEXT, MARKDOWN) else got.original()
    cmd = OperationCommand(session, SE.AddEdition(source_id, got.text, meta.get("published_on"),
                                                  meta.get("note") or "", original, placed=placed))
    if not session.push(cmd):
        return None
    assert cmd.outcome is not None
    sentence = SE.summary_sentence(src["title"], cmd.outcome.result)
    win.statusBar().showMessage(sentence, 12000)
    return sentence


# -- Citations to Check -----------------------------------------------------------------------------
def open_citations_to_check(win: Any) -> QtWidgets.QDialog:
    from .citations_to_check import CitationsToCheck
    view = getattr(win, "_citations_view", None)
    if view is None or view.session is not win.session:
        if view is not None:
            view.close()
            view.deleteLater()
        view = CitationsToCheck(win.session, lambda: getattr(win, "reader", None), win)
        win._citations_view = view
    view.refresh()
    view.show()
    view.raise_()
    return view


class CheckCount(QtWidgets.QPushButton):
    """"N citations to check" under the navigator; hidden while there are none."""

    def __init__(self, win: Any):
        super().__init__()
        self.win = win
        self.setObjectName("citationsToCheckCount")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("QPushButton#citationsToCheckCount { text-align: left; color: #b71c1c; "
                           "font-weight: 600; padding: 4px; }")
        self.clicked.connect(lambda: open_citations_to_check(self.win))
        win.session.changed.connect(lambda _c: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        n = E.count_to_check(self.win.session.store)
        self.count = n
        self.setText(f"⚠ {n} citation{'s' if n != 1 else ''} to check")
        self.setAccessibleName(self.text())
        self.setToolTip("Citations a new edition of their source left in doubt: open the list to decide")
        self.setVisible(n > 0)


def with_check_count(win: Any, navigator: QtWidgets.QWidget) -> QtWidgets.QWidget:
    """The navigator with the count of citations to check under it (built for each file the window
    opens: a Citations to Check window left open on the file before closes)."""
    old = getattr(win, "_citations_view", None)
    if old is not None and old.session is not win.session:
        old.close()
        old.deleteLater()
        win._citations_view = None
    box = QtWidgets.QWidget()
    lay = QtWidgets.QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(navigator, 1)
    win.check_count = CheckCount(win)
    lay.addWidget(win.check_count)
    return box


def install(win: Any) -> None:
    """Add the actions to the File and View menus (once, when the window builds its menus)."""
    from .main_actions import action
    win.act_add_edition = action(win, "Add New &Edition…", lambda: add_edition_dialog(win), None, "addEdition",
                                 "Add a newer edition of the source shown in the reader; its citations follow it")
    win.act_citations_to_check = action(win, "Citations to C&heck…", lambda: open_citations_to_check(win), None,
                                        "citationsToCheck", "The citations a new edition left for you to check")
    menus = {a.text().replace("&", ""): a.menu() for a in win.menuBar().actions() if a.menu() is not None}
    file_menu, view_menu = menus.get("File"), menus.get("View")
    if isinstance(file_menu, QtWidgets.QMenu):
        acts = file_menu.actions()
        after = acts.index(win.act_add_source) + 1 if win.act_add_source in acts else len(acts)
        if after < len(acts):
            file_menu.insertAction(acts[after], win.act_add_edition)
        else:
            file_menu.addAction(win.act_add_edition)
    if isinstance(view_menu, QtWidgets.QMenu):
        view_menu.addSeparator()
        view_menu.addAction(win.act_citations_to_check)


# -- the reader's edition picker -----------------------------------------------------------------------
class EditionBar(QtWidgets.QWidget):
    """Which edition the reader shows (hidden for a source with one) and Compare Editions…."""

    def __init__(self, reader: Any):
        super().__init__(reader)
        self.reader = reader
        self.pick = QtWidgets.QComboBox(self)
        self.pick.setAccessibleName("Edition")
        self.pick.setToolTip("Show an earlier edition of this source (citations are made in the newest)")
        self.compare_button = QtWidgets.QToolButton(self)
        self.compare_button.setText("Compare…")
        self.compare_button.setAccessibleName("Compare editions")
        self.compare_button.setToolTip("Two editions side by side, the changed words marked")
        self.compare_button.clicked.connect(self.open_compare)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.pick)
        lay.addWidget(self.compare_button)
        self.pick.currentIndexChanged.connect(self._picked)
        self.compare: QtWidgets.QDialog | None = None
        self.hide()

    def source_loaded(self, source_id: str) -> None:
        eds = E.editions(self.reader.session.store, source_id)
        with QtCore.QSignalBlocker(self.pick):
            self.pick.clear()
            for e in eds:
                newest = " (newest)" if e is eds[-1] else ""
                self.pick.addItem(f"Edition {e['edition']}{newest}"
                                  + (f", {e['published_on']}" if e["published_on"] else ""), e["edition"])
            self.pick.setCurrentIndex(len(eds) - 1)
        self.setVisible(len(eds) > 1)

    def _picked(self, index: int) -> None:
        number = self.pick.itemData(index)
        newest = self.pick.itemData(self.pick.count() - 1)
        self.reader.show_edition(None if number == newest else number)

    def open_compare(self) -> QtWidgets.QDialog | None:
        from .edition_compare import EditionCompare
        sid = self.reader.source_id
        if sid is None:
            return None
        shown = self.pick.currentData()
        newest = self.pick.itemData(self.pick.count() - 1)
        old = shown if shown != newest else newest - 1
        self.compare = EditionCompare(self.reader.session, sid, self.window(), old=old, new=newest)
        self.compare.show()
        return self.compare


def earlier_edition_format() -> QtGui.QTextCharFormat:
    """How a citation's place in an earlier edition is marked in the reader."""
    fmt = QtGui.QTextCharFormat()
    fmt.setBackground(QtGui.QColor("#fff3c4"))
    fmt.setForeground(QtGui.QColor("#000000"))
    fmt.setUnderlineStyle(QtGui.QTextCharFormat.UnderlineStyle.DotLine)
    return fmt
