"""The item table with its filter bar: kind, status, actor, tag and due-date range; columns to choose."""
from __future__ import annotations

from typing import Callable, overload

from PySide6 import QtCore, QtWidgets

from ..core import validation as v
from ..core.model import PolicyTrackerError
from .models import COLUMNS, ITEM_ID_ROLE, ItemFilter, ItemTableModel
from .session import Session

Qt = QtCore.Qt
ANY = "__any__"


class LazyCombo(QtWidgets.QComboBox):
    """A filter combo whose choices (all actors, all tags) are read when it is first opened or
    focused, and again after a change: listing the tags of 100,000 items is a full scan that
    neither start-up nor every saved edit should pay for."""

    def __init__(self, load, fill):
        super().__init__()
        self._load, self._fill, self._dirty = load, fill, True

    def mark_dirty(self) -> None:
        self._dirty = True

    def ensure_filled(self) -> None:
        if self._dirty:
            self._dirty = False
            self._fill(self, self._load())

    def showPopup(self) -> None:  # noqa: N802
        self.ensure_filled()
        super().showPopup()

    def focusInEvent(self, e) -> None:  # noqa: N802
        self.ensure_filled()
        super().focusInEvent(e)


class FilterBar(QtWidgets.QWidget):
    """Emits `changed` whenever a filter control changes; `apply_to(filter)` folds them in."""

    changed = QtCore.Signal()

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        lay = QtWidgets.QHBoxLayout()
        lay.setSpacing(6)
        row2 = QtWidgets.QHBoxLayout()
        row2.setSpacing(6)
        outer.addLayout(lay)
        outer.addLayout(row2)
        self.kind = self._combo("Kind filter", [(k["label"], k["key"]) for k in session.store.item_kinds()], "Any kind")
        self.status = self._combo("Status filter", [(s["label"], s["key"]) for s in session.store.statuses()],
                                  "Any status")
        self.actor = self._combo("Actor filter", lambda: [(a, a) for a in session.store.actors()], "Any actor")
        self.tag = self._combo("Tag filter", lambda: [(t, t) for t in session.store.tags()], "Any tag")
        self.due_from = self._date("Due from", "due from")
        self.due_to = self._date("Due until", "due until")
        self.clear = QtWidgets.QToolButton()
        self.clear.setText("Clear")
        self.clear.setAccessibleName("Clear filters")
        self.clear.setToolTip("Clear all filters")
        self.clear.clicked.connect(self.reset)
        for w in (self.kind, self.status, self.actor, self.tag):
            lay.addWidget(w, 1)
        for tail in (self.due_from, self.due_to, self.clear):
            row2.addWidget(tail)
        row2.addStretch(1)
        lay = row2
        self.count = QtWidgets.QLabel()
        self.count.setMinimumWidth(10)
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setAccessibleName("Number of items shown")
        lay.addWidget(self.count)
        session.changed.connect(self._vocab_changed)

    @overload
    def _combo(self, name: str, entries: Callable[[], list], any_text: str) -> LazyCombo: ...
    @overload
    def _combo(self, name: str, entries: list, any_text: str) -> QtWidgets.QComboBox: ...
    def _combo(self, name: str, entries, any_text: str) -> QtWidgets.QComboBox:
        """A filter combo; `entries` is a list, or a callable read lazily (see LazyCombo)."""
        c: QtWidgets.QComboBox
        if callable(entries):
            c = LazyCombo(entries, lambda combo, got: self._fill(combo, got, any_text))
        else:
            c = QtWidgets.QComboBox()
        c.setAccessibleName(name)
        c.setToolTip(name)
        # short by default so the bar never forces the window wider than the screen
        c.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        c.setMinimumContentsLength(6)
        c.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)
        c.view().setMinimumWidth(220)
        self._fill(c, [] if callable(entries) else entries, any_text)
        c.currentIndexChanged.connect(lambda _i: self.changed.emit())
        return c

    @staticmethod
    def _fill(c: QtWidgets.QComboBox, entries, any_text: str) -> None:
        keep = c.currentData()
        c.blockSignals(True)
        c.clear()
        c.addItem(any_text, ANY)
        for label, key in entries:
            c.addItem(label, key)
        i = c.findData(keep) if keep is not None else 0
        c.setCurrentIndex(max(i, 0))
        c.blockSignals(False)

    def _date(self, name: str, placeholder: str) -> QtWidgets.QLineEdit:
        e = QtWidgets.QLineEdit()
        e.setAccessibleName(name)
        e.setPlaceholderText(placeholder)
        e.setToolTip(f"{name} (YYYY-MM-DD)")
        e.setFixedWidth(e.fontMetrics().horizontalAdvance("0000-00-00") + 36)
        e.setClearButtonEnabled(True)
        e.editingFinished.connect(self._date_done)
        return e

    def _date_done(self) -> None:
        self.changed.emit()

    def _vocab_changed(self, changes) -> None:
        if changes.structure:
            self.actor.mark_dirty()
            self.tag.mark_dirty()

    def reset(self) -> None:
        for c in (self.kind, self.status, self.actor, self.tag):
            c.blockSignals(True)
            c.setCurrentIndex(0)
            c.blockSignals(False)
        self.due_from.clear()
        self.due_to.clear()
        self.changed.emit()

    @staticmethod
    def _val(c: QtWidgets.QComboBox):
        d = c.currentData()
        return None if d in (None, ANY) else d

    def _date_val(self, e: QtWidgets.QLineEdit) -> str | None:
        try:
            d = v.parse_date(e.text(), e.accessibleName().lower())
            e.setStyleSheet("")
            return d
        except PolicyTrackerError as err:
            e.setStyleSheet("QLineEdit { border: 1px solid #d32f2f; }")
            e.setToolTip(str(err))
            return None

    def apply_to(self, flt: ItemFilter, scope_status: str | None = None) -> ItemFilter:
        status = self._val(self.status) or scope_status
        kind = self._val(self.kind)
        return flt.with_(kinds=(kind,) if kind else None, statuses=(status,) if status else None,
                         actor=self._val(self.actor), tag=self._val(self.tag),
                         due_from=self._date_val(self.due_from), due_to=self._date_val(self.due_to))


class ItemTableView(QtWidgets.QTableView):
    """The table of items: `item_selected(id or None)` follows the current row."""

    item_selected = QtCore.Signal(object)

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.items = ItemTableModel(session.store, self)
        self.setModel(self.items)
        self.setObjectName("itemTable")
        self.setAccessibleName("Items")
        self.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.horizontalHeader().setSortIndicator(self.items.column_of("ref"), Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.horizontalHeader().customContextMenuRequested.connect(self._header_menu)
        self.setTabKeyNavigation(False)
        self._size_columns()
        self._current: str | None = None
        self.selectionModel().currentRowChanged.connect(self._row_changed)
        self.items.modelReset.connect(self._after_reset)
        self.items.layoutChanged.connect(self._after_reset)
        session.changed.connect(self.items.apply_changes)

    def _size_columns(self) -> None:
        widths = {"ref": 64, "title": 320, "framework": 130, "kind": 84, "status": 124, "actor": 160, "due_on": 84,
                  "last_update_on": 92, "updated_at": 92, "tags": 160}
        h = self.horizontalHeader()
        h.setStretchLastSection(False)
        for i, key in enumerate(self.items.columns()):
            self.setColumnWidth(i, widths.get(key, 100))
            h.setSectionResizeMode(i, QtWidgets.QHeaderView.ResizeMode.Stretch if key == "title"
                                   else QtWidgets.QHeaderView.ResizeMode.Interactive)

    def _header_menu(self, pos) -> None:
        menu = QtWidgets.QMenu(self)
        shown = self.items.columns()
        for key, (label, _) in COLUMNS.items():
            act = menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(key in shown)
            act.toggled.connect(lambda on, k=key: self.toggle_column(k, on))
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    def toggle_column(self, key: str, on: bool) -> None:
        cols = self.items.columns()
        if on and key not in cols:
            order = list(COLUMNS)
            cols = sorted(cols + [key], key=order.index)
        elif not on and key in cols and len(cols) > 1:
            cols.remove(key)
        self.items.set_columns(cols)
        self._size_columns()

    def current_item_id(self) -> str | None:
        ix = self.currentIndex()
        return ix.data(ITEM_ID_ROLE) if ix.isValid() else None

    def select_item(self, item_id: str) -> bool:
        row = self.items.row_of(item_id)
        if row < 0:
            return False
        ix = self.items.index(row, max(0, self.items.column_of("title")))
        self.setCurrentIndex(ix)
        self.scrollTo(ix, QtWidgets.QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _row_changed(self, current, _previous) -> None:
        iid = current.data(ITEM_ID_ROLE) if current.isValid() else None
        if iid != self._current:
            self._current = iid
            self.item_selected.emit(iid)

    def _after_reset(self) -> None:
        """Keep the same item selected across a reload when it is still listed."""
        if self._current and self.select_item(self._current):
            return
        if self._current is not None:
            self._current = None
            self.item_selected.emit(None)
