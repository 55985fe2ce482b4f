"""Every change to a file as an operation that returns its result, its Changes and its inverse.

After Anki's `CollectionOp`/`OpChanges` and git-cola's commands: an `Operation` is a plain value
naming one change (a field edit, a new status update, an import...). `perform(store, op)` runs it
in one transaction and returns an `Outcome`: what it produced, the `Changes` views refresh from,
and `inverse`, another operation that undoes exactly this change. Running the inverse returns the
redo as *its* inverse, so undo and redo are one mechanism and live here, below Qt: `History` is
the undo stack for code without a window, and the window has one small adapter that carries
outcomes onto a QUndoStack (app/ui/commands.py).

**Every inverse expects the file as its operation left it.** `expecting()` wraps an inverse with
the fingerprints (Store.item_fingerprints: content only, never version or timestamps) of the
records it will touch, taken when the operation finished. If another window or program changed
any of them since, the inverse is refused with a ConflictError that names the record and what
moved (both values, for fields), and nothing is written. Undo and redo never write over someone
else's change.

To add an operation: a frozen dataclass with `label` and `run(store) -> Outcome`; do its writes
through app/services/editing.py (one set of rules wherever a change comes from) or the store,
and return `expecting(store, <its inverse>, items=..., ...)`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.model import Changes, ConflictError, NotFoundError, PolicyTrackerError, ValidationError, new_id
from ..store import reviews
from ..store.store import FINGERPRINT_FIELDS, Store
from . import editing, sources

# Operations are frozen dataclasses with eq=False: plain values, whose documents compare by identity.


@dataclass(frozen=True)
class Outcome:
    result: Any
    changes: Changes
    inverse: "Operation"


class Operation:
    """A change to the file. Subclasses give `label` and `run(store) -> Outcome` (inside a transaction)."""

    # True for review decisions: the only operations a review copy takes (Store.write)
    records_review = False

    @property
    def label(self) -> str:
        return "Change"

    def run(self, store: Store) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError


def perform(store: Store, op: Operation) -> Outcome:
    """Run one operation all or nothing: one transaction, its result, Changes and inverse."""
    with store.write(review=op.records_review):
        return op.run(store)


# -- undo and redo without a window ------------------------------------------------------------------
MERGE_SECONDS = 5.0  # edits of one field this close together undo as one step (typing in bursts)


class History:
    """Undo and redo for code without a window, with the window's rules (app/ui/commands.py).

    A step refused because another program changed its records (ConflictError) or deleted them
    (NotFoundError) can never apply again and is dropped; any other refusal (the file is busy,
    saving stopped) leaves the step where it was, to try again.
    """

    def __init__(self, store: Store):
        self.store = store
        self._done: list[list] = []  # [label, inverse, finished_at]
        self._undone: list[list] = []

    def do(self, op: Operation) -> Outcome:
        out = perform(self.store, op)
        now = time.monotonic()
        merged = merge_edits(self._done[-1][1], out.inverse, now - self._done[-1][2]) if self._done else None
        if merged is not None:
            self._done[-1][1:] = [merged, now]
        else:
            self._done.append([op.label, out.inverse, now])
        self._undone.clear()
        return out

    def undo(self) -> Outcome:
        return self._step(self._done, self._undone, "undo")

    def redo(self) -> Outcome:
        return self._step(self._undone, self._done, "redo")

    def _step(self, source: list, target: list, what: str) -> Outcome:
        if not source:
            raise PolicyTrackerError(f"There is nothing to {what}.")
        label, op, _ = source[-1]
        try:
            out = perform(self.store, op)
        except (ConflictError, NotFoundError):
            source.pop()  # it no longer describes the file
            raise
        source.pop()
        target.append([label, out.inverse, time.monotonic()])
        return out

    @property
    def undo_label(self) -> str | None:
        return self._done[-1][0] if self._done else None

    @property
    def redo_label(self) -> str | None:
        return self._undone[-1][0] if self._undone else None


def merge_edits(first: "Operation", second: "Operation", seconds_apart: float) -> "EditItem | None":
    """The one undo step for two consecutive edits of the same field, or None if they stay two.

    They merge only when the second began from exactly what the first left (no other program's
    change in between) and came within MERGE_SECONDS: deliberate edits hours apart stay apart.
    """
    a, b = _unwrap(first), _unwrap(second)
    if not (isinstance(a, EditItem) and isinstance(b, EditItem) and a.item_id == b.item_id
            and set(a.fields) == set(b.fields) and seconds_apart <= MERGE_SECONDS and b.fields == a.expect):
        return None
    return EditItem(a.item_id, a.fields, expect=b.expect)


def _unwrap(op: "Operation") -> "Operation":
    return op.op if isinstance(op, Expecting) else op


def _expected(op: "Operation") -> dict:
    return op.expect if isinstance(op, Expecting) else {}


# -- what an inverse expects -------------------------------------------------------------------------
PARTS = (*(f.replace("_id", "").replace("due_on", "due date") for f in FINGERPRINT_FIELDS),
         "citations", "status history", "observations", "target", "links")


def _short(text: str, n: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _what(item: dict) -> str:
    return f"{item['ref']} “{_short(item['title'])}”" if item.get("ref") else f"“{_short(item['title'])}”"


def _show(v) -> str:
    if isinstance(v, (list, tuple)):
        v = ", ".join(map(str, v))
    return f"“{_short(str(v), 60)}”" if v not in (None, "") else "empty"


def fingerprints(store: Store, items=(), frameworks=(), sources_=()) -> dict:
    """What the records say now: {"items": {id: fp}, "frameworks": {...}, "sources": {...}} (None if absent)."""
    found = store.item_fingerprints(items) if items else {}
    return {"items": {i: found.get(i) for i in items},
            "frameworks": {f: _framework_fp(store, f) for f in frameworks},
            "sources": {s: _source_fp(store, s) for s in sources_}}


def _framework_fp(store: Store, fid: str) -> tuple | None:
    row = store.get_framework(fid)
    return None if row is None else (row["title"], row["actor"], row["description"])


def _source_fp(store: Store, sid: str) -> tuple | None:
    row = store.get_source(sid, with_text=False)
    return None if row is None else (row["title"], row["sha256"], len(store.citations_for_source(sid)))


def check_unchanged(store: Store, expect: dict, step: str = "this step was not applied") -> None:
    """Refuse (ConflictError) if any record moved from what `expect` (from `fingerprints`) says."""
    now = fingerprints(store, list(expect.get("items", {})), list(expect.get("frameworks", {})),
                       list(expect.get("sources", {})))
    for iid, was in expect.get("items", {}).items():
        cur = now["items"][iid]
        if cur == was:
            continue
        if cur is None:
            raise ConflictError(f"Another window or program deleted an item this step needs; {step}.")
        row = store.require_item(iid)
        if was is None:
            raise ConflictError(f"Another window or program put {_what(row)} back meanwhile; {step}.")
        moved = []
        for name, old, new in zip(PARTS, was, cur, strict=True):
            if old == new:
                continue
            if name in PARTS[len(FINGERPRINT_FIELDS):] or name in ("framework", "parent"):
                moved.append(f"its {name}")
            else:
                moved.append(f"its {name} is now {_show(new)}, not {_show(old)}")
        raise ConflictError(f"Another window or program changed {_what(row)} since ({'; '.join(moved)}); "
                            f"{step}.", row)
    for table, label in (("frameworks", "framework"), ("sources", "source")):
        for rid, was in expect.get(table, {}).items():
            cur = now[table][rid]
            if cur != was:
                name = (cur or was or ("?",))[0]
                verb = "deleted" if cur is None else "added" if was is None else "changed"
                raise ConflictError(f"Another window or program {verb} the {label} “{_short(str(name))}” since; "
                                    f"{step}.")


@dataclass(frozen=True, eq=False)
class Expecting(Operation):
    """Runs `op` only if the records it touches are as `expect` says (see `fingerprints`)."""

    op: Operation
    expect: dict

    @property
    def label(self) -> str:
        return self.op.label

    @property
    def records_review(self) -> bool:  # type: ignore[override]
        return self.op.records_review

    def run(self, store: Store) -> Outcome:
        check_unchanged(store, self.expect)
        return self.op.run(store)


def expecting(store: Store, inverse: Operation, *, items=(), frameworks=(), sources_=()) -> Expecting:
    """`inverse`, to run only while these records are as they are now."""
    return Expecting(inverse, fingerprints(store, tuple(items), tuple(frameworks), tuple(sources_)))


# -- items --------------------------------------------------------------------------------------
ITEM_FIELD_NAMES = {"framework_id": "framework", "parent_id": "parent", "due_on": "due date"}


@dataclass(frozen=True, eq=False)
class EditItem(Operation):
    """Change some fields of an item (not its status: that follows its status updates).

    `expected_version` (a window's save) refuses if the item was saved elsewhere since it was
    read; `expect` (undo and redo) refuses if those fields no longer hold those values, naming both.
    """

    item_id: str
    fields: dict
    expected_version: int | None = None
    expect: dict | None = None

    @property
    def label(self) -> str:
        return "Edit " + ", ".join(ITEM_FIELD_NAMES.get(k, k) for k in self.fields)

    def run(self, store: Store) -> Outcome:
        if "status" in self.fields and self.expect is None:
            raise ValidationError("An item's status follows its status updates; add a status update instead.")
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
    return v or None


@dataclass(frozen=True, eq=False)
class CreateItem(Operation):
    fields: dict
    item_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:
        return f"New item {_short(self.fields.get('title', ''))}"

    def run(self, store: Store) -> Outcome:
        iid, changes = editing.create_item(store, self.fields, item_id=self.item_id)
        return Outcome(iid, changes, expecting(store, DeleteItem(iid), items=[iid]))


@dataclass(frozen=True, eq=False)
class DeleteItem(Operation):
    """Delete an item; the inverse puts it back with its history, citations, target and links."""

    item_id: str

    @property
    def label(self) -> str:
        return "Delete item"

    def run(self, store: Store) -> Outcome:
        snap, changes = editing.delete_item(store, self.item_id)
        return Outcome(snap, changes, expecting(store, RestoreItem(snap), items=[self.item_id]))


@dataclass(frozen=True, eq=False)
class RestoreItem(Operation):
    snapshot: dict

    @property
    def label(self) -> str:
        return "Restore item"

    def run(self, store: Store) -> Outcome:
        changes = editing.restore_item(store, self.snapshot)
        iid = self.snapshot["id"]
        return Outcome(iid, changes, expecting(store, DeleteItem(iid), items=[iid]))


# -- status history -------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AddStatusUpdate(Operation):
    item_id: str
    status: str
    as_of: str | None
    note: str = ""
    author: str = ""
    update_id: str = field(default_factory=new_id)
    created_at: str | None = None  # a redo re-adds the very same record
    citation_id: str | None = None  # its evidence: one of the item's citations

    @property
    def label(self) -> str:
        return f"Status update: {self.status.replace('_', ' ')}"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_status_update(store, self.item_id, self.status, self.as_of, self.note, self.author,
                                                 update_id=self.update_id, created_at=self.created_at,
                                                 citation_id=self.citation_id)
        undo = WithdrawStatusUpdate(row["id"], row["previous_status"])
        return Outcome(row, changes, expecting(store, undo, items=[self.item_id]))


@dataclass(frozen=True, eq=False)
class WithdrawStatusUpdate(Operation):
    """Withdraw an update (the history stays append-only for edits: this is undo's way out).

    The item's status then follows what is left of its history; `fallback_status` is used only
    when no update is left."""

    update_id: str
    fallback_status: str | None = None

    @property
    def label(self) -> str:
        return "Withdraw status update"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.remove_status_update(store, self.update_id, self.fallback_status)
        redo = AddStatusUpdate(row["item_id"], row["status"], row["as_of"], row["note"] or "", row["author"] or "",
                               update_id=row["id"], created_at=row["created_at"], citation_id=row.get("citation_id"))
        return Outcome(row, changes, expecting(store, redo, items=[row["item_id"]]))


# -- citations ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AddCitation(Operation):
    item_id: str
    source_id: str
    start: int
    end: int
    citation_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:
        return "Cite passage"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_citation(store, self.item_id, self.source_id, self.start, self.end,
                                            citation_id=self.citation_id)
        return Outcome(row, changes, expecting(store, RemoveCitation(row["id"]), items=[self.item_id]))


@dataclass(frozen=True, eq=False)
class RemoveCitation(Operation):
    citation_id: str

    @property
    def label(self) -> str:
        return "Remove citation"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.remove_citation(store, self.citation_id)
        return Outcome(row, changes, expecting(store, RestoreCitation(row), items=[row["item_id"]]))


@dataclass(frozen=True, eq=False)
class RestoreCitation(Operation):
    row: dict

    @property
    def label(self) -> str:
        return "Restore citation"

    def run(self, store: Store) -> Outcome:
        changes = editing.restore_citation(store, self.row)
        return Outcome(self.row, changes, expecting(store, RemoveCitation(self.row["id"]), items=[self.row["item_id"]]))


# -- targets and observations ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SetTarget(Operation):
    item_id: str
    target: dict | None

    @property
    def label(self) -> str:
        return "Set target" if self.target else "Clear target"

    def run(self, store: Store) -> Outcome:
        before, changes = editing.set_target(store, self.item_id, self.target)
        return Outcome(self.target, changes, expecting(store, SetTarget(self.item_id, before), items=[self.item_id]))


@dataclass(frozen=True, eq=False)
class AddObservation(Operation):
    item_id: str
    value: Any
    observed_on: str
    note: str = ""
    citation_id: str | None = None
    observation_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:
        return f"Observation {self.value}"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_observation(store, self.item_id, self.value, self.observed_on, self.note,
                                               self.citation_id, observation_id=self.observation_id)
        return Outcome(row, changes, expecting(store, RemoveObservation(self.observation_id), items=[self.item_id]))


@dataclass(frozen=True, eq=False)
class RemoveObservation(Operation):
    observation_id: str

    @property
    def label(self) -> str:
        return "Remove observation"

    def run(self, store: Store) -> Outcome:
        r, changes = editing.remove_observation(store, self.observation_id)
        return Outcome(r, changes, expecting(store, RestoreRecord("observations", r), items=[r["item_id"]]))


@dataclass(frozen=True, eq=False)
class RestoreRecord(Operation):
    """Put a removed observation or relation back exactly as it was (its id and created_at too)."""

    table: str
    row: dict

    @property
    def label(self) -> str:
        return "Restore observation" if self.table == "observations" else "Restore link"

    def run(self, store: Store) -> Outcome:
        r = self.row
        if self.table == "observations":
            store.require_item(r["item_id"])
            store.insert_observation(r)
            undo: Operation = RemoveObservation(r["id"])
            items = [r["item_id"]]
        else:
            store.require_item(r["from_id"])
            store.require_item(r["to_id"])
            store.insert_relation(r)
            items, undo = [r["from_id"], r["to_id"]], RemoveRelation(r["id"])
        return Outcome(r, Changes(items=frozenset(items)), expecting(store, undo, items=items))


# -- relations ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AddRelation(Operation):
    from_id: str
    to_id: str
    kind: str
    note: str = ""
    relation_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:
        return f"Link items ({self.kind.replace('_', ' ')})"

    def run(self, store: Store) -> Outcome:
        row, changes = editing.add_relation(store, self.from_id, self.to_id, self.kind, self.note,
                                            relation_id=self.relation_id)
        return Outcome(row, changes, expecting(store, RemoveRelation(self.relation_id),
                                               items=[self.from_id, self.to_id]))


@dataclass(frozen=True, eq=False)
class RemoveRelation(Operation):
    relation_id: str

    @property
    def label(self) -> str:
        return "Remove link"

    def run(self, store: Store) -> Outcome:
        r, changes = editing.remove_relation(store, self.relation_id)
        full = store_relation_row(r)
        return Outcome(r, changes, expecting(store, RestoreRecord("relations", full), items=[r["from_id"], r["to_id"]]))


def store_relation_row(r: dict) -> dict:
    return {k: r[k] for k in ("id", "from_id", "to_id", "kind", "note", "created_at") if k in r}


# -- frameworks --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CreateFramework(Operation):
    title: str
    actor: str | None = None
    description: str = ""
    framework_id: str = field(default_factory=new_id)

    @property
    def label(self) -> str:
        return f"New framework {_short(self.title)}"

    def run(self, store: Store) -> Outcome:
        fid, changes = editing.create_framework(store, self.title, self.actor, self.description,
                                                framework_id=self.framework_id)
        return Outcome(fid, changes, expecting(store, DeleteFramework(fid), frameworks=[fid]))


@dataclass(frozen=True, eq=False)
class DeleteFramework(Operation):
    """Delete an empty framework (one with items is refused by the service); undo puts back its row."""

    framework_id: str

    @property
    def label(self) -> str:
        return "Delete framework"

    def run(self, store: Store) -> Outcome:
        row = store.get_framework(self.framework_id)
        if row is None:
            raise NotFoundError("That framework no longer exists.")
        changes = editing.delete_framework(store, self.framework_id)
        return Outcome(row, changes, expecting(store, RestoreFramework(row), frameworks=[row["id"]]))


@dataclass(frozen=True, eq=False)
class RestoreFramework(Operation):
    row: dict

    @property
    def label(self) -> str:
        return "Restore framework"

    def run(self, store: Store) -> Outcome:
        store.insert_framework(self.row)  # the very row: id, texts and timestamps
        fid = self.row["id"]
        return Outcome(fid, Changes(frameworks=frozenset({fid}), structure=True),
                       expecting(store, DeleteFramework(fid), frameworks=[fid]))


# -- sources -------------------------------------------------------------------------------------------------
SOURCE_META = ("title", "kind", "publisher", "author", "event", "published_on", "url", "language")


@dataclass(frozen=True, eq=False)
class AddSource(Operation):
    """Store a source document (its text already read and checked); undo removes it if nobody cites it.

    original: the file it was read from, with its sha256 and pages (exchange.extract's
    Extracted.original()), for a PDF, Word, ODT or web page source; None for text."""

    text: str
    meta: dict
    source_id: str = field(default_factory=new_id)
    original: dict | None = None

    @property
    def label(self) -> str:
        return f"Add source {_short(self.meta.get('title', ''))}"

    def run(self, store: Store) -> Outcome:
        sid, changes = sources.add_source(store, self.text, source_id=self.source_id, original=self.original,
                                          **self.meta)
        return Outcome(sid, changes, expecting(store, RemoveSource(sid), sources_=[sid]))


@dataclass(frozen=True, eq=False)
class RemoveSource(Operation):
    source_id: str

    @property
    def label(self) -> str:
        return "Remove source"

    def run(self, store: Store) -> Outcome:
        row, changes = sources.remove_source(store, self.source_id)
        return Outcome(row, changes, expecting(store, RestoreSource(row), sources_=[row["id"]]))


@dataclass(frozen=True, eq=False)
class RestoreSource(Operation):
    row: dict

    @property
    def label(self) -> str:
        return "Restore source"

    def run(self, store: Store) -> Outcome:
        sid = sources.restore_source(store, self.row)  # the very row, imported_at included, and its file
        return Outcome(sid, Changes(sources=frozenset({sid})), expecting(store, RemoveSource(sid), sources_=[sid]))


# -- several changes as one step ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Sequence(Operation):
    """Several operations in one transaction, undone as one step, last first."""

    text: str
    ops: tuple[Operation, ...]

    @property
    def label(self) -> str:
        return self.text

    @property
    def records_review(self) -> bool:  # type: ignore[override]
        return all(op.records_review for op in self.ops)

    def run(self, store: Store) -> Outcome:
        changes, inverses, results = Changes(), [], []
        for op in self.ops:
            out = op.run(store)
            changes |= out.changes
            inverses.append(out.inverse)
            results.append(out.result)
        # one check for the whole step, against the file as the whole step left it
        expect = _merged_expectations([_expected(i) for i in inverses], store)
        inner = Sequence(f"Undo {self.text}", tuple(_unwrap(i) for i in reversed(inverses)))
        return Outcome(tuple(results), changes, Expecting(inner, expect))


def _merged_expectations(parts: list[dict], store: Store) -> dict:
    """The records any part's inverse expects, fingerprinted as the whole sequence left them."""
    items, fws, srcs = set(), set(), set()
    for p in parts:
        items |= set(p.get("items", {}))
        fws |= set(p.get("frameworks", {}))
        srcs |= set(p.get("sources", {}))
    return fingerprints(store, sorted(items), sorted(fws), sorted(srcs))


def track_new_item(fields: dict, source_id: str, start: int, end: int) -> Sequence:
    """A new item citing text[start:end] of a source: one step to undo."""
    create = CreateItem(fields)
    return Sequence(f"Track {_short(fields.get('title', ''))}",
                    (create, AddCitation(create.item_id, source_id, start, end)))


# -- imports ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ImportDocument(Operation):
    """Merge an exchange document (JSON, or a sheet made into one) into the file, undoably.

    `importer(store, doc, progress)` does the merge (jsonio.import_document, or the sheet's
    wrapper that names spreadsheet lines in its errors). `doc` may be a jsonio.Prepared: checked
    and its quotes placed before this runs (jsonio.prepare_import, off the write transaction and
    possibly off the window's thread), so the transaction only writes. Before it runs, what the
    merge can change of the records the document names is photographed; the inverse removes what
    the import added and puts back what it changed, and refuses if another window or program
    changed any of them since, or hung something of its own on what the import added.
    """

    doc: Any
    importer: Callable[..., Any]
    text: str = "Import"
    progress: Callable[[int, int], Any] | None = None
    expect: dict | None = None  # a redo expects the file as the undo left it

    @property
    def label(self) -> str:
        return self.text

    def run(self, store: Store) -> Outcome:
        if self.expect is not None:
            _check_import(store, self.doc, self.expect, "the import was not done again")
        before = _photograph(store, self.doc)
        decided = reviews.last_decision_seq(store)
        report = self.importer(store, self.doc, self.progress)
        after = _import_fingerprints(store, self.doc)
        changes = Changes(items=frozenset(after["items"]), frameworks=frozenset(after["frameworks"]),
                          sources=frozenset(after["sources"]), structure=True)
        # the review decisions the import wrote (its entries' states): undo takes them back too
        added = tuple(r["id"] for r in reviews.decisions_after(store, decided))
        return Outcome(report, changes, UndoImport(before, after, self.doc, self.importer, self.text, added))


@dataclass(frozen=True, eq=False)
class UndoImport(Operation):
    before: dict  # _photograph: the records as they were
    after: dict  # _import_fingerprints: the records as the import left them
    doc: Any
    importer: Callable[..., Any]
    text: str
    decisions: tuple[str, ...] = ()  # ids of the review decisions the import wrote

    @property
    def label(self) -> str:
        return f"Undo {self.text}"

    def run(self, store: Store) -> Outcome:
        _check_import(store, self.doc, self.after, "the import was not undone")
        b = self.before
        added = [iid for iid in self.after["items"] if iid not in b["items"]]
        _refuse_if_others_hang_on(store, added, self.after, b)
        for did in self.decisions:
            reviews.delete_decision(store, did)
        for rid in self.after["relations"]:
            if rid not in b["relations"]:
                store.delete_relation(rid)
        store.delete_items(added)  # their sub-records go with them; links to them were checked above
        for old in b["items"].values():
            _restore_item_state(store, old)
        for fid, old in b["frameworks"].items():
            if _framework_fp(store, fid) != (old["title"], old["actor"], old["description"]):
                store.update_framework(fid, {k: old[k] for k in ("title", "actor", "description", "updated_at")})
        for fid in self.after["frameworks"]:
            if fid not in b["frameworks"]:
                store.delete_framework(fid)
        for sid in self.after["sources"]:
            if sid not in b["sources"]:
                store.delete_source(sid)
        now_statuses = store.status_rows()
        for key, row in now_statuses.items():
            if key not in b["statuses"]:
                store.delete_unused_status(key)
            elif row != b["statuses"][key]:
                store.put_status(b["statuses"][key])
        changes = Changes(items=frozenset(self.after["items"]), frameworks=frozenset(self.after["frameworks"]),
                          sources=frozenset(self.after["sources"]), structure=True)
        redo = ImportDocument(self.doc, self.importer, self.text, expect=_import_fingerprints(store, self.doc))
        return Outcome(None, changes, redo)


def _ids(doc: Any, key: str) -> list[str]:
    doc = getattr(doc, "document", doc)  # a prepared import (jsonio.Prepared) holds the document as read
    rows = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        return []
    return [r["id"] for r in rows if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _framework_ids(store: Store, doc: Any, item_ids: list[str]) -> list[str]:
    """The document's frameworks, and those its items are in (a sheet names frameworks by title)."""
    fids = set(_ids(doc, "frameworks"))
    found = store.item_fingerprints(item_ids)
    fids |= {fp[0] for fp in found.values()}  # FINGERPRINT_FIELDS[0] is framework_id
    return sorted(fids)


def _import_fingerprints(store: Store, doc: Any) -> dict:
    """What every record the document names says now (absent ones left out), and the vocabulary."""
    items = store.item_fingerprints(_ids(doc, "items"))
    fws = {fid: fp for fid in _framework_ids(store, doc, list(items)) if (fp := _framework_fp(store, fid))}
    srcs = {sid: fp for sid in _ids(doc, "sources") if (fp := _source_fp(store, sid))}
    rels = {rid: tuple(row.values()) for rid in _ids(doc, "relations") if (row := store.get_relation(rid))}
    return {"items": items, "frameworks": fws, "sources": srcs, "relations": rels, "statuses": store.status_rows()}


def _check_import(store: Store, doc: Any, expect: dict, step: str) -> None:
    now = _import_fingerprints(store, doc)
    for table, label in (("items", "item"), ("frameworks", "framework"), ("sources", "source"),
                         ("relations", "link"), ("statuses", "status")):
        for rid in set(now[table]) | set(expect[table]):
            if now[table].get(rid) != expect[table].get(rid):
                row = (store.get_item(rid) if table == "items" else None) or {}
                what = _what(row) if row.get("title") else f"a {label} the import wrote"
                raise ConflictError(f"Another window or program changed {what} since; {step}.")


def _refuse_if_others_hang_on(store: Store, added: list[str], after: dict, before: dict) -> None:
    """Undoing must not take along what someone else attached to the import's records meanwhile."""
    for child in store.items_pointing_at(added):
        raise ConflictError(f"Another window or program placed {_what(child)} under an item the import added; "
                            f"the import was not undone.")
    added_set = set(added)
    for sid in after["sources"]:
        if sid in before["sources"]:
            continue
        for c in store.citations_for_source(sid):
            if c["item_id"] not in added_set:
                raise ConflictError(f"An item the import did not add now cites the source it added "
                                    f"(“{_short(c['source_title'])}”); the import was not undone.")
    in_framework: dict[str, int] = {}  # how many added items each framework holds: linear, not frameworks x items
    for iid in added:
        fid = after["items"][iid][0]  # FINGERPRINT_FIELDS[0] is framework_id (checked unchanged since)
        in_framework[fid] = in_framework.get(fid, 0) + 1
    for fid in after["frameworks"]:
        if fid in before["frameworks"]:
            continue
        others = [i for i in store.item_ids(framework_ids=[fid], limit=in_framework.get(fid, 0) + 1)
                  if i not in added_set]
        if others:
            raise ConflictError(f"Another window or program added items to the framework “"
                                f"{_short(after['frameworks'][fid][0])}” the import created; "
                                f"the import was not undone.")


def _photograph(store: Store, doc: Any) -> dict:
    """What undo needs to put back: every record the document names that the file already has."""
    have = sorted(store.existing_ids("items", _ids(doc, "items")))
    items = {}
    for iid in have:
        tree = store.item_tree(iid)
        assert tree is not None  # existing_ids just found it
        tree.pop("version", None)
        items[iid] = tree
    frameworks = {fid: row for fid in _framework_ids(store, doc, have) if (row := store.get_framework(fid))}
    srcs = {sid for sid in _ids(doc, "sources") if store.get_source(sid, with_text=False) is not None}
    rels = {rid for rid in _ids(doc, "relations") if store.get_relation(rid) is not None}
    return {"items": items, "frameworks": frameworks, "sources": srcs, "relations": rels,
            "statuses": store.status_rows()}


def _restore_item_state(store: Store, old: dict) -> None:
    """Put an item that existed before an import back as it was (fields and every sub-record)."""
    cur = store.item_tree(old["id"])
    assert cur is not None  # the import never deletes an item, and _check_import saw it unchanged
    fields = {k: old[k] for k in (*FINGERPRINT_FIELDS, "updated_at")}
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
