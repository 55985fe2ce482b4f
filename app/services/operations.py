"""Every change to a file as an operation that returns its result, its Changes and its inverse.

After Anki's `CollectionOp`/`OpChanges` and git-cola's commands: an `Operation` is a plain value
naming one change (a field edit, a new status update, an import...). `perform(store, op)` runs it
in one transaction and returns an `Outcome`: what it produced, the `Changes` views refresh from,
and `inverse`, another operation that undoes exactly this change. Running the inverse returns the
redo as *its* inverse, so undo and redo are the same mechanism and live here, below Qt:
`History` is the undo stack for code without a window, and the window has one small adapter
that puts outcomes on a QUndoStack (app/ui/commands.py).

Inverses carry what they expect to find. Undo or redo over a change that another window or
program made since is refused with a ConflictError naming both values, never applied over it.
The rules (validation, the status rule) are those of app/services/editing.py and the exchange
importer, whatever the operation's origin.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.model import Changes, ConflictError, NotFoundError, PolicyTrackerError, new_id
from ..store.store import Store
from . import editing, sources


@dataclass(frozen=True)
class Outcome:
    result: Any
    changes: Changes
    inverse: "Operation"


class Operation:
    """A change to the file. Subclasses implement `run(store) -> Outcome` (inside a transaction)."""

    label: str = "Change"

    def run(self, store: Store) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError


def perform(store: Store, op: Operation) -> Outcome:
    """Run one operation all or nothing: one transaction, its result, Changes and inverse."""
    with store.write():
        return op.run(store)


class History:
    """Undo and redo without a window: a list of outcomes and a cursor."""

    def __init__(self, store: Store):
        self.store = store
        self._done: list[tuple[str, Operation]] = []  # (label, inverse)
        self._undone: list[tuple[str, Operation]] = []

    def do(self, op: Operation) -> Outcome:
        out = perform(self.store, op)
        self._done.append((op.label, out.inverse))
        self._undone.clear()
        return out

    def undo(self) -> Outcome:
        if not self._done:
            raise PolicyTrackerError("There is nothing to undo.")
        label, inverse = self._done[-1]
        out = perform(self.store, inverse)  # refused (ConflictError) leaves the step where it was
        self._done.pop()
        self._undone.append((label, out.inverse))
        return out

    def redo(self) -> Outcome:
        if not self._undone:
            raise PolicyTrackerError("There is nothing to redo.")
        label, op = self._undone[-1]
        out = perform(self.store, op)
        self._undone.pop()
        self._done.append((label, out.inverse))
        return out

    @property
    def undo_label(self) -> str | None:
        return self._done[-1][0] if self._done else None

    @property
    def redo_label(self) -> str | None:
        return self._undone[-1][0] if self._undone else None


def _short(text: str, n: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _what(item: dict) -> str:
    return f"{item['ref']} “{_short(item['title'])}”" if item.get("ref") else f"“{_short(item['title'])}”"


# -- items --------------------------------------------------------------------------------------
ITEM_FIELD_NAMES = {"framework_id": "framework", "parent_id": "parent", "due_on": "due date"}


@dataclass(frozen=True)
class EditItem(Operation):
    """Change some fields of an item.

    `expected_version` (a window's save) refuses if the item was saved elsewhere since it was read;
    `expect` (undo and redo) refuses if those fields no longer hold those values, naming both.
    """

    item_id: str
    fields: dict
    expected_version: int | None = None
    expect: dict | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return "Edit " + ", ".join(ITEM_FIELD_NAMES.get(k, k) for k in self.fields)

    def run(self, store: Store) -> Outcome:
        before = store.require_item(self.item_id)
        if self.expect:
            clean = editing.clean_item_fields(store, self.expect, partial=True)
            moved = {k: before.get(k) for k, val in clean.items() if _norm(before.get(k)) != _norm(val)}
            if moved:
                wanted = editing.clean_item_fields(store, self.fields, partial=True)
                both = "; ".join(f"its {ITEM_FIELD_NAMES.get(k, k)} is now {_show(now)}, this step would make it "
                                 f"{_show(wanted.get(k))}" for k, now in moved.items())
                raise ConflictError(f"Another window or program changed {_what(before)} since ({both}); "
                                    f"this step was not applied.", before)
        _, changes = editing.update_item(store, self.item_id, self.fields, self.expected_version)
        after = store.require_item(self.item_id)
        keys = list(self.fields)
        inverse = EditItem(self.item_id, {k: before.get(k) for k in keys}, expect={k: after.get(k) for k in keys})
        return Outcome(after["version"], changes, inverse)


def _norm(v):
    return v or None if not isinstance(v, list) else (v or None)


def _show(v) -> str:
    if isinstance(v, list):
        v = ", ".join(v)
    return f"“{_short(str(v), 60)}”" if v not in (None, "") else "empty"


@dataclass(frozen=True)
class CreateItem(Operation):
    fields: dict
    item_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"New item {_short(self.fields.get('title', ''))}"

    def run(self, store: Store) -> Outcome:
        iid, changes = editing.create_item(store, self.fields, item_id=self.item_id)
        return Outcome(iid, changes, DeleteItem(iid, label_=f"Remove new item {_short(self.fields.get('title', ''))}"))


@dataclass(frozen=True)
class DeleteItem(Operation):
    """Delete an item; the inverse puts it back with its history, citations, target and links."""

    item_id: str
    label_: str = ""

    @property
    def label(self) -> str:  # type: ignore[override]
        return self.label_ or "Delete item"

    def run(self, store: Store) -> Outcome:
        snap, changes = editing.delete_item(store, self.item_id)
        return Outcome(snap, changes, RestoreItem(snap))


@dataclass(frozen=True)
class RestoreItem(Operation):
    snapshot: dict

    label = "Restore item"

    def run(self, store: Store) -> Outcome:
        if store.get_item(self.snapshot["id"]) is not None:
            raise ConflictError(f"{_what(self.snapshot)} is in the file again already; this step was not applied.")
        changes = editing.restore_item(store, self.snapshot)
        return Outcome(self.snapshot["id"], changes, DeleteItem(self.snapshot["id"]))


# -- status history -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddStatusUpdate(Operation):
    item_id: str
    status: str
    as_of: str | None
    note: str = ""
    author: str = ""
    update_id: str = field(default_factory=new_id)
    created_at: str | None = None  # a redo re-adds the very same record

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Status update: {self.status.replace('_', ' ')}"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_status_update(store, self.item_id, self.status, self.as_of, self.note, self.author,
                                                 update_id=self.update_id, created_at=self.created_at)
        return Outcome(row, changes, WithdrawStatusUpdate(row["id"], row["previous_status"]))


@dataclass(frozen=True)
class WithdrawStatusUpdate(Operation):
    """Withdraw an update (the history stays append-only for edits: this is undo's way out)."""

    update_id: str
    fallback_status: str | None = None

    label = "Withdraw status update"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.remove_status_update(store, self.update_id, self.fallback_status)
        redo = AddStatusUpdate(row["item_id"], row["status"], row["as_of"], row["note"] or "", row["author"] or "",
                               update_id=row["id"], created_at=row["created_at"])
        return Outcome(row, changes, redo)


# -- citations ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddCitation(Operation):
    item_id: str
    source_id: str
    start: int
    end: int
    citation_id: str = field(default_factory=new_id)

    label = "Cite passage"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_citation(store, self.item_id, self.source_id, self.start, self.end,
                                            citation_id=self.citation_id)
        return Outcome(row, changes, RemoveCitation(row["id"]))


@dataclass(frozen=True)
class RemoveCitation(Operation):
    citation_id: str

    label = "Remove citation"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.remove_citation(store, self.citation_id)
        return Outcome(row, changes, RestoreCitation(row))


@dataclass(frozen=True)
class RestoreCitation(Operation):
    row: dict

    label = "Restore citation"

    def run(self, store: Store) -> Outcome:
        changes = editing.restore_citation(store, self.row)
        return Outcome(self.row, changes, RemoveCitation(self.row["id"]))


# -- targets and observations ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SetTarget(Operation):
    item_id: str
    target: dict | None

    @property
    def label(self) -> str:  # type: ignore[override]
        return "Set target" if self.target else "Clear target"

    def run(self, store: Store) -> Outcome:
        before, changes = editing.set_target(store, self.item_id, self.target)
        return Outcome(self.target, changes, SetTarget(self.item_id, before))


@dataclass(frozen=True)
class AddObservation(Operation):
    item_id: str
    value: Any
    observed_on: str
    note: str = ""
    citation_id: str | None = None
    observation_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Observation {self.value}"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_observation(store, self.item_id, self.value, self.observed_on, self.note,
                                               self.citation_id, observation_id=self.observation_id)
        return Outcome(row, changes, RemoveObservation(self.observation_id))


@dataclass(frozen=True)
class RemoveObservation(Operation):
    observation_id: str

    label = "Remove observation"

    def run(self, store: Store) -> Outcome:
        r, changes = editing.remove_observation(store, self.observation_id)
        return Outcome(r, changes, AddObservation(r["item_id"], r["value"], r["observed_on"], r["note"] or "",
                                                  r["citation_id"], observation_id=r["id"]))


# -- relations ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddRelation(Operation):
    from_id: str
    to_id: str
    kind: str
    note: str = ""
    relation_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Link items ({self.kind.replace('_', ' ')})"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_relation(store, self.from_id, self.to_id, self.kind, self.note,
                                            relation_id=self.relation_id)
        return Outcome(row, changes, RemoveRelation(self.relation_id))


@dataclass(frozen=True)
class RemoveRelation(Operation):
    relation_id: str

    label = "Remove link"

    def run(self, store: Store) -> Outcome:
        r, changes = editing.remove_relation(store, self.relation_id)
        return Outcome(r, changes, AddRelation(r["from_id"], r["to_id"], r["kind"], r["note"] or "",
                                               relation_id=r["id"]))


# -- frameworks --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CreateFramework(Operation):
    title: str
    actor: str | None = None
    description: str = ""
    framework_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"New framework {_short(self.title)}"

    def run(self, store: Store) -> Outcome:
        fid, changes = editing.create_framework(store, self.title, self.actor, self.description,
                                                framework_id=self.framework_id)
        return Outcome(fid, changes, DeleteFramework(fid))


@dataclass(frozen=True)
class DeleteFramework(Operation):
    """Delete an empty framework (one with items is refused by the service)."""

    framework_id: str

    label = "Delete framework"

    def run(self, store: Store) -> Outcome:
        row = store.get_framework(self.framework_id)
        if row is None:
            raise NotFoundError("That framework no longer exists.")
        changes = editing.delete_framework(store, self.framework_id)
        return Outcome(row, changes, CreateFramework(row["title"], row["actor"], row["description"] or "",
                                                     framework_id=row["id"]))


# -- sources -------------------------------------------------------------------------------------------------
SOURCE_META = ("title", "kind", "publisher", "author", "event", "published_on", "url", "language")


@dataclass(frozen=True)
class AddSource(Operation):
    """Store a source document (its text already read and checked); undo removes it if nobody cites it."""

    text: str
    meta: dict
    source_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Add source {_short(self.meta.get('title', ''))}"

    def run(self, store: Store) -> Outcome:
        sid, changes = sources.add_source(store, self.text, source_id=self.source_id, **self.meta)
        return Outcome(sid, changes, RemoveSource(sid))


@dataclass(frozen=True)
class RemoveSource(Operation):
    source_id: str

    label = "Remove source"

    def run(self, store: Store) -> Outcome:
        row, changes = sources.remove_source(store, self.source_id)
        meta = {k: row[k] for k in SOURCE_META if row.get(k) is not None}
        return Outcome(row, changes, AddSource(row["text"], meta, source_id=row["id"]))


# -- several changes as one step ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Sequence(Operation):
    """Several operations in one transaction, undone as one step, last first."""

    label_: str
    ops: tuple[Operation, ...]

    @property
    def label(self) -> str:  # type: ignore[override]
        return self.label_

    def run(self, store: Store) -> Outcome:
        changes, inverses, results = Changes(), [], []
        for op in self.ops:
            out = op.run(store)
            changes |= out.changes
            inverses.append(out.inverse)
            results.append(out.result)
        return Outcome(tuple(results), changes, Sequence(f"Undo {self.label_}", tuple(reversed(inverses))))


def track_new_item(fields: dict, source_id: str, start: int, end: int) -> Sequence:
    """A new item citing text[start:end] of a source: one step to undo."""
    create = CreateItem(fields)
    return Sequence(f"Track {_short(fields.get('title', ''))}",
                    (create, AddCitation(create.item_id, source_id, start, end)))


# -- imports ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportDocument(Operation):
    """Merge an exchange document (JSON, or a sheet made into one) into the file, undoably.

    `importer(store, doc, progress)` does the merge (jsonio.import_document, or the sheet's
    wrapper that names spreadsheet lines in its errors). Before it runs, the records the document
    names that are already in the file are photographed; the inverse removes what the import added,
    puts back what it changed, and refuses if another window or program changed any of them since.
    """

    doc: Any
    importer: Callable[..., Any]
    label_: str = "Import"
    progress: Callable[[int, int], Any] | None = field(default=None, compare=False)

    @property
    def label(self) -> str:  # type: ignore[override]
        return self.label_

    def run(self, store: Store) -> Outcome:
        before = _photograph(store, self.doc)
        report = self.importer(store, self.doc, self.progress)
        after = _signatures(store, self.doc)
        changes = Changes(items=frozenset(after["items"]), frameworks=frozenset(after["frameworks"]),
                          sources=frozenset(after["sources"]), structure=True)
        return Outcome(report, changes, UndoImport(before, after, self.doc, self.importer, self.label_))


@dataclass(frozen=True)
class UndoImport(Operation):
    before: dict  # _photograph: the records as they were
    after: dict  # _signatures: the records as the import left them
    doc: Any
    importer: Callable[..., Any]
    label_: str

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Undo {self.label_}"

    def run(self, store: Store) -> Outcome:
        now = _signatures(store, self.doc)
        for table in ("items", "frameworks", "sources", "relations"):
            for rid in set(now[table]) | set(self.after[table]):
                if now[table].get(rid) != self.after[table].get(rid):
                    row = (store.get_item(rid) if table == "items" else store.get_framework(rid)
                           if table == "frameworks" else None) or {}
                    what = f"“{_short(row['title'])}”" if row.get("title") else f"a record the import wrote ({table})"
                    raise ConflictError(f"Another window or program changed {what} after the import; "
                                        f"the import was not undone.")
        b = self.before
        for rid in self.after["relations"]:
            if rid not in b["relations"]:
                store.delete_relation(rid)
        added = [iid for iid in self.after["items"] if iid not in b["items"]]
        for iid in added:  # unlink first: an added item may be another's parent
            store.update_item(iid, {"parent_id": None})
        for iid in added:
            store.delete_item(iid)
        for old in b["items"].values():
            _restore_item_state(store, old)
        for fid, old in b["frameworks"].items():
            store.update_framework(fid, {k: old[k] for k in ("title", "actor", "description")})
        for fid in self.after["frameworks"]:
            if fid not in b["frameworks"] and not store.item_ids(framework_ids=[fid], limit=1):
                store.delete_framework(fid)
        for sid in self.after["sources"]:
            if sid not in b["sources"]:
                store.delete_source(sid)
        for key, old in b["statuses"].items():
            store.upsert_status(old)
        changes = Changes(items=frozenset(self.after["items"]), frameworks=frozenset(self.after["frameworks"]),
                          sources=frozenset(self.after["sources"]), structure=True)
        return Outcome(None, changes, ImportDocument(self.doc, self.importer, self.label_))


def _ids(doc: Any, key: str) -> list[str]:
    rows = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        return []
    return [r["id"] for r in rows if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _framework_ids(store: Store, doc: Any, item_ids: list[str]) -> list[str]:
    """The document's frameworks, and those its items are in (a sheet names frameworks by title)."""
    fids = set(_ids(doc, "frameworks"))
    for i in range(0, len(item_ids), 500):
        chunk = item_ids[i:i + 500]
        fids |= {row["framework_id"] for row in store.items_by_ids(chunk).values()}
    return sorted(fids)


def _signatures(store: Store, doc: Any) -> dict:
    """A cheap fingerprint of every record the document names, as stored now."""
    items = _ids(doc, "items")
    sig = store.item_signatures(items)
    fws = {fid: tuple(row.values()) for fid in _framework_ids(store, doc, list(sig))
           if (row := store.get_framework(fid)) is not None}
    srcs = {sid: row["sha256"] for sid in _ids(doc, "sources") if (row := store.get_source(sid, with_text=False))}
    rels = {rid: tuple(row.values()) for rid in _ids(doc, "relations") if (row := store.get_relation(rid))}
    return {"items": sig, "frameworks": fws, "sources": srcs, "relations": rels}


def _photograph(store: Store, doc: Any) -> dict:
    """What undo needs to put back: every record the document names that the file already has."""
    have = store.existing_ids("items", _ids(doc, "items"))
    items = {}
    for iid in sorted(have):
        tree = store.item_tree(iid)
        tree.pop("version", None)
        items[iid] = tree
    frameworks = {fid: row for fid in _framework_ids(store, doc, sorted(have))
                  if (row := store.get_framework(fid)) is not None}
    srcs = {sid for sid in _ids(doc, "sources") if store.get_source(sid, with_text=False) is not None}
    rels = {rid for rid in _ids(doc, "relations") if store.get_relation(rid) is not None}
    return {"items": items, "frameworks": frameworks, "sources": srcs, "relations": rels,
            "statuses": {s["key"]: s for s in store.statuses()}}


def _restore_item_state(store: Store, old: dict) -> None:
    """Put an item that existed before an import back as it was (fields and every sub-record)."""
    cur = store.item_tree(old["id"])
    if cur is None:
        store.insert_item_tree(old)
        return
    fields = {k: old[k] for k in ("framework_id", "parent_id", "ref", "kind", "title", "description", "actor",
                                  "status", "due_on", "tags", "updated_at")}
    if any(cur[k] != val for k, val in fields.items()):
        store.update_item(old["id"], fields)
    for kind, delete in (("citations", store.delete_citation), ("status_updates", store.delete_status_update),
                         ("observations", store.delete_observation)):
        keep = {r["id"] for r in old[kind]}
        for r in cur[kind]:
            if r["id"] not in keep:
                delete(r["id"])
    if cur["target"] != old["target"]:
        store.set_target(old["id"], old["target"])
