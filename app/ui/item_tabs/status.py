"""The status history tab: a timeline of an item's updates, newest first, and a form to add one.

Web addresses in notes are links (http/https only, through app.ui.widgets.open_url). The form
is one column, so the panel stays narrow on a small screen; Enter in the note adds the update,
Shift+Enter makes a new line.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...core import validation as v
from ...core.model import ValidationError
from .. import commands as cmds
from ..models import StatusHistoryModel
from ..widgets import CommitPlainTextEdit, FieldError, TimelineDelegate, fit_date, open_url, web_links
from .base import ItemTab, citation_picker, fill_citations, today

Qt = QtCore.Qt


class StatusTab(ItemTab):
    """A timeline of updates, newest first, and a form to add one."""

    def __init__(self, panel: QtWidgets.QWidget):
        super().__init__(panel)
        lay = QtWidgets.QVBoxLayout(self)
        self.model = StatusHistoryModel(self.session.store, self)
        self.view = QtWidgets.QListView()
        self.view.setModel(self.model)
        self.view.setModelColumn(2)
        self.delegate = TimelineDelegate(self.view)
        self.delegate.link_clicked.connect(self.open_link)
        self.view.setItemDelegate(self.delegate)
        self.view.setAccessibleName("Status history, newest first")
        self.view.setAccessibleDescription("Enter on an update opens the first web address in its note")
        self.view.activated.connect(self._activated)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        # lay out a long history in batches: the first screen paints before all 1,000 updates
        # have been measured by the (Python) delegate
        self.view.setLayoutMode(QtWidgets.QListView.LayoutMode.Batched)
        self.view.setBatchSize(30)
        self.view.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setAlternatingRowColors(True)
        lay.addWidget(self.view, 1)

        box = QtWidgets.QGroupBox("Add a status update")
        box.setAccessibleName("Add a status update")
        g = QtWidgets.QGridLayout(box)
        self.status = QtWidgets.QComboBox()
        self.status.setAccessibleName("New status")
        for s in self.session.store.statuses():
            self.status.addItem(s["label"], s["key"])
        self.as_of = QtWidgets.QLineEdit(today())
        self.as_of.setAccessibleName("As of")
        self.as_of.setPlaceholderText("YYYY-MM-DD")
        fit_date(self.as_of)
        self.as_of.textEdited.connect(lambda _t: self.check())
        self.as_of.returnPressed.connect(self.submit)
        self.author = QtWidgets.QLineEdit(self.session.analyst)
        self.author.setAccessibleName("Author")
        self.author.setPlaceholderText("Author")
        self.author.returnPressed.connect(self.submit)
        self.note = CommitPlainTextEdit(enter_submits=True)
        self.note.setAccessibleName("Note")
        self.note.setAccessibleDescription("Enter adds the update; Shift+Enter starts a new line")
        self.note.setPlaceholderText("What happened, and the evidence for it (web addresses become links)")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.note.submitted.connect(self.submit)
        # its evidence: one of the item's citations (the words in a source that show it)
        self.cites = citation_picker("The item's words in a source that show this update")
        self.add = QtWidgets.QPushButton("Add update")
        self.add.setAccessibleName("Add update")
        self.add.clicked.connect(lambda: self.submit())
        # a draft is kept out of the reviewer's list until it is submitted (review states)
        self.draft = QtWidgets.QPushButton("Save as draft")
        self.draft.setAccessibleName("Save as draft")
        self.draft.clicked.connect(lambda: self.submit(review_state="draft"))
        self.error = FieldError()
        # mnemonics: the menus own F E M V H; the panel's fields and tabs T R K W P C D G N I S A L
        rows = (("Stat&us", self.status), ("As of", self.as_of), ("Author", self.author), ("N&ote", self.note),
                ("Evidence", self.cites))  # Tab reaches it: V is the View menu's
        for r, (text, w) in enumerate(rows):
            lab = QtWidgets.QLabel(text)
            lab.setBuddy(w)
            top = Qt.AlignmentFlag.AlignTop if w is self.note else Qt.AlignmentFlag.AlignVCenter
            g.addWidget(lab, r, 0, top)
            g.addWidget(w, r, 1, 1, 2)
        g.setColumnStretch(1, 1)
        g.addWidget(self.error, len(rows), 1)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.draft)
        buttons.addWidget(self.add)
        g.addLayout(buttons, len(rows), 2, Qt.AlignmentFlag.AlignRight)
        lay.addWidget(box)

    def open_link(self, url: str) -> bool:
        """Open a web address from a note in the browser (http/https only)."""
        if not open_url(url):
            self.session.error("Only web links (http or https) can be opened.")
            return False
        return True

    def _activated(self, index: QtCore.QModelIndex) -> None:
        """Enter or double-click: the note's first web address, else the update's evidence in the reader."""
        row = index.data(Qt.ItemDataRole.UserRole + 5) or {}
        links = web_links(row.get("note") or "")
        if links:
            self.open_link(links[0][2])
        elif row.get("citation_id"):
            self.panel.citation_opened.emit(row["citation_id"])

    def load(self, item: dict | None) -> None:
        changed_item = (item or {}).get("id") != (self.item or {}).get("id")
        super().load(item)
        self.model.set_item(item["id"] if item else None)
        fill_citations(self.cites, self.model.citations())
        if changed_item and item:
            self.status.setCurrentIndex(max(0, self.status.findData(item["status"])))
            self.author.setText(self.session.analyst)
            self.as_of.setText(today())
            self.note.clear()
            self.cites.setCurrentIndex(0)
            self.error.show_error(None)

    def check(self) -> str | None:
        try:
            d = v.parse_date(self.as_of.text(), "as_of", required=True)
            if d > today():
                raise ValidationError(f"The as-of date {d} is in the future.", "as_of")
        except ValidationError as e:
            self.error.show_error(str(e))
            self.add.setEnabled(False)
            self.draft.setEnabled(False)
            return None
        self.error.show_error(None)
        self.add.setEnabled(True)
        self.draft.setEnabled(True)
        return d

    def submit(self, review_state: str = "submitted") -> bool:
        """Add the update, submitted for review (or kept as a draft)."""
        if self.item is None or self.check() is None:
            return False
        ok = self.session.push(cmds.AddStatusUpdate(self.session, self.item["id"], self.status.currentData(),
                                                    self.as_of.text().strip(), self.note.toPlainText(),
                                                    self.author.text(), review_state=review_state,
                                                    citation_id=self.cites.currentData()))
        if ok:
            self.note.clear()
            self.cites.setCurrentIndex(0)
        return ok
