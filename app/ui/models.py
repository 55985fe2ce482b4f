"""Qt item models as thin adapters over ids: the table holds ids and fetches rows per page.

After Anki's browser table and napari's `_base_item_model.py`: the model keeps the ordered
list of matching ids (cheap even for 100,000 items), fetches the rows around what the view
asks for in one query into a small LRU cache, and refreshes only what a `Changes` names.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, cast

from PySide6 import QtCore, QtGui

from ..core import records as R
from ..core.model import Changes
from ..store import hierarchy as H
from ..store.search_queries import open_read_only
from ..store.store import Store, item_ids_plan, run_id_plan
from .preferences import overdue_color
from .widgets import escape_tooltip as tooltip

Qt = QtCore.Qt
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
COUNTS_ROLE = Qt.ItemDataRole.UserRole + 3
FRAMEWORK_ID_ROLE = Qt.ItemDataRole.UserRole + 4
ROW_ROLE = Qt.ItemDataRole.UserRole + 5


def table_columns() -> dict[str, tuple[str, str | None]]:
    """key -> (header, store sort key or None when the database cannot sort by it), in the table's
    order: the item table's columns, labels and sorting as core.records describes them."""
    rec = R.ITEMS
    return rec.derive(("ui.columns",), lambda r: {
        k: (r.label_of(k), k if r.sort_of(k) else None) for k in r.table_columns})


def __getattr__(name: str):
    if name == "COLUMNS":
        return table_columns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DEFAULT_COLUMNS = ("ref", "title", "framework", "status", "due_on", "last_update_on")  # kind, actor, tags: header menu
PAGE = 80  # rows fetched per query: a tall screen and some margin
CACHE_ROWS = 3000
FIRST_IDS = 200  # ids listed at once (a few screens); beyond this, the rest comes from a worker thread
LIST_DELAY_MS = 50
LISTING_HELD_MS = 1000  # a held listing (ItemTreeModel.hold_listing) starts this late at the latest
_RELAYS: set = set()  # relays outlive their model while a worker may still emit through them


class _IdsRelay(QtCore.QObject):
    listed = QtCore.Signal(int, object)  # generation, list of ids (or an Exception)
    current = 0  # the generation the model waits for; workers of older ones skip their work


class _ListTask(QtCore.QRunnable):
    """Run `lister(conn, plan)` (all matching ids, or their tree) on a read-only connection of its
    own (never the GUI's) and hand the result, or the exception, to the GUI thread."""

    def __init__(self, relay: _IdsRelay, generation: int, path, plan, lister):
        super().__init__()
        self.relay, self.generation, self.path, self.plan, self.lister = relay, generation, path, plan, lister

    def run(self) -> None:
        if self.generation != self.relay.current:
            return  # the filter or order changed again before this listing started
        result: Any
        try:
            conn = open_read_only(self.path)
            try:
                result = self.lister(conn, self.plan)
            finally:
                conn.close()
        except Exception as e:  # noqa: BLE001 - handed to the GUI thread, which lists synchronously
            result = e
        try:
            self.relay.listed.emit(self.generation, result)
        except RuntimeError:
            pass  # the application is shutting down and its objects are gone


def status_colors(store: Store) -> dict[str, QtGui.QColor]:
    return {s["key"]: QtGui.QColor(s["color"]) for s in store.statuses()}


def status_labels(store: Store) -> dict[str, str]:
    return {s["key"]: s["label"] for s in store.statuses()}


def dot_icon(color: QtGui.QColor, size: int = 12) -> QtGui.QIcon:
    pm = QtGui.QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pm)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QtGui.QIcon(pm)


@dataclass(frozen=True)
class ItemFilter:
    """What the table shows; None means 'any'."""

    framework_ids: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    actor: str | None = None
    tag: str | None = None
    due_from: str | None = None
    due_to: str | None = None
    review_state: str | None = None  # items with an entry in this review state (store.item_ids_plan)
    extra: dict = field(default_factory=dict, compare=False)

    def query(self) -> dict:
        return {"framework_ids": self.framework_ids, "statuses": self.statuses, "kinds": self.kinds,
                "actor": self.actor or None, "tag": self.tag or None, "due_from": self.due_from or None,
                "due_to": self.due_to or None, "review_state": self.review_state or None}

    def with_(self, **kw) -> "ItemFilter":
        return replace(self, **kw)


class _FilterAndColumns:
    """What the flat and the tree item models share: the filter they list by and the columns they show.

    Mixed in before the Qt model class; `reload()` and the reset calls are the model's own."""

    _filter: ItemFilter
    _columns: list[str]

    @property
    def filter(self) -> ItemFilter:
        return self._filter

    def set_filter(self, flt: ItemFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            cast(Any, self).reload()

    def columns(self) -> list[str]:
        return list(self._columns)

    def set_columns(self, keys) -> None:
        keys = [k for k in keys if k in table_columns()] or ["title"]
        if keys != self._columns:
            model = cast(Any, self)
            model.beginResetModel()
            self._columns = keys
            model.endResetModel()

    def column_of(self, key: str) -> int:
        return self._columns.index(key) if key in self._columns else -1

    def _load_vocab(self) -> None:
        store = cast(Any, self).store
        self._colors = status_colors(store)
        self._labels = status_labels(store)
        self._icons = {k: dot_icon(c) for k, c in self._colors.items()}

    def _init_listing(self, on_listed) -> None:
        """The background listing of every match: a relay for the worker's answer and a timer that
        starts it a moment later, so the first page paints without competing with it and a burst
        of filter clicks lists only once."""
        model = cast(Any, self)
        self._generation = 0
        self._complete = True
        self._relay = _IdsRelay()
        _RELAYS.add(self._relay)
        self._relay.listed.connect(on_listed)
        self._list_timer = QtCore.QTimer(model)
        self._list_timer.setSingleShot(True)
        self._list_timer.setInterval(LIST_DELAY_MS)
        self._list_timer.timeout.connect(model._start_listing)
        self._pending_plan: tuple[int, list[tuple[str, list]]] | None = None


class ItemTableModel(_FilterAndColumns, QtCore.QAbstractTableModel):
    """Items matching a filter, in the chosen order, with rows fetched lazily by id.

    Only the first `first_ids` ids are listed on the GUI thread (index scans: milliseconds even
    at 100,000 items); when there are more, a worker lists them all and the rows are appended.
    """

    ids_completed = QtCore.Signal()  # the whole id list is in (emitted after a background listing)
    first_ids = FIRST_IDS

    def __init__(self, store: Store, parent: QtCore.QObject | None = None, *,
                 columns: tuple[str, ...] = DEFAULT_COLUMNS):
        super().__init__(parent)
        self.store = store
        self._columns = [c for c in columns if c in table_columns()]
        self._cell_types = cell_types()
        self._filter = ItemFilter()
        self._sort_key, self._descending = "ref", False
        self._ids: list[str] = []
        self._row_of: dict[str, int] | None = None
        self._cache: OrderedDict[str, dict] = OrderedDict()
        self.fetches = 0  # how many page queries ran (tests check the laziness)
        self._init_listing(self._ids_listed)
        self._load_vocab()
        self._ids = self._query()

    # -- set-up ---------------------------------------------------------------------------
    def _plan(self):
        return item_ids_plan(**self._filter.query(), sort=self._sort_key, descending=self._descending)

    def _query(self) -> list[str]:
        """The first ids now; when there are more, start listing all of them on a worker."""
        self._generation += 1
        self._relay.current = self._generation
        self._today = QtCore.QDate.currentDate().toString(Qt.DateFormat.ISODate)
        plan = self._plan()
        ids = run_id_plan(self.store.conn, plan, self.first_ids)
        self._complete = len(ids) < self.first_ids
        if not self._complete:
            self._pending_plan = (self._generation, plan)
            self._list_timer.start()
        return ids

    def _start_listing(self) -> None:
        if self._pending_plan is None or self._pending_plan[0] != self._generation:
            return
        generation, plan = self._pending_plan
        self._pending_plan = None
        task = _ListTask(self._relay, generation, self.store.path, plan, run_id_plan)
        QtCore.QThreadPool.globalInstance().start(task)

    def is_complete(self) -> bool:
        return self._complete

    def ensure_complete(self) -> None:
        """List every id now, on this thread (for callers that need a row beyond the first page)."""
        if not self._complete:
            self._generation += 1
            self._relay.current = self._generation
            self._take_full(run_id_plan(self.store.conn, self._plan()))

    def _ids_listed(self, generation: int, result) -> None:
        if generation != self._generation or self._complete:
            return  # a newer filter or order replaced this listing
        if isinstance(result, Exception):
            result = run_id_plan(self.store.conn, self._plan())
        self._take_full(result)
        self.ids_completed.emit()

    def _take_full(self, ids: list[str]) -> None:
        self._complete = True
        n = len(self._ids)
        if len(ids) > n and ids[:n] == self._ids:
            self.beginInsertRows(QtCore.QModelIndex(), n, len(ids) - 1)
            self._ids = ids
            self._row_of = None
            self.endInsertRows()
        elif ids != self._ids:
            self.beginResetModel()
            self._ids = ids
            self._row_of = None
            self._cache.clear()
            self.endResetModel()

    def reload(self) -> None:
        """Re-query the ids (filter, order or membership changed) and drop cached rows."""
        self.beginResetModel()
        self._ids = self._query()
        self._row_of = None
        self._cache.clear()
        self.endResetModel()

    # -- ids ----------------------------------------------------------------------------------
    def ids(self) -> list[str]:
        self.ensure_complete()
        return list(self._ids)

    def item_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, item_id: str) -> int:
        if self._row_of is None:
            self._row_of = {iid: n for n, iid in enumerate(self._ids)}
        row = self._row_of.get(item_id, -1)
        if row < 0 and not self._complete:
            self.ensure_complete()
            return self.row_of(item_id)
        return row

    def _row(self, row: int) -> dict | None:
        iid = self._ids[row]
        hit = self._cache.get(iid)
        if hit is not None:
            self._cache.move_to_end(iid)
            return hit
        start = max(0, row - PAGE // 4)
        page = [i for i in self._ids[start:start + PAGE] if i not in self._cache]
        self.fetches += 1
        for k, r in self.store.items_by_ids(page).items():
            self._cache[k] = r
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(iid)

    # -- Qt model -------------------------------------------------------------------------------
    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            key = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return table_columns()[key][0]
            if role == Qt.ItemDataRole.UserRole:
                return key
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    _ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # built once: asked for constantly

    def flags(self, index):
        return self._ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (not index.isValid() or not (0 <= index.row() < len(self._ids))
                or not (0 <= index.column() < len(self._columns))):
            return None
        if role == ITEM_ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
                        STATUS_ROLE, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ForegroundRole):
            return None
        row = self._row(index.row())
        if row is None:  # deleted by another program since the ids were read
            return None
        return self._value(row, self._columns[index.column()], role)

    _ROW_ROLES = frozenset(int(r) for r in (
        Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ForegroundRole)) | {int(STATUS_ROLE)}

    def multiData(self, index, span) -> None:  # noqa: N802 - Qt's name
        """All roles of a cell in one call: Qt 6 delegates ask this way, so a paint makes one
        Python call per visible cell instead of one per cell and role."""
        r, c = index.row(), index.column()
        valid = index.isValid() and 0 <= r < len(self._ids) and 0 <= c < len(self._columns)
        row = None
        for rd in span:
            role = int(rd.role())
            value = None
            if valid:
                if role == ITEM_ID_ROLE:
                    value = self._ids[r]
                elif role in self._ROW_ROLES:
                    if row is None:
                        row = self._row(r) or {}
                    if row:
                        value = self._value(row, self._columns[c], role)
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)

    def _value(self, row: dict, key: str, role):
        if role == STATUS_ROLE:
            return row["status"]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(row["status"]) if key == "status" else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "due_on" and row.get("due_on") and row["status"] not in ("achieved", "abandoned") \
                    and row["due_on"] < self._today:
                return overdue_color(QtGui.QGuiApplication.palette())
            return None
        text = self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(text) if key in ("title", "framework", "tags", "actor") else None
        return text

    def _text(self, row: dict, key: str) -> str:
        value: Any = row.get(key)
        kind = self._cell_types.get(key)
        if kind == "key":  # a key of the file's vocabulary (a status): its label
            return self._labels.get(value, value or "")
        if kind == "choice":
            return (value or "").capitalize()
        if kind == "tags":
            return ", ".join(value or [])
        if kind == "timestamp":  # the day is enough in a table
            return (value or "")[:10]
        return "" if value is None else str(value)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self._columns)):
            return
        key = table_columns()[self._columns[column]][1]
        if key is None:
            return
        self._sort_key, self._descending = key, order == Qt.SortOrder.DescendingOrder
        was_complete = self._complete
        ids = self._query()
        if not (was_complete and self._complete and len(ids) == len(self._ids)):
            # a long list is re-listed in the background: its first page replaces the rows now
            self.beginResetModel()
            self._ids, self._row_of = ids, None
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [(self.item_id(ix.row()), ix.column()) for ix in old]
        self._ids = ids
        self._row_of = None
        new = [self.index(self.row_of(i), c) if i and self.row_of(i) >= 0 else QtCore.QModelIndex() for i, c in old_ids]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # -- refresh ----------------------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Refresh what a service call changed: the named rows, or the whole id list."""
        if changes.structure:
            ids = self._query()
            if ids != (self._ids if self._complete else self._ids[:len(ids)]):
                self.beginResetModel()
                self._ids = ids
                self._row_of = None
                self._cache.clear()
                self.endResetModel()
                return
            if not changes.items and self._ids and self._columns:  # e.g. another program's edit
                self._cache.clear()
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1))
                return
        for iid in changes.items:
            self._cache.pop(iid, None)
            r = self.row_of(iid)
            if r >= 0 and self._columns:
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(self._columns) - 1))


# -- the item tree ------------------------------------------------------------------------------------
@dataclass
class Tree:
    """Items as a forest over integer keys: `ids[k]` is the item, `parent[k]` its parent's key (-1: a
    root), `row[k]` its place among its siblings, `kids[k]` its children (`kids[-1]`: the roots).
    `matched[k]` is False for an ancestor shown only because something below it matches the filter."""

    ids: list[str] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    kids: dict[int, list[int]] = field(default_factory=lambda: {-1: []})
    matched: list[bool] = field(default_factory=list)
    key_of: dict[str, int] = field(default_factory=dict)
    n_matched: int = 0

    def shape(self) -> tuple:
        """What a view shows: every item with its parent, in order (two equal shapes need no reset)."""
        return tuple(self.ids), tuple(self.parent), tuple(self.matched)


def build_tree(order: list[str], links: dict[str, str]) -> Tree:
    """The forest of `order` (matching ids, in the order siblings should take) and their ancestors.

    `links` is {child: parent} (hierarchy.parent_links). Each node joins its parent's children when
    it or the first thing below it is met in `order`, so siblings keep the order's order. One pass:
    every id is added once, each link followed once; a cycle (a damaged file) is cut into a root.
    """
    t = Tree()
    key_of, ids, parent, row, kids, matched = t.key_of, t.ids, t.parent, t.row, t.kids, t.matched
    roots = kids[-1]
    get_link, get_key = links.get, key_of.get
    n_matched = 0
    for m in order:
        k = get_key(m)
        if k is not None:
            if not matched[k]:
                matched[k] = True
                n_matched += 1
            continue
        p = get_link(m)
        if p is None or p in key_of:  # the common case: a root, or its parent is placed already
            k = len(ids)
            key_of[m] = k
            ids.append(m)
            if p is None:
                parent.append(-1)
                row.append(len(roots))
                roots.append(k)
            else:
                pk = key_of[p]
                parent.append(pk)
                siblings = kids.get(pk)
                if siblings is None:
                    siblings = kids[pk] = []
                row.append(len(siblings))
                siblings.append(k)
            matched.append(True)
            n_matched += 1
            continue
        chain = [m]
        on_chain = {m}
        x = m
        while True:
            p = get_link(x)
            if p is None or p in key_of or p in on_chain:
                break
            chain.append(p)
            on_chain.add(p)
            x = p
        pk = key_of[p] if p is not None and p in key_of else -1
        for node in reversed(chain):
            k = len(ids)
            key_of[node] = k
            ids.append(node)
            parent.append(pk)
            siblings = kids.setdefault(pk, [])
            row.append(len(siblings))
            siblings.append(k)
            matched.append(node == m)
            pk = k
        n_matched += 1
    t.n_matched = n_matched
    return t


def list_tree(conn, plan, limit: int | None = None) -> Tree:
    order = run_id_plan(conn, plan, limit)
    # a few ids: walk up from them; many: every link in one read is cheaper than walking
    links = H.ancestor_links(conn, order) if len(order) <= 5000 else H.parent_links(conn)
    return build_tree(order, links)


MIME_ITEMS = "application/x-policy-tracker-item-ids"


class ItemTreeModel(_FilterAndColumns, QtCore.QAbstractItemModel):
    """Items matching a filter as the tree of their parents, siblings in the chosen order (by ref:
    natural, "1.2" before "1.10"); the ancestors of matching items stay visible (greyed).

    An adapter over ids, like ItemTableModel: it holds the forest of ids (build_tree) and fetches
    rows per page of siblings. Only the first `first_ids` matches are listed on the GUI thread; when
    there are more, a worker lists all of them with their links and the tree replaces the first one.
    The row-based calls of the flat model (`rowCount()`, `item_id(row)`) speak of the top level.
    """

    ids_completed = QtCore.Signal()
    first_ids = FIRST_IDS
    # cells read as in the flat table (the same functions)
    _value = ItemTableModel._value
    _text = ItemTableModel._text

    def __init__(self, store: Store, parent: QtCore.QObject | None = None, *,
                 columns: tuple[str, ...] = DEFAULT_COLUMNS):
        super().__init__(parent)
        self.store = store
        self._columns = [c for c in columns if c in table_columns()]
        self._cell_types = cell_types()
        self._filter = ItemFilter()
        self._sort_key, self._descending = "ref", False
        self._tree = Tree()
        self._cache: OrderedDict[str, dict] = OrderedDict()
        self.fetches = 0
        self._init_listing(self._listed)
        self._load_vocab()
        self._tree = self._query()

    # -- listing -----------------------------------------------------------------------------------
    def _plan(self):
        return H.tree_order_plan(**self._filter.query(), sort=self._sort_key, descending=self._descending)

    def _query(self) -> Tree:
        self._generation += 1
        self._relay.current = self._generation
        self._today = QtCore.QDate.currentDate().toString(Qt.DateFormat.ISODate)
        plan = self._plan()
        tree = list_tree(self.store.conn, plan, self.first_ids)
        self._complete = tree.n_matched < self.first_ids
        if not self._complete:
            self._pending_plan = (self._generation, plan)
            self._list_timer.start(LIST_DELAY_MS)
        return tree

    def _start_listing(self) -> None:
        if self._pending_plan is None or self._pending_plan[0] != self._generation:
            return
        generation, plan = self._pending_plan
        self._pending_plan = None
        QtCore.QThreadPool.globalInstance().start(_ListTask(self._relay, generation, self.store.path, plan, list_tree))

    def hold_listing(self, fallback_ms: int = LISTING_HELD_MS) -> None:
        """Keep the worker from listing every match until `release_listing()` (the view calls it after
        its first paint: the worker's tree building shares the interpreter with that paint), or
        until `fallback_ms` have passed, for a view that never paints."""
        if self._list_timer.isActive():
            self._list_timer.start(fallback_ms)

    def release_listing(self) -> None:
        if self._list_timer.isActive() and self._list_timer.interval() != LIST_DELAY_MS:
            self._list_timer.start(LIST_DELAY_MS)

    def is_complete(self) -> bool:
        return self._complete

    def ensure_complete(self) -> None:
        """List every match now, on this thread (for callers that need an item beyond the first page)."""
        if not self._complete:
            self._generation += 1
            self._relay.current = self._generation
            self._complete = True
            self._take(list_tree(self.store.conn, self._plan()))

    def _listed(self, generation: int, result) -> None:
        if generation != self._generation or self._complete:
            return
        if isinstance(result, Exception):
            result = list_tree(self.store.conn, self._plan())
        self._complete = True
        self._take(result)
        self.ids_completed.emit()

    def _take(self, tree: Tree) -> None:
        if tree.shape() == self._tree.shape():
            return
        self.beginResetModel()
        self._tree = tree
        self._cache.clear()
        self.endResetModel()

    def reload(self) -> None:
        self.beginResetModel()
        self._tree = self._query()
        self._cache.clear()
        self.endResetModel()

    # -- ids ---------------------------------------------------------------------------------------------
    def matched_count(self) -> int:
        """How many items match the filter (ancestors shown for context are not counted); until a long
        list is complete, how many are listed so far."""
        return self._tree.n_matched

    def ids(self) -> list[str]:
        """Every item shown, parents before children, in the tree's order."""
        self.ensure_complete()
        out: list[str] = []
        t = self._tree
        stack = list(reversed(t.kids.get(-1, [])))
        while stack:
            k = stack.pop()
            out.append(t.ids[k])
            stack += reversed(t.kids.get(k, []))
        return out

    def item_id(self, row: int) -> str | None:
        roots = self._tree.kids.get(-1, [])
        return self._tree.ids[roots[row]] if 0 <= row < len(roots) else None

    def _key(self, item_id: str) -> int | None:
        k = self._tree.key_of.get(item_id)
        if k is None and not self._complete:
            self.ensure_complete()
            k = self._tree.key_of.get(item_id)
        return k

    def row_of(self, item_id: str) -> int:
        """The item's row among its siblings, or -1 if it is not shown."""
        k = self._key(item_id)
        return -1 if k is None else self._tree.row[k]

    def index_of(self, item_id: str, column: int = 0) -> QtCore.QModelIndex:
        k = self._key(item_id)
        if k is None or not (0 <= column < len(self._columns)):
            return QtCore.QModelIndex()
        return self.createIndex(self._tree.row[k], column, k)

    def parent_id_of(self, item_id: str) -> str | None:
        k = self._key(item_id)
        if k is None or self._tree.parent[k] < 0:
            return None
        return self._tree.ids[self._tree.parent[k]]

    def is_match(self, index: QtCore.QModelIndex) -> bool:
        return index.isValid() and self._tree.matched[int(index.internalId())]

    def _row(self, k: int) -> dict | None:
        t = self._tree
        iid = t.ids[k]
        hit = self._cache.get(iid)
        if hit is not None:
            self._cache.move_to_end(iid)
            return hit
        siblings = t.kids.get(t.parent[k], [])
        start = max(0, t.row[k] - PAGE // 4)
        page = [t.ids[s] for s in siblings[start:start + PAGE] if t.ids[s] not in self._cache]
        if iid not in page:
            page.append(iid)
        self.fetches += 1
        for i, r in self.store.items_by_ids(page).items():
            self._cache[i] = r
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(iid)

    # -- Qt model ------------------------------------------------------------------------------------------
    def index(self, row, column, parent=QtCore.QModelIndex()):
        if column < 0 or column >= len(self._columns) or row < 0:
            return QtCore.QModelIndex()
        if parent.isValid():
            if parent.column() != 0:
                return QtCore.QModelIndex()
            pk = int(parent.internalId())
        else:
            pk = -1
        siblings = self._tree.kids.get(pk)
        if siblings is None or row >= len(siblings):
            return QtCore.QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index=QtCore.QModelIndex()):
        if not index.isValid():
            return QtCore.QModelIndex()
        p = self._tree.parent[int(index.internalId())]
        return QtCore.QModelIndex() if p < 0 else self.createIndex(self._tree.row[p], 0, p)

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._tree.kids.get(-1, ()))
        if parent.column() != 0:
            return 0
        return len(self._tree.kids.get(int(parent.internalId()), ()))

    def hasChildren(self, parent=QtCore.QModelIndex()) -> bool:  # noqa: N802
        return self.rowCount(parent) > 0

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            key = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return table_columns()[key][0]
            if role == Qt.ItemDataRole.UserRole:
                return key
        return None

    # built once: a tree view asks for flags thousands of times while it lays out its first screen
    _ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                  | Qt.ItemFlag.ItemIsDropEnabled)
    _ROOT_FLAGS = Qt.ItemFlag.ItemIsDropEnabled

    def flags(self, index):
        return self._ROW_FLAGS if index.isValid() else self._ROOT_FLAGS

    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def supportedDragActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_ITEMS]

    def mimeData(self, indexes) -> QtCore.QMimeData:  # noqa: N802
        ids = list(dict.fromkeys(ix.data(ITEM_ID_ROLE) for ix in indexes if ix.isValid()))
        md = QtCore.QMimeData()
        md.setData(MIME_ITEMS, QtCore.QByteArray("\n".join(ids).encode()))
        return md

    def dropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802
        return False  # the view moves the items through an undoable command (ItemTableView.dropEvent)

    _ROLES = frozenset(int(r) for r in (
        Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ForegroundRole)) | {int(STATUS_ROLE)}

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.column() < len(self._columns)):
            return None
        k = int(index.internalId())
        if not (0 <= k < len(self._tree.ids)):
            return None
        if role == ITEM_ID_ROLE:
            return self._tree.ids[k]
        if int(role) not in self._ROLES:
            return None
        row = self._row(k)
        if row is None:
            return None
        key = self._columns[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and not self._tree.matched[k]:
            return QtGui.QColor("#8a8a8a")  # shown only for what is below it
        return self._value(row, key, role)  # type: ignore[misc]  # the flat table's cell function, shared

    def multiData(self, index, span) -> None:  # noqa: N802 - Qt's name
        """All roles of a cell in one call (one Python call per painted cell)."""
        for rd in span:
            value = self.data(index, rd.role())
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self._columns)):
            return
        key = table_columns()[self._columns[column]][1]
        if key is None:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if (key, desc) == (self._sort_key, self._descending):
            return
        self._sort_key, self._descending = key, desc
        self.reload()

    # -- refresh ----------------------------------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Refresh what a change named: the rows, or (a structural change) the tree if its shape moved."""
        if changes.structure:
            if self._complete and self._tree.n_matched < self.first_ids:
                tree = self._query()
                if tree.shape() != self._tree.shape():
                    self.beginResetModel()
                    self._tree = tree
                    self._cache.clear()
                    self.endResetModel()
                    return
            else:  # a long list: keep what is shown until the worker has the new tree
                self._generation += 1
                self._relay.current = self._generation
                self._complete = False
                self._pending_plan = (self._generation, self._plan())
                self._list_timer.start(LIST_DELAY_MS)
            if not changes.items and self._tree.ids and self._columns:
                self._cache.clear()
                self._all_changed()
                return
        for iid in changes.items:
            self._cache.pop(iid, None)
            k = self._tree.key_of.get(iid)
            if k is not None and self._columns:
                self.dataChanged.emit(self.createIndex(self._tree.row[k], 0, k),
                                      self.createIndex(self._tree.row[k], len(self._columns) - 1, k))

    def _all_changed(self) -> None:
        t = self._tree
        for siblings in t.kids.values():
            if siblings:
                self.dataChanged.emit(self.createIndex(0, 0, siblings[0]),
                                      self.createIndex(len(siblings) - 1, len(self._columns) - 1, siblings[-1]))


def cell_types() -> dict[str, str]:
    """{column: the type of the field it shows (core.records)}: how its values are written in a cell."""
    return R.ITEMS.derive(("ui.cell_types",), lambda r: {
        k: r.field(k).type if r.has(k) else "derived" for k in r.table_columns})


class FrameworkTreeModel(QtCore.QAbstractItemModel):
    """The navigator: 'All items', then each framework with its count; children are statuses."""

    ALL = "__all__"

    def __init__(self, store: Store, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.store = store
        self._nodes: list[dict] = []
        self._build()

    def _build(self) -> None:
        statuses = self.store.statuses()
        counts = self.store.status_counts()
        total: dict[str, int] = {}
        for c in counts.values():
            for k, n in c.items():
                total[k] = total.get(k, 0) + n

        def children(c: dict) -> list[dict]:
            return [{"status": s["key"], "label": s["label"], "n": c[s["key"]], "color": s["color"]}
                    for s in statuses if c.get(s["key"])]

        self._colors = {s["key"]: s["color"] for s in statuses}
        self._icons = {s["key"]: dot_icon(QtGui.QColor(s["color"])) for s in statuses}
        nodes = [{"id": self.ALL, "title": "All items", "actor": "", "counts": total, "children": children(total)}]
        for f in self.store.list_frameworks():
            c = counts.get(f["id"], {})
            nodes.append({"id": f["id"], "title": f["title"], "actor": f["actor"] or "",
                          "description": f["description"], "counts": c, "children": children(c)})
        self._nodes = nodes

    def refresh(self) -> None:
        self.beginResetModel()
        self._build()
        self.endResetModel()

    def apply_changes(self, changes: Changes) -> None:
        if changes.structure or changes.frameworks:
            self.refresh()

    def framework_ids(self) -> list[str]:
        return [n["id"] for n in self._nodes[1:]]

    def index_of(self, framework_id: str, status: str | None = None) -> QtCore.QModelIndex:
        for r, n in enumerate(self._nodes):
            if n["id"] == framework_id:
                top = self.index(r, 0)
                if status is None:
                    return top
                for cr, ch in enumerate(n["children"]):
                    if ch["status"] == status:
                        return self.index(cr, 0, top)
        return QtCore.QModelIndex()

    # -- Qt model --------------------------------------------------------------------------------
    def index(self, row, column, parent=QtCore.QModelIndex()):
        if column < 0 or column >= 2 or row < 0:
            return QtCore.QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._nodes) else QtCore.QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QtCore.QModelIndex()
        node = self._nodes[parent.row()]
        if row >= len(node["children"]):
            return QtCore.QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index=QtCore.QModelIndex()):
        if not index.isValid() or index.internalId() == 0:
            return QtCore.QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._nodes)
        if parent.internalId() == 0 and parent.column() == 0 and parent.row() < len(self._nodes):
            return len(self._nodes[parent.row()]["children"])
        return 0

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 2

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Framework", "Items")[section] if 0 <= section < 2 else None
        return None

    _ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # built once: asked for constantly

    def flags(self, index):
        return self._ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def node(self, index) -> tuple[dict | None, dict | None]:
        """(framework node, status child or None) for an index."""
        if not index.isValid():
            return None, None
        if index.internalId() == 0:
            return (self._nodes[index.row()] if index.row() < len(self._nodes) else None), None
        top = self._nodes[int(index.internalId()) - 1]
        return top, top["children"][index.row()]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        top, child = self.node(index)
        if top is None:
            return None
        col = index.column()
        if role == FRAMEWORK_ID_ROLE:
            return None if top["id"] == self.ALL else top["id"]
        if role == STATUS_ROLE:
            return child["status"] if child else None
        if role == COUNTS_ROLE:
            return dict(top["counts"]) if child is None else {child["status"]: child["n"]}
        if child is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return child["label"] if col == 0 else str(child["n"])
            if role == Qt.ItemDataRole.DecorationRole and col == 0:
                return self._icons.get(child["status"])
            if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{child['label']}: {child['n']} items"
            return None
        n = sum(top["counts"].values())
        if role == Qt.ItemDataRole.DisplayRole:
            return top["title"] if col == 0 else str(n)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [top["title"]] + ([top["actor"]] if top["actor"] else [])
            lines += [top["description"]] if top.get("description") else []
            lines += [f"{c['label']}: {c['n']}" for c in top["children"]]
            return tooltip("\n".join(lines))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and top["id"] == self.ALL:
            f = QtGui.QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{top['title']}: {n} items"
        return None


class StatusHistoryModel(QtCore.QAbstractTableModel):
    """One item's status updates, newest first."""

    FIELDS = ("as_of", "status", "note", "author")  # of a status update, headed by their labels (core.records)
    HEADERS = tuple(R.STATUS_UPDATES.label_of(f) for f in FIELDS)

    def __init__(self, store: Store, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.item_id: str | None = None
        self._rows: list[dict] = []
        self._citations: list[dict] = []
        self._quotes: dict[str, str] = {}
        self._labels = status_labels(store)
        self._colors = status_colors(store)
        self._icons = {k: dot_icon(c) for k, c in self._colors.items()}

    def color_of(self, status: str | None) -> QtGui.QColor:
        return self._colors.get(status or "", QtGui.QColor("#888888"))

    def set_item(self, item_id: str | None) -> None:
        self.beginResetModel()
        self.item_id = item_id
        self._rows = self.store.status_updates_for_item(item_id) if item_id else []
        self._citations = self.store.citations_for_item(item_id) if item_id else []
        self._quotes = {c["id"]: c["quote"] or "" for c in self._citations}
        self.endResetModel()

    def rows(self) -> list[dict]:
        return list(self._rows)

    def citations(self) -> list[dict]:
        """The item's citations, as read with its updates (the evidence an update may cite)."""
        return list(self._citations)

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and \
                0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return self._icons.get(r["status"])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            key = self.FIELDS[col]
            text = self._labels.get(r[key], r[key]) if key == "status" else (r[key] or "")
            quote = self._quotes.get(r.get("citation_id") or "")
            if role == Qt.ItemDataRole.ToolTipRole:
                if col != 2:
                    return None
                if quote is not None:  # the evidence's words, and how to see them
                    q = " ".join(quote.split())
                    text = f"{text}\n\nEvidence: “{q}”\nPress Enter to show the words in the reader."
                return tooltip(text.strip())
            if col == 1 and quote is not None:
                return f"{text} ❝"  # cites its evidence (drawn in the timeline's heading)
            return " ".join(text.split()) if col == 2 else text
        return None
