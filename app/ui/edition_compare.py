"""Two editions of a source side by side, the words that changed marked (Compare Editions…).

The words are compared by difflib over word tokens (white space kept with the word before it), so
a changed figure or a deleted sentence is marked as words, not as whole lines: deleted words are
struck through in red on the left, added words green on the right. Pure text work is in
`word_changes`, which the tests call directly.
"""
from __future__ import annotations

import difflib
import html
import re
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from ..store import editions as E

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

_TOKEN = re.compile(r"\S+\s*|\s+")
OLD_MARK = "background:#ffcdd2; color:#000; text-decoration: line-through;"
NEW_MARK = "background:#c8e6c9; color:#000;"


def word_changes(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(removed spans in old, added spans in new), in code points, word by word."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    a_at, b_at = _starts(a), _starts(b)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace") and i2 > i1:
            removed.append((a_at[i1], a_at[i2]))
        if tag in ("insert", "replace") and j2 > j1:
            added.append((b_at[j1], b_at[j2]))
    return removed, added


def _starts(tokens: list[str]) -> list[int]:
    out, at = [], 0
    for t in tokens:
        out.append(at)
        at += len(t)
    out.append(at)
    return out


def marked_html(text: str, spans: list[tuple[int, int]], style: str) -> str:
    """The text as HTML with `spans` marked (escaped; line breaks kept; direction from the text)."""
    parts, at = [], 0

    def esc(s: str) -> str:
        return html.escape(s).replace("\r\n", "\n").replace("\n", "<br>")
    for s, e in spans:
        parts.append(esc(text[at:s]))
        parts.append(f"<span style='{style}'>{esc(text[s:e])}</span>")
        at = e
    parts.append(esc(text[at:]))
    return f"<div dir='auto'>{''.join(parts)}</div>"


class EditionCompare(QtWidgets.QDialog):
    """Choose two editions of one source; their texts side by side with the changed words marked."""

    def __init__(self, session: "Session", source_id: str, parent: QtWidgets.QWidget | None = None,
                 *, old: int | None = None, new: int | None = None):
        super().__init__(parent)
        self.session, self.source_id = session, source_id
        src = session.store.get_source(source_id, with_text=False) or {"title": ""}
        self.setWindowTitle(f"Compare Editions: {src['title']}")
        self.setAccessibleName("Compare editions")
        self.setObjectName("editionCompare")
        self.resize(1200, 720)
        self.editions = E.editions(session.store, source_id)
        n = len(self.editions)
        self.old_pick, self.new_pick = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        for pick, name in ((self.old_pick, "Older edition"), (self.new_pick, "Newer edition")):
            pick.setAccessibleName(name)
            for e in self.editions:
                pick.addItem(f"Edition {e['edition']}" + (f" ({e['published_on']})" if e["published_on"] else "")
                             + (f" - {e['note']}" if e["note"] else ""), e["edition"])
        self.old_pick.setCurrentIndex(max(0, (old or n - 1) - 1))
        self.new_pick.setCurrentIndex(max(0, (new or n) - 1))
        self.old_view, self.new_view = QtWidgets.QTextBrowser(), QtWidgets.QTextBrowser()
        self.old_view.setAccessibleName("Older edition's text")
        self.new_view.setAccessibleName("Newer edition's text")
        for v in (self.old_view, self.new_view):
            v.setOpenLinks(False)
        self.summary = QtWidgets.QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Compare"))
        top.addWidget(self.old_pick, 1)
        top.addWidget(QtWidgets.QLabel("with"))
        top.addWidget(self.new_pick, 1)
        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.old_view)
        split.addWidget(self.new_view)
        close = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addWidget(self.summary)
        lay.addWidget(close)
        self.old_pick.currentIndexChanged.connect(lambda _i: self.compare())
        self.new_pick.currentIndexChanged.connect(lambda _i: self.compare())
        self.removed: list[tuple[int, int]] = []
        self.added: list[tuple[int, int]] = []
        self.compare()

    def compare(self) -> None:
        store = self.session.store
        a, b = self.old_pick.currentData(), self.new_pick.currentData()
        old = E.edition_text(store, self.source_id, a) or ""
        new = E.edition_text(store, self.source_id, b) or ""
        self.removed, self.added = word_changes(old, new)
        self.old_view.setHtml(marked_html(old, self.removed, OLD_MARK))
        self.new_view.setHtml(marked_html(new, self.added, NEW_MARK))
        if a == b:
            self.summary.setText("The same edition on both sides.")
        else:
            self.summary.setText(f"Edition {a} → edition {b}: {len(self.removed)} passage(s) removed or changed, "
                                 f"{len(self.added)} added or changed (struck through in red: gone; green: new).")
