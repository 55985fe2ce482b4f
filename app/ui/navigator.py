"""The navigator: frameworks with their counts by status; choosing one filters the item table."""
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
