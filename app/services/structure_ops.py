"""Operations on the shape of a file: frameworks renamed or deleted, items placed under parents or
moved, and the same change made to several items at once.

Each is an `Operation` of app/services/operations.py: `run(store)` returns an Outcome with its
Changes and a guarded inverse (`expecting`), so the window's undo and the command line's rules are
the ones every other change follows. Changes to many items are `Sequence`s of the single-item
operations (one transaction, one undo step); what they cover is decided when they run, from the
file as it is then.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..core import validation as v
from ..core.model import Changes, NotFoundError, ValidationError
from ..store import hierarchy as H
from ..store.store import Store
from . import operations as O
from .operations import AddStatusUpdate, DeleteFramework, DeleteItem, EditItem, Operation, Outcome, Sequence, expecting

_short = O._short


def _name(item: dict) -> str:
    return f"{item['ref']} “{_short(item['title'])}”" if item.get("ref") else f"“{_short(item['title'])}”"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# -- frameworks ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class EditFramework(Operation):
    """Rename a framework, or change its actor or description; undo puts back the old text and stamp."""

    framework_id: str
    fields: dict

    @property
    def label(self) -> str:
        keys = set(self.fields) - {"updated_at"}
        return "Rename framework" if keys == {"title"} else "Edit framework " + ", ".join(sorted(keys))

    def run(self, store: Store) -> Outcome:
        before = store.get_framework(self.framework_id)
        if before is None:
            raise NotFoundError("That framework no longer exists.")
        stamp = self.fields.get("updated_at")
        clean = v.clean_framework_fields({k: val for k, val in self.fields.items() if k != "updated_at"},
                                         partial=True)
        if all(before[k] == val for k, val in clean.items()):
            raise ValidationError(f"The framework “{_short(before['title'])}” already says that; nothing changed.")
        store.update_framework(self.framework_id, {**clean, "updated_at": stamp})
        old = {**{k: before[k] for k in clean}, "updated_at": before["updated_at"]}
        inverse = EditFramework(self.framework_id, old)
        return Outcome(self.framework_id, Changes(frameworks=frozenset({self.framework_id}), structure=True),
                       expecting(store, inverse, frameworks=[self.framework_id]))


@dataclass(frozen=True, eq=False)
class DeleteFrameworkWithItems(Operation):
    """Delete a framework and every item in it (each after its sub-items); undo puts all of it back."""

    framework_id: str

    @property
    def label(self) -> str:
        return "Delete framework"

    def run(self, store: Store) -> Outcome:
        if store.get_framework(self.framework_id) is None:
            raise NotFoundError("That framework no longer exists.")
        ids = H.framework_items_deepest_first(store.conn, self.framework_id)
        seq = Sequence(self.label, (*(DeleteItem(i) for i in ids), DeleteFramework(self.framework_id)))
        return seq.run(store)


# -- placing items -----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Place(Operation):
    """Put items in frameworks under parents: ((id, framework_id, parent_id or None, updated_at or None), ...).

    The inverse puts every one back where it was, with its old `updated_at`."""

    placements: tuple[tuple[str, str, str | None, str | None], ...]
    text: str = "Move items"

    @property
    def label(self) -> str:
        return self.text

    def run(self, store: Store) -> Outcome:
        ids = [p[0] for p in self.placements]
        before = H.placements(store.conn, ids)
        missing = [i for i in ids if i not in before]
        if missing:
            raise NotFoundError("An item to move no longer exists; it may have been deleted.")
        for iid, fid, parent, stamp in self.placements:
            if store.get_framework(fid) is None:
                raise NotFoundError("That framework no longer exists.")
            H.place(store, iid, fid, parent, stamp)
        fws = {b[0] for b in before.values()} | {p[1] for p in self.placements}
        touched = set(ids) | {b[1] for b in before.values() if b[1]} | {p[2] for p in self.placements if p[2]}
        undo = Place(tuple((i, before[i][0], before[i][1], before[i][2]) for i in ids), self.text)
        return Outcome(None, Changes(items=frozenset(touched), frameworks=frozenset(fws), structure=True),
                       expecting(store, undo, items=ids))


def check_parent(store: Store, item: dict, parent_id: str | None) -> dict | None:
    """The parent row if `parent_id` may be the item's parent; one sentence (ValidationError) if not.

    The cycle check walks the new parent's ancestors once."""
    if not parent_id:
        return None
    if parent_id == item["id"]:
        raise ValidationError(f"{_name(item)} cannot be its own parent.", "parent_id")
    parent = store.get_item(parent_id)
    if parent is None:
        raise ValidationError("The parent item does not exist.", "parent_id")
    if parent["framework_id"] != item["framework_id"]:
        raise ValidationError(f"The parent must be an item of the same framework as {_name(item)}.", "parent_id")
    if item["id"] in H.ancestors(store.conn, parent_id):
        raise ValidationError(f"{_name(parent)} is one of the sub-items of {_name(item)}, so it cannot be its parent.",
                              "parent_id")
    return parent


@dataclass(frozen=True, eq=False)
class SetParent(Operation):
    """Place an item under another item of its framework (None: at the top of the framework)."""

    item_id: str
    parent_id: str | None

    @property
    def label(self) -> str:
        return "Change parent" if self.parent_id else "Move to the top level"

    def run(self, store: Store) -> Outcome:
        item = store.require_item(self.item_id)
        if (item["parent_id"] or None) == (self.parent_id or None):
            raise ValidationError(f"{_name(item)} is already there; nothing changed.", "parent_id")
        check_parent(store, item, self.parent_id)
        return Place(((item["id"], item["framework_id"], self.parent_id or None, None),), self.label).run(store)


def _subtree(store: Store, item_ids: Iterable[str]) -> tuple[list[str], set[str]]:
    """(the items given that exist, in order, without repeats), and those with everything below them."""
    ids = list(dict.fromkeys(item_ids))
    found = H.placements(store.conn, ids)
    ids = [i for i in ids if i in found]
    if not ids:
        raise NotFoundError("The items chosen no longer exist; they may have been deleted.")
    return ids, set(ids) | set(H.descendants(store.conn, ids))


@dataclass(frozen=True, eq=False)
class MoveToFramework(Operation):
    """Move items, with everything below them, to another framework; each keeps its parent only if
    that moves too (otherwise it goes to the top level)."""

    item_ids: tuple[str, ...]
    framework_id: str

    @property
    def label(self) -> str:
        return f"Move {_count(len(self.item_ids), 'item')} to another framework"

    def run(self, store: Store) -> Outcome:
        fw = store.get_framework(self.framework_id)
        if fw is None:
            raise NotFoundError("That framework no longer exists.")
        _, moving = _subtree(store, self.item_ids)
        where = H.placements(store.conn, moving)
        plan = []
        for iid in H.deepest_first(store.conn, moving)[::-1]:  # parents first: tidy undo order
            fid, parent, _ = where[iid]
            new_parent = parent if parent in moving else None
            if (fid, parent) != (self.framework_id, new_parent):
                plan.append((iid, self.framework_id, new_parent, None))
        if not plan:
            raise ValidationError(f"The items are already in “{_short(fw['title'])}”; nothing changed.")
        return Place(tuple(plan), f"Move {_count(len(plan), 'item')} to {_short(fw['title'], 30)}").run(store)


@dataclass(frozen=True, eq=False)
class MoveUnder(Operation):
    """Cut and paste, or drag: items go under `parent_id` (None: the top of `framework_id`), taking
    everything below them along (into the parent's framework, if that is another)."""

    item_ids: tuple[str, ...]
    parent_id: str | None
    framework_id: str | None = None

    @property
    def label(self) -> str:
        return f"Move {_count(len(self.item_ids), 'item')}"

    def run(self, store: Store) -> Outcome:
        ids, moving = _subtree(store, self.item_ids)
        if self.parent_id is not None:
            parent = store.get_item(self.parent_id)
            if parent is None:
                raise NotFoundError("The item to move them under no longer exists.")
            if self.parent_id in moving:
                raise ValidationError(f"{_name(parent)} is one of the items being moved or below them, so they "
                                      f"cannot go under it.")
            target_fw = parent["framework_id"]
        else:
            parent = None
            target_fw = self.framework_id or ""
        where = H.placements(store.conn, moving)
        chosen = set(ids)
        plan = []
        for iid in H.deepest_first(store.conn, moving)[::-1]:
            fid, cur_parent, _ = where[iid]
            fw = target_fw or fid
            if iid in chosen and not (cur_parent in moving and cur_parent in chosen):
                new_parent = self.parent_id  # a chosen item whose parent is not chosen goes under the target
            else:
                new_parent = cur_parent if cur_parent in moving else None
            if (fid, cur_parent) != (fw, new_parent):
                plan.append((iid, fw, new_parent, None))
        if not plan:
            raise ValidationError("The items are already there; nothing changed.")
        where_to = f"under {_name(parent)}" if parent else "to the top level"
        return Place(tuple(plan), f"Move {_count(len(ids), 'item')} {where_to}").run(store)


# -- several items at once -------------------------------------------------------------------------------
def set_status_many(item_ids: Iterable[str], status: str, as_of: str | None, note: str = "",
                    author: str = "") -> Sequence:
    """One dated status update, with the same note, for each item: one step to undo."""
    ids = tuple(dict.fromkeys(item_ids))
    if not ids:
        raise ValidationError("Choose at least one item.")
    label = f"Status {status.replace('_', ' ')} for {_count(len(ids), 'item')}"
    return Sequence(label, tuple(AddStatusUpdate(i, status, as_of, note, author) for i in ids))


@dataclass(frozen=True, eq=False)
class ChangeTags(Operation):
    """Add and remove tags on several items (each keeps its other tags, in their order): one step."""

    item_ids: tuple[str, ...]
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        parts = ([f"add {', '.join(self.add)}"] if self.add else []) + (
            [f"remove {', '.join(self.remove)}"] if self.remove else [])
        return f"Tags: {'; '.join(parts)} ({_count(len(self.item_ids), 'item')})"

    def run(self, store: Store) -> Outcome:
        add = v.clean_item_value("tags", list(self.add)) if self.add else []
        drop = {t.casefold() for t in (v.clean_item_value("tags", list(self.remove)) if self.remove else [])}
        if not add and not drop:
            raise ValidationError("Give a tag to add or remove.")
        ops = []
        for iid in dict.fromkeys(self.item_ids):
            item = store.require_item(iid)
            old = list(item["tags"] or [])
            new = [t for t in old if t.casefold() not in drop]
            have = {t.casefold() for t in new}
            for t in add:
                if t.casefold() not in have:
                    have.add(t.casefold())
                    new.append(t)
            if new != old:
                ops.append(EditItem(iid, {"tags": new}))
        if not ops:
            raise ValidationError("The chosen items already have those tags; nothing changed.")
        return Sequence(self.label, tuple(ops)).run(store)


@dataclass(frozen=True, eq=False)
class DeleteItems(Operation):
    """Delete items. Their sub-items are deleted too (`children="delete"`) or move up to the nearest
    ancestor that stays (`children="lift"`). One step to undo."""

    item_ids: tuple[str, ...]
    children: str = "delete"

    @property
    def label(self) -> str:
        return f"Delete {_count(len(self.item_ids), 'item')}"

    def run(self, store: Store) -> Outcome:
        if self.children not in ("delete", "lift"):
            raise ValidationError("Say whether the sub-items are deleted too or moved up.")
        ids, below = _subtree(store, self.item_ids)
        chosen = set(ids)
        ops: list[Operation] = []
        if self.children == "delete":
            doomed = below
        else:
            doomed = chosen
            where = H.placements(store.conn, H.descendants(store.conn, ids))
            lift: list[tuple[str, str, str | None, str | None]] = []
            for child, (fid, parent, _) in where.items():
                if child in chosen or parent not in chosen:
                    continue
                up: str | None = parent
                seen: set[str | None] = set()
                while up in chosen and up not in seen:  # the nearest ancestor that stays
                    seen.add(up)
                    up = (H.placements(store.conn, [up]).get(up) or ("", None, ""))[1]
                up = None if up in chosen else up
                lift.append((child, fid, up, None))
            if lift:
                ops.append(Place(tuple(lift), "Move sub-items up"))
        ops += [DeleteItem(i) for i in H.deepest_first(store.conn, doomed)]
        return Sequence(f"Delete {_count(len(doomed), 'item')}", tuple(ops)).run(store)
