"""The tabs of the middle column: the item table, the dashboard and the crosswalk.

The dashboard and the crosswalk are built the first time they are shown (a file opened on the
welcome or the table never pays for them). Opening a file on the dashboard builds it just after
the window's first frame (`show_view(..., after_paint=True)`): the window appears as fast as
before, and the dashboard fills its tab a moment later. Opening an item from either calls
`open_item(id)`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6 import QtCore, QtGui, QtWidgets

from .session import Session

if TYPE_CHECKING:  # pragma: no cover - imported when first shown
    from .crosswalk import CrosswalkView
    from .dashboard import DashboardView

VIEWS = ("items", "dashboard", "crosswalk")
TITLES = {"items": "Items", "dashboard": "Dashboard", "crosswalk": "Crosswalk"}


class _Holder(QtWidgets.QWidget):
    """A tab's page until its view is built; with `on_first_paint` set, it asks for the build once painted."""

    def __init__(self) -> None:
        super().__init__()
        self.on_first_paint: Callable[[], None] | None = None

    def paintEvent(self, e: QtGui.QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        if self.on_first_paint is not None:
            build, self.on_first_paint = self.on_first_paint, None
            QtCore.QTimer.singleShot(0, self, build)  # after this frame reaches the screen


class OverviewTabs(QtWidgets.QTabWidget):
    def __init__(self, session: Session, items_page: QtWidgets.QWidget, open_item: Callable[[str], None],
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("viewTabs")
        self.setDocumentMode(True)
        self.setAccessibleName("Views")
        self.tabBar().setAccessibleName("Views: items, dashboard, crosswalk")
        self.session = session
        self._open_item = open_item
        self.pages: dict[str, QtWidgets.QWidget] = {"items": items_page}
        self.dashboard: DashboardView | None = None
        self.crosswalk: CrosswalkView | None = None
        self._layouts: dict[str, QtWidgets.QVBoxLayout] = {}
        self.addTab(items_page, TITLES["items"])
        for key in VIEWS[1:]:
            holder = _Holder()
            holder.setObjectName(f"{key}Holder")
            lay = self._layouts[key] = QtWidgets.QVBoxLayout(holder)
            lay.setContentsMargins(0, 0, 0, 0)
            self.pages[key] = holder
            self.addTab(holder, TITLES[key])
        self.currentChanged.connect(self._changed)
        self._count_only_shown()

    def _count_only_shown(self) -> None:
        """Only the page on screen counts towards the tabs' minimum size (as the item panel's tabs do):
        a QTabWidget is otherwise as wide as its widest page, and once the crosswalk had been shown the
        window could no longer fit a 1024-pixel screen on the other tabs."""
        P = QtWidgets.QSizePolicy.Policy
        for n, key in enumerate(VIEWS):
            page = self.pages[key]
            policy = P.Preferred if n == self.currentIndex() else P.Ignored
            if page.sizePolicy().horizontalPolicy() != policy:
                page.setSizePolicy(policy, policy)
                page.updateGeometry()

    def current_view(self) -> str:
        return VIEWS[self.currentIndex()]

    def show_view(self, key: str, *, after_paint: bool = False) -> None:
        """Show a tab; with `after_paint`, its view is built once the window has painted it."""
        holder = self.pages[key]
        if after_paint and isinstance(holder, _Holder) and not self._built(key):
            holder.on_first_paint = lambda: self._build(key)
            self.setCurrentIndex(VIEWS.index(key))
            return
        self._build(key)
        self.setCurrentIndex(VIEWS.index(key))

    def _changed(self, n: int) -> None:
        if not 0 <= n < len(VIEWS):
            return
        self._count_only_shown()
        holder = self.pages[VIEWS[n]]
        if isinstance(holder, _Holder) and holder.on_first_paint is not None:
            return  # built once painted
        self._build(VIEWS[n])

    def _built(self, key: str) -> bool:
        return (self.dashboard if key == "dashboard" else self.crosswalk) is not None

    def _build(self, key: str) -> None:
        holder = self.pages[key]
        if isinstance(holder, _Holder):
            holder.on_first_paint = None
        if key == "dashboard" and self.dashboard is None:
            from .dashboard import DashboardView
            self.dashboard = DashboardView(self.session)
            self.dashboard.item_requested.connect(self._open_item)
            self._layouts[key].addWidget(self.dashboard)
        elif key == "crosswalk" and self.crosswalk is None:
            from .crosswalk import CrosswalkView
            self.crosswalk = CrosswalkView(self.session)
            self.crosswalk.item_requested.connect(self._open_item)
            self._layouts[key].addWidget(self.crosswalk)
