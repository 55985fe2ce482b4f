"""Dialogs: pick an item to link to, track selected words as a new item, describe a new source."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ..core import validation as v
from ..core.model import ValidationError
from .session import Session
from .widgets import FieldError, escape_tooltip, plain_label, top_level_items

Qt = QtCore.Qt
OK_CANCEL = QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel


def _buttons(dlg: QtWidgets.QDialog) -> QtWidgets.QDialogButtonBox:
    bb = QtWidgets.QDialogButtonBox(OK_CANCEL)
    bb.accepted.connect(dlg.accept)
    bb.rejected.connect(dlg.reject)
    return bb


class ItemPickerDialog(QtWidgets.QDialog):
    """Choose an item of another framework and the kind of link to it."""

    def __init__(self, session: Session, item: dict, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Link to another item")
        self.setAccessibleName("Link to another item")
        self.resize(640, 480)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(plain_label(f"Link “{item['title']}” to:"))
        self.filter = QtWidgets.QLineEdit()
        self.filter.setAccessibleName("Filter items")
        self.filter.setPlaceholderText("Type to filter by title, ref or framework")
        self.filter.setClearButtonEnabled(True)
        lay.addWidget(self.filter)
        self.list = QtWidgets.QTreeWidget()
        self.list.setAccessibleName("Items to link to")
        self.list.setHeaderLabels(["Item", "Framework"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        lay.addWidget(self.list, 1)
        st = session.store
        ids = [i for i in st.item_ids(sort="framework") if i != item["id"]]
        rows = st.items_by_ids(ids)
        for iid in ids:
            r = rows[iid]
            if r["framework_id"] == item["framework_id"]:
                continue
            title = f"{r['ref']}  {r['title']}".strip() if r["ref"] else r["title"]
            it = QtWidgets.QTreeWidgetItem([title, r["framework"]])
            it.setData(0, Qt.ItemDataRole.UserRole, iid)
            it.setToolTip(0, escape_tooltip(title))
            it.setToolTip(1, escape_tooltip(r["framework"]))
            self.list.addTopLevelItem(it)
        self.list.setColumnWidth(0, 380)
        self.filter.textChanged.connect(self._filter)
        self.list.itemActivated.connect(lambda *_: self.accept())
        form = QtWidgets.QFormLayout()
        self.kind = QtWidgets.QComboBox()
        self.kind.setAccessibleName("Kind of link")
        for k in st.relation_kinds():
            self.kind.addItem(k["label"], k["key"])
            self.kind.setItemData(self.kind.count() - 1, escape_tooltip(k["description"]), Qt.ItemDataRole.ToolTipRole)
        self.note = QtWidgets.QLineEdit()
        self.note.setAccessibleName("Link note")
        form.addRow("&Kind of link:", self.kind)
        form.addRow("&Note:", self.note)
        lay.addLayout(form)
        lay.addWidget(_buttons(self))
        if (top := self.list.topLevelItem(0)) is not None:
            self.list.setCurrentItem(top)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        first = None
        for it in top_level_items(self.list):
            hay = (it.text(0) + " " + it.text(1)).casefold()
            hide = not all(w in hay for w in words)
            it.setHidden(hide)
            if not hide and first is None:
                first = it
        if first is not None:
            self.list.setCurrentItem(first)

    def select(self, item_id: str) -> None:
        for it in top_level_items(self.list):
            if it.data(0, Qt.ItemDataRole.UserRole) == item_id:
                self.list.setCurrentItem(it)

    def result_value(self) -> tuple[str | None, str, str]:
        it = self.list.currentItem()
        other = it.data(0, Qt.ItemDataRole.UserRole) if it and not it.isHidden() else None
        return other, self.kind.currentData(), self.note.text()


class TrackItemDialog(QtWidgets.QDialog):
    """Framework, kind, ref and title for a new item (title pre-filled from the selected words)."""

    def __init__(self, session: Session, title: str = "", framework_id: str | None = None,
                 parent: QtWidgets.QWidget | None = None, *, heading: str = "Track as new item"):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(heading)
        self.setAccessibleName(heading)
        self.resize(560, 0)
        form = QtWidgets.QFormLayout(self)
        self.framework = QtWidgets.QComboBox()
        self.framework.setAccessibleName("Framework")
        for f in session.store.list_frameworks():
            self.framework.addItem(f["title"], f["id"])
        if framework_id:
            self.framework.setCurrentIndex(max(0, self.framework.findData(framework_id)))
        self.kind = QtWidgets.QComboBox()
        self.kind.setAccessibleName("Kind")
        for k in session.store.item_kinds():
            self.kind.addItem(k["label"], k["key"])
        self.kind.setCurrentIndex(max(0, self.kind.findData("proposal")))
        self.ref = QtWidgets.QLineEdit()
        self.ref.setAccessibleName("Ref")
        self.title = QtWidgets.QPlainTextEdit(" ".join(title.split())[: v.MAX_TITLE])
        self.title.setAccessibleName("Title")
        self.title.setTabChangesFocus(True)
        self.title.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.error = FieldError()
        form.addRow("&Framework:", self.framework)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Ref:", self.ref)
        form.addRow("&Title:", self.title)
        form.addRow("", self.error)
        self.buttons = _buttons(self)
        form.addRow(self.buttons)
        self.title.textChanged.connect(self.check)
        self.check()

    def check(self) -> bool:
        try:
            v.clean_text(self.title.toPlainText(), "title", required=True, limit=v.MAX_TITLE)
        except ValidationError as e:
            self.error.show_error(str(e))
            self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.error.show_error(None)
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def fields(self) -> dict:
        return {"framework_id": self.framework.currentData(), "kind": self.kind.currentData(),
                "ref": self.ref.text(), "title": " ".join(self.title.toPlainText().split())}


class SourceMetaDialog(QtWidgets.QDialog):
    """Title, date, publisher, author, kind and link of a source document being added."""

    def __init__(self, title: str, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add source document")
        self.setAccessibleName("Add source document")
        self.resize(520, 0)
        form = QtWidgets.QFormLayout(self)
        self.edits: dict[str, QtWidgets.QLineEdit] = {}
        for key, label, val in (("title", "&Title", title), ("published_on", "&Published on", ""),
                                ("publisher", "P&ublisher", ""), ("author", "&Author or speaker", ""),
                                ("kind", "&Kind", "document"), ("url", "&Web address", "")):
            e = QtWidgets.QLineEdit(val)
            e.setAccessibleName(label.replace("&", ""))
            if key == "published_on":
                e.setPlaceholderText("YYYY-MM-DD")
            if key == "url":
                e.setPlaceholderText("https://…")
            form.addRow(label + ":", e)
            self.edits[key] = e
        self.error = FieldError()
        form.addRow("", self.error)
        form.addRow(_buttons(self))

    def accept(self) -> None:
        try:
            v.clean_text(self.edits["title"].text(), "title", required=True, limit=v.MAX_TITLE)
            v.parse_date(self.edits["published_on"].text(), "published_on")
            v.web_url(self.edits["url"].text())
        except ValidationError as e:
            self.error.show_error(str(e))
            return
        super().accept()

    def meta(self) -> dict:
        return {k: (e.text().strip() or None) for k, e in self.edits.items()}
