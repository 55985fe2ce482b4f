"""What every item tab shares: the item it shows, the session, and the panel's signals."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6 import QtCore, QtGui, QtWidgets

from ..widgets import escape_tooltip

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
        self._count_in_layout(False)  # until shown (a page never shown gets no hide event)

    def load(self, item: dict | None) -> None:
        self.item = item

    # Only the tab on screen counts towards the panel's minimum size: a QTabWidget is otherwise as
    # tall as its tallest page (the target tab), which on a 768-pixel screen pushes the status
    # form below the fold. Hidden pages ignore their size hints; the shown one keeps them.
    def showEvent(self, e: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._count_in_layout(True)
        super().showEvent(e)

    def hideEvent(self, e: QtGui.QHideEvent) -> None:  # noqa: N802 - Qt's name
        if not e.spontaneous():  # the window being minimised is not the tab being left
            self._count_in_layout(False)
        super().hideEvent(e)

    def _count_in_layout(self, shown: bool) -> None:
        P = QtWidgets.QSizePolicy.Policy
        policy = P.Preferred if shown else P.Ignored
        if self.sizePolicy().verticalPolicy() != policy:
            self.setSizePolicy(policy, policy)
            self.updateGeometry()


def today() -> str:
    return dt.date.today().isoformat()


def fmt_num(x) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def citation_picker(tooltip: str) -> QtWidgets.QComboBox:
    """A list of the item's cited words to choose an entry's evidence from (see fill_citations)."""
    combo = QtWidgets.QComboBox()
    combo.setAccessibleName("Cited words")
    combo.setToolTip(tooltip)
    combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def fill_citations(combo: QtWidgets.QComboBox, citations: list[dict]) -> dict[str, str]:
    """Offer "no words" and each of `citations` (its quote, with source and words in the tooltip),
    keeping the choice when it is still offered; returns {citation id: quote}."""
    keep = combo.currentData()
    combo.clear()
    combo.addItem("Cites no words of a source", None)
    for c in citations:
        q = " ".join((c["quote"] or "").split())
        combo.addItem(f"“{q[:60]}{'…' if len(q) > 60 else ''}”", c["id"])
        combo.setItemData(combo.count() - 1, escape_tooltip(f"{c['source_title']}\n\n{q}"),
                          QtCore.Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(max(0, combo.findData(keep)) if keep else 0)
    return {c["id"]: c["quote"] for c in citations}
