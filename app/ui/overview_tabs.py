"""The tabs of the middle column: the item table, the dashboard and the crosswalk.

The dashboard and the crosswalk are built the first time they are shown (a file opened on the
welcome or the table never pays for them). Opening an item from either calls `open_item(id)`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6 import QtWidgets

from .session import Session

if TYPE_CHECKING:  # pragma: no cover - imported when first shown
    from .crosswalk import CrosswalkView
    from .dashboard import DashboardView

VIEWS = ("items", "dashboard", "crosswalk")
TITLES = {"items": "Items", "dashboard": "Dashboard", "crosswalk": "Crosswalk"}


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
            holder = QtWidgets.QWidget()
            holder.setObjectName(f"{key}Holder")
            lay = self._layouts[key] = QtWidgets.QVBoxLayout(holder)
            lay.setContentsMargins(0, 0, 0, 0)
            self.pages[key] = holder
            self.addTab(holder, TITLES[key])
        self.currentChanged.connect(lambda n: self._build(VIEWS[n]) if 0 <= n < len(VIEWS) else None)

    def current_view(self) -> str:
        return VIEWS[self.currentIndex()]

    def show_view(self, key: str) -> None:
        self._build(key)
        self.setCurrentIndex(VIEWS.index(key))

    def _build(self, key: str) -> None:
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
