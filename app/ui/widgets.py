"""Small widgets and helpers shared by the window: plain-text labels, safe links, field errors."""
from __future__ import annotations

import html

from PySide6 import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt
SAFE_SCHEMES = ("http", "https")


def plain_label(text: str = "", parent: QtWidgets.QWidget | None = None, *, wrap: bool = True,
                name: str | None = None, selectable: bool = True) -> QtWidgets.QLabel:
    """A label that always shows its text literally (QLabel would guess rich text)."""
    lab = QtWidgets.QLabel(parent)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setText(text)
    lab.setWordWrap(wrap)
    if selectable:
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                    | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    if name:
        lab.setAccessibleName(name)
    return lab


def escape_tooltip(text: str) -> str:
    """Tooltips guess rich text, so user text is escaped before it becomes one."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text or "") + "</p>" if text else ""


def open_url(url: str) -> bool:
    """Open a link in the system browser only when it is http or https."""
    q = QtCore.QUrl(url or "")
    if not q.isValid() or q.scheme().lower() not in SAFE_SCHEMES:
        return False
    return QtGui.QDesktopServices.openUrl(q)


class FieldError(QtWidgets.QLabel):
    """The message shown beside a field whose value breaks a rule; hidden when the value is fine."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setAccessibleName("Field error")
        self.hide()

    def show_error(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


class CommitPlainTextEdit(QtWidgets.QPlainTextEdit):
    """A multi-line field that reports when the person leaves it (like QLineEdit.editingFinished)."""

    editing_finished = QtCore.Signal()

    def focusOutEvent(self, e):  # noqa: N802 - Qt's name
        super().focusOutEvent(e)
        self.editing_finished.emit()

    def keyPressEvent(self, e):  # noqa: N802 - Tab moves on instead of typing a tab
        if e.key() == Qt.Key.Key_Tab and not e.modifiers():
            self.focusNextChild()
            return
        if e.key() == Qt.Key.Key_Backtab:
            self.focusPreviousChild()
            return
        super().keyPressEvent(e)


def status_chip(label: str, color: str) -> QtWidgets.QLabel:
    lab = plain_label(label, wrap=False, selectable=False)
    lab.setObjectName("statusChip")
    lab.setStyleSheet(f"QLabel#statusChip {{ background: {color}; color: white; border-radius: 8px; "
                      f"padding: 1px 8px; font-weight: 600; }}")
    return lab


def set_chip(lab: QtWidgets.QLabel, label: str, color: str) -> None:
    lab.setText(label)
    lab.setStyleSheet(f"QLabel#statusChip {{ background: {color}; color: white; border-radius: 8px; "
                      f"padding: 1px 8px; font-weight: 600; }}")
    lab.setAccessibleName(f"Status: {label}")
