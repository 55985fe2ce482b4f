"""The item panel: every field of one item, edited in place, and its four tabs.

Each field is checked as the person types, with the same rules the services use; a broken
value gets a message beside the field and is not written. Leaving a valid, changed field
pushes one undoable edit. Tabs: status history, sources, target, related items.
"""
from __future__ import annotations

import datetime as dt

from PySide6 import QtCore, QtGui, QtWidgets

from ..core import validation as v
from ..core.model import PolicyTrackerError, ValidationError
from ..services import editing
from . import commands as cmds
from .dialogs import ItemPickerDialog
from .models import ROW_ROLE, StatusHistoryModel, status_colors, status_labels
from .notice_bar import ConflictBar
from .session import Session
from .widgets import (CommitPlainTextEdit, FieldError, TimelineDelegate, escape_tooltip, fit_date, open_url, plain_label,
                      set_chip, status_chip)

Qt = QtCore.Qt
LINE_FIELDS = ("title", "ref", "actor", "due_on", "tags")


def _today() -> str:
    return dt.date.today().isoformat()


def _fmt_num(x) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


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
        self._add_row(form, "framework_id", "&Framework", self.framework)
        line("actor", "&Actor", "Who is responsible")
        line("due_on", "&Due", "YYYY-MM-DD (optional)")
        line("tags", "Ta&gs", "comma, separated, words")
        self.description = CommitPlainTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setPlaceholderText("Context, conditions, what counts as done…")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.description.textChanged.connect(lambda: self.validate("description"))
        self.description.editing_finished.connect(lambda: self.commit("description"))
        self._add_row(form, "description", "D&escription", self.description)
        lay.addLayout(form)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setAccessibleName("Item details")
        self.tabs.setDocumentMode(True)
        self.history = StatusTab(self)
        self.sources = SourcesTab(self)
        self.target = TargetTab(self)
        self.related = RelatedTab(self)
        self.tabs.addTab(self.history, "Status &history")
        self.tabs.addTab(self.sources, "&Sources")
        self.tabs.addTab(self.target, "Tar&get")
        self.tabs.addTab(self.related, "&Related")
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
            self.framework.setItemData(self.framework.count() - 1, escape_tooltip(f["title"]), Qt.ItemDataRole.ToolTipRole)
        self.framework.setCurrentIndex(max(0, self.framework.findData(item["framework_id"])))
        self.framework.blockSignals(False)

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
            e = self.edits[key]
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
                self.edits[key].setText(text)
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
        what = f"{self.item['ref']} “{self.item['title']}”" if self.item["ref"] else f"“{self.item['title']}”"
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
        return w.text()

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
        if self._leaving_window and key in TEXT_FIELDS:
            if self.is_dirty(key):
                self.errors[key].show_error("Not saved yet: press Enter (Tab in the description) to save it.")
            return False
        return self._save_field(key)

    def _save_field(self, key: str) -> bool:
        clean = self.validate(key)
        if clean is None:
            return False
        new = clean[key]
        if key in ("actor",) and not new:
            new = None
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


# -- tabs ----------------------------------------------------------------------------------------------
class _Tab(QtWidgets.QWidget):
    def __init__(self, panel: ItemPanel):
        super().__init__(panel)
        self.panel = panel
        self.session = panel.session
        self.item: dict | None = None

    def load(self, item: dict | None) -> None:
        self.item = item


class StatusTab(_Tab):
    """A timeline of updates, newest first, and a form to add one."""

    def __init__(self, panel: ItemPanel):
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
        self.as_of = QtWidgets.QLineEdit(_today())
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
            self.as_of.setText(_today())
            self.note.clear()
            self.error.show_error(None)

    def check(self) -> str | None:
        try:
            d = v.parse_date(self.as_of.text(), "as_of", required=True)
            if d > _today():
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


class SourcesTab(_Tab):
    """The item's citations, each with its source and exact words; open one in the reader."""

    def __init__(self, panel: ItemPanel):
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
        self.open = QtWidgets.QPushButton("&Open in reader")
        self.open.setAccessibleName("Open in reader")
        self.open.clicked.connect(self.open_current)
        self.web = QtWidgets.QPushButton("Open &web page")
        self.web.setAccessibleName("Open the source's web page")
        self.web.clicked.connect(self.open_web)
        self.remove = QtWidgets.QPushButton("Remo&ve citation")
        self.remove.setAccessibleName("Remove citation")
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
            placed = "" if c["start"] is not None else "\n(not placed in the text)"
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
        if c and self.session.confirm(f"Remove the citation “{c['quote'][:80]}” from this item?"):
            self.session.push(cmds.RemoveCitation(self.session, c["id"]))


class TargetChart(QtWidgets.QWidget):
    """Baseline, observations and target on one small time chart, painted by hand."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.target: dict | None = None
        self.observations: list[dict] = []
        self.setMinimumHeight(150)
        self.setAccessibleName("Progress chart")
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding)

    def set_data(self, target: dict | None, observations: list[dict]) -> None:
        self.target, self.observations = target, observations
        self.setAccessibleDescription(self._describe())
        self.update()

    def _describe(self) -> str:
        if not self.target:
            return "No target set."
        t = self.target
        parts = [f"target {_fmt_num(t['target'])} {t['unit'] or ''}".strip()]
        if t.get("baseline") is not None:
            parts.insert(0, f"baseline {_fmt_num(t['baseline'])}")
        parts += [f"{o['observed_on']}: {_fmt_num(o['value'])}" for o in self.observations]
        return "; ".join(parts)

    def points(self) -> list[tuple[str, float, str]]:
        """(date, value, kind) to draw; kind is baseline, observation or target."""
        t = self.target or {}
        pts = []
        if t.get("baseline") is not None:
            pts.append((t.get("baseline_on") or "", float(t["baseline"]), "baseline"))
        pts += [(o["observed_on"], float(o["value"]), "observation") for o in self.observations]
        return pts

    def paintEvent(self, _e):  # noqa: N802
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        r = self.rect().adjusted(48, 12, -16, -26)
        p.fillRect(self.rect(), pal.color(QtGui.QPalette.ColorRole.Base))
        fg = pal.color(QtGui.QPalette.ColorRole.Text)
        muted = QtGui.QColor(fg)
        muted.setAlpha(90)
        if not self.target:
            p.setPen(muted)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No numeric target")
            return
        t = self.target
        pts = self.points()
        values = [v_ for _, v_, _ in pts] + [float(t["target"])]
        lo, hi = min(values), max(values)
        if hi == lo:
            hi, lo = hi + 1, lo - 1
        pad = (hi - lo) * 0.12
        lo, hi = lo - pad, hi + pad
        if min(values) >= 0 and lo < 0:
            lo = 0.0
        n = len(pts) + 1  # the target sits at the right end
        xs = [r.left() + (r.width() * i / max(1, n - 1)) for i in range(n)]

        def y(val: float) -> float:
            return r.bottom() - (val - lo) / (hi - lo) * r.height()

        # axes and grid
        p.setPen(QtGui.QPen(muted, 1))
        p.drawLine(r.bottomLeft(), r.bottomRight())
        p.drawLine(r.bottomLeft(), r.topLeft())
        small = QtGui.QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        p.setFont(small)
        p.setPen(fg)
        for val in nice_ticks(lo, hi):
            p.drawText(QtCore.QRectF(0, y(val) - 8, r.left() - 6, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _fmt_num(round(val, 2)))
        # target line
        tgt_color = QtGui.QColor("#2e7d32")
        pen = QtGui.QPen(tgt_color, 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QtCore.QPointF(r.left(), y(t["target"])), QtCore.QPointF(r.right(), y(t["target"])))
        p.drawText(QtCore.QRectF(r.left() + 4, y(t["target"]) - 18, r.width() - 8, 16),
                   Qt.AlignmentFlag.AlignRight, f"target {_fmt_num(t['target'])} {t['unit'] or ''}".strip())
        # the path from baseline through observations
        line_color = QtGui.QColor("#1e88e5")
        if pts:
            path = QtGui.QPainterPath(QtCore.QPointF(xs[0], y(pts[0][1])))
            for i, (_, val, _) in enumerate(pts[1:], start=1):
                path.lineTo(xs[i], y(val))
            p.setPen(QtGui.QPen(line_color, 2))
            p.drawPath(path)
        for i, (date, val, kind) in enumerate(pts):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QtGui.QColor("#757575") if kind == "baseline" else line_color)
            p.drawEllipse(QtCore.QPointF(xs[i], y(val)), 4, 4)
            p.setPen(fg)
            label = ("baseline " if kind == "baseline" else "") + (date[:7] if date else "")
            p.drawText(QtCore.QRectF(xs[i] - 50, r.bottom() + 4, 100, 16), Qt.AlignmentFlag.AlignHCenter, label.strip())
        p.setBrush(tgt_color)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QtCore.QPointF(xs[-1], y(t["target"])), 5, 5)
        p.setPen(fg)
        p.drawText(QtCore.QRectF(xs[-1] - 70, r.bottom() + 4, 70, 16), Qt.AlignmentFlag.AlignRight,
                   (t.get("target_on") or "target")[:7])
        p.end()


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round axis values (1, 2 or 5 times a power of ten) between lo and hi."""
    import math
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), 10 * mag)
    first = math.ceil(lo / step) * step
    out, val = [], first
    while val <= hi + 1e-9 and len(out) < 12:
        out.append(round(val, 10))
        val += step
    return out


def progress_percent(target: dict | None, observations: list[dict]) -> int | None:
    """How far the latest value has come from the baseline towards the target, 0-100."""
    if not target or target.get("baseline") is None:
        return None
    latest = observations[-1]["value"] if observations else target["baseline"]
    span = target["target"] - target["baseline"]
    if span == 0:
        return 100
    return max(0, min(100, round(100 * (latest - target["baseline"]) / span)))


class TargetTab(_Tab):
    """Baseline, target and observations; a progress bar and a chart; edit target, add values."""

    def __init__(self, panel: ItemPanel):
        super().__init__(panel)
        lay = QtWidgets.QVBoxLayout(self)
        self.summary = plain_label("", name="Target summary")
        lay.addWidget(self.summary)
        self.bar = QtWidgets.QProgressBar()
        self.bar.setAccessibleName("Progress towards the target")
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p% of the way from baseline to target")
        lay.addWidget(self.bar)
        self.chart = TargetChart()
        lay.addWidget(self.chart, 1)

        box = QtWidgets.QGroupBox("Target")
        g = QtWidgets.QGridLayout(box)
        self.fields: dict[str, QtWidgets.QWidget] = {}
        specs = [("baseline", "&Baseline", 0, 0), ("baseline_on", "on", 0, 2), ("unit", "&Unit", 0, 4),
                 ("target", "Tar&get value", 1, 0), ("target_on", "by", 1, 2)]
        for key, label, r, c in specs:
            e = QtWidgets.QLineEdit()
            e.setAccessibleName(label.replace("&", "").replace("on", "Baseline date").replace("by", "Target date")
                                if key in ("baseline_on", "target_on") else label.replace("&", ""))
            if key.endswith("_on"):
                e.setPlaceholderText("YYYY-MM-DD")
                fit_date(e)
            lab = QtWidgets.QLabel(label)
            lab.setBuddy(e)
            g.addWidget(lab, r, c)
            g.addWidget(e, r, c + 1)
            self.fields[key] = e
        self.direction = QtWidgets.QComboBox()
        self.direction.setAccessibleName("Direction")
        for d in ("increase", "decrease", "maintain"):
            self.direction.addItem(d.capitalize(), d)
        dl = QtWidgets.QLabel("&Direction")
        dl.setBuddy(self.direction)
        g.addWidget(dl, 1, 4)
        g.addWidget(self.direction, 1, 5)
        self.save = QtWidgets.QPushButton("Sa&ve target")
        self.save.setAccessibleName("Save target")
        self.save.clicked.connect(self.save_target)
        self.clear = QtWidgets.QPushButton("Clear target")
        self.clear.setAccessibleName("Clear target")
        self.clear.clicked.connect(self.clear_target)
        self.error = FieldError()
        g.addWidget(self.error, 2, 0, 1, 4)
        g.addWidget(self.clear, 2, 4)
        g.addWidget(self.save, 2, 5)
        lay.addWidget(box)

        obs = QtWidgets.QGroupBox("Observations")
        ol = QtWidgets.QGridLayout(obs)
        self.obs_list = QtWidgets.QTreeWidget()
        self.obs_list.setAccessibleName("Observations")
        self.obs_list.setHeaderLabels(["Observed on", "Value", "Note"])
        self.obs_list.setRootIsDecorated(False)
        self.obs_list.setMaximumHeight(110)
        ol.addWidget(self.obs_list, 0, 0, 1, 6)
        self.obs_value = QtWidgets.QLineEdit()
        self.obs_value.setAccessibleName("Observed value")
        self.obs_value.setPlaceholderText("value")
        self.obs_on = QtWidgets.QLineEdit()
        self.obs_on.setAccessibleName("Observed on")
        self.obs_on.setPlaceholderText("YYYY-MM-DD")
        fit_date(self.obs_on)
        self.obs_note = QtWidgets.QLineEdit()
        self.obs_note.setAccessibleName("Observation note")
        self.obs_note.setPlaceholderText("note / source")
        self.obs_add = QtWidgets.QPushButton("Add &observation")
        self.obs_add.setAccessibleName("Add observation")
        self.obs_add.clicked.connect(self.add_observation)
        self.obs_remove = QtWidgets.QPushButton("Remove")
        self.obs_remove.setAccessibleName("Remove observation")
        self.obs_remove.clicked.connect(self.remove_observation)
        for i, w in enumerate((self.obs_value, self.obs_on, self.obs_note, self.obs_add, self.obs_remove)):
            ol.addWidget(w, 1, i)
        self.obs_error = FieldError()
        ol.addWidget(self.obs_error, 2, 0, 1, 6)
        lay.addWidget(obs)
        self.obs_rows: list[dict] = []

    def load(self, item: dict | None) -> None:
        super().load(item)
        st = self.session.store
        t = st.get_target(item["id"]) if item else None
        self.obs_rows = st.observations_for_item(item["id"]) if item else []
        for key, e in self.fields.items():
            val = (t or {}).get(key)
            e.setText(_fmt_num(val).replace(",", "") if isinstance(val, (int, float)) else (val or ""))
        self.direction.setCurrentIndex(max(0, self.direction.findData((t or {}).get("direction") or "increase")))
        self.error.show_error(None)
        self.obs_list.clear()
        for o in self.obs_rows:
            it = QtWidgets.QTreeWidgetItem([o["observed_on"], _fmt_num(o["value"]), " ".join((o["note"] or "").split())])
            it.setToolTip(2, escape_tooltip(o["note"] or ""))
            self.obs_list.addTopLevelItem(it)
        self.chart.set_data(t, self.obs_rows)
        pct = progress_percent(t, self.obs_rows)
        self.bar.setVisible(pct is not None)
        self.bar.setValue(pct or 0)
        if t:
            base = (f"Baseline {_fmt_num(t['baseline'])}" + (f" ({t['baseline_on']})" if t["baseline_on"] else "")
                    if t["baseline"] is not None else "No baseline")
            latest = (f"latest {_fmt_num(self.obs_rows[-1]['value'])} ({self.obs_rows[-1]['observed_on']})"
                      if self.obs_rows else "no observations yet")
            self.summary.setText(f"{base} → target {_fmt_num(t['target'])} {t['unit'] or ''}"
                                 + (f" by {t['target_on']}" if t["target_on"] else "") + f"; {latest}.")
        else:
            self.summary.setText("This item has no numeric target. Enter one below to follow progress.")

    def _form(self) -> dict:
        d = {k: e.text().strip() or None for k, e in self.fields.items()}
        d["direction"] = self.direction.currentData()
        return d

    def save_target(self) -> bool:
        if self.item is None:
            return False
        try:
            editing.clean_target(self._form())
        except ValidationError as e:
            self.error.show_error(str(e))
            return False
        self.error.show_error(None)
        return self.session.push(cmds.SetTarget(self.session, self.item["id"], self._form()))

    def clear_target(self) -> bool:
        if self.item is None or self.session.store.get_target(self.item["id"]) is None:
            return False
        return self.session.push(cmds.SetTarget(self.session, self.item["id"], None))

    def add_observation(self) -> bool:
        if self.item is None:
            return False
        try:
            v.number(self.obs_value.text(), "value", required=True)
            v.parse_date(self.obs_on.text(), "observed_on", required=True)
        except ValidationError as e:
            self.obs_error.show_error(str(e))
            return False
        self.obs_error.show_error(None)
        ok = self.session.push(cmds.AddObservation(self.session, self.item["id"], self.obs_value.text().strip(),
                                                   self.obs_on.text().strip(), self.obs_note.text()))
        if ok:
            self.obs_value.clear()
            self.obs_note.clear()
        return ok

    def remove_observation(self) -> bool:
        r = self.obs_list.indexOfTopLevelItem(self.obs_list.currentItem()) if self.obs_list.currentItem() else -1
        if not (0 <= r < len(self.obs_rows)):
            return False
        return self.session.push(cmds.RemoveObservation(self.session, self.obs_rows[r]["id"]))


class RelatedTab(_Tab):
    """Typed links to items of other frameworks: add through a picker, remove, open."""

    def __init__(self, panel: ItemPanel):
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
        self.add = QtWidgets.QPushButton("&Link to item…")
        self.add.setAccessibleName("Link to another item")
        self.add.clicked.connect(self.add_link)
        self.open = QtWidgets.QPushButton("&Go to item")
        self.open.setAccessibleName("Go to the linked item")
        self.open.clicked.connect(self.open_current)
        self.remove = QtWidgets.QPushButton("Remove lin&k")
        self.remove.setAccessibleName("Remove link")
        self.remove.clicked.connect(self.remove_current)
        row.addWidget(self.add)
        row.addWidget(self.open)
        row.addStretch(1)
        row.addWidget(self.remove)
        lay.addLayout(row)
        self.kinds = {k["key"]: k["label"] for k in self.session.store.relation_kinds()}
        self.picker_factory = ItemPickerDialog  # tests swap in a stub

    def load(self, item: dict | None) -> None:
        super().load(item)
        self.tree.clear()
        rows = self.session.store.relations_for_item(item["id"]) if item else []
        labels = self.panel._labels
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
        if has:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
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
