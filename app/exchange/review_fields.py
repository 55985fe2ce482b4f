"""The review fields of the exchange format: `review_state` and `reviews` on each entry (version 3).

Each item, status update and observation of a document carries `review_state` (draft, submitted,
approved, returned: its latest decision) and `reviews`, its decisions oldest first, each
{"state", "reviewer", "at", "comment"}. An entry with no decision exports as approved with no
reviews. On import:
  - version 1 and 2 documents have no review fields: their entries are approved (no decision);
  - a version-3 entry with `reviews` gets each decision the file does not already have;
  - a version-3 entry the file does not have, with no `reviews`, gets one decision of its
    `review_state`, or `submitted` when it gives none (approved needs no decision).
A `review_state` that is not the state its `reviews` end in is refused, naming the place.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import validation as v
from ..core.model import ValidationError, new_id
from ..store import reviews as RV
from ..store.store import Store

STATE = "review_state"
REVIEWS = "reviews"
REVIEW_KEYS = ("state", "reviewer", "at", "comment")
FIRST_VERSION = 3  # the first version of the format with review fields
MAX_REVIEWER = 200


def add_to_export(store: Store, rows: dict) -> None:
    """Give every item, status update and observation of an export its review_state and reviews."""
    decided = RV.decisions(store)
    states = RV.all_current_states(store)

    def put(entry: dict) -> None:
        entry[STATE] = states.get(entry["id"], RV.DEFAULT_STATE)
        entry[REVIEWS] = [{k: d[k] for k in REVIEW_KEYS} for d in decided.get(entry["id"], [])]

    for it in rows["items"]:
        put(it)
        for u in it["status_updates"]:
            put(u)
        for o in it["observations"]:
            put(o)


def read_entry(fail, raw: dict, where: str, kind: str, entry_id: str, item_id: str, version: int) -> tuple | None:
    """The review fields of one entry of a document, checked: (kind, id, item id, state | None, reviews).

    None for documents older than version 3. `fail(where, message)` raises the document's error."""
    if version < FIRST_VERSION:
        return None
    state = raw.get(STATE)
    if state is not None and state not in RV.STATES:
        fail(f"{where}.{STATE}", f"is {state!r}; it must be one of {', '.join(RV.STATES)}")
    given = raw.get(REVIEWS)
    if given is None:
        given = []
    if not isinstance(given, list):
        fail(f"{where}.{REVIEWS}", "must be a list")
    out = []
    for j, r in enumerate(given):
        w = f"{where}.{REVIEWS}[{j}]"
        if not isinstance(r, dict):
            fail(w, "must be an object")
        if r.get("state") not in RV.STATES:
            fail(f"{w}.state", f"is {r.get('state')!r}; it must be one of {', '.join(RV.STATES)}")
        try:
            reviewer = v.clean_text(r.get("reviewer"), "reviewer", limit=MAX_REVIEWER, single_line=True)
            comment = v.clean_text(r.get("comment"), "comment")
            at = v.timestamp(r.get("at"), "at")
        except ValidationError as e:
            fail(f"{w}.{e.field or 'at'}", str(e)[0].lower() + str(e)[1:].rstrip("."))
        if at is None:
            fail(f"{w}.at", "is required")
        out.append({"state": r["state"], "reviewer": reviewer, "at": at, "comment": comment})
    if out and state is not None:
        latest = max(range(len(out)), key=lambda k: (out[k]["at"], k))
        if out[latest]["state"] != state:
            fail(f"{where}.{STATE}", f"is {state!r} but its latest review says {out[latest]['state']!r}")
    return (kind, entry_id, item_id, state, out)


def apply(store: Store, entries: list[tuple], had: set[str]) -> int:
    """Write the decisions of a checked document's entries (inside the import's transaction).

    `had`: ids of the entries the file held before the import. Returns how many of the document's
    `reviews` were added (a new entry's first state is not counted: it is not a reviewer's decision)."""
    added = 0
    now = v.timestamp(dt.datetime.now(dt.timezone.utc).isoformat(), "at")
    for kind, eid, item_id, state, given in entries:
        rows: list[dict[str, Any]] = []
        if given:
            rows = [g for g in given if not RV.has_decision_like(store, eid, g["state"], g["reviewer"], g["at"],
                                                                  g["comment"])]
        elif eid not in had and (state or "submitted") != RV.DEFAULT_STATE:
            rows = [{"state": state or "submitted", "reviewer": "", "at": now, "comment": ""}]
        for g in rows:
            RV.insert_decision(store, {"id": new_id(), "entry_kind": kind, "entry_id": eid, "item_id": item_id, **g})
        if given:
            added += len(rows)
    return added
