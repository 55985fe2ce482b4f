"""Use cases that change tracked items; each runs in one transaction and returns Changes.

These are the only writers the window and the command line use. Every function that adds
something has an inverse here, so an undo command can take the change back exactly.
"""
from __future__ import annotations

import datetime as dt

from ..core import records as R
from ..core import status_rule
from ..core import validation as v
from ..core.model import Changes, NotFoundError, ValidationError, new_id
from ..store import editions
from ..store.store import Store


def __getattr__(name: str):
    if name == "ITEM_FIELDS":  # the fields a form may give for an item (core.records): what it says
        return R.ITEMS.content
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def today() -> str:
    return dt.date.today().isoformat()


def clean_item_fields(store: Store, fields: dict, *, partial: bool) -> dict:
    """Validate item fields as the window and importers give them; raise ValidationError per field."""
    rec = R.ITEMS
    content, pure = rec.content, v.rules(rec)
    out = {}
    for key, value in fields.items():
        if key not in content:
            raise ValidationError(f"'{key}' is not a field of an item.")
        check = pure.get(key)
        if check is not None:
            out[key] = check(value)
        elif key == "status":
            out[key] = v.status_key(value, {s["key"] for s in store.statuses()})
        elif key == "framework_id":
            if not value or store.get_framework(value) is None:
                raise ValidationError("Choose a framework for the item.", "framework_id")
            out[key] = value
        elif key == "parent_id":
            if value and store.get_item(value) is None:
                raise ValidationError("The parent item does not exist.", "parent_id")
            out[key] = value or None
        else:  # described as checked against the file, but no check here says how
            raise ValidationError(f"'{key}' cannot be set here.", key)
    if not partial:
        for req in content:
            f = rec.field(req)
            if f.required and req not in out:
                raise ValidationError(f"{f.label} is required.", req)
    return out


# The pure field rules live in core.validation, where the importer uses them too; these names stay
# for the window's forms.
clean_item_value = v.clean_item_value
clean_framework_fields = v.clean_framework_fields
clean_target = v.clean_target


# -- frameworks ---------------------------------------------------------------------------------
def create_framework(store: Store, title: str, actor: str | None = None, description: str = "",
                     framework_id: str | None = None) -> tuple[str, Changes]:
    fid = framework_id or new_id()
    row = {"id": fid, **v.clean_framework_fields({"title": title, "actor": actor, "description": description},
                                               partial=False)}
    with store.write():
        store.insert_framework(row)
    return fid, Changes(frameworks=frozenset({fid}), structure=True)


def update_framework(store: Store, fid: str, fields: dict) -> Changes:
    clean = v.clean_framework_fields(fields, partial=True)
    with store.write():
        store.update_framework(fid, clean)
    return Changes(frameworks=frozenset({fid}))


def delete_framework(store: Store, fid: str) -> Changes:
    with store.write():
        if store.item_ids(framework_ids=[fid], limit=1):
            raise ValidationError("The framework still has items; delete or move them first.")
        store.delete_framework(fid)
    return Changes(frameworks=frozenset({fid}), structure=True)


# -- items ------------------------------------------------------------------------------------------
def create_item(store: Store, fields: dict, *, item_id: str | None = None) -> tuple[str, Changes]:
    clean = clean_item_fields(store, fields, partial=False)
    iid = item_id or new_id()
    with store.write():
        # a new item has no history, so the status it is given stands (core.status_rule)
        store.insert_item({"id": iid, "status": "unknown", **clean})
    return iid, Changes(items=frozenset({iid}), frameworks=frozenset({clean["framework_id"]}), structure=True)


def update_item(store: Store, item_id: str, fields: dict, expected_version: int | None = None) -> tuple[int, Changes]:
    """Change fields of an item; refuses (ConflictError) if someone saved it since expected_version.
    (Undo and redo check the fields they expect in app.services.operations.EditItem.)"""
    clean = clean_item_fields(store, fields, partial=True)
    with store.write():
        before = store.require_item(item_id)
        if "parent_id" in clean and clean["parent_id"]:
            _check_no_cycle(store, item_id, clean["parent_id"])
        version = store.update_item(item_id, clean, expected_version)
    fws = {before["framework_id"], clean.get("framework_id", before["framework_id"])}
    return version, Changes(items=frozenset({item_id}), frameworks=frozenset(fws),
                            structure="framework_id" in clean or "status" in clean)


def _check_no_cycle(store: Store, item_id: str, parent_id: str) -> None:
    seen: set[str] = set()
    cur: str | None = parent_id
    while cur:
        if cur == item_id:
            raise ValidationError("An item cannot be placed under itself or one of its own sub-items.", "parent_id")
        if cur in seen:
            break
        seen.add(cur)
        row = store.get_item(cur)
        cur = row["parent_id"] if row else None


def delete_item(store: Store, item_id: str) -> tuple[dict, Changes]:
    """Delete an item with its history; returns a snapshot that restore_item puts back exactly."""
    with store.write():
        snap = store.item_tree(item_id)
        if snap is None:
            raise NotFoundError("That item no longer exists.")
        snap["relations"] = [store.get_relation(r["id"]) for r in store.relations_for_item(item_id)]
        snap["children"] = store.child_ids(item_id)
        store.delete_item(item_id)
    return snap, Changes(items=frozenset({item_id}), frameworks=frozenset({snap["framework_id"]}), structure=True)


def restore_item(store: Store, snap: dict) -> Changes:
    with store.write():
        store.insert_item_tree(snap)
        for r in snap.get("relations") or []:
            store.insert_relation(r)
        for child in snap.get("children") or []:
            row = store.get_item(child)
            if row and row["parent_id"] is None:  # not if it was placed elsewhere meanwhile
                # putting the link back is part of restoring, not a new edit: updated_at stays
                store.update_item(child, {"parent_id": snap["id"], "updated_at": row["updated_at"]})
    return Changes(items=frozenset({snap["id"], *(snap.get("children") or [])}),
                   frameworks=frozenset({snap["framework_id"]}), structure=True)


# -- status history ------------------------------------------------------------------------------------
def add_status_update(store: Store, item_id: str, status: str, as_of: str | None, note: str = "",
                      author: str = "", *, update_id: str | None = None, created_at: str | None = None,
                      citation_id: str | None = None) -> tuple[dict, Changes]:
    """Append a dated status update; the item's status follows its latest update (core.status_rule).

    An update dated before the item's latest one joins the history without changing the status.
    `citation_id` is its evidence: one of the item's citations, or None.
    Returns the stored update plus `previous_status` so the change can be undone exactly.
    """
    status = v.status_key(status, {s["key"] for s in store.statuses()})
    row = {"id": update_id or new_id(), "item_id": item_id, "status": status,
           **v.clean_update_fields(as_of, note, author, today=today()), "citation_id": citation_id or None}
    if created_at:
        row["created_at"] = created_at
    with store.write():
        item = store.require_item(item_id)
        if citation_id:
            cited = store.get_citation(citation_id)
            if cited is None:
                raise NotFoundError("The passage this update was to cite no longer exists.")
            if cited["item_id"] != item_id:
                raise ValidationError("A status update can only cite words cited by its own item.")
        store.insert_status_update(row)
        follow_history(store, item)
        stored = store.get_status_update(row["id"])
    assert stored is not None  # written just above, in the same transaction
    stored["previous_status"] = item["status"]
    return stored, Changes(items=frozenset({item_id}), frameworks=frozenset({item["framework_id"]}), structure=True)


def remove_status_update(store: Store, update_id: str, fallback_status: str | None = None) -> tuple[dict, Changes]:
    """Withdraw an update (the inverse of add_status_update); returns it for redo."""
    with store.write():
        row = store.get_status_update(update_id)
        if row is None:
            raise NotFoundError("That status update no longer exists.")
        item = store.require_item(row["item_id"])
        store.delete_status_update(update_id)
        if fallback_status and not store.status_updates_for_item(row["item_id"], limit=1):
            # no update left to decide: the status the item had before the withdrawn one came
            if fallback_status != item["status"]:
                store.update_item(row["item_id"], {"status": fallback_status})
        else:
            follow_history(store, item)  # the rule, even if another program added a later update
    return row, Changes(items=frozenset({row["item_id"]}), frameworks=frozenset({item["framework_id"]}), structure=True)


def follow_history(store: Store, item: dict) -> str:
    """Give a stored item the status its history says (core.status_rule); returns that status.

    With no update left, the item keeps the status it has. Runs inside the caller's write.
    """
    status = status_rule.current_status(item["status"], store.status_updates_for_item(item["id"]))
    if status != item["status"]:
        store.update_item(item["id"], {"status": status})
    return status


# -- citations ---------------------------------------------------------------------------------------------
def add_citation(store: Store, item_id: str, source_id: str, start: int, end: int,
                 *, citation_id: str | None = None) -> tuple[dict, Changes]:
    """Cite text[start:end] of a source for an item (offsets in code points)."""
    src = store.get_source(source_id)
    if src is None:
        raise NotFoundError("That source no longer exists.")
    text = src["text"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise ValidationError("Select some words of the source to cite.")
    quote = text[start:end]
    if not quote.strip():
        raise ValidationError("The selection holds only spaces; select some words to cite.")
    from ..core import anchoring  # here: it brings rapidfuzz, which start-up does not need
    prefix, suffix = anchoring.context(text, start, end)
    row = {"id": citation_id or new_id(), "item_id": item_id, "source_id": source_id, "start": start, "end": end,
           "quote": quote, "prefix": prefix, "suffix": suffix}
    with store.write():
        store.require_item(item_id)
        store.insert_citation(row)
        store.update_item(item_id, {})  # bump updated_at/version: the item changed
    return row, Changes(items=frozenset({item_id}), sources=frozenset({source_id}))


def cited_by_updates(store: Store, citation_id: str) -> str | None:
    """Why a passage cannot be removed (status updates cite it as evidence), or None when it can."""
    n = len(store.updates_citing(citation_id))
    if not n:
        return None
    return (f"This passage is the evidence of {n} status update{'s' if n != 1 else ''}, and the status history "
            f"is never rewritten: withdraw {'those updates' if n != 1 else 'that update'} first.")


def remove_citation(store: Store, citation_id: str) -> tuple[dict, Changes]:
    with store.write():
        row = store.get_citation(citation_id)
        if row is None:
            raise NotFoundError("That citation no longer exists.")
        refusal = cited_by_updates(store, citation_id)
        if refusal:
            raise ValidationError(refusal)
        row["observation_ids"] = store.observations_citing(citation_id)  # unlinked by the delete
        row["placements"] = editions.placements(store, [citation_id]).get(citation_id, [])  # deleted with it
        store.delete_citation(citation_id)
        if store.get_item(row["item_id"]):
            store.update_item(row["item_id"], {})
    return row, Changes(items=frozenset({row["item_id"]}), sources=frozenset({row["source_id"]}))


def restore_citation(store: Store, row: dict) -> Changes:
    with store.write():
        store.insert_citation(row)
        editions.insert_placements(store, row["id"], row.get("placements") or [])
        store.link_observations(row.get("observation_ids") or [], row["id"])
        store.update_item(row["item_id"], {})
    return Changes(items=frozenset({row["item_id"]}), sources=frozenset({row["source_id"]}))


# -- targets and observations -----------------------------------------------------------------------------
def set_target(store: Store, item_id: str, target: dict | None) -> tuple[dict | None, Changes]:
    """Set or clear an item's numeric target; returns the previous target for undo."""
    clean = clean_target(target)
    with store.write():
        store.require_item(item_id)
        before = store.get_target(item_id)
        store.set_target(item_id, clean)
        store.update_item(item_id, {})
    return before, Changes(items=frozenset({item_id}))


def add_observation(store: Store, item_id: str, value, observed_on: str, note: str = "",
                    citation_id: str | None = None, *, observation_id: str | None = None) -> tuple[dict, Changes]:
    row = {"id": observation_id or new_id(), "item_id": item_id, **v.clean_observation_fields(value, observed_on, note),
           "citation_id": citation_id}
    with store.write():
        store.require_item(item_id)
        store.insert_observation(row)
        store.update_item(item_id, {})
    return row, Changes(items=frozenset({item_id}))


def remove_observation(store: Store, observation_id: str) -> tuple[dict, Changes]:
    with store.write():
        row = store.get_observation(observation_id)
        if row is None:
            raise NotFoundError("That observation no longer exists.")
        store.delete_observation(observation_id)
        store.update_item(row["item_id"], {})
    return row, Changes(items=frozenset({row["item_id"]}))


# -- relations ------------------------------------------------------------------------------------------------
def add_relation(store: Store, from_id: str, to_id: str, kind: str, note: str = "",
                 *, relation_id: str | None = None) -> tuple[dict, Changes]:
    clean = v.clean_relation_fields(kind, note)
    if from_id == to_id:
        raise ValidationError("An item cannot be linked to itself.")
    row = {"id": relation_id or new_id(), "from_id": from_id, "to_id": to_id, **clean}
    with store.write():
        store.require_item(from_id)
        store.require_item(to_id)
        if store.relation_exists(from_id, to_id, kind):
            raise ValidationError("These items are already linked that way.")
        store.insert_relation(row)
    return row, Changes(items=frozenset({from_id, to_id}))


def remove_relation(store: Store, relation_id: str) -> tuple[dict, Changes]:
    with store.write():
        row = store.get_relation(relation_id)
        if row is None:
            raise NotFoundError("That link no longer exists.")
        store.delete_relation(relation_id)
    return row, Changes(items=frozenset({row["from_id"], row["to_id"]}))
