"""A bar across the top of the window for what the person must know without being stopped.

Another program's changes to the file, and the one sentence when saving has to stop, appear
here: never in a modal box that blocks the window. "stopped" notices stay until the file is
reopened and carry a Reopen button; "info" notices replace each other and can be dismissed.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from .widgets import plain_label

Qt = QtCore.Qt


def _bar(frame: QtWidgets.QFrame, name: str, accessible: str, layout: QtWidgets.QBoxLayout,
         margins: tuple[int, int, int, int]) -> QtWidgets.QLabel:
    """The look both bars share: a styled frame (see the .qss files) around one plain-text label."""
    frame.setObjectName(name)
    frame.setAccessibleName(accessible)
    frame.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
    frame.setLayout(layout)
    layout.setContentsMargins(*margins)
    label = plain_label("", wrap=True, name=f"{accessible} text")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(label, 1)
    return label


class NoticeBar(QtWidgets.QFrame):
    reopen_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        lay = QtWidgets.QHBoxLayout()
        self.label = _bar(self, "noticeBar", "Notice", lay, (8, 4, 4, 4))
        self.reopen = QtWidgets.QPushButton("Reopen File")
        self.reopen.setObjectName("noticeReopen")
        self.reopen.clicked.connect(self.reopen_requested)
        lay.addWidget(self.reopen)
        self.dismiss = QtWidgets.QToolButton()
        self.dismiss.setText("✕")
        self.dismiss.setAccessibleName("Dismiss notice")
        self.dismiss.setToolTip("Dismiss")
        self.dismiss.clicked.connect(self.clear)
        lay.addWidget(self.dismiss)
        self.kind = ""
        self.history: list[tuple[str, str]] = []  # every notice shown, for tests and the curious
        self.hide()

    def show_notice(self, kind: str, text: str) -> None:
        if self.kind == "stopped" and kind != "stopped":
            self.history.append((kind, text))  # the stop stays in front; the rest is remembered
            return
        self.kind = kind
        self.history.append((kind, text))
        self.label.setText(text)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.reopen.setVisible(kind == "stopped")
        self.dismiss.setVisible(kind != "stopped")
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.label.setText("")
        self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


class ConflictBar(QtWidgets.QFrame):
    """Both values of a field that another window or program changed while the person typed.

    Holds (item_id, field, mine, theirs) itself, so the choice survives moving to another item.
    `kept_mine` / `took_theirs` carry that tuple to the item panel, which saves or discards.
    """

    kept_mine = QtCore.Signal(str, str, object)  # item_id, field, mine
    took_theirs = QtCore.Signal(str, str, object)  # item_id, field, theirs

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        lay = QtWidgets.QVBoxLayout()
        self.label = _bar(self, "conflictBar", "Edit conflict", lay, (8, 6, 8, 6))
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        self.mine_button = QtWidgets.QPushButton("Save Mine")
        self.mine_button.setObjectName("conflictMine")
        self.theirs_button = QtWidgets.QPushButton("Keep Theirs")
        self.theirs_button.setObjectName("conflictTheirs")
        row.addWidget(self.theirs_button)
        row.addWidget(self.mine_button)
        lay.addLayout(row)
        self.mine_button.clicked.connect(lambda: self._choose(True))
        self.theirs_button.clicked.connect(lambda: self._choose(False))
        self.conflict: tuple[str, str, object, object] | None = None
        self.hide()

    def show_conflict(self, item_id: str, field: str, label: str, what: str, mine, theirs) -> None:
        self.conflict = (item_id, field, mine, theirs)

        def show(v) -> str:
            if isinstance(v, (list, tuple)):
                v = ", ".join(v)
            text = " ".join(str(v or "").split())
            return f"“{text[:120]}{'…' if len(text) > 120 else ''}”" if text else "(empty)"
        self.label.setText(f"While you were editing the {label} of {what}, another window or program changed "
                           f"it to {show(theirs)}. Yours is {show(mine)}, not saved yet. Which should it be?")
        self.show()

    def _choose(self, mine: bool) -> None:
        if self.conflict is None:
            return
        item_id, field, m, t = self.conflict
        self.conflict = None
        self.hide()
        if mine:
            self.kept_mine.emit(item_id, field, m)
        else:
            self.took_theirs.emit(item_id, field, t)
