"""The one rule for an item's current status (pure, no I/O).

An item's status is the status of its latest status update, where "latest" orders updates by
`as_of`, then `created_at`, then `id` (so that two updates never tie); an item with no update
keeps the status it was given (as creating an item with a status does). The window's edits and
the importer both apply this rule, so a file never shows an item whose newest update says one
thing and whose status says another.

Timestamps compare as text. That is time order only while every `created_at` is written in the
database's own form (UTC, milliseconds: `2025-06-01T00:00:00.000Z`): the database writes that form
itself, and the importer rewrites incoming timestamps to it (core.validation.timestamp). The
store's queries order updates the same way (`ORDER BY as_of, created_at, id`).

A timestamp never moves a status by itself: the importer gives an item the file already has the
status this rule gives its united history, whatever the document's `status` and `updated_at`
say (a copy dated later may change the item's words, not its status), and it refuses any
imported moment after now (plus a few minutes for clocks that differ) or as-of date after today.
"""
from __future__ import annotations

from typing import Iterable, Mapping


def update_order(update: Mapping) -> tuple[str, str, str]:
    """The sort key of a status update: later as_of wins, then later created_at, then larger id."""
    return (update["as_of"], update.get("created_at") or "", str(update["id"]))


def latest_update(updates: Iterable[Mapping]) -> Mapping | None:
    """The update that decides the item's status, or None when there is none."""
    return max(updates, key=update_order, default=None)


def current_status(own_status: str, updates: Iterable[Mapping]) -> str:
    """The status an item must show: its latest update's, or its own when it has no update."""
    latest = latest_update(updates)
    return own_status if latest is None else latest["status"]
