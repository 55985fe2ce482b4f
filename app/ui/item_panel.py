"""The item panel: every field of one item, edited in place, and its four tabs.

Each field is checked as the person types, with the same rules the services use; a broken
value gets a message beside the field and is not written. Leaving a valid, changed field
pushes one undoable edit. Tabs (status history, sources, target, related items) live in
app/ui/item_tabs/, one module each.
"""
from __future__ import annotations

from typing import cast

from PySide6 import QtCore, QtWidgets

from ..core import validation as v
from ..core.model import PolicyTrackerError, ValidationError
from ..core.progress import progress_percent  # noqa: F401 - re-exported: the bar's value
from ..services import editing
from . import commands as cmds
from .item_tabs.base import ItemTab as _Tab  # noqa: F401 - re-exported under its old name
from .item_tabs.base import fmt_num as _fmt_num  # noqa: F401 - re-exported under its old name
from .item_tabs.base import today as _today  # noqa: F401 - re-exported under its old name
from .item_tabs.chart import TargetChart, nice_ticks  # noqa: F401 - re-exported
from .item_tabs.related import RelatedTab
from .item_tabs.sources import SourcesTab
from .item_tabs.status import StatusTab
from .item_tabs.target import TargetTab
from .models import status_colors, status_labels
from .notice_bar import ConflictBar
from .session import Session
from .widgets import CommitPlainTextEdit, FieldError, escape_tooltip, plain_label, set_chip, status_chip

Qt = QtCore.Qt
LINE_FIELDS = ("title", "ref", "actor", "due_on", "tags")


class ItemPanel(QtWidgets.QWidget):
    """Shows one item; `citation_opened(citation_id)` and `item_activated(item_id)` go to the window."""

    citation_opened = QtCore.Signal(str)
    item_activated = QtCore.Signal(str)

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.item: dict | None = None
        self._stated_on: str | None = None
        # the stored value each field was last filled from (or saved as): what "changed
        # elsewhere meanwhile" is measured against, field by field
        self._base: dict[str, object] = {}
        self._leaving_window = False  # focus is going to another window: do not save half-typed text
        self.setObjectName("itemPanel")
        self.setAccessibleName("Item")
        self._labels = status_labels(session.store)
        self._colors = {k: c.name() for k, c in status_colors(session.store).items()}

        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.empty = plain_label("Select an item in the table to see and edit it here.", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("emptyHint")
        outer.addWidget(self.empty)

        self.body = QtWidgets.QWidget()
        outer.addWidget(self.body, 1)
        lay = QtWidgets.QVBoxLayout(self.body)
        lay.setContentsMargins(0, 0, 0, 0)

        head = QtWidgets.QHBoxLayout()
        self.heading = plain_label("", wrap=True, name="Item heading")
        self.heading.setObjectName("itemHeading")
        self.chip = status_chip("", "#888")
        head.addWidget(self.heading, 1)
        head.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(head)
        self.conflict = ConflictBar()
        self.conflict.kept_mine.connect(self._keep_mine)
        self.conflict.took_theirs.connect(self._take_theirs)
        lay.addWidget(self.conflict)

        form = QtWidgets.QFormLayout()
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edits: dict[str, QtWidgets.QWidget] = {}
        self.errors: dict[str, FieldError] = {}

        def line(key: str, label: str, placeholder: str = "") -> QtWidgets.QLineEdit:
            e = QtWidgets.QLineEdit()
            e.setAccessibleName(label.replace("&", ""))
            e.setPlaceholderText(placeholder)
            e.textEdited.connect(lambda _t, k=key: self.validate(k))
            e.editingFinished.connect(lambda k=key: self.commit(k))
            self._add_row(form, key, label, e)
            return e

        line("title", "&Title", "What was stated, in a few words")
        line("ref", "&Ref", "e.g. 3 or 7NDP-DE-2")
        self.kind = QtWidgets.QComboBox()
        self.kind.setAccessibleName("Kind")
        for k in session.store.item_kinds():
            self.kind.addItem(k["label"], k["key"])
        self.kind.activated.connect(lambda _i: self.commit("kind"))
        self._add_row(form, "kind", "&Kind", self.kind)
        self.framework = QtWidgets.QComboBox()
        self.framework.setAccessibleName("Framework")
        self.framework.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.framework.setMinimumContentsLength(20)
        self.framework.activated.connect(lambda _i: self.commit("framework_id"))
        self._add_row(form, "framework_id", "Frame&work", self.framework)
        self._add_parent_row(form)
        line("actor", "A&ctor", "Who is responsible")
        line("due_on", "&Due", "YYYY-MM-DD (optional)")
        line("tags", "Ta&gs", "comma, separated, words")
        self.description = CommitPlainTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setPlaceholderText("Context, conditions, what counts as done…")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.description.textChanged.connect(lambda: self.validate("description"))
        self.description.editing_finished.connect(lambda: self.commit("description"))
        self._add_row(form, "description", "Descriptio&n", self.description)
        lay.addLayout(form)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setAccessibleName("Item details")
        self.tabs.setDocumentMode(True)
        self.history = StatusTab(self)
        self.sources = SourcesTab(self)
        self.target = TargetTab(self)
        self.related = RelatedTab(self)
        self.tabs.addTab(self.history, "Status h&istory")
        self.tabs.addTab(self.sources, "&Sources")
        self.tabs.addTab(self.target, "T&arget")
        self.tabs.addTab(self.related, "Re&lated")
        lay.addWidget(self.tabs, 1)
        self.body.hide()
        session.changed.connect(self._on_changed)

    def _add_row(self, form: QtWidgets.QFormLayout, key: str, label: str, w: QtWidgets.QWidget) -> None:
        box = QtWidgets.QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(w)
        err = FieldError()
        box.addWidget(err)
        lab = QtWidgets.QLabel(label)
        lab.setBuddy(w)
        form.addRow(lab, box)
        self.edits[key] = w
        self.errors[key] = err
        w.installEventFilter(self)

    def _add_parent_row(self, form: QtWidgets.QFormLayout) -> None:
        """Parent: the ref of an item of the same framework (Enter to save), or chosen with "…"."""
        self.parent_edit = QtWidgets.QLineEdit()
        self.parent_edit.setAccessibleName("Parent")
        self.parent_edit.setPlaceholderText("ref of the parent item (empty: top level)")
        self.parent_edit.returnPressed.connect(self.commit_parent)
        self.parent_pick = QtWidgets.QToolButton()
        self.parent_pick.setText("…")
        self.parent_pick.setAccessibleName("Choose parent")
        self.parent_pick.setToolTip("Choose the parent among the items of this framework")
        self.parent_pick.clicked.connect(self.pick_parent)
        self.parent_title = plain_label("", wrap=False, name="Parent title")
        self.parent_title.setObjectName("parentTitle")
        # a long title must never widen the panel (it is cut, with the whole title in the tooltip)
        self.parent_title.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.parent_title.setMinimumWidth(1)
        line = QtWidgets.QHBoxLayout()
        line.setSpacing(4)
        line.addWidget(self.parent_edit, 1)
        line.addWidget(self.parent_pick)
        box = QtWidgets.QVBoxLayout()
        box.setSpacing(2)
        box.addLayout(line)
        box.addWidget(self.parent_title)
        err = FieldError()
        box.addWidget(err)
        lab = QtWidgets.QLabel("&Parent")
        lab.setBuddy(self.parent_edit)
        form.addRow(lab, box)
        self.errors["parent_id"] = err

    def _fill_parent(self, item: dict) -> None:
        parent = self.session.store.get_item(item["parent_id"]) if item.get("parent_id") else None
        self.parent_edit.setText(parent["ref"] if parent else "")
        self.parent_title.setText(parent["title"] if parent else "(top level)")
        self.parent_title.setToolTip(escape_tooltip(parent["title"]) if parent else "")
        self.errors["parent_id"].show_error(None)

    def ask_parent(self, framework_id: str, item_id: str) -> str | None | bool:
        """The seam for the parent picker: an item id, None for the top level, False for Cancel."""
        from .dialogs import ParentPickerDialog
        dlg = ParentPickerDialog(self.session, framework_id, item_id, self, current=(self.item or {}).get("parent_id"))
        return dlg.parent_id() if dlg.exec() else False

    def pick_parent(self) -> bool:
        if self.item is None:
            return False
        got = self.ask_parent(self.item["framework_id"], self.item["id"])
        if got is False or got is True:
            return False
        return self.set_parent(got or None)

    def commit_parent(self) -> bool:
        """Save the parent typed as a ref (one sentence beside the field if it cannot be the parent)."""
        if self.item is None:
            return False
        from ..store import hierarchy as H
        ref = self.parent_edit.text().strip()
        if not ref:
            return self.set_parent(None)
        found = H.items_with_ref(self.session.store.conn, self.item["framework_id"], ref)
        if not found:
            self.errors["parent_id"].show_error(f"No item of this framework has the ref “{ref}”.")
            return False
        if len(found) > 1:
            self.errors["parent_id"].show_error(f"{len(found)} items of this framework have the ref “{ref}”; "
                                                f"choose the one you mean with “…”.")
            return False
        return self.set_parent(found[0])

    def set_parent(self, parent_id: str | None) -> bool:
        if self.item is None:
            return False
        from ..services.structure_ops import check_parent
        fresh = self.session.store.get_item(self.item["id"])
        if fresh is None:
            return False
        if (fresh["parent_id"] or None) == (parent_id or None):
            self._fill_parent(fresh)
            return False
        try:
            check_parent(self.session.store, fresh, parent_id)
        except ValidationError as e:
            self.errors["parent_id"].show_error(str(e))
            return False
        ok = self.session.push(cmds.SetParent(self.session, fresh["id"], parent_id))
        if ok:
            self.errors["parent_id"].show_error(None)
        return ok

    def eventFilter(self, obj, e) -> bool:  # noqa: N802 - Qt's name
        """Leaving for another window is not "done typing": the field keeps its text unsaved."""
        if e.type() == QtCore.QEvent.Type.FocusOut and e.reason() == Qt.FocusReason.ActiveWindowFocusReason:
            self._leaving_window = True
            QtCore.QTimer.singleShot(0, self, self._left_window)
        return super().eventFilter(obj, e)

    def _left_window(self) -> None:
        self._leaving_window = False

    # -- showing ------------------------------------------------------------------------------
    def set_item(self, item_id: str | None) -> None:
        if self.item is not None and item_id != self.item["id"]:
            self.flush()  # edits left unsaved (another window took the focus) go with their item
        item = self.session.store.get_item(item_id) if item_id else None
        self.item = item
        self.empty.setVisible(item is None)
        self.body.setVisible(item is not None)
        if item is None:
            for t in (self.history, self.sources, self.target, self.related):
                t.load(None)
            return
        first = self.session.store.status_updates_for_item(item["id"], newest_first=False, limit=1)
        self._stated_on = first[0]["as_of"] if first else None
        self._fill_fields(item, force=True)
        for t in (self.history, self.sources, self.target, self.related):
            t.load(item)

    def _fill_fields(self, item: dict, *, force: bool) -> None:
        store = self.session.store
        self.heading.setText(f"{item['ref']}  {item['title']}".strip() if item["ref"] else item["title"])
        set_chip(self.chip, self._labels.get(item["status"], item["status"]), self._colors.get(item["status"], "#888"))
        for key in TEXT_FIELDS:
            if not force and self.is_dirty(key):
                if self.value(key) == self._display(key, item.get(key)):
                    self._base[key] = item.get(key)  # the file now says what the field says
                    continue
                # the person is typing here: keep their text and its base, and say at once if the
                # stored value moved away from what they started from
                if not _same(key, item.get(key), self._base.get(key)):
                    self._show_conflict(key, self.value(key), item.get(key))
                continue
            self._set_field(key, item.get(key))
        self.kind.setCurrentIndex(max(0, self.kind.findData(item["kind"])))
        self.framework.blockSignals(True)
        self.framework.clear()
        for f in store.list_frameworks():
            self.framework.addItem(f["title"], f["id"])
            self.framework.setItemData(self.framework.count() - 1, escape_tooltip(f["title"]),
                                       Qt.ItemDataRole.ToolTipRole)
        self.framework.setCurrentIndex(max(0, self.framework.findData(item["framework_id"])))
        self.framework.blockSignals(False)
        self._fill_parent(item)

    # -- what is in the fields ---------------------------------------------------------------
    def _display(self, key: str, value) -> str:
        if key == "tags":
            return ", ".join(value or [])
        return "" if value is None else str(value)

    def _set_field(self, key: str, value) -> None:
        """Show a stored value in a field, and remember it as that field's base."""
        self._base[key] = value
        if key == "description":
            self.description.blockSignals(True)
            self.description.setPlainText(self._display(key, value))
            self.description.blockSignals(False)
        else:
            e = self._line_edit(key)
            e.setText(self._display(key, value))
            e.setCursorPosition(0)  # show the start of a long value, not its end
        self.errors[key].show_error(None)

    def is_dirty(self, key: str) -> bool:
        """Whether the field holds text that differs from the stored value it was filled from."""
        return key in self._base and self.value(key) != self._display(key, self._base[key])

    def pending_edits(self) -> dict[str, str]:
        """Typed text not saved yet, by field (kept when the file has to be reopened)."""
        return {k: self.value(k) for k in TEXT_FIELDS if self.is_dirty(k)}

    def restore_pending(self, pending: dict[str, str]) -> None:
        """Put text typed before a reopen back into its fields, unsaved, for the person to save."""
        for key, text in pending.items():
            if key == "description":
                self.description.setPlainText(text)
            else:
                self._line_edit(key).setText(text)
            self.errors[key].show_error("Not saved yet: press Enter (Tab in the description) to save it.")

    def flush(self) -> bool:
        """Save every field with unsaved text; False if one of them is waiting on a conflict."""
        ok = True
        for key in TEXT_FIELDS:
            if self.item is not None and self.is_dirty(key):
                ok = self._save_field(key) and ok
        return ok and self.conflict.conflict is None

    def _show_conflict(self, key: str, mine, theirs) -> None:
        if self.item is None:
            return
        # name the item by what did not move: its ref, or (unless the title is what conflicts) its title
        what = (f"item {self.item['ref']}" if self.item["ref"] else
                "this item" if key == "title" else f"“{self.item['title']}”")
        self.conflict.show_conflict(self.item["id"], key, FIELD_LABELS.get(key, key), what, mine, theirs)

    def _keep_mine(self, item_id: str, key: str, mine) -> None:
        fresh = self.session.store.get_item(item_id)
        if fresh is None:
            self.session.error("The item was deleted elsewhere, so your edit could not be saved.")
            return
        if key in ("actor",) and not mine:
            mine = None
        cmd = cmds.EditItemFields(self.session, item_id, {key: mine}, expected_version=fresh["version"])
        if self.session.push(cmd) and self.item is not None and self.item["id"] == item_id:
            self._base[key] = mine
            self.errors[key].show_error(None)

    def _take_theirs(self, item_id: str, key: str, theirs) -> None:
        if self.item is not None and self.item["id"] == item_id:
            fresh = self.session.store.get_item(item_id)
            self._set_field(key, fresh.get(key) if fresh else theirs)

    def _on_changed(self, changes) -> None:
        if self.item is None:
            return
        if self.item["id"] in changes.items or changes.structure:
            fresh = self.session.store.get_item(self.item["id"])
            if fresh is None:
                self.set_item(None)
                return
            self.item = fresh
            self._fill_fields(fresh, force=False)
            for t in (self.history, self.sources, self.target, self.related):
                t.load(fresh)

    # -- editing -------------------------------------------------------------------------------
    def value(self, key: str):
        w = self.edits[key]
        if key == "description":
            return self.description.toPlainText()
        if isinstance(w, QtWidgets.QComboBox):
            return w.currentData()
        return self._line_edit(key).text()

    def _line_edit(self, key: str) -> QtWidgets.QLineEdit:
        """The field of a key that is neither the description nor a choice: a line edit."""
        return cast(QtWidgets.QLineEdit, self.edits[key])

    def validate(self, key: str) -> dict | None:
        """Check one field as typed; show the message beside it; return the clean value or None."""
        try:
            clean = editing.clean_item_fields(self.session.store, {key: self.value(key)}, partial=True)
            if key == "due_on":
                v.due_not_before(clean["due_on"], self._stated_on)
        except ValidationError as e:
            self.errors[key].show_error(str(e))
            return None
        self.errors[key].show_error(None)
        return clean

    def commit(self, key: str) -> bool:
        """Write a valid, changed field as one undoable edit (Tab, Enter, or leaving the field)."""
        if self.item is None:
            return False
        if key == "framework_id":
            return self._move_to_framework()
        if self._leaving_window and key in TEXT_FIELDS:
            if self.is_dirty(key):
                self.errors[key].show_error("Not saved yet: press Enter (Tab in the description) to save it.")
            return False
        return self._save_field(key)

    def _move_to_framework(self) -> bool:
        """Another framework: the item moves with everything below it, and leaves its parent behind."""
        assert self.item is not None
        fid = self.framework.currentData()
        if not fid or fid == self.item["framework_id"]:
            return False
        return self.session.push(cmds.MoveToFramework(self.session, [self.item["id"]], fid))

    def _save_field(self, key: str) -> bool:
        clean = self.validate(key)
        if clean is None:
            return False
        new = clean[key]
        if key in ("actor",) and not new:
            new = None
        assert self.item is not None  # commit and flush save only with an item shown
        fresh = self.session.store.get_item(self.item["id"])
        if fresh is None:
            self.session.error("This item was deleted in another window or program; your edit was not saved.")
            return False
        stored = fresh.get(key)
        base = self._base.get(key, stored)
        if _same(key, new, stored):
            self._base[key] = stored  # nothing to write: it already says this
            if self.conflict.conflict is not None and self.conflict.conflict[:2] == (fresh["id"], key):
                self.conflict.conflict = None
                self.conflict.hide()
            return False
        if not _same(key, stored, base):
            # changed elsewhere since this field was filled: the person sees both and chooses
            self.item = fresh
            self._show_conflict(key, new, stored)
            return False
        try:
            cmd = cmds.EditItemFields(self.session, fresh["id"], {key: new}, expected_version=fresh["version"])
        except PolicyTrackerError as e:
            self.session.error(str(e))
            return False
        ok = self.session.push(cmd)
        if ok:
            self._base[key] = new
            self.errors[key].show_error(None)
        # refused (the file stopped taking saves, or a last-moment conflict): the typed text stays
        return ok


def _same(key: str, a, b) -> bool:
    if key == "tags":
        return list(a or []) == list(b or [])
    return (a or None) == (b or None)


TEXT_FIELDS = ("title", "ref", "actor", "due_on", "tags", "description")
FIELD_LABELS = {"title": "title", "ref": "ref", "actor": "actor", "due_on": "due date", "tags": "tags",
                "description": "description", "kind": "kind", "framework_id": "framework"}
