"""Dialogs: pick an item to link to, track selected words as a new item, describe a new source; a
framework's fields, a parent, a status or framework for several items, and a choice among answers."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ..core import validation as v
from ..core.model import ValidationError
from .session import Session
from .widgets import CommitPlainTextEdit, FieldError, escape_tooltip, plain_label, top_level_items

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
        self._fill_frameworks(framework_id)
        self.new_framework = QtWidgets.QPushButton("&New Framework…")
        self.new_framework.setAccessibleName("New framework")
        self.new_framework.setAutoDefault(False)
        self.new_framework.clicked.connect(self.create_framework)
        fw_row = QtWidgets.QHBoxLayout()
        fw_row.addWidget(self.framework, 1)
        fw_row.addWidget(self.new_framework)
        self.parent_id: str | None = None
        self.parent_label = plain_label("(none: at the top of the framework)", wrap=False, name="Parent")
        self.parent_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.choose_parent = QtWidgets.QPushButton("C&hoose…")
        self.choose_parent.setAccessibleName("Choose parent")
        self.choose_parent.setAutoDefault(False)
        self.choose_parent.clicked.connect(self.pick_parent)
        parent_row = QtWidgets.QHBoxLayout()
        parent_row.addWidget(self.parent_label, 1)
        parent_row.addWidget(self.choose_parent)
        self.framework.currentIndexChanged.connect(lambda _i: self.set_parent(None))
        self.kind = QtWidgets.QComboBox()
        self.kind.setAccessibleName("Kind")
        for k in session.store.item_kinds():
            self.kind.addItem(k["label"], k["key"])
        self.kind.setCurrentIndex(max(0, self.kind.findData("proposal")))
        self.ref = QtWidgets.QLineEdit()
        self.ref.setAccessibleName("Ref")
        # Enter accepts the dialog (a title is one line); Shift+Enter still breaks a long one on screen
        self.title = CommitPlainTextEdit(enter_submits=True)
        self.title.setPlainText(" ".join(title.split())[: v.MAX_TITLE])
        self.title.submitted.connect(self._accept_if_valid)
        self.title.setAccessibleName("Title")
        self.title.setTabChangesFocus(True)
        self.title.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.error = FieldError()
        form.addRow("&Framework:", fw_row)
        form.addRow("Parent:", parent_row)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Ref:", self.ref)
        form.addRow("&Title:", self.title)
        form.addRow("", self.error)
        self.buttons = _buttons(self)
        form.addRow(self.buttons)
        self.title.textChanged.connect(self.check)
        self.check()

    def _fill_frameworks(self, select: str | None) -> None:
        self.framework.blockSignals(True)
        self.framework.clear()
        for f in self.session.store.list_frameworks():
            self.framework.addItem(f["title"], f["id"])
        if select:
            self.framework.setCurrentIndex(max(0, self.framework.findData(select)))
        self.framework.blockSignals(False)

    def ask_framework_fields(self) -> dict | None:
        """The seam for the new-framework form (tests replace it)."""
        dlg = FrameworkDialog(self)
        return dlg.fields() if dlg.exec() else None

    def create_framework(self) -> str | None:
        """A new framework, made at once (its own undo step), chosen for the new item."""
        from . import commands as cmds
        fields = self.ask_framework_fields()
        if not fields:
            return None
        cmd = cmds.CreateFramework(self.session, fields["title"], fields.get("actor"), fields.get("description") or "")
        if not self.session.push(cmd):
            return None
        self._fill_frameworks(cmd.framework_id)
        self.set_parent(None)
        self.check()
        return cmd.framework_id

    def ask_parent(self, framework_id: str) -> str | None | bool:
        """The seam for the parent picker: an item id, None for the top level, False for Cancel."""
        dlg = ParentPickerDialog(self.session, framework_id, None, self, current=self.parent_id)
        return dlg.parent_id() if dlg.exec() else False

    def pick_parent(self) -> None:
        fid = self.framework.currentData()
        if not fid:
            self.error.show_error("Choose a framework first.")
            return
        got = self.ask_parent(fid)
        if got is not False and got is not True:
            self.set_parent(got or None)

    def set_parent(self, item_id: str | None) -> None:
        self.parent_id = item_id
        row = self.session.store.get_item(item_id) if item_id else None
        if row is None:
            self.parent_id = None
            self.parent_label.setText("(none: at the top of the framework)")
        else:
            self.parent_label.setText(f"{row['ref']}  {row['title']}".strip() if row["ref"] else row["title"])

    def _accept_if_valid(self) -> None:
        if self.check():
            self.accept()

    def check(self) -> bool:
        try:
            if not self.framework.currentData():
                raise ValidationError("There is no framework yet: make one with New Framework….")
            v.clean_text(self.title.toPlainText(), "title", required=True, limit=v.MAX_TITLE)
        except ValidationError as e:
            self.error.show_error(str(e))
            self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.error.show_error(None)
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def fields(self) -> dict:
        out = {"framework_id": self.framework.currentData(), "kind": self.kind.currentData(),
               "ref": self.ref.text(), "title": " ".join(self.title.toPlainText().split())}
        if self.parent_id:
            out["parent_id"] = self.parent_id
        return out


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


def ask_choice(session: Session, question: str, options: list[str],
               parent: QtWidgets.QWidget | None = None) -> int | None:
    """Which of `options` the person chose (its index), or None for Cancel.

    Goes through the session's replaceable seam: an interaction with `choose(question, options)`
    answers itself; one that only confirms (the tests' RecordingInteraction) answers the first
    option for Yes; the real one shows a box with one button per option and Cancel."""
    from .session import Interaction
    inter = session.interaction
    choose = getattr(inter, "choose", None)
    if choose is not None:
        return choose(question, options)
    if type(inter).confirm is not Interaction.confirm:
        return 0 if session.confirm(question) else None
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Question, "Policy Tracker", question,
                                QtWidgets.QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    buttons = [box.addButton(o, QtWidgets.QMessageBox.ButtonRole.AcceptRole) for o in options]
    cancel = box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


class FrameworkDialog(QtWidgets.QDialog):
    """Title, actor and description of a new framework, or of one being edited."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, heading: str = "New framework",
                 values: dict | None = None, focus: str = "title"):
        super().__init__(parent)
        values = values or {}
        self.setWindowTitle(heading)
        self.setAccessibleName(heading)
        self.resize(520, 0)
        form = QtWidgets.QFormLayout(self)
        self.title = QtWidgets.QLineEdit(values.get("title") or "")
        self.title.setAccessibleName("Framework title")
        self.title.setPlaceholderText("e.g. Sustainable Development Goals")
        self.actor = QtWidgets.QLineEdit(values.get("actor") or "")
        self.actor.setAccessibleName("Actor")
        self.actor.setPlaceholderText("Who stated it (optional)")
        self.description = QtWidgets.QPlainTextEdit(values.get("description") or "")
        self.description.setAccessibleName("Framework description")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.error = FieldError()
        form.addRow("&Title:", self.title)
        form.addRow("A&ctor:", self.actor)
        form.addRow("&Description:", self.description)
        form.addRow("", self.error)
        form.addRow(_buttons(self))
        (self.description if focus == "description" else self.title).setFocus()

    def accept(self) -> None:
        try:
            v.clean_framework_fields(self.fields(), partial=False)
        except ValidationError as e:
            self.error.show_error(str(e))
            return
        super().accept()

    def fields(self) -> dict:
        return {"title": self.title.text(), "actor": self.actor.text().strip() or None,
                "description": self.description.toPlainText()}


class BulkStatusDialog(QtWidgets.QDialog):
    """One status, date and note for several items at once."""

    def __init__(self, session: Session, n: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        from .item_tabs.base import today
        self.setWindowTitle("Set status")
        self.setAccessibleName("Set status")
        self.resize(480, 0)
        form = QtWidgets.QFormLayout(self)
        form.addRow(plain_label(f"A dated status update for {n} item{'s' if n != 1 else ''}, with one note for all:"))
        self.status = QtWidgets.QComboBox()
        self.status.setAccessibleName("Status")
        for s in session.store.statuses():
            self.status.addItem(s["label"], s["key"])
        self.as_of = QtWidgets.QLineEdit(today())
        self.as_of.setAccessibleName("As of")
        self.as_of.setPlaceholderText("YYYY-MM-DD")
        self.note = QtWidgets.QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.error = FieldError()
        form.addRow("&Status:", self.status)
        form.addRow("&As of:", self.as_of)
        form.addRow("&Note:", self.note)
        form.addRow("", self.error)
        form.addRow(_buttons(self))

    def accept(self) -> None:
        try:
            v.parse_date(self.as_of.text(), "as_of", required=True)
        except ValidationError as e:
            self.error.show_error(str(e))
            return
        super().accept()

    def value(self) -> tuple[str, str, str]:
        return self.status.currentData(), self.as_of.text().strip(), self.note.toPlainText()


class ChooseFrameworkDialog(QtWidgets.QDialog):
    """The framework to move items to."""

    def __init__(self, session: Session, n: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Move to framework")
        self.setAccessibleName("Move to framework")
        self.resize(480, 0)
        form = QtWidgets.QFormLayout(self)
        form.addRow(plain_label(f"Move {n} item{'s' if n != 1 else ''}, with everything below them, to:"))
        self.framework = QtWidgets.QComboBox()
        self.framework.setAccessibleName("Framework")
        for f in session.store.list_frameworks():
            self.framework.addItem(f["title"], f["id"])
        form.addRow("&Framework:", self.framework)
        form.addRow(_buttons(self))

    def framework_id(self) -> str | None:
        return self.framework.currentData()


class ParentPickerDialog(QtWidgets.QDialog):
    """Choose an item's parent among the items of its framework (never itself or one below it).

    Lists at most one screenful that matches what is typed (hierarchy.parent_candidates), so it
    opens at once however many items the framework holds."""

    LIMIT = 200

    def __init__(self, session: Session, framework_id: str, item_id: str | None = None,
                 parent: QtWidgets.QWidget | None = None, *, current: str | None = None):
        super().__init__(parent)
        from ..store import hierarchy as H
        self.session = session
        self.framework_id = framework_id
        self._exclude = set()
        if item_id:
            self._exclude = {item_id, *H.descendants(session.store.conn, [item_id])}
        self.setWindowTitle("Choose parent")
        self.setAccessibleName("Choose parent")
        self.resize(560, 460)
        lay = QtWidgets.QVBoxLayout(self)
        self.filter = QtWidgets.QLineEdit()
        self.filter.setAccessibleName("Filter parents")
        self.filter.setPlaceholderText("Type words of the ref or title")
        self.filter.setClearButtonEnabled(True)
        lay.addWidget(self.filter)
        self.list = QtWidgets.QListWidget()
        self.list.setAccessibleName("Possible parents")
        lay.addWidget(self.list, 1)
        self.more = plain_label("", wrap=True)
        lay.addWidget(self.more)
        lay.addWidget(_buttons(self))
        self.filter.textChanged.connect(self._fill)
        self.list.itemActivated.connect(lambda *_: self.accept())
        self._fill("")
        if current:
            self.select(current)

    def _fill(self, text: str) -> None:
        from ..store import hierarchy as H
        self.list.clear()
        top = QtWidgets.QListWidgetItem("(no parent: at the top of the framework)")
        top.setData(Qt.ItemDataRole.UserRole, "")
        self.list.addItem(top)
        rows = H.parent_candidates(self.session.store.conn, self.framework_id, text, exclude=self._exclude,
                                   limit=self.LIMIT + 1)
        for r in rows[:self.LIMIT]:
            label = f"{r['ref']}  {r['title']}" if r["ref"] else r["title"]
            it = QtWidgets.QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, r["id"])
            it.setToolTip(escape_tooltip(label))
            self.list.addItem(it)
        self.more.setText(f"Only the first {self.LIMIT} are listed; type to narrow them down."
                          if len(rows) > self.LIMIT else "")
        self.list.setCurrentRow(1 if self.list.count() > 1 and text else 0)

    def select(self, item_id: str) -> bool:
        for n in range(self.list.count()):
            it = self.list.item(n)
            if it is not None and it.data(Qt.ItemDataRole.UserRole) == item_id:
                self.list.setCurrentRow(n)
                return True
        return False

    def parent_id(self) -> str | None:
        it = self.list.currentItem()
        return (it.data(Qt.ItemDataRole.UserRole) or None) if it is not None else None
