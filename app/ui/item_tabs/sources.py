"""The sources tab: an item's citations with their exact words, opened in the reader or on the web."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...core import validation as v
from ...services import editing
from .. import commands as cmds
from ..widgets import escape_tooltip, open_url
from .base import ItemTab

Qt = QtCore.Qt


class SourcesTab(ItemTab):
    """The item's citations, each with its source and exact words; open one in the reader."""

    def __init__(self, panel: QtWidgets.QWidget):
        super().__init__(panel)
        lay = QtWidgets.QVBoxLayout(self)
        self.list = QtWidgets.QListWidget()
        self.list.setAccessibleName("Citations")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.itemActivated.connect(lambda _it: self.open_current())
        self.list.currentRowChanged.connect(lambda _r: self._enable())
        lay.addWidget(self.list, 1)
        row = QtWidgets.QHBoxLayout()
        # mnemonics: the menus own F E M V H; the panel's fields and tabs T R K W P C D G N I S A L
        self.open = QtWidgets.QPushButton("&Open in reader")
        self.open.setAccessibleName("Open in reader")
        self.open.clicked.connect(self.open_current)
        self.web = QtWidgets.QPushButton("We&b page")
        self.web.setAccessibleName("Open the source's web page")
        self.web.clicked.connect(self.open_web)
        self.remove = QtWidgets.QPushButton("Remove")
        self.remove.setAccessibleName("Remove citation")
        self.remove.setToolTip("Remove the selected citation from this item")
        self.remove.clicked.connect(self.remove_current)
        row.addWidget(self.open)
        row.addWidget(self.web)
        row.addStretch(1)
        row.addWidget(self.remove)
        lay.addLayout(row)
        self.rows: list[dict] = []

    def load(self, item: dict | None) -> None:
        super().load(item)
        self.list.clear()
        self.rows = self.session.store.citations_for_item(item["id"]) if item else []
        for c in self.rows:
            meta = " · ".join(x for x in (c["source_title"], c["source_published_on"]) if x)
            placed = "" if c["start"] is not None else (
                "\n(not in the current edition: to review in Citations to Check)" if c.get("anchor_state") == "review"
                else "\n(not in the current edition)" if c.get("anchor_state") == "gone"
                else "\n(not in the current edition: to place in Citations to Check)")
            if c.get("figures_changed"):
                placed += "\n⚠ its figures changed in the newest edition"
            it = QtWidgets.QListWidgetItem(f"{meta}\n“{c['quote']}”{placed}")
            it.setData(Qt.ItemDataRole.UserRole, c["id"])
            it.setToolTip(escape_tooltip(f"{c['source_title']}\n\n{c['quote']}"))
            self.list.addItem(it)
        if self.rows:
            self.list.setCurrentRow(0)
        self._enable()

    def current(self) -> dict | None:
        r = self.list.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _enable(self) -> None:
        c = self.current()
        self.open.setEnabled(bool(c and c["start"] is not None))
        self.remove.setEnabled(c is not None)
        src = self.session.store.get_source(c["source_id"], with_text=False) if c else None
        self.web.setEnabled(bool(src and v.is_web_url(src["url"])))

    def open_current(self) -> None:
        c = self.current()
        if c:
            self.panel.citation_opened.emit(c["id"])

    def open_web(self) -> None:
        c = self.current()
        src = self.session.store.get_source(c["source_id"], with_text=False) if c else None
        if src and not open_url(src["url"] or ""):
            self.session.error("Only web links (http or https) can be opened.")

    def remove_current(self) -> None:
        c = self.current()
        refusal = editing.cited_by_updates(self.session.store, c["id"]) if c else None
        if refusal:  # it would be refused after the question: say so instead of asking
            self.session.error(refusal)
            return
        if c and self.session.confirm(f"Remove the citation “{c['quote'][:80]}” from this item?"):
            self.session.push(cmds.RemoveCitation(self.session, c["id"]))
