"""A bar across the top of the window for what the person must know without being stopped.

Another program's changes to the file, and the one sentence when saving has to stop, appear
here: never in a modal box that blocks the window. "stopped" notices stay until the file is
reopened and carry a Reopen button; "info" notices replace each other and can be dismissed.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from .widgets import plain_label

Qt = QtCore.Qt


class NoticeBar(QtWidgets.QFrame):
    reopen_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notice")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.label = plain_label("", wrap=True, name="Notice text")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label, 1)
        self.reopen = QtWidgets.QPushButton("Re&open File")
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
