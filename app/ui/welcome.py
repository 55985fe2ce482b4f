"""The first-start welcome: what the app is, three things to try, and where the guide is.

It is a page of the main window (over the item table), never a modal dialog, so everything
else stays usable while it shows. The window decides when it shows (`should_welcome`): on an
empty or freshly seeded file, until the person makes their first change or ticks "Don't show
this again"; Help > Welcome brings it back at any time.
"""
from __future__ import annotations

from typing import cast

from PySide6 import QtCore, QtWidgets

from .widgets import plain_label

Qt = QtCore.Qt
HIDDEN_KEY = "welcome/hidden"  # QSettings: True once the person started working or said don't show again
FRESH_MAX_ITEMS = 100  # a file this small may be the bundled sample: more is someone's real work


def welcome_hidden() -> bool:
    return cast(bool, QtCore.QSettings().value(HIDDEN_KEY, False, bool))


def set_welcome_hidden(hidden: bool = True) -> None:
    QtCore.QSettings().setValue(HIDDEN_KEY, hidden)


def should_welcome(item_count: int) -> bool:
    """Show the welcome on an empty or freshly seeded file until the person has started working."""
    return item_count <= FRESH_MAX_ITEMS and not welcome_hidden()


class WelcomePage(QtWidgets.QScrollArea):
    """The welcome page; its buttons ask the window to do things (signals), it does none itself."""

    reader_requested = QtCore.Signal()      # show the source reader, ready to select words
    update_requested = QtCore.Signal()      # open the status form of an item
    add_source_requested = QtCore.Signal()  # File > Add Source Document...
    guide_requested = QtCore.Signal()       # Help > User Guide (F1)
    closed = QtCore.Signal(bool)            # closed by the person; True: don't show it again

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.setAccessibleName("Welcome")
        self.setWidgetResizable(True)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        body = QtWidgets.QWidget()
        body.setObjectName("welcomeBody")
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(16, 10, 16, 10)
        lay.setSpacing(6)
        title = plain_label("Welcome to Policy Tracker", wrap=True, name="Welcome heading", selectable=False)
        title.setObjectName("welcomeHeading")
        lay.addWidget(title)
        lay.addWidget(plain_label(
            "Follow what governments say they will do. Read a plan, a speech or a statement, pick out "
            "each goal, proposal and target from its exact words, and follow it over time with dated "
            "status updates and evidence. Everything stays in one file on this computer.",
            wrap=True, name="What Policy Tracker is", selectable=False))
        lay.addWidget(plain_label("Three things to try", wrap=True, name="Three things to try", selectable=False))
        self.reader_button = self._step(lay, "1", "Pick out an item from its words",
                                        "Select a sentence in the source reader, then choose Track as new item "
                                        "(Ctrl+Shift+T). The words stay highlighted and linked to the item.",
                                        "Show the source reader", self.reader_requested)
        self.update_button = self._step(lay, "2", "Record what happened",
                                        "Give an item a dated status update with a note; a web address in the "
                                        "note becomes a link to the evidence. Ctrl+Z undoes any change.",
                                        "Add a status update", self.update_requested)
        self.source_button = self._step(lay, "3", "Add your own document",
                                        "Bring in a plan or statement as a text or Markdown file (Ctrl+Shift+O), "
                                        "then pick out its items the same way.",
                                        "Add a source document…", self.add_source_requested)
        guide_row = QtWidgets.QHBoxLayout()
        guide_row.addWidget(plain_label("The user guide is under Help > User Guide, or press F1.", wrap=True,
                                        name="Where the guide is", selectable=False), 1)
        self.guide_button = QtWidgets.QPushButton("Open the guide")
        self.guide_button.setAccessibleName("Open the user guide")
        self.guide_button.clicked.connect(self.guide_requested)
        guide_row.addWidget(self.guide_button)
        lay.addLayout(guide_row)
        lay.addStretch(1)
        end = QtWidgets.QHBoxLayout()
        self.dont_show = QtWidgets.QCheckBox("Don't show this again")
        self.dont_show.setAccessibleName("Don't show the welcome again")
        end.addWidget(self.dont_show)
        end.addStretch(1)
        self.close_button = QtWidgets.QPushButton("Start working")
        self.close_button.setAccessibleName("Close the welcome and show the items")
        self.close_button.clicked.connect(lambda: self.closed.emit(self.dont_show.isChecked()))
        end.addWidget(self.close_button)
        lay.addLayout(end)
        self.setWidget(body)

    @staticmethod
    def _step(lay: QtWidgets.QVBoxLayout, number: str, heading: str, text: str, button: str,
              signal) -> QtWidgets.QPushButton:
        box = QtWidgets.QFrame()
        box.setObjectName("welcomeStep")
        box.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        g = QtWidgets.QGridLayout(box)
        g.setContentsMargins(8, 6, 8, 6)
        num = plain_label(number, wrap=False, selectable=False)
        num.setObjectName("welcomeNumber")
        g.addWidget(num, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        head = plain_label(heading, wrap=True, selectable=False)
        head.setObjectName("welcomeStepHeading")
        g.addWidget(head, 0, 1)
        b = QtWidgets.QPushButton(button)
        b.setAccessibleName(button.rstrip("…"))
        b.clicked.connect(signal)
        g.addWidget(b, 0, 2, Qt.AlignmentFlag.AlignRight)
        g.addWidget(plain_label(text, wrap=True, selectable=False), 1, 1, 1, 2)
        g.setColumnStretch(1, 1)
        g.setVerticalSpacing(2)
        lay.addWidget(box)
        return b

    def set_file_state(self, *, has_sources: bool, has_items: bool) -> None:
        """Enable the steps that the open file allows (an empty file has nothing to read yet)."""
        self.reader_button.setEnabled(has_sources)
        self.reader_button.setToolTip("" if has_sources else "Add a source document first (step 3).")
        self.update_button.setEnabled(has_items)
        self.update_button.setToolTip("" if has_items else "Track an item first (step 1).")
