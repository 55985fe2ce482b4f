"""The user guide window (F1): resources/help/guide.md rendered inside the app.

The guide is Markdown, shown by Qt's own Markdown reader; it is the project's text, but links
in it still go through the one safe path: only http/https leave for the browser, anchors
inside the guide scroll to their heading, anything else is ignored.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ..paths import resource
from .widgets import open_url

Qt = QtCore.Qt
GUIDE = ("help", "guide.md")


def guide_text() -> str:
    path = resource(*GUIDE)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        return f"# User guide\n\nThe guide could not be read from {path}: {e.strerror or e}."


class GuideWindow(QtWidgets.QWidget):
    """A window of its own beside the main window (not modal): the guide, searchable with Ctrl+F."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("guideWindow")
        self.setWindowTitle("Policy Tracker — User Guide")
        self.setAccessibleName("User guide")
        self.resize(640, 700)
        self.browser = QtWidgets.QTextBrowser(self)
        self.browser.setAccessibleName("User guide text")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self.follow)
        self.browser.setMarkdown(guide_text())
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.browser)
        close = QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self)
        close.activated.connect(self.close)
        self.opened: list[str] = []  # web addresses handed to the browser, for tests

    def follow(self, url: QtCore.QUrl) -> None:
        if url.scheme().lower() in ("http", "https"):
            if open_url(url.toString()):
                self.opened.append(url.toString())
        elif not url.scheme() and url.fragment():
            self.browser.scrollToAnchor(url.fragment())

    def headings(self) -> list[str]:
        """The guide's section headings, in order."""
        out = []
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel():
                out.append(block.text())
            block = block.next()
        return out

    def show_guide(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        self.browser.setFocus(Qt.FocusReason.ShortcutFocusReason)
