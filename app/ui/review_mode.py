"""Review in the window: the review panel, review mode for a review copy, and the File menu's two steps.

The review panel (a dock, View > Review Panel, Ctrl+7) lists the entries of the selected item (the
item itself, its status updates, its observations) with their review state and decisions, the
entries awaiting review in the whole file, and Approve (Ctrl+Alt+A) / Return with comment
(Ctrl+Alt+R) for the entry chosen there. Each decision is one undoable command.

A review copy (app/services/review.py) opens in review mode: the panel shows, editing actions are
disabled and the item panel's fields are read-only. The store refuses any write but a decision
there anyway (Store.write), so review mode here is what the person sees, not the guard.

File > Export for Review… writes a review copy of the chosen frameworks; File > Import Review…
merges a copy's decisions back, as one undoable step, and says what each reviewer did.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

from ..core.model import PolicyTrackerError
from ..store import reviews as RV
from . import file_dialogs
from .commands import OperationCommand

Qt = QtCore.Qt
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_LABELS = {"draft": "Draft", "submitted": "Awaiting review", "approved": "Approved", "returned": "Returned"}
KIND_LABELS = {"item": "Item", "status_update": "Update", "observation": "Observation"}
AWAITING_SHOWN = 200  # the list shows the first ones (a big file may have thousands); the count says how many
DB_FILTER = "Policy Tracker review copies (*.sqlite *.db);;All files (*)"
# what a review copy never allows: the store refuses these writes; the window does not offer them
EDITING_ACTIONS = ("act_new_item", "act_delete", "act_bulk_status", "act_add_tags", "act_remove_tags", "act_move_fw",
                   "act_cut_items", "act_paste_items", "act_paste_top", "act_new_framework", "act_rename_framework",
                   "act_describe_framework", "act_delete_framework", "act_add_source", "act_import_json",
                   "act_import_csv", "act_import_sheet", "act_restore", "act_export_review", "act_import_review")


def _plain(text: str = "", wrap: bool = True) -> QtWidgets.QLabel:
    lab = QtWidgets.QLabel(text)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setWordWrap(wrap)
    return lab


class ReviewPanel(QtWidgets.QWidget):
    """Entries of the selected item and of the whole file awaiting review, and the two decisions."""

    def __init__(self, win: Any):
        super().__init__()
        self.win = win
        self.session = win.session
        self.item_id: str | None = None
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        info = self.session.store.review_copy
        self.banner = _plain()
        self.banner.setObjectName("reviewBanner")
        if info is not None:
            made = (info.get("review_copy_made_at") or "")[:16].replace("T", " ")
            desk = info.get("review_copy_desk_name") or "a desk file"
            self.banner.setText(f"Review copy of {desk}, made {made} UTC. "
                                f"Everything can be read, searched and printed; only review decisions and "
                                f"comments can be made here.")
            self.banner.setStyleSheet("QLabel { background: #fff4d6; border: 1px solid #e0b84c; padding: 6px; }")
        else:
            self.banner.setText("Approve or return the status updates, observations and new items of this file.")
        lay.addWidget(self.banner)
        self.counts = _plain()
        self.counts.setObjectName("reviewCounts")
        lay.addWidget(self.counts)
        lay.addWidget(_plain("Entries of the selected item", wrap=False))
        self.entries = QtWidgets.QListWidget()
        self.entries.setObjectName("reviewEntries")
        self.entries.setAccessibleName("Entries of the selected item")
        self.entries.setWordWrap(True)
        self.entries.currentItemChanged.connect(lambda *_: self._show_history())
        lay.addWidget(self.entries, 2)
        self.history = _plain()
        self.history.setObjectName("reviewHistory")
        lay.addWidget(self.history)
        form = QtWidgets.QFormLayout()
        self.reviewer = QtWidgets.QLineEdit(self.session.analyst)
        self.reviewer.setAccessibleName("Reviewer")
        self.reviewer.setPlaceholderText("Your name")
        form.addRow("Reviewer", self.reviewer)
        self.comment = QtWidgets.QPlainTextEdit()
        self.comment.setAccessibleName("Review comment")
        self.comment.setPlaceholderText("What should change, or why (required to return)")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        form.addRow("Comment", self.comment)
        lay.addLayout(form)
        row = QtWidgets.QGridLayout()  # two rows of buttons: the panel fits beside a 1024-pixel window
        self.approve_button = QtWidgets.QPushButton("Approve")
        self.approve_button.setToolTip("Approve the chosen entry (Ctrl+Alt+A)")
        self.approve_button.clicked.connect(lambda: self.decide("approved"))
        self.return_button = QtWidgets.QPushButton("Return with comment")
        self.return_button.setToolTip("Return the chosen entry to the desk with your comment (Ctrl+Alt+R)")
        self.return_button.clicked.connect(lambda: self.decide("returned"))
        row.addWidget(self.approve_button, 0, 0)
        row.addWidget(self.return_button, 0, 1)
        # on the desk: a draft (or a returned entry, once answered) goes to the reviewer again
        self.submit_button = QtWidgets.QPushButton("Submit for review")
        self.submit_button.setToolTip("Send the chosen draft or returned entry to the reviewer")
        self.submit_button.clicked.connect(lambda: self.decide("submitted"))
        self.submit_button.setVisible(info is None)
        row.addWidget(self.submit_button, 1, 0, 1, 2)
        lay.addLayout(row)
        self.awaiting_title = _plain("Awaiting review in this file", wrap=False)
        lay.addWidget(self.awaiting_title)
        self.awaiting = QtWidgets.QListWidget()
        self.awaiting.setObjectName("reviewAwaiting")
        self.awaiting.setAccessibleName("Entries awaiting review")
        self.awaiting.setWordWrap(True)
        self.awaiting.itemActivated.connect(self._go_to)
        self.awaiting.itemClicked.connect(self._go_to)
        lay.addWidget(self.awaiting, 3)
        self.session.changed.connect(lambda _c: self.refresh())
        self.refresh()

    # -- contents --------------------------------------------------------------------------------
    def set_item(self, item_id: str | None, *, choose: str | None = None) -> None:
        self.item_id = item_id
        keep = choose or self.current_entry_id()
        self.entries.clear()
        if item_id is None or self.session.store.get_item(item_id) is None:
            self._show_history()
            return
        store = self.session.store
        ids = [item_id, *(u["id"] for u in store.status_updates_for_item(item_id)),
               *(o["id"] for o in store.observations_for_item(item_id))]
        found = RV.entries(store, ids)
        for eid in ids:
            e = found.get(eid)
            if e is None:
                continue
            text = e["item_title"] if e["kind"] == "item" else e["text"]
            li = QtWidgets.QListWidgetItem(f"{STATE_LABELS[e['review_state']]} · {KIND_LABELS[e['kind']]}: {text}")
            li.setData(ENTRY_ROLE, eid)
            self.entries.addItem(li)
            if eid == keep:
                self.entries.setCurrentItem(li)
        if self.entries.currentItem() is None and self.entries.count():
            # the first entry that awaits a decision, else the item itself
            first = next((i for i in range(self.entries.count())
                          if found[self.entries.item(i).data(ENTRY_ROLE)]["review_state"] == "submitted"), 0)
            self.entries.setCurrentRow(first)
        self._show_history()

    def refresh(self) -> None:
        store = self.session.store
        n = RV.counts(store)
        self.counts.setText(f"Awaiting review: {n['submitted']:,} · Returned: {n['returned']:,} · "
                            f"Drafts: {n['draft']:,} · Approved: {n['approved']:,}")
        self.awaiting.clear()
        shown = RV.awaiting(store, limit=AWAITING_SHOWN)
        self.awaiting_title.setText(f"Awaiting review in this file (the first {len(shown)} of {n['submitted']:,})"
                                    if n["submitted"] > len(shown) else "Awaiting review in this file")
        for e in shown:
            label = e["item_title"] if e["kind"] == "item" else f"{e['item_title']} — {e['text']}"
            li = QtWidgets.QListWidgetItem(f"{KIND_LABELS[e['kind']]}: {label}")
            li.setData(ENTRY_ROLE, e["id"])
            li.setData(ENTRY_ROLE + 1, e["item_id"])
            self.awaiting.addItem(li)
        self.set_item(self.item_id)

    def current_entry_id(self) -> str | None:
        li = self.entries.currentItem()
        return li.data(ENTRY_ROLE) if li is not None else None

    def _show_history(self) -> None:
        eid = self.current_entry_id()
        decided = RV.decisions(self.session.store, [eid]).get(eid, []) if eid else []
        lines = []
        for d in decided:
            who = f" by {d['reviewer']}" if d["reviewer"] else ""
            said = f": “{d['comment']}”" if d["comment"] else ""
            lines.append(f"{d['at'][:16].replace('T', ' ')} {STATE_LABELS[d['state']].lower()}{who}{said}")
        self.history.setText("\n".join(lines) if lines else ("No decision yet: approved since before review states."
                                                             if eid else ""))

    def _go_to(self, li: QtWidgets.QListWidgetItem) -> None:
        item_id, eid = li.data(ENTRY_ROLE + 1), li.data(ENTRY_ROLE)
        if self.win.go_to_item(item_id):
            self.set_item(item_id, choose=eid)

    # -- decisions -------------------------------------------------------------------------------
    def decide(self, state: str) -> bool:
        from ..services.review import Decide
        eid = self.current_entry_id()
        if eid is None:
            self.session.error("Choose an entry in the review panel first.")
            return False
        comment = self.comment.toPlainText().strip()
        if state == "returned" and not comment:
            self.session.error("Say in the comment what should change before returning the entry.")
            self.comment.setFocus()
            return False
        cmd = OperationCommand(self.session, Decide(eid, state, self.reviewer.text(), comment))
        if not self.session.push(cmd):
            return False
        self.comment.clear()
        self.win.statusBar().showMessage(f"{STATE_LABELS[state]}: {KIND_LABELS[_kind(cmd)].lower()}. "
                                         f"Edit > Undo takes it back.", 8000)
        return True


def _kind(cmd: OperationCommand) -> str:
    out = cmd.outcome
    return out.result["entry_kind"] if out is not None else "item"


# -- the window ------------------------------------------------------------------------------------
WIDE_ENOUGH = 1280  # a screen this wide holds the panel beside the three columns; a narrower one below them


def _dock_area(win: Any) -> Qt.DockWidgetArea:
    """Right of the window on a wide screen; at the bottom on a small one (1024x768), where beside
    the three columns it would push the window past the screen's edge."""
    screen = win.screen() or QtWidgets.QApplication.primaryScreen()
    wide = screen is None or screen.availableGeometry().width() >= WIDE_ENOUGH
    return Qt.DockWidgetArea.RightDockWidgetArea if wide else Qt.DockWidgetArea.BottomDockWidgetArea


def attach(win: Any) -> None:
    """Give the window (just shown a file) its review panel; review mode if the file is a review copy."""
    old = getattr(win, "review_dock", None)
    if old is not None:
        win.removeDockWidget(old)
        old.deleteLater()
    store = win.session.store
    win.review_panel = ReviewPanel(win)
    dock = QtWidgets.QDockWidget("Review", win)
    dock.setObjectName("reviewDock")
    scroll = QtWidgets.QScrollArea()  # the panel scrolls rather than make the window taller than the screen
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    scroll.setAccessibleName("Review panel")
    scroll.setWidget(win.review_panel)
    dock.setWidget(scroll)
    dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable)
    win.addDockWidget(_dock_area(win), dock)
    win.review_dock = dock
    win.table.item_selected.connect(lambda iid: _item_changed(win, iid))
    review = store.review_copy is not None
    dock.setVisible(review)
    for name in EDITING_ACTIONS:
        a = getattr(win, name, None)
        if a is not None:
            a.setEnabled(not review and not store.readonly)
    if review:
        _lock_panel(win)
        win.statusBar().showMessage("Review copy: read, search and print; approve or return entries in the "
                                    "review panel (Ctrl+Alt+A, Ctrl+Alt+R).")
    win.review_panel.set_item(win.current_item_id())


def _item_changed(win: Any, item_id: str | None) -> None:
    panel = getattr(win, "review_panel", None)
    if panel is None or panel.session is not win.session:
        return
    panel.set_item(item_id)
    if win.session.store.review_copy is not None:
        _lock_panel(win)
        win.act_delete.setEnabled(False)


def _lock_panel(win: Any) -> None:
    """The item panel shows everything but takes no edit (its buttons that change things are off, and
    the form that adds a status update is hidden: a review copy takes no new entry)."""
    for box in win.panel.findChildren(QtWidgets.QGroupBox):
        if box.title().startswith("Add "):
            box.setVisible(False)
    for w in win.panel.findChildren(QtWidgets.QWidget):
        if isinstance(w, (QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit)):
            w.setReadOnly(True)
        elif isinstance(w, (QtWidgets.QComboBox, QtWidgets.QAbstractButton, QtWidgets.QAbstractSpinBox)) \
                and not isinstance(w, QtWidgets.QTabBar) and w.parent() is not None \
                and not isinstance(w.parent(), QtWidgets.QTabBar):
            w.setEnabled(False)


def toggle_panel(win: Any) -> None:
    dock = getattr(win, "review_dock", None)
    if dock is not None:
        dock.setVisible(not dock.isVisible())
        if dock.isVisible():
            win.review_panel.entries.setFocus()


def decide(win: Any, state: str) -> bool:
    """Edit > Approve Entry / Return Entry: the entry chosen in the review panel (shown if hidden)."""
    dock = getattr(win, "review_dock", None)
    if dock is None:
        return False
    if not dock.isVisible():
        dock.setVisible(True)
    return win.review_panel.decide(state)


# -- File > Export for Review… ----------------------------------------------------------------------
class ExportForReviewDialog(QtWidgets.QDialog):
    """Which frameworks go into the review copy (all, by default)."""

    def __init__(self, win: Any):
        super().__init__(win)
        self.setWindowTitle("Export for Review")
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(_plain("The review copy holds these frameworks, their items and the sources they cite. "
                             "The reviewer opens it in Policy Tracker and can only approve or return entries."))
        self.frameworks = QtWidgets.QListWidget()
        self.frameworks.setAccessibleName("Frameworks in the review copy")
        for f in win.session.store.list_frameworks():
            li = QtWidgets.QListWidgetItem(f["title"])
            li.setData(ENTRY_ROLE, f["id"])
            li.setFlags(li.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            li.setCheckState(Qt.CheckState.Checked)
            self.frameworks.addItem(li)
        lay.addWidget(self.frameworks)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setText("Choose File…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def chosen(self) -> list[str] | None:
        """The framework ids checked; None when all are (the copy then keeps every source too)."""
        ids = [self.frameworks.item(i).data(ENTRY_ROLE) for i in range(self.frameworks.count())
               if self.frameworks.item(i).checkState() == Qt.CheckState.Checked]
        return None if len(ids) == self.frameworks.count() else ids


def export_for_review(win: Any) -> None:
    dialog = ExportForReviewDialog(win)
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return
    chosen = dialog.chosen()
    if chosen == []:
        win.session.error("Choose at least one framework for the review copy.")
        return
    store = win.session.store
    suggested = store.path.with_name(f"{store.path.stem}-review.sqlite")
    name = file_dialogs.get_save_file_name(win, "Export for review", suggested, DB_FILTER, "sqlite")
    if name:
        export_for_review_to(win, Path(name), chosen)


def export_for_review_to(win: Any, path: Path, framework_ids: list[str] | None = None) -> dict | None:
    from ..services.review import make_review_copy
    try:
        made = make_review_copy(win.session.store, path, framework_ids)
    except (PolicyTrackerError, OSError) as e:
        win.session.error(f"The review copy was not written: {e}")
        return None
    win.session.inform(f"Wrote the review copy {path.name}: {made['frameworks']} framework(s), {made['items']:,} "
                       f"item(s), {made['awaiting']:,} entr{'y' if made['awaiting'] == 1 else 'ies'} awaiting review. "
                       f"The reviewer opens it in Policy Tracker; bring it back with File > Import Review.")
    return made


# -- File > Import Review… ----------------------------------------------------------------------------
def import_review(win: Any) -> None:
    name = file_dialogs.get_open_file_name(win, "Import review", win.session.store.path.parent, DB_FILTER)
    if name:
        import_review_from(win, Path(name))


def import_review_from(win: Any, path: Path):
    """Merge a review copy's decisions as one undoable step; say what each reviewer did and every conflict."""
    from ..services.review import MergeDecisions, plan_import
    session = win.session
    try:
        plan = plan_import(session.store, path)
    except (PolicyTrackerError, OSError) as e:
        session.error(f"{path.name} was not imported: {e}")
        return None
    if plan.merge:
        cmd = OperationCommand(session, MergeDecisions(tuple(plan.merge), f"Import review {path.name}"))
        if not session.push(cmd):
            return None
    session.inform(plan.summary() + ("\n\nEdit > Undo takes the whole import back." if plan.merge else ""))
    return plan

