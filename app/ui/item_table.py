"""The item table (the tree of parents) with its filter bar: kind, status, actor, tag and due dates; columns
to choose; several items changed at once; items moved by cut and paste or drag."""
from __future__ import annotations

from typing import Callable, overload

from PySide6 import QtCore, QtGui, QtWidgets

from ..core import validation as v
from ..core.model import PolicyTrackerError
from .models import COLUMNS, ITEM_ID_ROLE, MIME_ITEMS, ItemFilter, ItemTreeModel
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
        self.review = self._combo("Review filter", [("Awaiting review", "submitted"), ("Returned", "returned"),
                                                    ("Drafts", "draft"), ("All approved", "approved")],
                                  "Any review state")
        self.due_from = self._date("Due from", "due from")
        self.due_to = self._date("Due until", "due until")
        self.clear = QtWidgets.QToolButton()
        self.clear.setText("Clear")
        self.clear.setAccessibleName("Clear filters")
        self.clear.setToolTip("Clear all filters")
        self.clear.clicked.connect(self.reset)
        for w in (self.kind, self.status, self.actor, self.tag):
            lay.addWidget(w, 1)
        for tail in (self.review, self.due_from, self.due_to, self.clear):
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
        for c in (self.kind, self.status, self.actor, self.tag, self.review):
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
                         actor=self._val(self.actor), tag=self._val(self.tag), review_state=self._val(self.review),
                         due_from=self._date_val(self.due_from), due_to=self._date_val(self.due_to))


class ItemTableView(QtWidgets.QTreeView):
    """The items as the tree of their parents: `item_selected(id or None)` follows the current row.

    Several rows can be selected (Ctrl+A, Shift-click, Ctrl-click) to change together; Ctrl+X then
    Ctrl+V (or a drag) moves items under another one, Ctrl+Shift+V to the top level. Every change
    goes through one undoable command. The `ask_*` methods are the seams tests replace.
    """

    item_selected = QtCore.Signal(object)
    selection_changed = QtCore.Signal(int)  # how many items are selected

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.items = ItemTreeModel(session.store, self)
        self.items.hold_listing()  # the rest of a big file is listed after this view first paints
        self._painted = False
        self.setModel(self.items)
        self.setObjectName("itemTable")
        self.setAccessibleName("Items")
        self.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setRootIsDecorated(True)
        self.setItemsExpandable(True)
        self.setExpandsOnDoubleClick(True)
        self.setIndentation(18)
        self.header().setSortIndicator(self.items.column_of("ref"), Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.header().setHighlightSections(False)
        self.header().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header().customContextMenuRequested.connect(self._header_menu)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setTabKeyNavigation(False)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._size_columns()
        self._current: str | None = None
        self._expanded: set[str] = set()
        self._cut: list[str] = []
        self.expanded.connect(lambda ix: self._expanded.add(ix.data(ITEM_ID_ROLE)))
        self.collapsed.connect(lambda ix: self._expanded.discard(ix.data(ITEM_ID_ROLE)))
        self.selectionModel().currentRowChanged.connect(self._row_changed)
        self.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit(self.selected_count()))
        self.items.modelReset.connect(self._after_reset)
        self.items.layoutChanged.connect(self._after_reset)
        session.changed.connect(self.items.apply_changes)
        self.actions_ = self._build_actions()

    # -- the table's own keys ----------------------------------------------------------------------
    def _build_actions(self) -> dict[str, QtGui.QAction]:
        acts = {}
        for name, text, key, slot in (
                ("cut", "&Cut Items", "Ctrl+X", self.cut_selected),
                ("paste", "&Paste Items Under", "Ctrl+V", self.paste_under_current),
                ("paste_top", "Paste Items at &Top Level", "Ctrl+Shift+V", self.paste_at_top)):
            a = QtGui.QAction(text, self)
            a.setShortcut(QtGui.QKeySequence(key))
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # text fields keep their own Ctrl+X/V
            a.triggered.connect(lambda _c=False, f=slot: f())
            self.addAction(a)
            acts[name] = a
        return acts

    def keyPressEvent(self, e: QtGui.QKeyEvent) -> None:  # noqa: N802
        """Ctrl+X / Ctrl+V / Ctrl+Shift+V also when the key reaches the table itself (no shortcut map)."""
        for name, key in (("paste_top", "Ctrl+Shift+V"), ("cut", "Ctrl+X"), ("paste", "Ctrl+V")):
            if QtGui.QKeySequence(e.keyCombination()) == QtGui.QKeySequence(key):
                self.actions_[name].trigger()
                e.accept()
                return
        super().keyPressEvent(e)

    def paintEvent(self, e: QtGui.QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        if not self._painted:
            self._painted = True
            self.items.release_listing()

    def horizontalHeader(self) -> QtWidgets.QHeaderView:  # noqa: N802 - the table's name, kept for callers
        return self.header()

    def _size_columns(self) -> None:
        widths = {"ref": 110, "title": 320, "framework": 130, "kind": 84, "status": 124, "actor": 160, "due_on": 84,
                  "last_update_on": 92, "updated_at": 92, "tags": 160}
        h = self.header()
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
        menu.exec(self.header().mapToGlobal(pos))

    def toggle_column(self, key: str, on: bool) -> None:
        cols = self.items.columns()
        if on and key not in cols:
            order = list(COLUMNS)
            cols = sorted(cols + [key], key=order.index)
        elif not on and key in cols and len(cols) > 1:
            cols.remove(key)
        self.items.set_columns(cols)
        self._size_columns()

    # -- current and selected items -----------------------------------------------------------------
    def current_item_id(self) -> str | None:
        ix = self.currentIndex()
        return ix.data(ITEM_ID_ROLE) if ix.isValid() else None

    def selected_item_ids(self) -> list[str]:
        """The selected items in the tree's order (the current one when nothing is selected)."""
        rows = self.selectionModel().selectedRows(0)
        ids = [ix.data(ITEM_ID_ROLE) for ix in sorted(rows, key=self._order_key)]
        if not ids and (cur := self.current_item_id()):
            ids = [cur]
        return [i for i in dict.fromkeys(ids) if i]

    def selected_count(self) -> int:
        return len(self.selectionModel().selectedRows(0))

    def _order_key(self, ix: QtCore.QModelIndex) -> tuple:
        path = []
        while ix.isValid():
            path.append(ix.row())
            ix = ix.parent()
        return tuple(reversed(path))

    def select_item(self, item_id: str) -> bool:
        ix = self.items.index_of(item_id, max(0, self.items.column_of("title")))
        if not ix.isValid():
            return False
        p = ix.parent()
        while p.isValid():
            self.expand(p)
            p = p.parent()
        self.setCurrentIndex(ix)
        self.scrollTo(ix, QtWidgets.QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def select_items(self, item_ids) -> int:
        """Select these items (those shown); returns how many were."""
        sel = QtCore.QItemSelection()
        n = 0
        for iid in item_ids:
            ix = self.items.index_of(iid, 0)
            if ix.isValid():
                sel.select(ix, ix)
                n += 1
        self.selectionModel().select(sel, QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
                                     | QtCore.QItemSelectionModel.SelectionFlag.Rows)
        return n

    def _row_changed(self, current, _previous) -> None:
        iid = current.data(ITEM_ID_ROLE) if current.isValid() else None
        if iid != self._current:
            self._current = iid
            self.item_selected.emit(iid)

    def _after_reset(self) -> None:
        """Keep the same items expanded, and the same item current, across a reload when still shown."""
        for iid in list(self._expanded):
            ix = self.items.index_of(iid) if iid in self.items._tree.key_of else QtCore.QModelIndex()
            if ix.isValid():
                self.expand(ix)
        if self._current and self.select_item(self._current):
            return
        if self._current is not None:
            self._current = None
            self.item_selected.emit(None)

    # -- moving: cut and paste, drag and drop ------------------------------------------------------
    def cut_selected(self) -> int:
        """Remember the selected items for a paste (nothing changes until then)."""
        self._cut = self.selected_item_ids()
        if self._cut:
            n = len(self._cut)
            self._say(f"{n} item{'s' if n != 1 else ''} cut: select the item to put "
                      f"{'them' if n != 1 else 'it'} under and press Ctrl+V (Ctrl+Shift+V: top level).")
        return len(self._cut)

    def paste_under_current(self) -> bool:
        target = self.current_item_id()
        if not self._cut:
            self._say("Nothing is cut: select items and press Ctrl+X first.")
            return False
        if target is None:
            return self.paste_at_top()
        return self.move_under(self._cut, target, clear_cut=True)

    def paste_at_top(self) -> bool:
        if not self._cut:
            self._say("Nothing is cut: select items and press Ctrl+X first.")
            return False
        return self.move_under(self._cut, None, clear_cut=True)

    def move_under(self, item_ids: list[str], parent_id: str | None, *, clear_cut: bool = False) -> bool:
        from . import commands as cmds
        ok = self.session.push(cmds.MoveUnder(self.session, item_ids, parent_id))
        if ok:
            if clear_cut:
                self._cut = []
            if parent_id:
                self._expanded.add(parent_id)
            self.items.ensure_complete()
            self._after_reset()
            if item_ids:
                self.select_item(item_ids[0])
        return ok

    def _say(self, text: str) -> None:
        win = self.window()
        bar = win.statusBar() if isinstance(win, QtWidgets.QMainWindow) else None
        if bar is not None:
            bar.showMessage(text, 8000)

    def dragEnterEvent(self, e) -> None:  # noqa: N802
        if e.source() is self and e.mimeData().hasFormat(MIME_ITEMS):
            super().dragEnterEvent(e)
        else:
            e.ignore()

    def dropEvent(self, e) -> None:  # noqa: N802
        """A drag inside the table moves the dragged items: onto an item goes under it; between rows,
        beside them (under their parent); below every row, to the top level."""
        if e.source() is not self or not e.mimeData().hasFormat(MIME_ITEMS):
            e.ignore()
            return
        ids = [i for i in bytes(e.mimeData().data(MIME_ITEMS).data()).decode().split("\n") if i]
        parent_id = self.drop_parent(self.indexAt(e.position().toPoint()), self.dropIndicatorPosition())
        e.setDropAction(Qt.DropAction.IgnoreAction)  # the model is not asked to remove rows
        e.accept()
        self.move_under(ids, parent_id)

    @staticmethod
    def drop_parent(target: QtCore.QModelIndex, where) -> str | None:
        """Where a drop puts the items: onto a row, under it; between rows, beside them; else the top."""
        P = QtWidgets.QAbstractItemView.DropIndicatorPosition
        if not target.isValid() or where == P.OnViewport:
            return None
        if where == P.OnItem:
            return target.data(ITEM_ID_ROLE)
        return target.parent().data(ITEM_ID_ROLE) if target.parent().isValid() else None

    # -- several items at once -----------------------------------------------------------------------
    def ask_status(self, n: int) -> tuple[str, str, str] | None:
        """The seam for the bulk status dialog: (status, as of, note) or None."""
        from .dialogs import BulkStatusDialog
        dlg = BulkStatusDialog(self.session, n, self)
        return dlg.value() if dlg.exec() else None

    def ask_tag(self, adding: bool, n: int) -> str | None:
        """The seam for the tag question: the tags typed (comma separated) or None."""
        text, ok = QtWidgets.QInputDialog.getText(
            self, "Add tags" if adding else "Remove tags",
            f"Tags to {'add to' if adding else 'remove from'} {n} item{'s' if n != 1 else ''} (comma separated):")
        return text if ok else None

    def ask_framework(self, n: int) -> str | None:
        """The seam for the framework to move items to: its id or None."""
        from .dialogs import ChooseFrameworkDialog
        dlg = ChooseFrameworkDialog(self.session, n, self)
        return dlg.framework_id() if dlg.exec() else None

    def ask_children(self, question: str) -> str | None:
        """The seam for what happens to the sub-items of deleted items: "delete", "lift" or None."""
        from .dialogs import ask_choice
        choice = ask_choice(self.session, question, ["Delete them too", "Move them up"], self)
        return None if choice is None else ("delete", "lift")[choice]

    def set_status_selected(self) -> bool:
        ids = self.selected_item_ids()
        if not ids:
            self.session.inform("Select the items to change first.")
            return False
        got = self.ask_status(len(ids))
        if not got:
            return False
        from . import commands as cmds
        status, as_of, note = got
        return self.session.push(cmds.SetStatusMany(self.session, ids, status, as_of, note))

    def change_tags_selected(self, adding: bool) -> bool:
        ids = self.selected_item_ids()
        if not ids:
            self.session.inform("Select the items to change first.")
            return False
        text = self.ask_tag(adding, len(ids))
        if text is None:
            return False
        tags = tuple(t.strip() for t in text.split(",") if t.strip())
        if not tags:
            self.session.error("No tag was given; nothing changed.")
            return False
        from . import commands as cmds
        return self.session.push(cmds.ChangeTags(self.session, ids, add=tags if adding else (),
                                                 remove=() if adding else tags))

    def move_selected_to_framework(self) -> bool:
        ids = self.selected_item_ids()
        if not ids:
            self.session.inform("Select the items to move first.")
            return False
        fid = self.ask_framework(len(ids))
        if not fid:
            return False
        from . import commands as cmds
        return self.session.push(cmds.MoveToFramework(self.session, ids, fid))

    def delete_selected(self) -> bool:
        """Delete the selected items, one undo step; when they have sub-items, ask what becomes of them."""
        ids = self.selected_item_ids()
        if not ids:
            return False
        from ..store import hierarchy as H
        st = self.session.store
        below = [d for d in H.descendants(st.conn, ids) if d not in set(ids)]
        if len(ids) == 1:
            item = st.get_item(ids[0])
            if item is None:
                return False
            what = f"{item['ref']} “{item['title']}”" if item["ref"] else f"“{item['title']}”"
        else:
            what = f"these {len(ids)} items"
        children = "delete"
        if below:
            n = len(below)
            answer = self.ask_children(
                f"Delete {what} with {'its' if len(ids) == 1 else 'their'} status history, citations and links?\n\n"
                f"{'It has' if len(ids) == 1 else 'They have'} {n} sub-item{'s' if n != 1 else ''}: delete "
                f"{'them' if n != 1 else 'it'} too, or move {'them' if n != 1 else 'it'} up a level?\n\n"
                "You can undo this with Edit > Undo.")
            if answer is None:
                return False
            children = answer
        elif not self.session.confirm(f"Delete {what} with {'its' if len(ids) == 1 else 'their'} status history, "
                                      "citations and links?\n\nYou can undo this with Edit > Undo."):
            return False
        from . import commands as cmds
        neighbour = self._neighbour_of(ids)
        ok = self.session.push(cmds.DeleteItems(self.session, ids, children))
        if ok and neighbour:
            self.select_item(neighbour)
        return ok

    def _neighbour_of(self, ids: list[str]) -> str | None:
        """The row to select after a delete: the one after the last deleted, else the one before."""
        gone = set(ids)
        ix = self.items.index_of(ids[-1])
        if not ix.isValid():
            return None
        for step in (self.indexBelow, self.indexAbove):
            cur = ix
            while True:
                cur = step(cur)
                if not cur.isValid():
                    break
                iid = cur.data(ITEM_ID_ROLE)
                if iid not in gone and not any(a in gone for a in self._ancestors(cur)):
                    return iid
        return None

    @staticmethod
    def _ancestors(ix: QtCore.QModelIndex) -> list[str]:
        out = []
        p = ix.parent()
        while p.isValid():
            out.append(p.data(ITEM_ID_ROLE))
            p = p.parent()
        return out

    def _context_menu(self, pos) -> None:
        menu = self.context_menu()
        menu.exec(self.viewport().mapToGlobal(pos))

    def context_menu(self) -> QtWidgets.QMenu:
        menu = QtWidgets.QMenu(self)
        n = len(self.selected_item_ids())
        ro = self.session.store.readonly or self.session.store.review_copy is not None
        for text, slot in (("Set &Status…", self.set_status_selected),
                           ("&Add Tags…", lambda: self.change_tags_selected(True)),
                           ("&Remove Tags…", lambda: self.change_tags_selected(False)),
                           ("&Move to Framework…", self.move_selected_to_framework)):
            a = menu.addAction(text)
            a.setEnabled(n > 0 and not ro)
            a.triggered.connect(lambda _c=False, f=slot: f())
        menu.addSeparator()
        for name in ("cut", "paste", "paste_top"):
            menu.addAction(self.actions_[name])
        menu.addSeparator()
        d = menu.addAction(f"&Delete {n} Item{'s' if n != 1 else ''}…")
        d.setEnabled(n > 0 and not ro)
        d.triggered.connect(lambda _c=False: self.delete_selected())
        menu.addSeparator()
        menu.addAction("E&xpand All").triggered.connect(lambda _c=False: self.expandAll())
        menu.addAction("C&ollapse All").triggered.connect(lambda _c=False: self.collapseAll())
        return menu
