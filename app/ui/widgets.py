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


def fit_date(edit: QtWidgets.QLineEdit) -> QtWidgets.QLineEdit:
    """Make a date field just wide enough for YYYY-MM-DD."""
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000-00-00") + 20)
    return edit


def top_level_items(tree: QtWidgets.QTreeWidget) -> list[QtWidgets.QTreeWidgetItem]:
    """The tree's top-level items, in order (topLevelItem(i) is typed as maybe None)."""
    return [it for i in range(tree.topLevelItemCount()) if (it := tree.topLevelItem(i)) is not None]


class TimelineDelegate(QtWidgets.QStyledItemDelegate):
    """One status update as a block: a coloured dot, date and status in bold, author, the note below."""

    PAD = 6

    def _parts(self, index):
        row = index.data(Qt.ItemDataRole.UserRole + 5) or {}
        model = index.model()
        label = model.data(model.index(index.row(), 1))
        return row, label

    def paint(self, painter: QtGui.QPainter, option, index) -> None:
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QtGui.QIcon()
        style = opt.widget.style() if opt.widget else QtWidgets.QApplication.style()
        style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        row, label = self._parts(index)
        r = opt.rect.adjusted(self.PAD + 16, self.PAD, -self.PAD, -self.PAD)
        selected = bool(opt.state & QtWidgets.QStyle.StateFlag.State_Selected)
        fg = opt.palette.color(QtGui.QPalette.ColorRole.HighlightedText if selected else QtGui.QPalette.ColorRole.Text)
        muted = QtGui.QColor(fg)
        muted.setAlpha(150)
        painter.save()
        color = getattr(index.model(), "color_of", lambda s: QtGui.QColor("#888"))(row.get("status"))
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        fm = QtGui.QFontMetrics(opt.font)
        painter.drawEllipse(QtCore.QPointF(opt.rect.left() + self.PAD + 6, r.top() + fm.ascent() / 2 + 2), 5, 5)
        bold = QtGui.QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(fg)
        head = f"{row.get('as_of', '')}   {label or ''}"
        painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, head)
        painter.setFont(opt.font)
        painter.setPen(muted)
        painter.drawText(r, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                         fm.elidedText(row.get("author") or "", Qt.TextElideMode.ElideRight, r.width() // 3))
        note = row.get("note") or ""
        if note:
            painter.setPen(fg)
            nr = r.adjusted(0, fm.lineSpacing() + 2, 0, 0)
            painter.drawText(nr, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             note)
        painter.restore()

    def sizeHint(self, option, index) -> QtCore.QSize:  # noqa: N802
        row, _ = self._parts(index)
        fm = QtGui.QFontMetrics(option.font)
        width = (option.widget.viewport().width() if option.widget else 400) - 2 * self.PAD - 16
        h = fm.lineSpacing()
        note = row.get("note") or ""
        if note:
            h += 2 + fm.boundingRect(QtCore.QRect(0, 0, max(50, width), 100000),
                                     Qt.TextFlag.TextWordWrap, note).height()
        return QtCore.QSize(width, h + 2 * self.PAD + 2)
