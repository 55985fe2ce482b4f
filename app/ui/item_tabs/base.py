"""What every item tab shares: the item it shows, the session, and the panel's signals."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6 import QtWidgets

if TYPE_CHECKING:  # pragma: no cover
    from ..session import Session


class ItemHost(Protocol):
    """What a tab uses of the panel holding it (app.ui.item_panel.ItemPanel), named here so that
    the tabs never import the panel back."""

    session: Session
    citation_opened: Any  # Signal(str): a citation id to show in the reader
    item_activated: Any  # Signal(str): an item id to go to


class ItemTab(QtWidgets.QWidget):
    """One tab of the item panel; `load(item)` shows an item (or None)."""

    def __init__(self, panel: QtWidgets.QWidget):
        super().__init__(panel)
        self.panel = cast(ItemHost, panel)
        self.session = self.panel.session
        self.item: dict | None = None

    def load(self, item: dict | None) -> None:
        self.item = item


def today() -> str:
    return dt.date.today().isoformat()


def fmt_num(x) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")
