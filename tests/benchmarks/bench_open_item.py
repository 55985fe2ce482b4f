"""Open an item with 1,000 status updates and 50 citations: everything the item panel loads."""
from __future__ import annotations

from .harness import Result, median_time

LIMIT_S = 0.050


def load_item(store, item_id: str) -> dict:
    return {
        "item": store.get_item(item_id),
        "updates": store.status_updates_for_item(item_id),
        "citations": store.citations_for_item(item_id),
        "relations": store.relations_for_item(item_id),
        "target": store.get_target(item_id),
        "observations": store.observations_for_item(item_id),
    }


def run(ctx) -> list:
    store = ctx.store
    heavy = store.get_meta("demo.heavy_item_id")
    loaded = load_item(store, heavy)
    assert len(loaded["updates"]) == 1000 and len(loaded["citations"]) == 50
    t, samples = median_time(lambda: load_item(store, heavy), ctx.repeats * 2)
    out = [Result("open item (1,000 updates, 50 citations): store calls", t, None, "< 50 ms", t < LIMIT_S,
                  samples={"app": samples})]
    panel = _panel_timing(ctx, heavy)
    if panel is not None:
        out.append(panel)
    return out


def _panel_timing(ctx, item_id: str):
    """The real item panel (app.ui.item_panel.ItemPanel.set_item) showing the item and painting once."""
    name = "open item: ItemPanel.set_item + one paint"
    try:
        from PySide6 import QtWidgets

        from app.ui.item_panel import ItemPanel
        from app.ui.session import Session
    except Exception as e:  # noqa: BLE001 - the panel is optional here
        return Result(name, target="< 50 ms", note=f"skipped: no item panel ({type(e).__name__})")
    QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    session = Session(ctx.store)
    panel = ItemPanel(session)
    panel.resize(700, 900)
    panel.show()
    QtWidgets.QApplication.processEvents()

    def once():
        panel.set_item(item_id)
        panel.grab()  # one synchronous paint of everything the panel shows
    t, samples = median_time(once, ctx.repeats, setup=lambda: panel.set_item(None))
    r = Result(name, t, None, "< 50 ms", t < LIMIT_S, samples={"app": samples})
    panel.close()
    panel.deleteLater()
    return r
