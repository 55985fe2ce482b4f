"""Undoable commands: one per service call, each capturing what it needs to take itself back.

A command is built with the state it will change (after git-cola's `cola/cmds.py`), runs its
service once in `prepare` (called by `Session.push` before the command reaches the stack, so a
refused change leaves no step to undo), and afterwards `redo()` / `undo()` mirror each other,
reusing the same ids so a redone record is the same record. A service error shown during
undo or redo marks the command obsolete, which removes it from the stack: the stack never
claims a step the file does not hold.
"""
from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING

from PySide6 import QtGui

from ..core.model import Changes, PolicyTrackerError, new_id
from ..services import editing, sources
from ..store.store import SavingStopped

if TYPE_CHECKING:
    from .session import Session

MERGE_EDIT_ID = 1001


def _short(text: str, n: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


class ServiceCommand(QtGui.QUndoCommand):
    """Base: subclasses implement `apply()` and `revert()`, each returning the service's Changes."""

    def __init__(self, session: "Session", text: str):
        super().__init__(text)
        self.session = session
        self._ran_in_prepare = False

    # subclasses ---------------------------------------------------------------------------
    def apply(self) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    # the stack's side ----------------------------------------------------------------------
    def prepare(self, session: "Session | None" = None) -> bool:
        """Run the change for the first time; on a refusal show why and return False."""
        try:
            changes = self.apply()
        except SavingStopped as e:
            self.session.saving_stopped(str(e))
            return False
        except PolicyTrackerError as e:
            self.session.error(str(e))
            return False
        self._ran_in_prepare = True
        self.session.notify(changes)
        return True

    def redo(self) -> None:
        if self._ran_in_prepare:  # QUndoStack.push calls redo(); the change already ran
            self._ran_in_prepare = False
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, fn) -> None:
        try:
            changes = fn()
        except SavingStopped as e:
            self.setObsolete(True)
            self.session.saving_stopped(str(e))
            return
        except PolicyTrackerError as e:
            self.setObsolete(True)  # the stack drops it: it no longer describes the file
            self.session.error(str(e))
            self.session.notify(Changes(structure=True))
            return
        self.session.notify(changes)


# -- items --------------------------------------------------------------------------------------
class EditItemFields(ServiceCommand):
    """Change some fields of an item; refuses if someone else saved it since it was read."""

    def __init__(self, session: "Session", item_id: str, fields: dict, *, expected_version: int | None = None):
        item = session.store.require_item(item_id)
        names = ", ".join(k.replace("_id", "").replace("_", " ") for k in fields)
        super().__init__(session, f"Edit {names} of {item['ref'] or _short(item['title'])}")
        self.item_id = item_id
        self.new = dict(fields)
        self.old = {k: item.get(k) for k in fields}
        self.expected_version = item["version"] if expected_version is None else expected_version
        self._first = True

    def apply(self) -> Changes:
        # the first time, the whole row must be as read; on redo, the fields must be as undo left them
        if self._first:
            _, changes = editing.update_item(self.session.store, self.item_id, self.new, self.expected_version)
        else:
            _, changes = editing.update_item(self.session.store, self.item_id, self.new, expect_fields=self.old)
        self._first = False
        return changes

    def revert(self) -> Changes:
        # another program's later change to these fields is not silently undone
        _, changes = editing.update_item(self.session.store, self.item_id, self.old, expect_fields=self.new)
        return changes

    def id(self) -> int:  # noqa: A003 - Qt's name
        return MERGE_EDIT_ID

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Typing into one field in several steps undoes as one step."""
        if not isinstance(other, EditItemFields) or other.item_id != self.item_id or set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        if self.new == self.old:
            self.setObsolete(True)
        return True


class CreateItem(ServiceCommand):
    def __init__(self, session: "Session", fields: dict, *, item_id: str | None = None):
        super().__init__(session, f"New item {_short(fields.get('title', ''))}")
        self.fields = dict(fields)
        self.item_id = item_id or new_id()

    def apply(self) -> Changes:
        _, changes = editing.create_item(self.session.store, self.fields, item_id=self.item_id)
        return changes

    def revert(self) -> Changes:
        _, changes = editing.delete_item(self.session.store, self.item_id)
        return changes


class DeleteItem(ServiceCommand):
    """Delete an item; undo puts it back with its history, citations, target and links."""

    def __init__(self, session: "Session", item_id: str):
        item = session.store.require_item(item_id)
        super().__init__(session, f"Delete {item['ref'] or _short(item['title'])}")
        self.item_id = item_id
        self.snapshot: dict | None = None

    def apply(self) -> Changes:
        self.snapshot, changes = editing.delete_item(self.session.store, self.item_id)
        return changes

    def revert(self) -> Changes:
        return editing.restore_item(self.session.store, self.snapshot)


# -- status history -------------------------------------------------------------------------------
class AddStatusUpdate(ServiceCommand):
    def __init__(self, session: "Session", item_id: str, status: str, as_of: str | None, note: str = "",
                 author: str | None = None):
        super().__init__(session, f"Status update: {status.replace('_', ' ')}")
        self.item_id = item_id
        self.args = dict(status=status, as_of=as_of, note=note,
                         author=session.analyst if author is None else author)
        self.update_id = new_id()
        self.created_at: str | None = None
        self.previous_status: str | None = None

    def apply(self) -> Changes:
        row, changes = editing.add_status_update(self.session.store, self.item_id, update_id=self.update_id,
                                                 created_at=self.created_at, **self.args)
        self.created_at = row["created_at"]  # a redo re-adds the very same record
        if self.previous_status is None:
            self.previous_status = row["previous_status"]
        return changes

    def revert(self) -> Changes:
        _, changes = editing.remove_status_update(self.session.store, self.update_id, self.previous_status)
        return changes


# -- citations ----------------------------------------------------------------------------------------
class AddCitation(ServiceCommand):
    def __init__(self, session: "Session", item_id: str, source_id: str, start: int, end: int,
                 *, citation_id: str | None = None):
        super().__init__(session, "Cite passage")
        self.item_id, self.source_id, self.start, self.end = item_id, source_id, start, end
        self.citation_id = citation_id or new_id()

    def apply(self) -> Changes:
        row, changes = editing.add_citation(self.session.store, self.item_id, self.source_id, self.start, self.end,
                                            citation_id=self.citation_id)
        self.setText(f"Cite “{_short(row['quote'], 30)}”")
        return changes

    def revert(self) -> Changes:
        _, changes = editing.remove_citation(self.session.store, self.citation_id)
        return changes


class RemoveCitation(ServiceCommand):
    def __init__(self, session: "Session", citation_id: str):
        super().__init__(session, "Remove citation")
        self.citation_id = citation_id
        self.row: dict | None = None

    def apply(self) -> Changes:
        self.row, changes = editing.remove_citation(self.session.store, self.citation_id)
        return changes

    def revert(self) -> Changes:
        return editing.restore_citation(self.session.store, self.row)


# -- targets and observations ----------------------------------------------------------------------------
class SetTarget(ServiceCommand):
    def __init__(self, session: "Session", item_id: str, target: dict | None):
        super().__init__(session, "Set target" if target else "Clear target")
        self.item_id = item_id
        self.target = target
        self.before: dict | None = None
        self._captured = False

    def apply(self) -> Changes:
        before, changes = editing.set_target(self.session.store, self.item_id, self.target)
        if not self._captured:
            self.before, self._captured = before, True
        return changes

    def revert(self) -> Changes:
        _, changes = editing.set_target(self.session.store, self.item_id, self.before)
        return changes


class AddObservation(ServiceCommand):
    def __init__(self, session: "Session", item_id: str, value, observed_on: str, note: str = "",
                 citation_id: str | None = None):
        super().__init__(session, f"Observation {value}")
        self.item_id = item_id
        self.args = dict(value=value, observed_on=observed_on, note=note, citation_id=citation_id)
        self.observation_id = new_id()

    def apply(self) -> Changes:
        _, changes = editing.add_observation(self.session.store, self.item_id, observation_id=self.observation_id,
                                             **self.args)
        return changes

    def revert(self) -> Changes:
        _, changes = editing.remove_observation(self.session.store, self.observation_id)
        return changes


class RemoveObservation(ServiceCommand):
    def __init__(self, session: "Session", observation_id: str):
        super().__init__(session, "Remove observation")
        self.observation_id = observation_id
        self.row: dict | None = None

    def apply(self) -> Changes:
        self.row, changes = editing.remove_observation(self.session.store, self.observation_id)
        return changes

    def revert(self) -> Changes:
        r = self.row
        _, changes = editing.add_observation(self.session.store, r["item_id"], r["value"], r["observed_on"],
                                             r["note"], r["citation_id"], observation_id=r["id"])
        return changes


# -- relations ---------------------------------------------------------------------------------------------
class AddRelation(ServiceCommand):
    def __init__(self, session: "Session", from_id: str, to_id: str, kind: str, note: str = ""):
        super().__init__(session, f"Link items ({kind.replace('_', ' ')})")
        self.args = dict(from_id=from_id, to_id=to_id, kind=kind, note=note)
        self.relation_id = new_id()

    def apply(self) -> Changes:
        _, changes = editing.add_relation(self.session.store, relation_id=self.relation_id, **self.args)
        return changes

    def revert(self) -> Changes:
        _, changes = editing.remove_relation(self.session.store, self.relation_id)
        return changes


class RemoveRelation(ServiceCommand):
    def __init__(self, session: "Session", relation_id: str):
        super().__init__(session, "Remove link")
        self.relation_id = relation_id
        self.row: dict | None = None

    def apply(self) -> Changes:
        self.row, changes = editing.remove_relation(self.session.store, self.relation_id)
        return changes

    def revert(self) -> Changes:
        r = self.row
        _, changes = editing.add_relation(self.session.store, r["from_id"], r["to_id"], r["kind"], r["note"] or "",
                                          relation_id=r["id"])
        return changes


# -- sources -------------------------------------------------------------------------------------------------
class AddSource(ServiceCommand):
    """Store a source document (text already read and checked); undo removes it if nobody cites it."""

    def __init__(self, session: "Session", text: str, **meta):
        super().__init__(session, f"Add source {_short(meta.get('title', ''))}")
        self.text = text
        self.meta = meta
        self.source_id = meta.pop("source_id", None) or new_id()

    def apply(self) -> Changes:
        _, changes = sources.add_source(self.session.store, self.text, source_id=self.source_id, **self.meta)
        return changes

    def revert(self) -> Changes:
        _, changes = sources.remove_source(self.session.store, self.source_id)
        return changes


# -- several changes as one step ---------------------------------------------------------------------------
class Compound(ServiceCommand):
    """Several commands applied in one transaction and undone as one step (all or nothing)."""

    def __init__(self, session: "Session", text: str, parts: list[ServiceCommand]):
        super().__init__(session, text)
        self.parts = parts

    def apply(self) -> Changes:
        with self.session.store.write():
            return reduce(lambda a, b: a | b, (p.apply() for p in self.parts), Changes())

    def revert(self) -> Changes:
        with self.session.store.write():
            return reduce(lambda a, b: a | b, (p.revert() for p in reversed(self.parts)), Changes())


def track_new_item(session: "Session", fields: dict, source_id: str, start: int, end: int) -> Compound:
    """A new item citing text[start:end] of a source: one step to undo."""
    create = CreateItem(session, fields)
    cite = AddCitation(session, create.item_id, source_id, start, end)
    cmd = Compound(session, f"Track {_short(fields.get('title', ''))}", [create, cite])
    cmd.item_id = create.item_id
    cmd.citation_id = cite.citation_id
    return cmd
