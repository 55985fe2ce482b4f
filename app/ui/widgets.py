"""Small widgets and helpers shared by the window: plain-text labels, safe links, field errors."""
from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from ..core.bidi import has_embeddings, show_embeddings

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


def _desktop_open(url: QtCore.QUrl) -> bool:
    return QtGui.QDesktopServices.openUrl(url)


# The one seam through which a link leaves the program: tests replace it, so no test opens a browser.
url_opener: Callable[[QtCore.QUrl], bool] = _desktop_open


def open_url(url: str) -> bool:
    """Open a link in the system browser only when it is http or https."""
    q = QtCore.QUrl(url or "")
    if not q.isValid() or q.scheme().lower() not in SAFE_SCHEMES or not q.host():
        return False
    return bool(url_opener(q))


# A web address in a note: http(s):// up to blank space or a bracket/quote that cannot be part of it.
_URL_RE = re.compile(r"https?://[^\s<>\"'«»“”‘’]+", re.IGNORECASE)
_TRAILING = ".,;:!?،؛。)]}"  # sentence punctuation after an address is not part of it (Latin and Persian)


def web_links(text: str) -> list[tuple[int, int, str]]:
    """The http/https addresses in `text` as (start, end, url), in order; trailing punctuation left out."""
    out = []
    for m in _URL_RE.finditer(text or ""):
        url = m.group(0)
        while url and url[-1] in _TRAILING:
            # a closing bracket stays when the address opened one itself (Wikipedia-style links)
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) > len("https://") and QtCore.QUrl(url).host():
            out.append((m.start(), m.start() + len(url), url))
    return out


def linked_html(text: str, link_color: str | None = None) -> str:
    """Plain `text` as HTML with its web addresses as links; everything else escaped, line breaks kept."""
    parts, pos = [], 0
    style = f" style='color:{link_color}'" if link_color else ""
    for start, end, url in web_links(text):
        parts.append(html.escape(text[pos:start]))
        parts.append(f"<a href='{html.escape(url, quote=True)}'{style}>{html.escape(url)}</a>")
        pos = end
    parts.append(html.escape(text[pos:]))
    return "<span style='white-space:pre-wrap'>" + "".join(parts) + "</span>"


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
    """A multi-line field that reports when the person leaves it (like QLineEdit.editingFinished).

    Tab moves on instead of typing a tab. With `enter_submits`, Enter (or Ctrl+Enter) emits
    `submitted` - the field's form is done, as Enter accepts a dialog - and Shift+Enter makes a
    new line.
    """

    editing_finished = QtCore.Signal()
    submitted = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, enter_submits: bool = False):
        super().__init__(parent)
        self.enter_submits = enter_submits

    def focusOutEvent(self, e):  # noqa: N802 - Qt's name
        super().focusOutEvent(e)
        self.editing_finished.emit()

    def keyPressEvent(self, e):  # noqa: N802 - Qt's name
        if e.key() == Qt.Key.Key_Tab and not e.modifiers():
            self.focusNextChild()
            return
        if e.key() == Qt.Key.Key_Backtab:
            self.focusPreviousChild()
            return
        if self.enter_submits and e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if e.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")  # a plain newline, not Qt's soft line separator
            else:
                self.submitted.emit()
            e.accept()
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
    """One status update as a block: a coloured dot, date and status in bold, author, the note below.

    Web addresses in a note are drawn as links; a click on one emits `link_clicked(url)`.
    """

    PAD = 6
    link_clicked = QtCore.Signal(str)

    def _parts(self, index):
        row = index.data(Qt.ItemDataRole.UserRole + 5) or {}
        if row.get("note") and has_embeddings(row["note"]):
            # an override in a note is shown as ⟨RLO⟩, never obeyed: the words read as stored
            row = {**row, "note": show_embeddings(row["note"])}
        model = index.model()
        label = model.data(model.index(index.row(), 1))
        return row, label

    def _note_rect(self, rect: QtCore.QRect, fm: QtGui.QFontMetrics) -> QtCore.QRect:
        r = rect.adjusted(self.PAD + 16, self.PAD, -self.PAD, -self.PAD)
        return r.adjusted(0, fm.lineSpacing() + 2, 0, 0)

    @staticmethod
    def _note_document(note: str, font: QtGui.QFont, width: int, fg: QtGui.QColor,
                       link: QtGui.QColor) -> QtGui.QTextDocument:
        doc = QtGui.QTextDocument()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet(f"body {{ color: {fg.name()}; }}")
        doc.setHtml(f"<body>{linked_html(note, link.name())}</body>")
        doc.setTextWidth(max(50, width))
        return doc

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
        nr = self._note_rect(opt.rect, fm)
        if note and web_links(note):
            # links take the palette's link colour, or the selection's text colour on a selected row
            link = fg if selected else opt.palette.color(QtGui.QPalette.ColorRole.Link)
            doc = self._note_document(note, opt.font, nr.width(), fg, link)
            painter.translate(nr.topLeft())
            doc.drawContents(painter, QtCore.QRectF(0, 0, nr.width(), nr.height()))
        elif note:
            painter.setPen(fg)
            painter.drawText(nr, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             note)
        painter.restore()

    def link_at(self, option, index, pos: QtCore.QPoint) -> str | None:
        """The web address drawn under `pos` (view coordinates) in the update at `index`, or None."""
        row, _ = self._parts(index)
        note = row.get("note") or ""
        if not web_links(note):
            return None
        fm = QtGui.QFontMetrics(option.font)
        nr = self._note_rect(option.rect, fm)
        black = QtGui.QColor("#000")
        doc = self._note_document(note, option.font, nr.width(), black, black)
        href = doc.documentLayout().anchorAt(QtCore.QPointF(pos - nr.topLeft()))
        return href or None

    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QtCore.QEvent.Type.MouseButtonRelease
                and event.button() == Qt.MouseButton.LeftButton):
            url = self.link_at(option, index, event.position().toPoint())
            if url:
                self.link_clicked.emit(url)
                return True
        return super().editorEvent(event, model, option, index)

    def sizeHint(self, option, index) -> QtCore.QSize:  # noqa: N802
        row, _ = self._parts(index)
        fm = QtGui.QFontMetrics(option.font)
        width = (option.widget.viewport().width() if option.widget else 400) - 2 * self.PAD - 16
        h = fm.lineSpacing()
        note = row.get("note") or ""
        if note and web_links(note):
            black = QtGui.QColor("#000")
            h += 2 + int(self._note_document(note, option.font, width, black, black).size().height() + 0.999)
        elif note:
            h += 2 + fm.boundingRect(QtCore.QRect(0, 0, max(50, width), 100000),
                                     Qt.TextFlag.TextWordWrap, note).height()
        return QtCore.QSize(width, h + 2 * self.PAD + 2)
