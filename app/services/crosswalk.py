"""Editing one crosswalk cell: the relations wanted between two items, as one undoable step.

A cell holds the typed relations between a row item and a column item, in either direction. The
person states what the cell should hold (for each kind: which way it points and its note); this
module turns the difference into RemoveRelation / AddRelation operations in one Sequence, so the
whole edit is one step to undo, and an unchanged cell is no step at all. A changed note or
direction is the old relation removed and the new one added (there is no relation edit).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import operations as ops


@dataclass(frozen=True)
class Wanted:
    """One relation a cell should hold: kind, from_id -> to_id, note."""

    kind: str
    from_id: str
    to_id: str
    note: str = ""


def cell_operation(existing: list[dict], wanted: list[Wanted], label: str = "Edit crosswalk cell"
                   ) -> ops.Operation | None:
    """The step that makes a cell hold exactly `wanted` (None when it already does).

    `existing` are the cell's relations ({id, from_id, to_id, kind, note}); removals run first, so
    a note changed on the same pair and kind never meets the UNIQUE(from_id, to_id, kind) rule.
    """
    want = {(w.kind, w.from_id, w.to_id): w.note.strip() for w in wanted}
    have = {(r["kind"], r["from_id"], r["to_id"]): r for r in existing}
    steps: list[ops.Operation] = []
    for key, r in have.items():
        if key not in want or (r.get("note") or "") != want[key]:
            steps.append(ops.RemoveRelation(r["id"]))
    for key, note in want.items():
        old = have.get(key)
        if old is None or (old.get("note") or "") != note:
            steps.append(ops.AddRelation(key[1], key[2], key[0], note))
    if not steps:
        return None
    return ops.Sequence(label, tuple(steps))
