"""The search panel: one field across items, status notes and source texts, searched as you type.

Typing restarts a short timer; when it fires the query runs on a worker thread with its own
read-only SQLite connection (`app.store.search_queries`), so the window never waits for the
index. Every query carries a generation number and only the newest generation's answer is
shown: a slow answer to an older query can never overwrite a newer one.
"""
from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6 import QtCore, QtGui, QtWidgets

from ..store import search_queries

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

Qt = QtCore.Qt
DEBOUNCE_MS = 150
LIMIT = 50
KIND_LABELS = {"item": "Item", "note": "Note on", "source": "Source"}
ResultRole = Qt.ItemDataRole.UserRole + 1
AnyIndex = QtCore.QModelIndex | QtCore.QPersistentModelIndex  # what Qt hands models and delegates


def snippet_plain(snippet: str | None) -> str:
    """The snippet as plain text, matched words in [brackets] (for screen readers and copying)."""
    return " ".join((snippet or "").replace("\x02", "[").replace("\x03", "]").split())


def snippet_html(snippet: str | None) -> str:
    """The snippet as HTML: matched words bold, everything else escaped."""
    out, bold = [], False
    text = " ".join((snippet or "").split())
    for i, part in enumerate(text.replace("\x03", "\x02").split("\x02")):
        if i:
            out.append("</b>" if bold else "<b>")
            bold = not bold
        out.append(html.escape(part))
    if bold:
        out.append("</b>")
    return "".join(out)


def heading(row: dict, status_labels: dict[str, str] | None = None) -> str:
    """'Item 1 · Digital connectivity — Not started' (plain text)."""
    kind_key: Any = row.get("kind")
    kind = KIND_LABELS.get(kind_key, kind_key or "")
    ref = (row.get("ref") or "").strip()
    title = " ".join((row.get("title") or "").split())
    text = f"{kind} {ref} · {title}" if ref else f"{kind} · {title}"
    if row.get("kind") == "note" and row.get("as_of"):
        text += f" ({row['as_of']})"
    status = row.get("status")
    if status:
        text += f" — {(status_labels or {}).get(status, status)}"
    return text


class SearchResultsModel(QtCore.QAbstractListModel):
    """The rows of one search answer; each row's dict is under ResultRole."""

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self.status_labels: dict[str, str] = {}

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[dict]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{heading(row, self.status_labels)}\n{snippet_plain(row.get('snippet'))}"
        if role == ResultRole:
            return row
        return None


class SnippetDelegate(QtWidgets.QStyledItemDelegate):
    """Paints a heading line and the snippet with its matched words in bold (all user text escaped)."""

    def _document(self, option: QtWidgets.QStyleOptionViewItem, index: AnyIndex) -> QtGui.QTextDocument:
        row = index.data(ResultRole) or {}
        model = index.model()
        labels = getattr(model, "status_labels", {})
        doc = QtGui.QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(3)
        doc.setHtml(f"<div><b>{html.escape(heading(row, labels))}</b></div>"
                    f"<div style='white-space:pre-wrap'>{snippet_html(row.get('snippet'))}</div>")
        doc.setTextWidth(max(50, option.rect.width()))
        return doc

    def paint(self, painter: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QtWidgets.QApplication.style()
        style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        ctx = QtGui.QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QtWidgets.QStyle.StateFlag.State_Selected)
        ctx.palette.setColor(QtGui.QPalette.ColorRole.Text, opt.palette.color(
            QtGui.QPalette.ColorRole.HighlightedText if selected else QtGui.QPalette.ColorRole.Text))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QtCore.QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QtWidgets.QStyleOptionViewItem, index: AnyIndex) -> QtCore.QSize:  # noqa: N802
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if opt.rect.width() <= 0 and isinstance(opt.widget, QtWidgets.QAbstractScrollArea):
            opt.rect.setWidth(opt.widget.viewport().width())
        doc = self._document(opt, index)
        return QtCore.QSize(int(doc.idealWidth()), int(doc.size().height()) + 2)


class _Relay(QtCore.QObject):
    """Carries a worker's answer back to the GUI thread (queued: it is emitted off that thread)."""

    answered = QtCore.Signal(int, str, object)  # generation, query, rows
    failed = QtCore.Signal(int, str, str)       # generation, query, message


class _SearchTask(QtCore.QRunnable):
    def __init__(self, relay: _Relay, path: Path, query: str, generation: int, current: "_Generation"):
        super().__init__()
        self.setAutoDelete(True)
        self.relay, self.path, self.query, self.generation, self.current = relay, path, query, generation, current

    def run(self) -> None:
        if self.generation != self.current.value:
            return  # a newer query was typed while this one waited: skip the work
        try:
            rows = search_queries.search_file(self.path, self.query, limit=LIMIT,
                                              on_connect=lambda conn: self.current.attach(self.generation, conn))
        except Exception as e:  # noqa: BLE001 - reported to the panel, never raised in a pool thread
            try:
                self.relay.failed.emit(self.generation, self.query, str(e))
            except RuntimeError:  # the panel was closed meanwhile
                pass
            return
        try:
            self.relay.answered.emit(self.generation, self.query, rows)
        except RuntimeError:
            pass


class _Generation:
    """The newest query's number (read by workers) and the connection of the query running now."""

    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()
        self._conn = None
        self._conn_generation = 0

    def bump(self) -> int:
        """A new query: number it and interrupt a running older one (its answer would be dropped)."""
        with self.lock:
            self.value += 1
            if self._conn is not None and self._conn_generation < self.value:
                self._conn.interrupt()  # sqlite3_interrupt is safe from another thread
            return self.value

    def attach(self, generation: int, conn) -> None:
        with self.lock:
            self._conn, self._conn_generation = conn, generation


class SearchPanel(QtWidgets.QWidget):
    """One search field and its results; activating a result asks the window to open it."""

    item_requested = QtCore.Signal(str)               # an item (or the item of a status note)
    passage_requested = QtCore.Signal(str, int, int)  # source id, start, end (code points)
    results_shown = QtCore.Signal(str, int)           # query, number of results shown

    def __init__(self, session: "Session", parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._generation = _Generation()
        self._shown_query = ""
        self._pool = QtCore.QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.answered.connect(self._on_answered, Qt.ConnectionType.QueuedConnection)
        self._relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_now)
        self._build()
        session.changed.connect(self._on_changed)

    def _build(self) -> None:
        self.setAccessibleName("Search")
        self.field = QtWidgets.QLineEdit(self)
        self.field.setAccessibleName("Search items, status notes and sources")
        self.field.setPlaceholderText("Search items, notes and sources (Ctrl+K)")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self._on_text_changed)
        self.field.returnPressed.connect(self._on_return)
        self.field.installEventFilter(self)
        self.model = SearchResultsModel(self)
        self.results = QtWidgets.QListView(self)
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        self.results.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.results.activated.connect(lambda index: self.activate_row(index.row()))
        self.status = QtWidgets.QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Search status")
        self.status.setText("Type to search")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.setFocusProxy(self.field)

    # -- public ----------------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Put the cursor in the search field with its text selected (the window's Ctrl+F / Ctrl+K)."""
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def query(self) -> str:
        return self.field.text()

    def set_query(self, text: str, *, immediately: bool = False) -> None:
        """Type `text` into the field (debounced like typing, or at once)."""
        self.field.setText(text)
        if immediately:
            self.run_now()

    def result_rows(self) -> list[dict]:
        return self.model.rows()

    def run_now(self) -> int:
        """Start the current query on the worker now; returns its generation number."""
        self._timer.stop()
        query = self.field.text()
        gen = self._generation.bump()
        if not search_queries.fts_query(query):
            self._show([], query, "Type to search" if not query.strip() else "No words to search for")
            return gen
        self.status.setText("Searching…")
        self._pool.start(_SearchTask(self._relay, self.session.store.path, query, gen, self._generation))
        return gen

    def is_searching(self) -> bool:
        return self._pool.activeThreadCount() > 0 or self._timer.isActive()

    def wait_for_idle(self, msecs: int = 5000) -> bool:
        """Wait for a running query (used when closing the file and in tests)."""
        self._timer.stop()
        return self._pool.waitForDone(msecs)

    def activate_row(self, row: int) -> None:
        """Open a result: its item, or the first match in its source."""
        rows = self.model.rows()
        if not 0 <= row < len(rows):
            return
        r = rows[row]
        if r["kind"] in ("item", "note") and r.get("item_id"):
            self.item_requested.emit(r["item_id"])
        elif r["kind"] == "source" and r.get("source_id"):
            start, end = self.first_match(r["source_id"], self._shown_query)
            self.passage_requested.emit(r["source_id"], start, end)

    def first_match(self, source_id: str, query: str) -> tuple[int, int]:
        """Code-point offsets of the first hit in a source: the whole-word hit its snippet shows,
        else the store's looser match, else (0, 0)."""
        src = self.session.store.get_source(source_id)
        pattern = search_queries.terms_pattern(query)
        hit = search_queries.first_hit(src["text"] or "", pattern) if src and pattern else None
        if hit:
            return hit
        offsets = self.session.store.source_match_offsets(source_id, query)
        return offsets[0] if offsets else (0, 0)

    # -- internals ----------------------------------------------------------------------------------
    def _on_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_return(self) -> None:
        if self._timer.isActive() or self._shown_query != self.field.text():
            self.run_now()
        elif self.model.rowCount():
            self.activate_row(max(0, self.results.currentIndex().row()))

    def _on_answered(self, generation: int, query: str, rows: list) -> None:
        if generation != self._generation.value:
            return  # an older query's answer: a newer one is on its way
        if not rows:
            self._show([], query, "No matches")
            return
        more = "+" if len(rows) >= LIMIT else ""
        self._show(rows, query, f"{len(rows)}{more} match{'es' if len(rows) != 1 else ''}")

    def _on_failed(self, generation: int, query: str, message: str) -> None:
        if generation != self._generation.value:
            return
        self._show([], query, f"Search failed: {message}")

    def _show(self, rows: list[dict], query: str, status: str) -> None:
        self._shown_query = query
        try:
            self.model.status_labels = {s["key"]: s["label"] for s in self.session.store.statuses()}
        except Exception:  # noqa: BLE001 - the file may be closing; keep the raw keys then
            pass
        self.model.set_rows(rows)
        if rows:
            self.results.setCurrentIndex(self.model.index(0, 0))
        self.status.setText(status)
        self.results_shown.emit(query, len(rows))

    def _on_changed(self, _changes) -> None:
        if self.field.text().strip():
            self._timer.start()  # re-run the current query (debounced: a burst of changes runs it once)

    def eventFilter(self, obj: QtCore.QObject, e: QtCore.QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.field and e.type() == QtCore.QEvent.Type.KeyPress:
            key = cast(QtGui.QKeyEvent, e).key()
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.results.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.results.currentIndex().isValid():
                    self.results.setCurrentIndex(self.model.index(0, 0))
                return True
            if key == Qt.Key.Key_Escape and self.field.text():
                self.field.clear()
                return True
        return super().eventFilter(obj, e)
