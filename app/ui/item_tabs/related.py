"""The related tab: typed links from an item to items of other frameworks."""
from __future__ import annotations

from PySide6 import QtWidgets

from .. import commands as cmds
from ..dialogs import ItemPickerDialog
from ..models import ROW_ROLE, status_labels
from ..widgets import escape_tooltip
from .base import ItemTab


class RelatedTab(ItemTab):
    """Typed links to items of other frameworks: add through a picker, remove, open."""

    def __init__(self, panel: QtWidgets.QWidget):
        super().__init__(panel)
        lay = QtWidgets.QVBoxLayout(self)
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setAccessibleName("Related items")
        self.tree.setHeaderLabels(["Link", "Item", "Framework", "Status"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(lambda it, _c: self.panel.item_activated.emit(it.data(0, ROW_ROLE)["other_id"]))
        self.tree.header().setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        lay.addWidget(self.tree, 1)
        row = QtWidgets.QHBoxLayout()
        # mnemonics: the menus own F E M V H; the panel's fields and tabs T R K W P C D G N I S A L
        self.add = QtWidgets.QPushButton("Link t&o item…")
        self.add.setAccessibleName("Link to another item")
        self.add.clicked.connect(self.add_link)
        self.open = QtWidgets.QPushButton("Go to item")
        self.open.setAccessibleName("Go to the linked item")
        self.open.clicked.connect(self.open_current)
        self.remove = QtWidgets.QPushButton("Remove")
        self.remove.setAccessibleName("Remove link")
        self.remove.setToolTip("Remove the selected link")
        self.remove.clicked.connect(self.remove_current)
        row.addWidget(self.add)
        row.addWidget(self.open)
        row.addStretch(1)
        row.addWidget(self.remove)
        lay.addLayout(row)
        self.kinds = {k["key"]: k["label"] for k in self.session.store.relation_kinds()}
        self.picker_factory = ItemPickerDialog  # tests swap in a stub
        self._labels = status_labels(self.session.store)

    def load(self, item: dict | None) -> None:
        super().load(item)
        self.tree.clear()
        rows = self.session.store.relations_for_item(item["id"]) if item else []
        labels = self._labels
        for r in rows:
            kind = self.kinds.get(r["kind"], r["kind"])
            kind = kind if r["direction"] == "out" else f"{kind} (from)"
            title = f"{r['ref']}  {r['title']}".strip() if r["ref"] else r["title"]
            it = QtWidgets.QTreeWidgetItem([kind, title, r["framework"], labels.get(r["status"], r["status"])])
            it.setData(0, ROW_ROLE, r)
            it.setToolTip(1, escape_tooltip(title + ("\n\n" + r["note"] if r["note"] else "")))
            it.setToolTip(2, escape_tooltip(r["framework"]))
            self.tree.addTopLevelItem(it)
        self.tree.resizeColumnToContents(0)
        self.tree.resizeColumnToContents(3)
        self.tree.setColumnWidth(2, 180)
        has = self.tree.topLevelItemCount() > 0
        if (top := self.tree.topLevelItem(0)) is not None:
            self.tree.setCurrentItem(top)
        self.remove.setEnabled(has)
        self.open.setEnabled(has)
        self.add.setEnabled(item is not None)

    def current(self) -> dict | None:
        it = self.tree.currentItem()
        return it.data(0, ROW_ROLE) if it else None

    def open_current(self) -> None:
        r = self.current()
        if r:
            self.panel.item_activated.emit(r["other_id"])

    def add_link(self) -> bool:
        if self.item is None:
            return False
        dlg = self.picker_factory(self.session, self.item, self)
        if not dlg.exec():
            return False
        other, kind, note = dlg.result_value()
        if not other:
            return False
        return self.session.push(cmds.AddRelation(self.session, self.item["id"], other, kind, note))

    def remove_current(self) -> bool:
        r = self.current()
        if not r:
            return False
        if not self.session.confirm(f"Remove the link “{self.kinds.get(r['kind'], r['kind'])}” to “{r['title']}”?"):
            return False
        return self.session.push(cmds.RemoveRelation(self.session, r["id"]))
