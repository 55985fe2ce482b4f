"""The dashboard: what a returning analyst looks at first, a tab beside the item table.

A chart of the items by status in each framework, then sections, each a list whose entries open
their item (click or Enter): overdue items, items with no update in N days (N chosen here and kept
in the settings), and the recent changes read from audit_log with who made them and when.

Sections are pluggable: a `Section` says how to list its entries' keys, fetch the rows of the
keys a view shows, display them and name the item an entry opens. `SECTIONS` is the list of
section factories the dashboard builds, in order; a feature adds its own with `register_section`
(e.g. the offline review queue, the citations to check after a new source edition). Each section
is shown through one `SectionModel`: a lazy adapter over the keys (rows are fetched a page at a
time when shown), as the item table is. The SQL is in app/store/dashboard_queries.py.
"""
from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any, Callable

from PySide6 import QtCore, QtGui, QtWidgets

from ..core.model import Changes
from ..store import dashboard_queries as q
from .models import _RELAYS, LIST_DELAY_MS, _IdsRelay, _ListTask, dot_icon, status_colors, status_labels
from .session import Session

Qt = QtCore.Qt
PAGE = 100
FIRST_KEYS = 500  # keys a list takes on the GUI thread; a worker lists the rest
CHART_FRAMEWORKS = 12  # frameworks drawn in the chart (the largest); the rest are counted below it
QUIET_DAYS_KEY = "dashboard/quiet_days"
DEFAULT_QUIET_DAYS = 90
RECENT_CHANGES = 200
ACTIONS = {"insert": "added", "update": "changed", "delete": "removed"}
TABLE_NOUNS = {"items": "Item", "status_updates": "Status update", "citations": "Citation", "targets": "Target",
               "observations": "Observation", "relations": "Link", "frameworks": "Framework", "sources": "Source"}


def quiet_days() -> int:
    """N of "no update in N days", as last chosen (QSettings), 1..3650."""
    raw: Any = QtCore.QSettings().value(QUIET_DAYS_KEY, DEFAULT_QUIET_DAYS)
    try:
        return max(1, min(int(raw), 3650))
    except (TypeError, ValueError):
        return DEFAULT_QUIET_DAYS


def set_quiet_days(n: int) -> None:
    QtCore.QSettings().setValue(QUIET_DAYS_KEY, int(n))


# -- sections -------------------------------------------------------------------------------------
class Section:
    """One list on the dashboard. Subclasses set `key`, `title`, `columns` and implement the methods."""

    key = "section"
    title = "Section"
    columns: tuple[str, ...] = ()
    empty_text = "Nothing here."

    def __init__(self, session: Session):
        self.session = session

    @property
    def store(self):
        return self.session.store

    def list_keys(self, conn, limit: int | None = None) -> list:
        """The entries' keys in the order shown: the first `limit`, or all (an index read, no row data).
        `conn` is the store's connection, or a worker's own read-only one (listing all in the background)."""
        raise NotImplementedError

    def fetch(self, keys: list) -> dict:
        """{key: row} for the keys a view is about to show."""
        raise NotImplementedError

    def display(self, row: dict, column: int) -> str:
        raise NotImplementedError

    def item_id(self, row: dict) -> str | None:
        """The item an entry opens (None: nothing to open, e.g. a deleted item's change)."""
        return row.get("id")

    def decoration(self, row: dict, column: int) -> QtGui.QIcon | None:
        return None

    def tooltip(self, row: dict, column: int) -> str | None:
        return None

    def controls(self, on_changed: Callable[[], None]) -> QtWidgets.QWidget | None:
        """A widget beside the section's title (e.g. a number of days), or None."""
        return None

    def title_for(self, count: int, complete: bool = True) -> str:
        return f"{self.title} ({count:,}{'' if complete else '+'})"


class _ItemSection(Section):
    """A list of items: "ref title" with its status's dot, its framework, and one date column."""

    columns = ("Item", "Framework", "Due")
    date_key = "due_on"

    def __init__(self, session: Session):
        super().__init__(session)
        self._labels = status_labels(session.store)
        self._icons = {k: dot_icon(c) for k, c in status_colors(session.store).items()}

    def fetch(self, keys: list) -> dict:
        return q.items_by_ids(self.store.conn, keys)

    def display(self, row: dict, column: int) -> str:
        if column == 0:
            return f"{row['ref']} {row['title']}".strip() if row["ref"] else row["title"]
        if column == 1:
            return chart_label(row["framework"] or "")
        return row.get(self.date_key) or "never"

    def decoration(self, row: dict, column: int) -> QtGui.QIcon | None:
        return self._icons.get(row["status"]) if column == 0 else None

    def tooltip(self, row: dict, column: int) -> str | None:
        status = self._labels.get(row["status"], row["status"])
        return f"{self.display(row, 0)}\n{row['framework']}\nStatus: {status}"


class OverdueSection(_ItemSection):
    key = "overdue"
    title = "Overdue"
    empty_text = "No open item is past its due date."

    def list_keys(self, conn, limit: int | None = None) -> list:
        return q.overdue_ids(conn, dt.date.today().isoformat(), limit)


class QuietSection(_ItemSection):
    key = "quiet"
    title = "No recent update"
    columns = ("Item", "Framework", "Last update")
    date_key = "last_update"
    empty_text = "Every open item has had an update in that time."

    def __init__(self, session: Session):
        super().__init__(session)
        self.days = quiet_days()

    def title_for(self, count: int, complete: bool = True) -> str:
        return f"No update in {self.days} days ({count:,}{'' if complete else '+'})"

    def list_keys(self, conn, limit: int | None = None) -> list:
        since = (dt.date.today() - dt.timedelta(days=self.days)).isoformat()
        return q.quiet_ids(conn, since, limit)

    def controls(self, on_changed: Callable[[], None]) -> QtWidgets.QWidget | None:
        box = QtWidgets.QSpinBox()
        box.setObjectName("quietDays")
        box.setRange(1, 3650)
        box.setValue(self.days)
        box.setSuffix(" days")
        box.setAccessibleName("Days without an update")
        box.setToolTip("Show open items with no status update in this many days")
        box.setKeyboardTracking(False)  # typing 120 asks once, not for 1, 12 and 120

        def changed(n: int) -> None:
            self.days = n
            set_quiet_days(n)
            on_changed()
        box.valueChanged.connect(changed)
        return box


class RecentChangesSection(Section):
    key = "recent"
    title = "Recent changes"
    columns = ("When", "Who", "Change")
    empty_text = "No changes recorded yet."

    def __init__(self, session: Session):
        super().__init__(session)
        self._labels = status_labels(session.store)

    def list_keys(self, conn, limit: int | None = None) -> list:
        return q.recent_change_ids(conn, min(limit or RECENT_CHANGES, RECENT_CHANGES))

    def fetch(self, keys: list) -> dict:
        rows = q.changes_by_ids(self.store.conn, keys)
        for r in rows.values():  # a status update's summary starts with its status key: show its label
            if r["table"] == "status_updates" and r["summary"]:
                key, _, rest = r["summary"].partition(" ")
                r["summary"] = f"{self._labels.get(key, key)} {rest}".strip()
        return rows

    def title_for(self, count: int, complete: bool = True) -> str:
        return "Recent changes"

    def display(self, row: dict, column: int) -> str:
        if column == 0:
            return _local_time(row["at"])
        if column == 1:
            return row["author"] or "unknown"
        return change_text(row)

    def item_id(self, row: dict) -> str | None:
        return row["item_id"]

    def tooltip(self, row: dict, column: int) -> str | None:
        return f"{row['at']} (UTC)" if column == 0 else change_text(row)


def change_text(row: dict) -> str:
    """An audit row as a sentence: "Status update added: in_progress 2025-08-01 · 1 Digital connectivity"."""
    what = f"{TABLE_NOUNS.get(row['table'], row['table'])} {ACTIONS.get(row['action'], row['action'])}"
    summary = " ".join(row["summary"].split())
    if row["table"] in ("items", "frameworks", "sources"):
        return f"{what}: {summary}" if summary else what
    about = row["item"] or "an item since deleted"
    return f"{what}: {summary} · {about}" if summary else f"{what} · {about}"


def _local_time(at: str, today: dt.date | None = None) -> str:
    """An audit time (UTC, ISO) in the machine's time zone: "today 14:05", else its date."""
    try:
        t = dt.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return at
    return t.strftime("today %H:%M") if t.date() == (today or dt.date.today()) else t.strftime("%Y-%m-%d")


class AwaitingReviewSection(Section):
    """Entries submitted for review and not yet decided (offline review)."""

    key = "review"
    title = "Awaiting review"
    columns = ("Entry", "Item")
    empty_text = "Nothing waits for a reviewer."
    KINDS = {"item": "Item", "status_update": "Update", "observation": "Observation"}

    def __init__(self, session: Session):
        super().__init__(session)
        self._labels = status_labels(session.store)

    def list_keys(self, conn, limit: int | None = None) -> list:
        return q.awaiting_review_ids(conn, limit)

    def fetch(self, keys: list) -> dict:
        from ..store import reviews
        return reviews.entries(self.store, keys)

    def display(self, row: dict, column: int) -> str:
        if column == 0:
            text = " ".join((row["text"] or "").split())
            if row["kind"] == "status_update":  # its text starts with its status key: show the label
                key, _, rest = text.partition(" ")
                text = f"{self._labels.get(key, key)} {rest}".strip()
            return f"{self.KINDS.get(row['kind'], row['kind'])}: {text}"
        return " ".join(x for x in (row["item_ref"] or "", row["item_title"] or "") if x)

    def item_id(self, row: dict) -> str | None:
        return row["item_id"]

    def tooltip(self, row: dict, column: int) -> str | None:
        return self.display(row, column)


class CitationsToCheckSection(Section):
    """Citations a new edition of their source left for a person (source editions)."""

    key = "to_check"
    title = "Citations to check"
    columns = ("Words", "Item", "Why")
    empty_text = "Every citation is placed in its source's newest edition."

    def list_keys(self, conn, limit: int | None = None) -> list:
        return q.to_check_ids(conn, limit)

    def fetch(self, keys: list) -> dict:
        return q.citations_by_ids(self.store.conn, keys)

    def display(self, row: dict, column: int) -> str:
        if column == 0:
            return f"“{' '.join(row['quote'].split())}”"
        if column == 1:
            return row["item"]
        if row["figures_changed"]:
            return "figures changed"
        return "not in the newest edition" if row["anchor_state"] == "not_found" else "to confirm"

    def item_id(self, row: dict) -> str | None:
        return row["item_id"]

    def tooltip(self, row: dict, column: int) -> str | None:
        return f"{self.display(row, 0)}\n{row['item']}\nView > Citations to Check decides about it."


SectionFactory = Callable[[Session], Section]
SECTIONS: list[SectionFactory] = [OverdueSection, QuietSection, AwaitingReviewSection, CitationsToCheckSection,
                                  RecentChangesSection]


def register_section(factory: SectionFactory, *, before: str | None = None) -> None:
    """Add a section to every dashboard built from now on (after the others, or before the one keyed `before`)."""
    if before is not None:
        for n, f in enumerate(SECTIONS):
            if getattr(f, "key", None) == before:
                SECTIONS.insert(n, factory)
                return
    SECTIONS.append(factory)


# -- the model over one section ------------------------------------------------------------------------
class SectionModel(QtCore.QAbstractTableModel):
    """A section's entries as a table: keys listed up front, rows fetched a page at a time when shown.

    As in the item table, only the first `first_keys` keys are listed on the GUI thread; when there
    are more, a worker lists them all on its own connection and the rows are appended (`completed`)."""

    completed = QtCore.Signal()
    first_keys = FIRST_KEYS

    def __init__(self, section: Section, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.section = section
        self._generation = 0
        self._relay = _IdsRelay()
        _RELAYS.add(self._relay)
        self._relay.listed.connect(self._listed)
        self._list_timer = QtCore.QTimer(self)
        self._list_timer.setSingleShot(True)
        self._list_timer.setInterval(LIST_DELAY_MS)
        self._list_timer.timeout.connect(self._start_listing)
        self._cache: OrderedDict[Any, dict] = OrderedDict()
        self.fetches = 0
        self._keys: list = self._first()

    def _first(self) -> list:
        self._generation += 1
        self._relay.current = self._generation
        keys = self.section.list_keys(self.section.store.conn, self.first_keys)
        self.complete = len(keys) < self.first_keys
        if not self.complete:
            self._list_timer.start()
        return keys

    def _start_listing(self) -> None:
        section = self.section
        task = _ListTask(self._relay, self._generation, section.store.path, None,
                         lambda conn, _plan: section.list_keys(conn))
        QtCore.QThreadPool.globalInstance().start(task)

    def _listed(self, generation: int, result) -> None:
        if generation != self._generation or self.complete:
            return  # a newer listing replaced this one
        if isinstance(result, Exception):
            result = self.section.list_keys(self.section.store.conn)
        self._take(result)
        self.completed.emit()

    def _take(self, keys: list) -> None:
        self.complete = True
        n = len(self._keys)
        if len(keys) > n and keys[:n] == self._keys:
            self.beginInsertRows(QtCore.QModelIndex(), n, len(keys) - 1)
            self._keys = keys
            self.endInsertRows()
        elif keys != self._keys:
            self.beginResetModel()
            self._keys = keys
            self._cache.clear()
            self.endResetModel()

    def ensure_complete(self) -> None:
        """List every key now, on this thread."""
        if not self.complete:
            self._generation += 1
            self._relay.current = self._generation
            self._take(self.section.list_keys(self.section.store.conn))

    def reload(self) -> None:
        self.beginResetModel()
        self._keys = self._first()
        self._cache.clear()
        self.endResetModel()

    def keys(self) -> list:
        self.ensure_complete()
        return list(self._keys)

    def row_data(self, row: int) -> dict | None:
        if not 0 <= row < len(self._keys):
            return None
        key = self._keys[row]
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        start = max(0, row - PAGE // 4)
        page = [k for k in self._keys[start:start + PAGE] if k not in self._cache]
        self.fetches += 1
        self._cache.update(self.section.fetch(page))
        while len(self._cache) > 4 * PAGE:
            self._cache.popitem(last=False)
        return self._cache.get(key)

    def item_id(self, row: int) -> str | None:
        data = self.row_data(row)
        return self.section.item_id(data) if data else None

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.section.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.section.columns):
            return self.section.columns[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._keys) \
                or not 0 <= index.column() < len(self.section.columns):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole):
            return None
        row = self.row_data(index.row())
        if row is None:  # deleted since the keys were listed; the next refresh drops it
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.section.display(row, index.column())
        if role == Qt.ItemDataRole.DecorationRole:
            return self.section.decoration(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            if self.section.item_id(row) is None:
                return QtGui.QPalette().color(QtGui.QPalette.ColorGroup.Disabled, QtGui.QPalette.ColorRole.Text)
            return None
        return self.section.tooltip(row, index.column())


# -- the chart --------------------------------------------------------------------------------------------
def chart_data(store, counts: dict[str, dict[str, int]], limit: int = CHART_FRAMEWORKS
               ) -> tuple[list[dict], list[dict], int]:
    """(frameworks drawn [{id, title, counts}], statuses present [{key, label, color}], frameworks left out):
    the largest `limit` frameworks, biggest on top, statuses in their vocabulary order."""
    titles = {f["id"]: f["title"] for f in store.list_frameworks()}
    fws = sorted(counts, key=lambda f: (-sum(counts[f].values()), titles.get(f, "")))
    shown = [{"id": f, "title": titles.get(f, f), "counts": counts[f]} for f in fws[:limit]]
    present = {s for f in shown for s in f["counts"]}
    statuses = [s for s in store.statuses() if s["key"] in present]
    return shown, statuses, max(0, len(fws) - limit)


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def chart_label(title: str) -> str:
    """A framework's title as a bar's label: the part before a colon, at most 40 characters."""
    head = title.split(":", 1)[0].strip() or title
    return _short(head, 40)


class StatusChart(QtWidgets.QWidget):
    """Items by status per framework: one stacked horizontal bar a framework (QtCharts)."""

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        from PySide6 import QtCharts  # here: the charts module loads only when the dashboard is built
        self._charts = QtCharts
        self.session = session
        self.view = QtCharts.QChartView()
        self.view.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        self.view.setObjectName("statusChart")
        self.view.setAccessibleName("Items by status per framework")
        self.note = QtWidgets.QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.note)
        self.shown: list[dict] = []
        self.statuses: list[dict] = []
        self.refresh()

    def refresh(self) -> None:
        QtCharts = self._charts
        counts = q.status_counts(self.session.store.conn)
        self.shown, self.statuses, left_out = chart_data(self.session.store, counts)
        chart = QtCharts.QChart()
        chart.setTitle("Items by status")
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QtCharts.QChart.AnimationOption.NoAnimation)
        series = QtCharts.QHorizontalStackedBarSeries()
        order = list(reversed(self.shown))  # Qt draws the first category at the bottom
        for s in self.statuses:
            bar = QtCharts.QBarSet(s["label"])
            bar.setColor(QtGui.QColor(s["color"]))
            bar.setBorderColor(QtGui.QColor(s["color"]))
            bar.append([float(f["counts"].get(s["key"], 0)) for f in order])
            series.append(bar)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        cats = QtCharts.QBarCategoryAxis()
        labels = [chart_label(f["title"]) for f in order]
        while len(set(labels)) < len(labels):  # two titles alike before their colons: longer labels
            labels = [_short(f["title"], 60) for f in order]
            break
        cats.append(labels or [""])
        chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        values = QtCharts.QValueAxis()
        values.setLabelFormat("%d")
        values.setRange(0, max([sum(f["counts"].values()) for f in self.shown] or [1]))
        values.applyNiceNumbers()
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()
        total = sum(sum(c.values()) for c in counts.values())
        note = f"{total:,} items in {len(counts):,} frameworks."
        if left_out:
            note += f" The {len(self.shown)} largest are drawn; {left_out:,} more are counted in the Frameworks list."
        self.note.setText(note)
        self.setMinimumHeight(140 + 30 * max(1, len(self.shown)))


# -- the view ----------------------------------------------------------------------------------------------
class SectionBox(QtWidgets.QWidget):
    """A section's title (with its count and controls) over its list."""

    item_requested = QtCore.Signal(str)

    def __init__(self, section: Section, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"section_{section.key}")
        self.section = section
        self.model = SectionModel(section, self)
        self.model.completed.connect(self._update_heading)
        self.heading = QtWidgets.QLabel()
        self.heading.setObjectName("paneTitle")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        head = QtWidgets.QHBoxLayout()
        head.addWidget(self.heading, 1)
        extra = section.controls(self.reload)
        if extra is not None:
            head.addWidget(extra)
        self.table = QtWidgets.QTableView()
        self.table.setObjectName(f"{section.key}Table")
        self.table.setAccessibleName(section.title)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        hh = self.table.horizontalHeader()
        hh.setStretchLastSection(False)
        hh.setMinimumSectionSize(40)
        # the widest column (the item, or the change) takes the room; the others keep a readable width
        wide = len(section.columns) - 1 if section.columns[-1] in ("Change",) else 0
        widths = {"Framework": 118, "Due": 92, "Last update": 92, "When": 104, "Who": 90}
        for c, name in enumerate(section.columns):
            if c == wide:
                hh.setSectionResizeMode(c, QtWidgets.QHeaderView.ResizeMode.Stretch)
            else:
                hh.setSectionResizeMode(c, QtWidgets.QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(c, widths.get(name, 100))
        self.table.clicked.connect(lambda ix: self.open_row(ix.row()))
        self.table.activated.connect(lambda ix: self.open_row(ix.row()))  # Enter (and the platform's activation)
        self.empty = QtWidgets.QLabel(section.empty_text)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setEnabled(False)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addLayout(head)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        self._update_heading()

    def reload(self) -> None:
        self.model.reload()
        self._update_heading()

    def _update_heading(self) -> None:
        n = self.model.rowCount()
        self.heading.setText(self.section.title_for(n, self.model.complete))
        self.empty.setVisible(n == 0)
        self.table.setVisible(n > 0)

    def open_row(self, row: int) -> bool:
        iid = self.model.item_id(row)
        if iid is None:
            return False
        self.item_requested.emit(iid)
        return True


class DashboardView(QtWidgets.QWidget):
    """The chart and the sections; `item_requested(id)` when an entry is opened."""

    item_requested = QtCore.Signal(str)

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None,
                 sections: list[SectionFactory] | None = None):
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.setAccessibleName("Dashboard")
        self.session = session
        self._dirty = False
        self.chart = StatusChart(session)
        self.boxes: dict[str, SectionBox] = {}
        grid = QtWidgets.QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        grid.addWidget(self.chart, 0, 0, 1, 2)  # the chart across the top, the sections two a row below
        factories = SECTIONS if sections is None else sections
        for n, factory in enumerate(factories):
            box = SectionBox(factory(session))
            box.item_requested.connect(self.item_requested)
            self.boxes[box.section.key] = box
            box.setMinimumHeight(180)
            alone = n == len(factories) - 1 and n % 2 == 0  # the last of an odd number: the whole row
            grid.addWidget(box, 1 + n // 2, n % 2, 1, 2 if alone else 1)
        for r in range(1, grid.rowCount()):
            grid.setRowStretch(r, 1)
        inner = QtWidgets.QWidget()
        inner.setLayout(grid)
        scroll = QtWidgets.QScrollArea()
        scroll.setAccessibleName("Dashboard")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(scroll)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        session.changed.connect(self._on_changed)

    def section(self, key: str) -> SectionBox:
        return self.boxes[key]

    def _on_changed(self, changes: Changes) -> None:
        # every change may move a count, an overdue item or the recent changes: refresh once, when seen
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, e: QtGui.QShowEvent) -> None:  # noqa: N802
        super().showEvent(e)
        if self._dirty:
            self._timer.start()

    def refresh(self) -> None:
        self._dirty = False
        self.chart.refresh()
        for box in self.boxes.values():
            box.reload()
