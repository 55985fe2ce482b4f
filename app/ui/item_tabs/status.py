"""The status history tab: a timeline of an item's updates, newest first, and a form to add one."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...core import validation as v
from ...core.model import ValidationError
from .. import commands as cmds
from ..models import StatusHistoryModel
from ..widgets import FieldError, TimelineDelegate, fit_date
from .base import ItemTab, today

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
        self.view.setItemDelegate(TimelineDelegate(self.view))
        self.view.setAccessibleName("Status history, newest first")
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
        self.author = QtWidgets.QLineEdit(self.session.analyst)
        self.author.setAccessibleName("Author")
        self.author.setPlaceholderText("Author")
        self.note = QtWidgets.QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What happened, and the evidence for it")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.add = QtWidgets.QPushButton("&Add update")
        self.add.setAccessibleName("Add update")
        self.add.clicked.connect(self.submit)
        self.error = FieldError()
        for col, (text, w) in enumerate((("Stat&us", self.status), ("As o&f", self.as_of))):
            lab = QtWidgets.QLabel(text)
            lab.setBuddy(w)
            g.addWidget(lab, 0, col * 2)
            g.addWidget(w, 0, col * 2 + 1)
        al = QtWidgets.QLabel("Au&thor")
        al.setBuddy(self.author)
        g.addWidget(al, 1, 0)
        g.addWidget(self.author, 1, 1, 1, 4)
        g.setColumnStretch(4, 1)
        nl = QtWidgets.QLabel("&Note")
        nl.setBuddy(self.note)
        g.addWidget(nl, 2, 0, Qt.AlignmentFlag.AlignTop)
        g.addWidget(self.note, 2, 1, 1, 4)
        g.addWidget(self.error, 3, 1, 1, 3)
        g.addWidget(self.add, 3, 4, Qt.AlignmentFlag.AlignRight)
        lay.addWidget(box)

    def load(self, item: dict | None) -> None:
        changed_item = (item or {}).get("id") != (self.item or {}).get("id")
        super().load(item)
        self.model.set_item(item["id"] if item else None)
        if changed_item and item:
            self.status.setCurrentIndex(max(0, self.status.findData(item["status"])))
            self.author.setText(self.session.analyst)
            self.as_of.setText(today())
            self.note.clear()
            self.error.show_error(None)

    def check(self) -> str | None:
        try:
            d = v.parse_date(self.as_of.text(), "as_of", required=True)
            if d > today():
                raise ValidationError(f"The as-of date {d} is in the future.", "as_of")
        except ValidationError as e:
            self.error.show_error(str(e))
            self.add.setEnabled(False)
            return None
        self.error.show_error(None)
        self.add.setEnabled(True)
        return d

    def submit(self) -> bool:
        if self.item is None or self.check() is None:
            return False
        ok = self.session.push(cmds.AddStatusUpdate(self.session, self.item["id"], self.status.currentData(),
                                                    self.as_of.text().strip(), self.note.toPlainText(),
                                                    self.author.text()))
        if ok:
            self.note.clear()
        return ok
