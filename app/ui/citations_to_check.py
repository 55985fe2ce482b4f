"""Citations to Check: every citation a new edition left in doubt, with the person's three decisions.

A window reached from the count under the navigator (and View > Citations to Check…). Each row is
a citation in 'review' or 'not_found' (store.editions.to_check). Beside the list: the old words in
the edition before, highlighted in their context, and the suggested words in the newest edition,
highlighted in theirs (or "no suggestion"); a warning when its figures changed, naming the
observations and target that cite it. The decisions, each one undoable step
(services.editions.ResolveCitation through the undo stack):
  * Accept Suggestion: the citation takes the suggested words;
  * Place on Reader's Selection: select the right words in the reader (Show in Reader opens the
    source there), then this button places the citation on them;
  * Mark as Gone: the words are not in the newest edition; the item keeps its history and shows
    the citation as "not in the current edition".
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from ..services import editions as SE
from ..store import editions as E
from .commands import OperationCommand

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

CONTEXT = 160  # characters either side of the words shown
STATE_LABELS = {"review": "To review", "not_found": "Not found"}


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def in_context(text: str, start: int, end: int, *, mark: str = "#ffe082") -> str:
    """HTML of text[start:end] highlighted, with CONTEXT characters either side (escaped, line breaks kept)."""
    a, b = max(0, start - CONTEXT), min(len(text), end + CONTEXT)

    def esc(s: str) -> str:
        return html.escape(s).replace("\r\n", "\n").replace("\n", "<br>")
    lead = "…" if a > 0 else ""
    tail = "…" if b < len(text) else ""
    return (f"<div dir='auto'>{lead}{esc(text[a:start])}<span style='background:{mark}; color:#000; "
            f"font-weight:600'>{esc(text[start:end])}</span>{esc(text[end:b])}{tail}</div>")


class CitationsToCheck(QtWidgets.QDialog):
    """The list and the decisions; `reader()` gives the window's reader (for Show and Place)."""

    def __init__(self, session: "Session", reader: Any, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._reader = reader
        self.setWindowTitle("Citations to Check")
        self.setAccessibleName("Citations to check")
        self.setObjectName("citationsToCheck")
        self.resize(1100, 640)
        self.rows: list[dict] = []
        self.heading = QtWidgets.QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.list = QtWidgets.QListWidget()
        self.list.setAccessibleName("Citations waiting to be checked")
        self.list.setSpacing(3)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(self._show_row)
        self.old_label = QtWidgets.QLabel("Old words")
        self.old_view = QtWidgets.QTextBrowser()
        self.old_view.setOpenLinks(False)
        self.old_view.setAccessibleName("Old words in context")
        self.new_label = QtWidgets.QLabel("Suggested words in the newest edition")
        self.new_view = QtWidgets.QTextBrowser()
        self.new_view.setOpenLinks(False)
        self.new_view.setAccessibleName("Suggested words in context")
        self.warning = QtWidgets.QLabel()
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.setObjectName("figuresChanged")
        self.warning.setStyleSheet("QLabel#figuresChanged { color: #b71c1c; font-weight: 600; }")
        for lab in (self.old_label, self.new_label):
            lab.setTextFormat(Qt.TextFormat.PlainText)
            lab.setObjectName("paneTitle")
        self.show_button = QtWidgets.QPushButton("Show in &Reader")
        self.accept_button = QtWidgets.QPushButton("&Accept Suggestion")
        self.place_button = QtWidgets.QPushButton("&Place on Reader's Selection")
        self.place_button.setToolTip("Select the citation's words in the source reader first")
        self.gone_button = QtWidgets.QPushButton("Mark as &Gone")
        self.show_button.clicked.connect(self.show_in_reader)
        self.accept_button.clicked.connect(lambda: self.decide("accept"))
        self.place_button.clicked.connect(lambda: self.decide("place"))
        self.gone_button.clicked.connect(lambda: self.decide("gone"))
        close = QtWidgets.QPushButton("Close")
        close.clicked.connect(self.close)

        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.old_label)
        right.addWidget(self.old_view, 1)
        right.addWidget(self.new_label)
        right.addWidget(self.new_view, 1)
        right.addWidget(self.warning)
        buttons = QtWidgets.QHBoxLayout()
        for b in (self.show_button, self.accept_button, self.place_button, self.gone_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        right.addLayout(buttons)
        rbox = QtWidgets.QWidget()
        rbox.setLayout(right)
        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(rbox)
        split.setSizes([420, 680])
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(split, 1)
        session.changed.connect(lambda _c: self.refresh())
        self.refresh()

    # -- the list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the citations to check, keeping the selected one when it is still listed."""
        keep = self.current_id()
        self.rows = E.to_check(self.session.store)
        with QtCore.QSignalBlocker(self.list):
            self.list.clear()
            for r in self.rows:
                label = f"{r['ref']} {r['title']}".strip()
                flag = "  ⚠ figures changed" if r["figures_changed"] else ""
                item = QtWidgets.QListWidgetItem(f"{STATE_LABELS[r['anchor_state']]}{flag}\n{_short(label, 60)}\n"
                                                 f"“{_short(r['quote'], 60)}” — {_short(r['source_title'], 40)}")
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.list.addItem(item)
        n = len(self.rows)
        self.heading.setText(f"{n} citation{'s' if n != 1 else ''} to check. A new edition of their source moved or "
                             f"changed their words; decide where each one belongs." if n else
                             "No citation is waiting to be checked.")
        ids = [r["id"] for r in self.rows]
        row = ids.index(keep) if keep in ids else (0 if ids else -1)
        self.list.setCurrentRow(row)
        self._show_row(row)

    def current_id(self) -> str | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def current(self) -> dict | None:
        cid = self.current_id()
        return next((r for r in self.rows if r["id"] == cid), None)

    def select(self, citation_id: str) -> bool:
        for i, r in enumerate(self.rows):
            if r["id"] == citation_id:
                self.list.setCurrentRow(i)
                return True
        return False

    def _show_row(self, _row: int) -> None:
        r = self.current()
        for b in (self.show_button, self.place_button, self.gone_button):
            b.setEnabled(r is not None and not self.session.store.readonly)
        self.accept_button.setEnabled(r is not None and r["suggested_start"] is not None
                                      and not self.session.store.readonly)
        if r is None:
            self.old_view.clear()
            self.new_view.clear()
            self.warning.setText("")
            return
        store = self.session.store
        was = E.previous_place(store, r["id"])
        if was is not None and was["start"] is not None:
            old_text = E.edition_text(store, r["source_id"], was["edition"]) or ""
            self.old_label.setText(f"Old words, in edition {was['edition']}")
            self.old_view.setHtml(in_context(old_text, was["start"], was["end"]))
        else:
            self.old_label.setText("Old words")
            self.old_view.setHtml(f"<div dir='auto'><b>{html.escape(r['quote'])}</b></div>")
        src = store.get_source(r["source_id"])
        text = (src or {}).get("text") or ""
        if r["suggested_start"] is not None:
            self.new_label.setText(f"Suggested words, in edition {r['edition']} (the newest)")
            self.new_view.setHtml(in_context(text, r["suggested_start"], r["suggested_end"], mark="#a5d6a7"))
        else:
            self.new_label.setText(f"Edition {r['edition']} (the newest)")
            self.new_view.setHtml("<p><i>No words of the newest edition are suggested: "
                                  + ("these words are not in it." if r["anchor_state"] == "not_found" else
                                     "more than one place fits, or none fits well enough.")
                                  + " Choose the words in the reader, or mark the citation as gone.</i></p>")
        if r["figures_changed"]:
            flags = E.flagged(store, r["item_id"])
            obs = len(flags["observations"])
            target = " and the item's target" if flags["targets"] else ""
            self.warning.setText(f"The figures in these words changed in the new edition: check the "
                                 f"{obs} observation(s){target} citing them.")
        else:
            self.warning.setText("")

    # -- decisions ---------------------------------------------------------------------------------
    def reader(self) -> Any:
        return self._reader() if callable(self._reader) else self._reader

    def show_in_reader(self) -> bool:
        r = self.current()
        rd = self.reader()
        if r is None or rd is None or not rd.show_source(r["source_id"]):
            return False
        if r["suggested_start"] is not None:
            rd.reveal(r["suggested_start"], r["suggested_end"])
            rd.select_range(r["suggested_start"], r["suggested_end"])
        return True

    def decide(self, action: str) -> bool:
        r = self.current()
        if r is None:
            return False
        start = end = None
        if action == "place":
            rd = self.reader()
            rng = rd.selected_range() if rd is not None and rd.source_id == r["source_id"] else None
            if rng is None or not getattr(rd, "showing_newest", lambda: True)():
                self.session.error("Select the citation's words in the newest edition of its source in the reader "
                                   "first (Show in Reader opens it).")
                return False
            start, end = rng
        checked = False
        if r["figures_changed"] and action != "gone":
            n = r.get("observations") or 0
            if not self.session.confirm(
                    f"The figures in these words changed in the newest edition. {n} observation(s) and the item's "
                    f"target citing them keep the values they were read in, and will cite the new words.\n\n"
                    f"Have you checked those values?"):
                return False
            checked = True
        op = SE.ResolveCitation(r["id"], action, start, end, figures_checked=checked)
        return self.session.push(OperationCommand(self.session, op))
