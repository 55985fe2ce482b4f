"""The navigator: frameworks with their counts by status; choosing one filters the item table.

Its context menu (and the window's Framework menu) creates, renames, describes and deletes
frameworks, each an undoable command; the `ask_*` method is the seam tests replace."""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from .models import COUNTS_ROLE, FRAMEWORK_ID_ROLE, STATUS_ROLE, FrameworkTreeModel
from .session import Session

Qt = QtCore.Qt


class CountBarDelegate(QtWidgets.QStyledItemDelegate):
    """Draws the count column of a framework as a thin bar split by status colour, under the number."""

    def __init__(self, colors: dict[str, str], order: list[str], parent=None):
        super().__init__(parent)
        self.colors = colors
        self.order = order

    def paint(self, painter: QtGui.QPainter, option, index) -> None:
        super().paint(painter, option, index)
        if index.parent().isValid():
            return
        counts = index.data(COUNTS_ROLE) or {}
        total = sum(counts.values())
        if not total:
            return
        r = option.rect.adjusted(4, option.rect.height() - 5, -4, -2)
        x = float(r.left())
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        for key in self.order:
            n = counts.get(key, 0)
            if not n:
                continue
            w = r.width() * n / total
            painter.setBrush(QtGui.QColor(self.colors.get(key, "#888")))
            painter.drawRect(QtCore.QRectF(x, r.top(), w, r.height()))
            x += w
        painter.restore()


class Navigator(QtWidgets.QTreeView):
    """Emits `scope_chosen(framework_id or None, status or None)` when the person picks a row."""

    scope_chosen = QtCore.Signal(object, object)

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.tree = FrameworkTreeModel(session.store, self)
        self.setModel(self.tree)
        self.setObjectName("navigator")
        self.setAccessibleName("Frameworks")
        self.setAccessibleDescription("Frameworks with the number of items in each status")
        self.setHeaderHidden(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(False)
        st = session.store.statuses()
        self.setItemDelegateForColumn(1, CountBarDelegate({s["key"]: s["color"] for s in st},
                                                          [s["key"] for s in st], self))
        h = self.header()
        h.setStretchLastSection(False)
        h.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(1, 64)
        self._scope: tuple[str | None, str | None] = (None, None)
        self.selectionModel().currentChanged.connect(self._current_changed)
        session.changed.connect(self._on_changed)
        self.setCurrentIndex(self.tree.index(0, 0))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    # -- frameworks --------------------------------------------------------------------------------------
    def current_framework(self) -> dict | None:
        """The framework of the current row (or of the status under it), None on "All items"."""
        fid = self.currentIndex().data(FRAMEWORK_ID_ROLE) if self.currentIndex().isValid() else None
        return self.session.store.get_framework(fid) if fid else None

    def ask_framework_fields(self, heading: str, values: dict | None = None, focus: str = "title") -> dict | None:
        """The seam for the framework form: its fields, or None for Cancel."""
        from .dialogs import FrameworkDialog
        dlg = FrameworkDialog(self, heading=heading, values=values, focus=focus)
        return dlg.fields() if dlg.exec() else None

    def new_framework(self) -> str | None:
        from . import commands as cmds
        fields = self.ask_framework_fields("New framework")
        if not fields:
            return None
        cmd = cmds.CreateFramework(self.session, fields["title"], fields.get("actor"), fields.get("description") or "")
        if not self.session.push(cmd):
            return None
        self.select_scope(cmd.framework_id)
        return cmd.framework_id

    def _edit(self, heading: str, focus: str) -> bool:
        from . import commands as cmds
        fw = self.current_framework()
        if fw is None:
            self.session.inform("Choose a framework in the list first.")
            return False
        fields = self.ask_framework_fields(heading, fw, focus)
        if not fields:
            return False
        changed = {k: val for k, val in fields.items() if (val or None) != (fw.get(k) or None)}
        if not changed:
            return False
        return self.session.push(cmds.EditFramework(self.session, fw["id"], changed))

    def rename_framework(self) -> bool:
        return self._edit("Rename framework", "title")

    def describe_framework(self) -> bool:
        return self._edit("Edit framework description", "description")

    def delete_framework(self) -> bool:
        """Delete the current framework; with items, say how many and delete them too (one undo step)."""
        from ..store import hierarchy as H
        from . import commands as cmds
        fw = self.current_framework()
        if fw is None:
            self.session.inform("Choose a framework in the list first.")
            return False
        n = H.framework_item_count(self.session.store.conn, fw["id"])
        if n:
            question = (f"Delete the framework “{fw['title']}” and its {n} item{'s' if n != 1 else ''}, with their "
                        "status history, citations and links?\n\nYou can undo this with Edit > Undo.")
        else:
            question = f"Delete the empty framework “{fw['title']}”?\n\nYou can undo this with Edit > Undo."
        if not self.session.confirm(question):
            return False
        return self.session.push(cmds.DeleteFramework(self.session, fw["id"], with_items=bool(n)))

    def _context_menu(self, pos) -> None:
        ix = self.indexAt(pos)
        if ix.isValid():
            self.setCurrentIndex(ix)
        self.context_menu().exec(self.viewport().mapToGlobal(pos))

    def context_menu(self) -> QtWidgets.QMenu:
        menu = QtWidgets.QMenu(self)
        has = self.current_framework() is not None
        ro = self.session.store.readonly or self.session.store.review_copy is not None
        for text, slot, enabled in (("&New Framework…", self.new_framework, not ro),
                                    ("&Rename…", self.rename_framework, has and not ro),
                                    ("Edit &Description…", self.describe_framework, has and not ro),
                                    ("&Delete Framework…", self.delete_framework, has and not ro)):
            a = menu.addAction(text)
            a.setEnabled(enabled)
            a.triggered.connect(lambda _c=False, f=slot: f())
        return menu

    def scope(self) -> tuple[str | None, str | None]:
        return self._scope

    def _current_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        scope = (current.data(FRAMEWORK_ID_ROLE), current.data(STATUS_ROLE))
        if scope != self._scope:
            self._scope = scope
            self.scope_chosen.emit(*scope)

    def select_scope(self, framework_id: str | None, status: str | None = None) -> None:
        ix = self.tree.index_of(framework_id or FrameworkTreeModel.ALL, status)
        if ix.isValid():
            if ix.parent().isValid():
                self.expand(ix.parent())
            self.setCurrentIndex(ix)

    def _on_changed(self, changes) -> None:
        if not (changes.structure or changes.frameworks):
            return
        fid, status = self._scope
        expanded = [self.tree.data(self.tree.index(r, 0), FRAMEWORK_ID_ROLE) for r in range(self.tree.rowCount())
                    if self.isExpanded(self.tree.index(r, 0))]
        self.selectionModel().blockSignals(True)
        self.tree.apply_changes(changes)
        for fw in expanded:
            ix = self.tree.index_of(fw or FrameworkTreeModel.ALL)
            if ix.isValid():
                self.expand(ix)
        ix = self.tree.index_of(fid or FrameworkTreeModel.ALL, status)
        if not ix.isValid():
            ix = self.tree.index_of(fid or FrameworkTreeModel.ALL)
        self.setCurrentIndex(ix if ix.isValid() else self.tree.index(0, 0))
        self.selectionModel().blockSignals(False)
        cur = self.currentIndex()
        scope = (cur.data(FRAMEWORK_ID_ROLE), cur.data(STATUS_ROLE))
        if scope != self._scope:
            self._scope = scope
            self.scope_chosen.emit(*scope)
