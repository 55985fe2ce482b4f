"""The crosswalk: one framework's items (rows, tree order) against another's (columns).

Each cell shows the typed relations between its two items, in either direction: "Aligns with →"
when the row item points at the column item, "← Supports" when the column item supports the row
item. Clicking a cell (or Enter) opens `CellDialog`, where each relation kind can be set, pointed
either way and given a note; the edit is one undoable step (app/services/crosswalk.py turns it into
RemoveRelation/AddRelation). Export writes the matrix as CSV or Excel (app/exchange/crosswalk_export.py,
the same table as `policy-tracker crosswalk`). The SQL is in app/store/crosswalk_queries.py.
"""
from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from ..core.model import Changes, PolicyTrackerError
from ..store.crosswalk_queries import Crosswalk, crosswalk
from .session import Session

Qt = QtCore.Qt
SETTINGS_KEY = "crosswalk/pair"
RelationRole = Qt.ItemDataRole.UserRole + 1  # the cell's relation dicts
FIT_ROWS_CELLS = 20_000  # up to this many cells, rows are sized to their contents


def heading(item: dict) -> str:
    return f"{item['ref']} {item['title']}".strip() if item.get("ref") else item["title"]


class CrosswalkModel(QtCore.QAbstractTableModel):
    """The matrix of a Crosswalk: rows A's items, columns B's, cells the relations (ids kept, never text)."""

    def __init__(self, session: Session, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.cw: Crosswalk | None = None
        self._labels: dict[str, str] = {}

    def set_pair(self, framework_a: str | None, framework_b: str | None) -> None:
        store = self.session.store
        a = store.get_framework(framework_a) if framework_a else None
        b = store.get_framework(framework_b) if framework_b else None
        self.beginResetModel()
        self.cw = crosswalk(store.conn, a, b) if a and b and a["id"] != b["id"] else None
        self._labels = {k["key"]: k["label"] for k in self.cw.kinds} if self.cw else {}
        self.endResetModel()

    def reload(self) -> None:
        if self.cw is not None:
            self.set_pair(self.cw.framework_a["id"], self.cw.framework_b["id"])

    def pair(self) -> tuple[str | None, str | None]:
        return (self.cw.framework_a["id"], self.cw.framework_b["id"]) if self.cw else (None, None)

    def row_item(self, row: int) -> dict | None:
        return self.cw.rows[row] if self.cw and 0 <= row < len(self.cw.rows) else None

    def col_item(self, col: int) -> dict | None:
        return self.cw.cols[col] if self.cw and 0 <= col < len(self.cw.cols) else None

    def relations_at(self, row: int, col: int) -> list[dict]:
        r, c = self.row_item(row), self.col_item(col)
        return self.cw.relations(r["id"], c["id"]) if self.cw and r and c else []

    def cell_text(self, row: int, col: int) -> str:
        r = self.row_item(row)
        parts = []
        for rel in self.relations_at(row, col):
            label = self._labels.get(rel["kind"], rel["kind"])
            parts.append(f"{label} →" if r and rel["from_id"] == r["id"] else f"← {label}")
        return "\n".join(parts)

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.cw is None else len(self.cw.rows)

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.cw is None else len(self.cw.cols)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        item = self.row_item(section) if orientation == Qt.Orientation.Vertical else self.col_item(section)
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            indent = "    " * item["depth"] if orientation == Qt.Orientation.Vertical else ""
            return indent + heading(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return heading(item)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.cw is None or not (0 <= index.row() < len(self.cw.rows)) \
                or not (0 <= index.column() < len(self.cw.cols)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(index.row(), index.column())
        if role == RelationRole:
            return [dict(r) for r in self.relations_at(index.row(), index.column())]
        if role == Qt.ItemDataRole.ToolTipRole:
            rels = self.relations_at(index.row(), index.column())
            notes = [f"{self._labels.get(r['kind'], r['kind'])}: {r['note']}" for r in rels if r["note"]]
            return "\n\n".join(notes) or None
        if role == Qt.ItemDataRole.BackgroundRole and self.relations_at(index.row(), index.column()):
            return QtGui.QColor(221, 235, 247)
        if role == Qt.ItemDataRole.ForegroundRole and self.relations_at(index.row(), index.column()):
            return QtGui.QColor(20, 20, 20)  # dark text on the light fill in either theme
        return None


class CellDialog(QtWidgets.QDialog):
    """The relations of one cell: for each kind, whether it holds, which way it points, and its note."""

    def __init__(self, row_item: dict, col_item: dict, kinds: list[dict], existing: list[dict],
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Crosswalk cell")
        self.row_item, self.col_item = row_item, col_item
        intro = QtWidgets.QLabel(f"Links between\n{heading(row_item)}\nand\n{heading(col_item)}")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        grid = QtWidgets.QGridLayout()
        for c, text in enumerate(("Kind", "Direction", "Note")):
            h = QtWidgets.QLabel(text)
            h.setTextFormat(Qt.TextFormat.PlainText)
            grid.addWidget(h, 0, c)
        self.rows: dict[str, tuple[QtWidgets.QCheckBox, QtWidgets.QComboBox, QtWidgets.QLineEdit]] = {}
        by_kind: dict[str, dict] = {}
        for r in existing:
            by_kind.setdefault(r["kind"], r)
        for n, k in enumerate(kinds, start=1):
            check = QtWidgets.QCheckBox(k["label"])
            way = QtWidgets.QComboBox()
            way.addItem("row → column", "out")
            way.addItem("column → row", "in")
            way.setAccessibleName(f"{k['label']}: direction")
            note = QtWidgets.QLineEdit()
            note.setAccessibleName(f"{k['label']}: note")
            note.setPlaceholderText("Why these items are linked")
            note.setMinimumWidth(320)
            old = by_kind.get(k["key"])
            if old is not None:
                check.setChecked(True)
                way.setCurrentIndex(0 if old["from_id"] == row_item["id"] else 1)
                note.setText(old["note"] or "")
            way.setEnabled(check.isChecked())
            note.setEnabled(check.isChecked())
            check.toggled.connect(way.setEnabled)
            check.toggled.connect(note.setEnabled)
            note.textEdited.connect(lambda _t, c=check: c.setChecked(True))
            grid.addWidget(check, n, 0)
            grid.addWidget(way, n, 1)
            grid.addWidget(note, n, 2)
            self.rows[k["key"]] = (check, way, note)
        self._extra = [r for r in existing if by_kind.get(r["kind"]) is not r]  # the same kind both ways
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(grid)
        lay.addWidget(buttons)

    def set_kind(self, key: str, on: bool, direction: str = "out", note: str = "") -> None:
        check, way, edit = self.rows[key]
        check.setChecked(on)
        way.setCurrentIndex(0 if direction == "out" else 1)
        edit.setText(note)

    def wanted(self) -> list:
        from ..services.crosswalk import Wanted
        out = []
        for key, (check, way, note) in self.rows.items():
            if check.isChecked():
                a, b = self.row_item["id"], self.col_item["id"]
                if way.currentData() == "in":
                    a, b = b, a
                out.append(Wanted(key, a, b, note.text()))
        # a kind held both ways keeps its second relation untouched unless its kind is unticked
        for r in self._extra:
            if self.rows.get(r["kind"], (None,))[0] is not None and self.rows[r["kind"]][0].isChecked():
                out.append(Wanted(r["kind"], r["from_id"], r["to_id"], r["note"] or ""))
        return out


class CrosswalkView(QtWidgets.QWidget):
    """Two framework choosers, the matrix and Export; `item_requested(id)` from a header double-click."""

    item_requested = QtCore.Signal(str)

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("crosswalk")
        self.setAccessibleName("Crosswalk")
        self.session = session
        self.model = CrosswalkModel(session, self)
        self.rows_box = QtWidgets.QComboBox()
        self.rows_box.setAccessibleName("Rows: framework")
        self.cols_box = QtWidgets.QComboBox()
        self.cols_box.setAccessibleName("Columns: framework")
        for box in (self.rows_box, self.cols_box):
            box.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(10)  # the full title is in the list; 24 overflowed a 1024-pixel screen
            box.view().setAccessibleName(box.accessibleName())
        self.swap_button = QtWidgets.QPushButton("Swap")
        self.swap_button.setToolTip("Swap rows and columns")
        self.swap_button.clicked.connect(self.swap)
        self.export_button = QtWidgets.QPushButton("Export…")
        self.export_button.setToolTip("Save this crosswalk as CSV or Excel")
        self.export_button.clicked.connect(self.export_dialog)
        bar = QtWidgets.QHBoxLayout()
        rows_label = QtWidgets.QLabel("Rows:")
        rows_label.setBuddy(self.rows_box)
        cols_label = QtWidgets.QLabel("Columns:")
        cols_label.setBuddy(self.cols_box)
        bar.addWidget(rows_label)
        bar.addWidget(self.rows_box, 1)
        bar.addWidget(self.swap_button)
        bar.addWidget(cols_label)
        bar.addWidget(self.cols_box, 1)
        bar.addWidget(self.export_button)
        self.table = QtWidgets.QTableView()
        self.table.setObjectName("crosswalkTable")
        self.table.setAccessibleName("Crosswalk")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.table.horizontalHeader()
        hh.setDefaultSectionSize(128)
        hh.setMinimumSectionSize(60)
        # column heads wrap onto three lines: "ref title" of each column item stays readable
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                               | Qt.AlignmentFlag(int(Qt.TextFlag.TextWordWrap)))
        hh.setFixedHeight(64)
        self.table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().setMaximumWidth(320)
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.clicked.connect(self.open_cell)
        self.table.installEventFilter(self)
        self.table.verticalHeader().sectionDoubleClicked.connect(lambda r: self.open_item(self.model.row_item(r)))
        self.table.horizontalHeader().sectionDoubleClicked.connect(lambda c: self.open_item(self.model.col_item(c)))
        self.hint = QtWidgets.QLabel("Click a cell to link its two items, or to change or remove their links. "
                                     "Double-click an item's name to open it.")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)  # one long line made the window wider than a 1024-pixel screen
        self.hint.setEnabled(False)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.hint)
        self._fill_boxes()
        self.rows_box.currentIndexChanged.connect(self._pair_chosen)
        self.cols_box.currentIndexChanged.connect(self._pair_chosen)
        self._pair_chosen()
        session.changed.connect(self._on_changed)

    # -- the pair -------------------------------------------------------------------------------
    def _fill_boxes(self, keep: tuple[str | None, str | None] | None = None) -> None:
        frameworks = self.session.store.list_frameworks()
        saved = keep or tuple((str(QtCore.QSettings().value(SETTINGS_KEY, "") or "").split("|") + ["", ""])[:2])
        for box in (self.rows_box, self.cols_box):
            box.blockSignals(True)
            box.clear()
            for f in frameworks:
                box.addItem(f["title"], f["id"])
                box.setItemData(box.count() - 1, f["title"], Qt.ItemDataRole.ToolTipRole)
            box.blockSignals(False)
        ids = [f["id"] for f in frameworks]
        a, b = saved
        if a not in ids:
            a = ids[0] if ids else None
        if b not in ids or b == a:
            b = next((i for i in ids if i != a), None)
        self.rows_box.setCurrentIndex(ids.index(a) if a in ids else -1)
        self.cols_box.setCurrentIndex(ids.index(b) if b in ids else -1)

    def _pair_chosen(self, *_args) -> None:
        a, b = self.rows_box.currentData(), self.cols_box.currentData()
        self.model.set_pair(a, b)
        if a and b:
            QtCore.QSettings().setValue(SETTINGS_KEY, f"{a}|{b}")
        same = bool(a) and a == b
        self.hint.setText("Choose two different frameworks." if same else
                          "Click a cell to link its two items, or to change or remove their links. "
                          "Double-click an item's name to open it.")
        self.export_button.setEnabled(self.model.cw is not None)
        self._fit_rows()

    def set_pair(self, framework_a: str, framework_b: str) -> None:
        self.rows_box.setCurrentIndex(self.rows_box.findData(framework_a))
        self.cols_box.setCurrentIndex(self.cols_box.findData(framework_b))

    def swap(self) -> None:
        a, b = self.rows_box.currentIndex(), self.cols_box.currentIndex()
        self.rows_box.blockSignals(True)
        self.rows_box.setCurrentIndex(b)
        self.rows_box.blockSignals(False)
        self.cols_box.setCurrentIndex(a)
        self._pair_chosen()

    def _on_changed(self, changes: Changes) -> None:
        if changes.structure or changes.frameworks:
            self._fill_boxes(self.model.pair())
            self._pair_chosen()
        elif self.model.cw is not None and changes.items:
            self.model.reload()
            self._fit_rows()

    def _fit_rows(self) -> None:
        """Rows as tall as their links (a cell may hold several); a very long framework keeps the default
        height, as measuring every row's cells would take seconds."""
        if self.model.rowCount() * max(1, self.model.columnCount()) <= FIT_ROWS_CELLS:
            self.table.resizeRowsToContents()

    def open_item(self, item: dict | None) -> None:
        if item is not None:
            self.item_requested.emit(item["id"])

    # -- cells ------------------------------------------------------------------------------------
    def eventFilter(self, obj: QtCore.QObject, e: QtCore.QEvent) -> bool:  # noqa: N802
        if obj is self.table and isinstance(e, QtGui.QKeyEvent) and e.type() == QtCore.QEvent.Type.KeyPress:
            if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.currentIndex().isValid():
                self.open_cell(self.table.currentIndex())
                return True
        return super().eventFilter(obj, e)

    def open_cell(self, index: QtCore.QModelIndex) -> bool:
        """Ask what the cell should hold (CellDialog) and make it so, as one step to undo."""
        if self.session.store.readonly or self.model.cw is None:
            return False
        r, c = self.model.row_item(index.row()), self.model.col_item(index.column())
        if r is None or c is None:
            return False
        dialog = CellDialog(r, c, self.model.cw.kinds, self.model.relations_at(index.row(), index.column()), self)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return False
        return self.edit_cell(index.row(), index.column(), dialog.wanted())

    def edit_cell(self, row: int, col: int, wanted: list) -> bool:
        """Make cell (row, col) hold exactly `wanted` (services.crosswalk.Wanted values), undoably."""
        from ..services.crosswalk import cell_operation
        from .commands import OperationCommand
        r, c = self.model.row_item(row), self.model.col_item(col)
        if r is None or c is None:
            return False
        op = cell_operation(self.model.relations_at(row, col), wanted,
                            f"Crosswalk: link {_short(heading(r))} and {_short(heading(c))}")
        if op is None:
            return False
        return self.session.push(OperationCommand(self.session, op))

    # -- export ------------------------------------------------------------------------------------
    def export_dialog(self) -> Path | None:
        from . import file_dialogs
        if self.model.cw is None:
            return None
        name = file_dialogs.get_save_file_name(self, "Export crosswalk", Path.home() / "crosswalk.xlsx",
                                              "Excel workbooks (*.xlsx);;CSV sheets (*.csv)", "xlsx")
        return self.export_to(Path(name)) if name else None

    def export_to(self, path: Path) -> Path | None:
        """Write the shown crosswalk to `path` (.xlsx: Excel, else CSV); the error in one sentence."""
        from ..exchange import crosswalk_export
        if self.model.cw is None:
            return None
        try:
            crosswalk_export.write(self.model.cw, path)
        except (PolicyTrackerError, OSError) as e:
            self.session.error(f"The crosswalk was not saved: {e}")
            return None
        win = self.window()
        if isinstance(win, QtWidgets.QMainWindow):
            win.statusBar().showMessage(f"Crosswalk saved to {path}.", 8000)
        return path


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
