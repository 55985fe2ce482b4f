"""The source reader: a source's full text with every cited passage highlighted.

The text is shown exactly as stored (set as plain text, never parsed as HTML or Markdown).
Offsets in the store count Unicode code points (Python str indices) while QTextCursor counts
UTF-16 code units, so every position crossing the boundary goes through `OffsetMap`: a
character outside the Basic Multilingual Plane (an emoji, a rare CJK ideograph) is one code
point but two Qt positions. Selections become requests (`track_requested`, `cite_requested`)
carrying code-point offsets; the window turns them into undoable commands. The reader never
writes to the store itself. The text work that needs no Qt (offsets, direction, finding,
passages at a point) is app/core/reader_text.py.

A paged source (a PDF) shows where each page begins: a thin rule above the line the page starts
on and "p. N" at its right end, painted over the viewport (the text itself, and so every offset,
is unchanged). "Show on page" opens a citation's page of the original PDF with the cited words
highlighted (app/ui/pdf_page.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6 import QtCore, QtGui, QtWidgets

from ..core import reader_text
from ..core.model import PolicyTrackerError
from ..core.reader_text import RTL_LANGUAGES, OffsetMap, display_text, find_pattern, is_right_to_left  # noqa: F401 - re-exported
from ..store import editions, source_files
from .editions_ui import EditionBar, earlier_edition_format
from .preferences import MIN_CONTRAST, contrast_ratio, readable_pair, readable_tint
from .widgets import escape_tooltip

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

MAX_FIND_HIGHLIGHTS = 400  # matches marked at once, around what is on screen (keeps typing and repaint cheap)
FIND_MARGIN = 20000  # Qt positions above and below the visible text whose matches are marked too
_NOT_TOLD = object()
Qt = QtCore.Qt


FIND_COLOR = QtGui.QColor("#ffd600")  # find matches: yellow, tinted into the theme's background
PDF = "application/pdf"


def tint(color: QtGui.QColor, base: QtGui.QColor, strength: float = 0.35,
         text: QtGui.QColor | None = None) -> QtGui.QColor:
    """`color` mixed into `base` (the text background); with `text`, no stronger than keeps
    that text readable over it (contrast of at least 4.5:1) in light and dark themes."""
    if text is None:
        text = QtGui.QColor("#000") if base.lightness() > 127 else QtGui.QColor("#fff")
    return readable_tint(color, base, text, strength, MIN_CONTRAST)


def page_mark_color(palette: QtGui.QPalette) -> QtGui.QColor:
    """The page marks' colour: halfway between the theme's text and its background, opaque."""
    t, b = palette.color(QtGui.QPalette.ColorRole.Text), palette.color(QtGui.QPalette.ColorRole.Base)
    return QtGui.QColor((t.red() + b.red()) // 2, (t.green() + b.green()) // 2, (t.blue() + b.blue()) // 2)


def _x(value) -> float:
    return value[0] if isinstance(value, tuple) else value  # PySide returns (x, cursorPos)


def _menu_text(text: str) -> str:
    return text.replace("&", "&&")  # '&' in user text is not a mnemonic


class _TextView(QtWidgets.QPlainTextEdit):
    """The read-only text: reports hovers, plain clicks, Ctrl+F and context menus to the reader."""

    clicked_at = QtCore.Signal(QtCore.QPoint)
    find_requested = QtCore.Signal()

    def __init__(self, reader: "SourceReader"):
        super().__init__(reader)
        self._reader = reader
        self._press_pos: QtCore.QPoint | None = None
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.viewport().setMouseTracking(True)

    def event(self, e: QtCore.QEvent) -> bool:
        # Ctrl+F in the text finds in the text, even when the window binds Ctrl+F to search
        if (e.type() == QtCore.QEvent.Type.ShortcutOverride
                and cast(QtGui.QKeyEvent, e).matches(QtGui.QKeySequence.StandardKey.Find)):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt's name
        self._reader.recentre = False
        if e.matches(QtGui.QKeySequence.StandardKey.Find):
            self.find_requested.emit()
            return
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._reader.activate_at_cursor():
            return  # Enter on a cited passage opens its item: the keyboard's click
        super().keyPressEvent(e)

    def viewportEvent(self, e: QtCore.QEvent) -> bool:  # noqa: N802 - Qt's name
        if e.type() == QtCore.QEvent.Type.ToolTip:
            help_event = cast(QtGui.QHelpEvent, e)  # Qt sends a ToolTip as a QHelpEvent
            tip = self._reader.tooltip_at_point(help_event.pos())
            if tip:
                QtWidgets.QToolTip.showText(help_event.globalPos(), tip, self.viewport())
            else:
                QtWidgets.QToolTip.hideText()
                e.ignore()
            return True
        return super().viewportEvent(e)

    def resizeEvent(self, e: QtGui.QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(e)
        if self._reader.recentre:
            self.centerCursor()  # a passage revealed before the view had its final size stays in the middle

    def wheelEvent(self, e: QtGui.QWheelEvent) -> None:  # noqa: N802 - Qt's name
        self._reader.recentre = False  # the person scrolls: leave the view where they put it
        super().wheelEvent(e)

    def mousePressEvent(self, e: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._reader.recentre = False
        self._press_pos = e.position().toPoint() if e.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(e)

    def mouseReleaseEvent(self, e: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt's name
        super().mouseReleaseEvent(e)
        pos = e.position().toPoint()
        if (e.button() == Qt.MouseButton.LeftButton and self._press_pos is not None
                and (pos - self._press_pos).manhattanLength() < QtWidgets.QApplication.startDragDistance()
                and not self.textCursor().hasSelection()):
            self.clicked_at.emit(pos)
        self._press_pos = None

    def paintEvent(self, e: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(e)
        marks = self._reader.visible_page_marks()
        if not marks:
            return
        p = QtGui.QPainter(self.viewport())
        color = page_mark_color(self.palette())
        font = QtGui.QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        p.setFont(font)
        fm = QtGui.QFontMetrics(font)
        width = self.viewport().width()
        for page, y in marks:
            p.setPen(QtGui.QPen(color, 1))
            p.drawLine(0, y, width, y)
            label = f"p. {page}"
            p.drawText(QtCore.QRect(0, y - fm.height(), width - 4, fm.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), label)
        p.end()

    def contextMenuEvent(self, e: QtGui.QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        if e.reason() == QtGui.QContextMenuEvent.Reason.Keyboard:
            menu = self._reader.build_context_menu(offset=self._reader.cursor_offset())
        else:
            menu = self._reader.build_context_menu(e.pos())
        menu.exec(e.globalPos())
        menu.deleteLater()


class SourceReader(QtWidgets.QWidget):
    """Shows one source with its cited passages; selections become track/cite requests.

    Signals carry code-point offsets into the stored text (never Qt positions).
    """

    item_activated = QtCore.Signal(str)               # item id of a clicked passage
    track_requested = QtCore.Signal(str, int, int)    # source id, start, end
    cite_requested = QtCore.Signal(str, int, int)     # source id, start, end
    source_shown = QtCore.Signal(str)                 # source id now on screen

    def __init__(self, session: "Session", parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.flash_ms = 1200
        self._source: dict | None = None
        self._text = ""
        self._map = OffsetMap("")
        self._citations: list[dict] = []
        self._cited_items: set[str] = set()
        self._highlight_selections: list[QtWidgets.QTextEdit.ExtraSelection] = []
        self._find_selections: list[QtWidgets.QTextEdit.ExtraSelection] = []
        self._flash_selection: QtWidgets.QTextEdit.ExtraSelection | None = None
        self._flash_range: tuple[int, int] | None = None
        self._matches: list[tuple[int, int]] = []
        self._match_index = -1
        self._current_item: object = _NOT_TOLD
        self.recentre = False  # keep the revealed passage centred while the view is resized, until the person acts
        self._status_labels: dict[str, str] = {}
        self._pages: list[list[int]] = []  # [page, start, end] of a paged source, in code points
        self._is_pdf = False
        self._original_name: str | None = None  # the file a PDF/Word/ODT/web source was read from
        self._last_citation: str | None = None  # the citation last shown, for "Show on page"
        self.pdf_window: QtWidgets.QDialog | None = None
        self._edition: int | None = None  # an earlier edition on screen (None: the newest, the source's text)
        self._build()
        session.changed.connect(self._on_changed)
        self.refresh_sources()

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.setAccessibleName("Source reader")
        self.picker = QtWidgets.QComboBox(self)
        self.picker.setAccessibleName("Source document")
        self.picker.setToolTip("Choose the source document to read")
        self.picker.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(12)
        self.picker.currentIndexChanged.connect(self._on_picked)
        self.edition_bar = EditionBar(self)  # which edition (shown for a source with more than one)

        self.track_action = QtGui.QAction("Track as new item…", self)
        self.track_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+T"))
        self.track_action.setToolTip("Track the selected words as a new item (Ctrl+Shift+T)")
        self.track_action.triggered.connect(self.request_track)
        self.cite_action = QtGui.QAction("Cite for the current item", self)
        self.cite_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
        self.cite_action.setToolTip("Cite the selected words for the item open in the item panel (Ctrl+Shift+C)")
        self.cite_action.triggered.connect(self.request_cite)
        self.find_action = QtGui.QAction("Find in text…", self)
        self.find_action.setToolTip("Find words in this source (Ctrl+F in the text)")
        self.find_action.triggered.connect(self.open_find_bar)
        self.page_action = QtGui.QAction("Show on page", self)
        self.page_action.setToolTip("Open the cited passage at the cursor on its page of the original PDF, "
                                    "its words highlighted")
        self.page_action.triggered.connect(lambda: self.show_on_page())
        # in the text's context menu as "Show on page N" (the tool bar keeps its three actions)
        self.page_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.page_action)
        for action in (self.track_action, self.cite_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

        # the actions sit in a tool bar: on a narrow window the ones that do not fit move to its
        # overflow menu (») instead of forcing the window wider; each keeps its key
        self.tools = QtWidgets.QToolBar(self)
        self.tools.setAccessibleName("Reader actions")
        self.tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.tools.setIconSize(QtCore.QSize(1, 1))

        def button(action: QtGui.QAction, name: str) -> QtWidgets.QToolButton:
            self.tools.addAction(action)
            b = cast(QtWidgets.QToolButton, self.tools.widgetForAction(action))
            b.setAccessibleName(name)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            return b

        self.track_button = button(self.track_action, "Track as new item")
        self.cite_button = button(self.cite_action, "Cite for the current item")
        self.find_button = button(self.find_action, "Find in text")

        self.text_view = _TextView(self)
        self.text_view.setAccessibleName("Source text")
        self.text_view.setAccessibleDescription("The full text of the source; cited passages are highlighted")
        self.text_view.selectionChanged.connect(self._update_actions)
        self.text_view.clicked_at.connect(self._on_clicked)
        self.text_view.find_requested.connect(self.open_find_bar)

        # the find bar
        self.find_bar = QtWidgets.QWidget(self)
        self.find_bar.setAccessibleName("Find bar")
        self.find_field = QtWidgets.QLineEdit(self.find_bar)
        self.find_field.setAccessibleName("Find in source text")
        self.find_field.setPlaceholderText("Find in this source")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.textChanged.connect(lambda t: self.find(t))
        self.find_field.returnPressed.connect(self.find_next)
        self.find_field.installEventFilter(self)
        self.find_prev_button = QtWidgets.QToolButton(self.find_bar)
        self.find_prev_button.setArrowType(Qt.ArrowType.UpArrow)
        self.find_prev_button.setAccessibleName("Previous match")
        self.find_prev_button.setToolTip("Previous match (Shift+Enter)")
        self.find_prev_button.clicked.connect(self.find_previous)
        self.find_next_button = QtWidgets.QToolButton(self.find_bar)
        self.find_next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.find_next_button.setAccessibleName("Next match")
        self.find_next_button.setToolTip("Next match (Enter)")
        self.find_next_button.clicked.connect(self.find_next)
        self.find_count = QtWidgets.QLabel(self.find_bar)
        self.find_count.setTextFormat(Qt.TextFormat.PlainText)
        self.find_count.setAccessibleName("Match count")
        self.find_close_button = QtWidgets.QToolButton(self.find_bar)
        self.find_close_button.setText("×")
        self.find_close_button.setAccessibleName("Close find bar")
        self.find_close_button.setToolTip("Close (Escape)")
        self.find_close_button.clicked.connect(self.close_find_bar)
        fb = QtWidgets.QHBoxLayout(self.find_bar)
        fb.setContentsMargins(0, 0, 0, 0)
        for w in (self.find_field, self.find_prev_button, self.find_next_button, self.find_count,
                  self.find_close_button):
            fb.addWidget(w)
        fb.setStretch(0, 1)
        self.find_bar.hide()
        # F3 / Shift+F3 while the reader has focus
        for keys, slot in ((QtGui.QKeySequence.StandardKey.FindNext, self.find_next),
                           (QtGui.QKeySequence.StandardKey.FindPrevious, self.find_previous)):
            sc = QtGui.QShortcut(QtGui.QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

        self.info = QtWidgets.QLabel(self)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setAccessibleName("Reader status")
        self.info.setWordWrap(True)

        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.picker, 1)
        top.addWidget(self.edition_bar)
        top.addWidget(self.tools)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.text_view, 1)
        layout.addWidget(self.info)
        self.setFocusProxy(self.text_view)

        self._mark_timer = QtCore.QTimer(self)
        self._mark_timer.setSingleShot(True)
        self._mark_timer.setInterval(50)
        self._mark_timer.timeout.connect(self._mark_visible_matches)
        self.text_view.verticalScrollBar().valueChanged.connect(
            lambda _v: self._mark_timer.start() if self._matches else None)
        self._flash_anim = QtCore.QVariantAnimation(self)
        self._flash_anim.valueChanged.connect(self._on_flash_value)
        self._flash_anim.finished.connect(self._end_flash)
        self._update_actions()

    # -- state -------------------------------------------------------------------------------------
    @property
    def source_id(self) -> str | None:
        return self._source["id"] if self._source else None

    @property
    def text(self) -> str:
        """The stored text of the source on screen ('' when none)."""
        return self._text

    @property
    def offset_map(self) -> OffsetMap:
        return self._map

    def is_right_to_left(self) -> bool:
        return self.text_view.document().defaultTextOption().textDirection() == Qt.LayoutDirection.RightToLeft

    def set_current_item(self, item_id: str | None) -> None:
        """Tell the reader which item "Cite for the current item" would cite for (None: no item)."""
        self._current_item = item_id
        self._update_actions()

    # -- showing sources ---------------------------------------------------------------------------
    def refresh_sources(self) -> None:
        """Refill the source picker from the store, keeping the shown source selected."""
        sources = self.session.store.source_titles()
        with QtCore.QSignalBlocker(self.picker):
            self.picker.clear()
            for s in sources:
                label = s["title"] or "(untitled source)"
                if s.get("published_on"):
                    label += f" ({s['published_on']})"
                self.picker.addItem(label, s["id"])
                self.picker.setItemData(self.picker.count() - 1, escape_tooltip(label), Qt.ItemDataRole.ToolTipRole)
            self.picker.setCurrentIndex(self.picker.findData(self.source_id) if self.source_id else -1)

    def show_source(self, source_id: str) -> bool:
        """Show a source's text with its highlights; False (and a message) when it does not exist."""
        if self.source_id == source_id and self._source is not None:
            return True
        src = self.session.store.get_source(source_id)
        if src is None:
            self._clear("That source is no longer in the file.")
            return False
        self._load(src)
        return True

    def _clear(self, message: str = "") -> None:
        self._source = None
        self._text = ""
        self._map = OffsetMap("")
        self._citations = []
        self._cited_items = set()
        self._pages, self._is_pdf, self._last_citation = [], False, None
        self.text_view.setPlainText("")
        self._highlight_selections, self._find_selections = [], []
        self._end_flash()
        with QtCore.QSignalBlocker(self.picker):
            self.picker.setCurrentIndex(-1)
        self.info.setText(message)
        self._update_actions()

    def _load(self, src: dict) -> None:
        self._edition = None
        self.recentre = False
        self._flash_anim.stop()
        self._flash_selection, self._flash_range = None, None
        self._source = {k: v for k, v in src.items() if k != "text"}
        self._text = src["text"] or ""
        self._map = OffsetMap(self._text)
        kept = source_files.get_original(self.session.store, src["id"], with_content=False)
        self._pages = kept["pages"] if kept else []
        self._is_pdf = bool(kept and kept["media_type"] == PDF)
        self._original_name = kept["file_name"] if kept else None
        self._last_citation = None
        view = self.text_view
        view.setPlainText(display_text(self._text))
        rtl = is_right_to_left(self._text, src.get("language"))
        option = view.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
        option.setAlignment((Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
                            | Qt.AlignmentFlag.AlignAbsolute)
        view.document().setDefaultTextOption(option)
        view.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
        with QtCore.QSignalBlocker(self.picker):
            idx = self.picker.findData(src["id"])
            if idx < 0:
                self.refresh_sources()
                idx = self.picker.findData(src["id"])
            self.picker.setCurrentIndex(idx)
        self._matches, self._match_index = [], -1
        self._find_selections = []
        self.refresh_highlights()
        if self.find_bar.isVisible() and self.find_field.text():
            self.find(self.find_field.text())
        self._update_actions()
        self.edition_bar.source_loaded(src["id"])
        self.source_shown.emit(src["id"])

    def refresh_highlights(self) -> None:
        """Re-read the citations of the shown source and repaint their highlights."""
        if self._source is None:
            return
        if self._edition is not None:
            self._mark_earlier_places()
            return
        store = self.session.store
        self._citations = store.citations_for_source(self._source["id"])
        self._cited_items = {c["item_id"] for c in self._citations}
        statuses = {s["key"]: s for s in store.statuses()}
        self._status_labels = {k: s["label"] for k, s in statuses.items()}
        pal = self.text_view.palette()
        base, text = pal.color(QtGui.QPalette.ColorRole.Base), pal.color(QtGui.QPalette.ColorRole.Text)
        selections = []
        doc = self.text_view.document()
        for c in self._citations:
            raw = QtGui.QColor((statuses.get(c["status"]) or {}).get("color") or "#9e9e9e")
            if not raw.isValid():
                raw = QtGui.QColor("#9e9e9e")
            fmt = QtGui.QTextCharFormat()
            fmt.setBackground(tint(raw, base, text=text))
            fmt.setForeground(text)  # the theme's text colour, which the tint was chosen to carry
            fmt.setUnderlineStyle(QtGui.QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(raw)  # a second cue besides the fill colour
            sel = QtWidgets.QTextEdit.ExtraSelection()
            sel.cursor = self._cursor(doc, c["start"], c["end"])
            sel.format = fmt
            selections.append(sel)
        self._highlight_selections = selections
        n = len(self._citations)
        lang = " · shown right to left" if self.is_right_to_left() else ""
        paged = f" · {len(self._pages)} pages" if len(self._pages) > 1 else ""
        self.info.setText(f"{n} cited passage{'s' if n != 1 else ''}{paged}{lang}")
        self._apply_selections()
        self._update_actions()

    # -- editions (app/ui/editions_ui.py) ------------------------------------------------------------
    def showing_newest(self) -> bool:
        return self._edition is None

    def show_edition(self, edition: int | None) -> bool:
        """Show an earlier edition of the shown source, read only, its citations marked where they
        were in it; None shows the newest again (the source's text, where citations are made)."""
        if self._source is None:
            return False
        sid = self._source["id"]
        if edition is None:
            self._source = None
            return self.show_source(sid)
        text = editions.edition_text(self.session.store, sid, edition)
        if text is None:
            self.info.setText("That edition is no longer in the file.")
            return False
        self._edition = edition
        self._text, self._map = text, OffsetMap(text)
        self._pages, self._is_pdf = [], False
        self._matches, self._find_selections, self._flash_selection = [], [], None
        self.text_view.setPlainText(display_text(text))
        self._mark_earlier_places()
        return True

    def _mark_earlier_places(self) -> None:
        assert self._source is not None and self._edition is not None
        self._citations = []  # nothing here is cited in this text: citations belong to the newest edition
        self._cited_items = {c["item_id"] for c in self.session.store.citations_for_source(self._source["id"])}
        rows = editions.places_in(self.session.store, self._source["id"], self._edition)
        doc, fmt = self.text_view.document(), earlier_edition_format()
        selections = []
        for start, end in rows:
            sel = QtWidgets.QTextEdit.ExtraSelection()
            sel.cursor = self._cursor(doc, start, end)
            sel.format = fmt
            selections.append(sel)
        self._highlight_selections = selections
        self.info.setText(f"Edition {self._edition}, an earlier edition (read only): {len(rows)} citation place"
                          f"{'s' if len(rows) != 1 else ''} marked as they were in it. Citations are made in the "
                          f"newest edition.")
        self._apply_selections()
        self._update_actions()

    def _cursor(self, doc: QtGui.QTextDocument, start: int, end: int) -> QtGui.QTextCursor:
        cur = QtGui.QTextCursor(doc)
        cur.setPosition(self._map.to_utf16(start))
        cur.setPosition(self._map.to_utf16(end), QtGui.QTextCursor.MoveMode.KeepAnchor)
        return cur

    def _apply_selections(self) -> None:
        extra = self._highlight_selections + self._find_selections
        if self._flash_selection is not None:
            extra = extra + [self._flash_selection]
        self.text_view.setExtraSelections(extra)

    def highlight_ranges(self) -> list[tuple[int, int, str]]:
        """(start, end, item id) of every highlighted passage, in code points, as painted."""
        out = []
        for sel, c in zip(self._highlight_selections, self._citations, strict=True):
            out.append((self._map.to_code_point(sel.cursor.selectionStart()),
                        self._map.to_code_point(sel.cursor.selectionEnd()), c["item_id"]))
        return out

    # -- citations -------------------------------------------------------------------------------
    def show_citation(self, citation_id: str) -> bool:
        """Show the citation's source, scroll to its passage and flash it briefly."""
        c = self.session.store.get_citation(citation_id)
        if c is None:
            self.info.setText("That citation is no longer in the file.")
            return False
        if not self.show_source(c["source_id"]):
            return False
        if c["start"] is None or c["end"] is None:
            state = c.get("anchor_state")
            self.info.setText(
                "This citation waits to be checked: View > Citations to Check shows its suggested words."
                if state == "review" else
                "This citation is not in the current edition; its quote is kept with the item." if state == "gone" else
                "This citation's words could not be placed in the text; its quote is kept with the item "
                "(View > Citations to Check places it).")
            return False
        self.reveal(c["start"], c["end"])
        self._last_citation = citation_id
        return True

    # -- pages ------------------------------------------------------------------------------------------
    def page_marks(self) -> list[tuple[int, int]]:
        """(page, start offset) of every page of the shown source after the first (none for an unpaged one)."""
        return [(p, s) for p, s, _e in self._pages[1:]]

    def visible_page_marks(self) -> list[tuple[int, int]]:
        """(page, viewport y of its rule) of the page starts on screen: the top of the line each starts on."""
        if len(self._pages) < 2:
            return []
        view = self.text_view
        first = view.firstVisibleBlock()
        if not first.isValid():
            return []
        lo = first.position()
        hi_block = view.cursorForPosition(QtCore.QPoint(0, view.viewport().height())).block()
        hi = hi_block.position() + hi_block.length()
        out = []
        doc = view.document()
        for page, start in self.page_marks():
            pos = self._map.to_utf16(min(start, len(self._text)))
            if lo <= pos <= hi:
                cur = QtGui.QTextCursor(doc)
                cur.setPosition(pos)
                out.append((page, view.cursorRect(cur).top() - 1))
        return out

    def page_at(self, offset: int) -> int | None:
        """The page an offset of the shown source is on (None for an unpaged source)."""
        return source_files.page_in(self._pages, offset)

    def save_original(self, dest: Path | None = None) -> bool:
        """Write the shown source's original file (PDF, Word, ODT, web page) back out, byte for byte.

        `dest` None asks where (a save dialog in the last chosen folder). Refusals are one sentence."""
        from ..exchange.atomic import atomic_path
        from . import file_dialogs
        if self._source is None or self._original_name is None:
            self.info.setText("This source was added from text; there is no original file to save.")
            return False
        if dest is None:
            name = file_dialogs.get_save_file_name(self, "Save the original file", self._original_name, "All files (*)")
            if not name:
                return False
            dest = Path(name)
        kept = source_files.get_original(self.session.store, self._source["id"])
        if kept is None:
            self.info.setText("The original file of this source is no longer in the file.")
            return False
        try:
            with atomic_path(dest, "the original file") as tmp:
                tmp.write_bytes(bytes(kept["content"]))
        except (OSError, PolicyTrackerError) as e:  # the output checks (a device, a folder...) or the disk
            self.session.error(f"The original file was not saved: {e}")
            return False
        self.info.setText(f"Saved {kept['file_name']} as {dest}.")
        return True

    def show_on_page(self, citation_id: str | None = None) -> QtWidgets.QDialog | None:
        """Open a citation's page of the original PDF with its words highlighted: the given one, else
        the innermost at the cursor, else the one last shown. None (and a message) when there is none."""
        from .pdf_page import PdfPageWindow  # QtPdf loads when a page is first shown
        if citation_id is None:
            here = self.citations_at(self.cursor_offset()) if self._source is not None else []
            citation_id = here[0]["id"] if here else self._last_citation
        c = next((x for x in self._citations if x["id"] == citation_id), None) if citation_id else None
        if c is None:
            self.info.setText("Put the cursor in a cited passage first; its page will be shown.")
            return None
        if not self._is_pdf or self._source is None:
            self.info.setText("This source is not a PDF; there is no page to show.")
            return None
        kept = source_files.get_original(self.session.store, self._source["id"])
        if kept is None:
            self.info.setText("The original PDF of this source is no longer in the file.")
            return None
        page = self.page_at(c["start"]) or 1
        if self.pdf_window is not None:
            self.pdf_window.close()
            self.pdf_window.deleteLater()
        self.pdf_window = PdfPageWindow(bytes(kept["content"]), page, self._text[c["start"]:c["end"]],
                                        title=self._source.get("title") or "", parent=self)
        self.pdf_window.show()
        self._last_citation = c["id"]
        return self.pdf_window

    def reveal(self, start: int, end: int, *, flash: bool = True) -> None:
        """Scroll to text[start:end] (code points), put the cursor at its start and flash it."""
        view = self.text_view
        cur = QtGui.QTextCursor(view.document())
        cur.setPosition(self._map.to_utf16(end))
        view.setTextCursor(cur)
        view.ensureCursorVisible()  # so a long passage's end is on screen as well as its start
        cur.setPosition(self._map.to_utf16(start))
        view.setTextCursor(cur)
        view.centerCursor()
        self.recentre = True
        if flash and end > start:
            self.flash(start, end)

    def flash(self, start: int, end: int) -> None:
        """Mark a passage with the selection colour for `flash_ms`, then let it go back to its tint."""
        self._flash_anim.stop()
        sel = QtWidgets.QTextEdit.ExtraSelection()
        sel.cursor = self._cursor(self.text_view.document(), start, end)
        sel.format = self.flash_format()
        self._flash_selection, self._flash_range = sel, (start, end)
        self._apply_selections()
        # held, then ended at once: a fade would pass through colours the text cannot be read on
        self._flash_anim.setDuration(max(1, self.flash_ms))
        self._flash_anim.setStartValue(0.0)
        self._flash_anim.setEndValue(1.0)
        self._flash_anim.start()

    def flash_format(self) -> QtGui.QTextCharFormat:
        """The selection colours of the theme, adjusted so the text over them is readable."""
        pal = self.text_view.palette()
        bg, fg = readable_pair(pal.color(QtGui.QPalette.ColorRole.Highlight),
                               pal.color(QtGui.QPalette.ColorRole.HighlightedText))
        if contrast_ratio(bg, fg) < MIN_CONTRAST:  # a system palette with an odd pair: use the plain text colour
            bg, fg = readable_pair(pal.color(QtGui.QPalette.ColorRole.Highlight),
                                   pal.color(QtGui.QPalette.ColorRole.Text))
        fmt = QtGui.QTextCharFormat()
        fmt.setBackground(bg)
        fmt.setForeground(fg)
        return fmt

    def flash_range(self) -> tuple[int, int] | None:
        """The passage flashing right now, or None."""
        return self._flash_range

    def _on_flash_value(self, value) -> None:
        pass  # the mark is held for the whole animation; `finished` ends it

    def _end_flash(self) -> None:
        self._flash_selection, self._flash_range = None, None
        self._apply_selections()

    # -- positions under the mouse ---------------------------------------------------------------
    def offset_at_point(self, point: QtCore.QPoint) -> int | None:
        """The code-point offset of the character under a viewport point, or None off the text."""
        if self._source is None:
            return None
        view = self.text_view
        cur = view.cursorForPosition(point)
        block = cur.block()
        if not block.isValid():
            return None
        geo = view.blockBoundingGeometry(block).translated(view.contentOffset())
        layout = block.layout()
        rel = QtCore.QPointF(point) - geo.topLeft() - layout.position()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            r = line.naturalTextRect()
            if r.top() <= rel.y() < r.bottom():
                if not r.left() <= rel.x() < r.right():
                    return None
                pos = line.xToCursor(rel.x(), QtGui.QTextLine.CursorPosition.CursorOnCharacter)
                if pos >= block.length() - 1:  # past the block's last character
                    pos = block.length() - 2
                if pos < 0:
                    return None
                return self._map.to_code_point(block.position() + pos)
        return None

    def point_for_offset(self, cp: int) -> QtCore.QPoint:
        """A viewport point in the middle of the character at code-point offset cp."""
        view = self.text_view
        a = self._map.to_utf16(cp)
        b = self._map.to_utf16(cp + 1)
        block = view.document().findBlock(a)
        layout = block.layout()
        rel_a, rel_b = a - block.position(), b - block.position()
        line = layout.lineForTextPosition(rel_a)
        origin = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft() + layout.position()
        x1 = _x(line.cursorToX(rel_a))
        x2 = _x(line.cursorToX(rel_b)) if rel_b <= line.textStart() + line.textLength() else x1
        if x1 == x2:
            x2 = x1 + (-2 if self.is_right_to_left() else 2)
        y = line.y() + line.height() / 2
        return QtCore.QPointF(origin.x() + (x1 + x2) / 2, origin.y() + y).toPoint()

    def citations_at(self, cp: int) -> list[dict]:
        """Citations whose passage holds the character at cp, the shortest (innermost) first."""
        return reader_text.citations_at(self._citations, cp)

    def tooltip_for(self, cp: int) -> str:
        """Rich-text tooltip for the passages at cp; every piece of user text is escaped."""
        return reader_text.passages_tooltip(self.citations_at(cp), self._status_labels)

    def tooltip_at_point(self, point: QtCore.QPoint) -> str:
        cp = self.offset_at_point(point)
        return self.tooltip_for(cp) if cp is not None else ""

    def cursor_offset(self) -> int:
        """The text cursor's position in code points."""
        return self._map.to_code_point(self.text_view.textCursor().position())

    def activate_at_cursor(self) -> bool:
        """Open the item of the passage at the text cursor (Enter in the text); False if none."""
        if self._source is None or self.text_view.textCursor().hasSelection():
            return False
        hits = self.citations_at(self.cursor_offset())
        if hits:
            self.item_activated.emit(hits[0]["item_id"])
        return bool(hits)

    def _on_clicked(self, point: QtCore.QPoint) -> None:
        cp = self.offset_at_point(point)
        if cp is None:
            return
        hits = self.citations_at(cp)
        if hits:
            self.item_activated.emit(hits[0]["item_id"])

    # -- selection -> requests ----------------------------------------------------------------------
    def selected_range(self) -> tuple[int, int] | None:
        """The selection as code-point offsets with surrounding blank space left out, or None."""
        cur = self.text_view.textCursor()
        if self._source is None or not cur.hasSelection():
            return None
        start = self._map.to_code_point(cur.selectionStart())
        end = self._map.to_code_point(cur.selectionEnd())
        # a selection ending inside a surrogate pair keeps the whole character
        if end < len(self._text) and self._map.to_utf16(end) < cur.selectionEnd():
            end += 1
        return reader_text.trim_blank(self._text, start, end)

    def select_range(self, start: int, end: int) -> None:
        """Select text[start:end] (code points), as a person would with the mouse."""
        cur = self._cursor(self.text_view.document(), start, end)
        self.text_view.setTextCursor(cur)

    def request_track(self) -> bool:
        rng = self.selected_range() if self._edition is None else None
        if rng is None or self.source_id is None:
            self.info.setText("Select some words of the source first.")
            return False
        self.track_requested.emit(self.source_id, *rng)
        return True

    def request_cite(self) -> bool:
        rng = self.selected_range() if self._edition is None else None
        if rng is None or self.source_id is None:
            self.info.setText("Select some words of the source first.")
            return False
        if self._current_item is None:
            self.info.setText("Open an item first; the selected words will be cited for it.")
            return False
        self.cite_requested.emit(self.source_id, *rng)
        return True

    def _update_actions(self) -> None:
        has = self.selected_range() is not None and self._edition is None  # never cite an earlier edition
        self.track_action.setEnabled(has)
        self.cite_action.setEnabled(has and self._current_item is not None)
        self.find_action.setEnabled(self._source is not None)
        self.page_action.setEnabled(self._source is not None and self._is_pdf and bool(self._citations))

    def build_context_menu(self, point: QtCore.QPoint | None = None, *, offset: int | None = None) -> QtWidgets.QMenu:
        """The text's context menu: our actions first, then Qt's Copy / Select All; "Open ..." for
        the passages under `point` (a viewport point) or at `offset` (code points)."""
        menu = self.text_view.createStandardContextMenu()
        menu.setParent(self, menu.windowFlags())
        first = menu.actions()[0] if menu.actions() else None
        ours: list[QtGui.QAction] = [self.track_action, self.cite_action]
        cp = self.offset_at_point(point) if point is not None else offset
        if cp is not None:
            for c in self.citations_at(cp)[:5]:
                label = f"Open {c['ref']} {c['title']}" if c["ref"] else f"Open {c['title']}"
                act = QtGui.QAction(_menu_text(label[:80]), menu)
                act.triggered.connect(lambda _=False, iid=c["item_id"]: self.item_activated.emit(iid))
                ours.append(act)
            here = self.citations_at(cp)
            if here and self._is_pdf:
                page = self.page_at(here[0]["start"])
                act = QtGui.QAction(f"Show on page {page}" if page else "Show on page", menu)
                act.triggered.connect(lambda _=False, cid=here[0]["id"]: self.show_on_page(cid))
                ours.append(act)
        if self._original_name is not None:
            act = QtGui.QAction(_menu_text(f"Save the original file ({self._original_name[:60]})…"), menu)
            act.triggered.connect(lambda _=False: self.save_original())
            ours.append(act)
        if first is None:
            menu.addActions(ours)
        else:
            menu.insertActions(first, ours)
            menu.insertSeparator(first)
        return menu

    # -- find ----------------------------------------------------------------------------------------
    def open_find_bar(self) -> None:
        if self._source is None:
            return
        self.find_bar.show()
        cur = self.text_view.textCursor()
        if cur.hasSelection() and "\u2029" not in cur.selectedText() and not self.find_field.text():
            self.find_field.setText(cur.selectedText())
        self.find_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_field.selectAll()

    def close_find_bar(self) -> None:
        self.find_bar.hide()
        self._find_selections = []
        self._matches, self._match_index = [], -1
        self._apply_selections()
        self.text_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def find(self, text: str) -> int:  # type: ignore[override]  # hides QWidget.find(WId), a static lookup
        """Mark every match of `text` (ignoring case and Arabic/Persian letter forms); go to the
        first one at or after the cursor. Returns the number of matches."""
        if self.find_field.text() != text:
            with QtCore.QSignalBlocker(self.find_field):
                self.find_field.setText(text)
        matches = reader_text.find_matches(self._text, text) if self._source is not None else None
        if matches is None:
            self._matches, self._match_index = [], -1
            self._find_selections = []
            self.find_count.setText("")
            self._apply_selections()
            return 0
        self._matches = matches
        if not self._matches:
            self._match_index = -1
            self._find_selections = []
            self._apply_selections()
            self.find_count.setText("No matches")
            return 0
        here = self._map.to_code_point(self.text_view.textCursor().selectionStart())
        self._go_to_match(reader_text.match_at_or_after(self._matches, here))
        return len(self._matches)

    def _mark_visible_matches(self) -> None:
        """Mark the matches on and near the screen (a long text may hold tens of thousands)."""
        if not self._matches:
            if self._find_selections:
                self._find_selections = []
                self._apply_selections()
            return
        view = self.text_view
        top = view.cursorForPosition(QtCore.QPoint(0, 0)).position()
        bottom = view.cursorForPosition(QtCore.QPoint(view.viewport().width(), view.viewport().height())).position()
        lo = self._map.to_code_point(max(0, min(top, bottom) - FIND_MARGIN))
        hi = self._map.to_code_point(max(top, bottom) + FIND_MARGIN)
        first, last = reader_text.matches_to_mark(self._matches, lo, hi, self._match_index, MAX_FIND_HIGHLIGHTS)
        doc = view.document()
        pal = view.palette()
        text = pal.color(QtGui.QPalette.ColorRole.Text)
        fmt = QtGui.QTextCharFormat()
        fmt.setBackground(tint(FIND_COLOR, pal.color(QtGui.QPalette.ColorRole.Base), 0.6, text=text))
        fmt.setForeground(text)
        sels = []
        for s, e in self._matches[first:last]:
            sel = QtWidgets.QTextEdit.ExtraSelection()
            sel.cursor = self._cursor(doc, s, e)
            sel.format = fmt
            sels.append(sel)
        self._find_selections = sels
        self._apply_selections()

    def find_next(self) -> None:
        if not self._matches:
            if self.find_field.text():
                self.find(self.find_field.text())
            return
        self._go_to_match((self._match_index + 1) % len(self._matches))

    def find_previous(self) -> None:
        if not self._matches:
            return
        self._go_to_match((self._match_index - 1) % len(self._matches))

    def match_count(self) -> int:
        return len(self._matches)

    def current_match(self) -> tuple[int, int] | None:
        """The match selected now, as code-point offsets."""
        return self._matches[self._match_index] if 0 <= self._match_index < len(self._matches) else None

    def _go_to_match(self, idx: int) -> None:
        self._match_index = idx
        s, e = self._matches[idx]
        self.select_range(s, e)
        self.text_view.centerCursor()
        self.find_count.setText(f"{idx + 1} of {len(self._matches)}")
        self._mark_visible_matches()

    def eventFilter(self, obj: QtCore.QObject, e: QtCore.QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.find_field and e.type() == QtCore.QEvent.Type.KeyPress:
            key_event = cast(QtGui.QKeyEvent, e)
            key = key_event.key()
            if key == Qt.Key.Key_Escape:
                self.close_find_bar()
                return True
            if (key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                    and key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
                self.find_previous()
                return True
        if obj is self.find_field and e.type() == QtCore.QEvent.Type.ShortcutOverride \
                and cast(QtGui.QKeyEvent, e).matches(QtGui.QKeySequence.StandardKey.Find):
            e.accept()  # Ctrl+F again in the field: stay in the reader's find
            return True
        return super().eventFilter(obj, e)

    # -- following the file ---------------------------------------------------------------------------
    def _on_picked(self, index: int) -> None:
        sid = self.picker.itemData(index)
        if sid and sid != self.source_id:
            self.show_source(sid)

    def _on_changed(self, changes) -> None:
        if changes.sources or changes.structure:
            self.refresh_sources()
        if self._source is None:
            return
        sid = self._source["id"]
        if not (sid in changes.sources or changes.structure or (changes.items & self._cited_items)
                or changes.items & {c["item_id"] for c in self._citations}):
            return
        row = self.session.store.get_source(sid, with_text=False)
        if row is None:
            self._clear("The source shown here was removed from the file.")
            return
        if row.get("sha256") != self._source.get("sha256"):
            keep = self.text_view.verticalScrollBar().value()
            self._source = None
            self.show_source(sid)
            self.text_view.verticalScrollBar().setValue(keep)
            return
        self._source.update(row)
        self.refresh_highlights()

    def changeEvent(self, e: QtCore.QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(e)
        if e.type() == QtCore.QEvent.Type.PaletteChange:
            # the text view may receive the new palette after this widget does: recompute once the
            # change has reached every widget (a palette set by the platform arrives this way too)
            QtCore.QTimer.singleShot(0, self, self.theme_changed)

    def theme_changed(self) -> None:
        """Recompute every mark from the theme now in force (tints are mixed with its background)."""
        if self._source is None:
            return
        self.refresh_highlights()
        if self._matches:
            self._mark_visible_matches()
        if self._flash_selection is not None:
            self._flash_selection.format = self.flash_format()
            self._apply_selections()
