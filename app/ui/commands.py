"""The window's one adapter from operations (app/services/operations.py) to Qt's undo stack.

Undo lives below Qt: every change is an `Operation` whose run returns its inverse. An
`OperationCommand` only carries an operation onto the QUndoStack (after Anki's `CollectionOp`):
`Session.push` runs it once in `prepare` (so a refused change leaves no step to undo), `undo()`
runs the inverse that run returned, and `redo()` the inverse of that. A refusal during undo or
redo (another window changed the record since: the message names both values) marks the command
obsolete, which removes it from the stack: the stack never claims a step the file does not hold.

The functions named like commands (`EditItemFields`, `AddSource`, ...) build the operation and
its command in one call, for the widgets.
"""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Callable, cast

from PySide6 import QtCore, QtGui

from ..core.model import Changes, ConflictError, NotFoundError, PolicyTrackerError
from ..store.store import SavingStopped

if TYPE_CHECKING:
    from ..services import operations as ops
    from .session import Session

MERGE_EDIT_ID = 1001


def _ops():
    """app.services.operations, imported on first use: it costs ~20 ms, and nothing runs one at start-up."""
    from ..services import operations
    return operations


class OperationCommand(QtGui.QUndoCommand):
    """One operation on the undo stack; `outcome` is the latest run's, in either direction."""

    # the id of what the command creates or changes, set by the builder below that knows it
    item_id: str
    update_id: str
    citation_id: str
    observation_id: str
    relation_id: str
    source_id: str
    framework_id: str

    def __init__(self, session: "Session", op: ops.Operation, text: str | None = None):
        super().__init__(text or op.label)
        self.session = session
        self.op = op
        self.outcome: ops.Outcome | None = None
        self._undo_op: ops.Operation | None = None
        self._redo_op: ops.Operation = op
        self._ran_in_prepare = False
        self._skip = False  # the stack moves back over a step that could not run (see _run)
        self.finished_at = 0.0

    def prepare(self, session: "Session | None" = None) -> bool:
        """Run the change for the first time; on a refusal show why and return False."""
        try:
            self.outcome = _ops().perform(self.session.store, self.op)
        except SavingStopped as e:
            self.session.saving_stopped(str(e))
            return False
        except PolicyTrackerError as e:
            self.session.error(str(e))
            return False
        self._undo_op = self.outcome.inverse
        self._ran_in_prepare = True
        self.finished_at = time.monotonic()
        self.session.notify(self.outcome.changes)
        return True

    def redo(self) -> None:
        if self._ran_in_prepare:  # QUndoStack.push calls redo(); the change already ran
            self._ran_in_prepare = False
            return
        if self._skip:
            self._skip = False
            return
        out = self._run(self._redo_op, forward=True)
        if out is not None:
            self._undo_op = out.inverse

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        if self._undo_op is None:
            return
        out = self._run(self._undo_op, forward=False)
        if out is not None:
            self._redo_op = out.inverse

    def _run(self, op: ops.Operation, *, forward: bool) -> ops.Outcome | None:
        """Undo or redo; on a refusal the stack is kept truthful (the rules are History's too).

        Another program changed or deleted the records (ConflictError, NotFoundError): the step
        can never run again, so it leaves the stack. Anything else (the file is busy, saving
        stopped, an unexpected error): the step stays where it was, to try again; Qt has already
        moved the stack's index, so it is moved back at once without running anything.
        """
        try:
            out = _ops().perform(self.session.store, op)
        except (ConflictError, NotFoundError) as e:
            self.setObsolete(True)
            self.session.error(str(e))
            self.session.notify(Changes(structure=True))
            return None
        except Exception as e:  # noqa: BLE001 - whatever it was, nothing was written (one transaction)
            if isinstance(e, SavingStopped):
                self.session.saving_stopped(str(e))
            elif isinstance(e, PolicyTrackerError):
                self.session.error(str(e))
            else:
                logging.getLogger("policy_tracker").exception("undo/redo failed")
                self.session.error(f"That step could not be {'redone' if forward else 'undone'} "
                                   f"({type(e).__name__}: {e}); nothing was changed.")
            self._put_back(forward)
            return None
        self.outcome = out
        self.finished_at = time.monotonic()
        self.session.notify(out.changes)
        return out

    def _put_back(self, forward: bool) -> None:
        stack = self.session.undo_stack

        def back() -> None:
            self._skip = True
            (stack.undo if forward else stack.redo)()
        QtCore.QTimer.singleShot(0, stack, back)

    # typing into one field in several steps undoes as one step
    def id(self) -> int:  # noqa: A003 - Qt's name
        return MERGE_EDIT_ID if isinstance(self.op, _ops().EditItem) else -1

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Two edits of one field in a burst, with nothing in between, undo as one (operations.merge_edits)."""
        if not isinstance(other, OperationCommand) or self._undo_op is None or other._undo_op is None:
            return False
        merged = _ops().merge_edits(self._undo_op, other._undo_op, other.finished_at - self.finished_at)
        if merged is None:
            return False
        self._undo_op = merged
        self._redo_op = other._redo_op
        self.outcome = other.outcome
        self.finished_at = other.finished_at
        if merged.expect == merged.fields:
            self.setObsolete(True)
        return True


def _short(text: str, n: int = 40) -> str:
    return _ops()._short(text, n)


# -- builders the widgets call ----------------------------------------------------------------------
def EditItemFields(session: "Session", item_id: str, fields: dict, *,  # noqa: N802 - reads as a command
                   expected_version: int | None = None) -> OperationCommand:
    """Change fields of an item; refused if someone else saved it since `expected_version`
    (by default: the version read now, when the command is built)."""
    item = session.store.require_item(item_id)
    version = item["version"] if expected_version is None else expected_version
    cmd = OperationCommand(session, _ops().EditItem(item_id, dict(fields), expected_version=version))
    cmd.setText(f"{cmd.op.label} of {item['ref'] or _short(item['title'])}")
    cmd.item_id = item_id
    return cmd


def _reviewed(op: "ops.Operation", entry_id: str, review_state: str, author: str = "") -> "ops.Operation":
    """An entry made in the window, with its first review state (submitted, or draft): one undo step."""
    from ..services.review import with_state
    return with_state(op, entry_id, review_state, author)


def CreateItem(session: "Session", fields: dict, *, item_id: str | None = None,  # noqa: N802
               review_state: str = "submitted") -> OperationCommand:
    op = _ops().CreateItem(dict(fields), **({"item_id": item_id} if item_id else {}))
    cmd = OperationCommand(session, _reviewed(op, op.item_id, review_state, session.analyst))
    cmd.item_id = op.item_id
    return cmd


def DeleteItem(session: "Session", item_id: str) -> OperationCommand:  # noqa: N802
    """Delete an item; undo puts it back with its history, citations, target and links."""
    item = session.store.require_item(item_id)
    cmd = OperationCommand(session, _ops().DeleteItem(item_id), f"Delete {item['ref'] or _short(item['title'])}")
    cmd.item_id = item_id
    return cmd


def AddStatusUpdate(session: "Session", item_id: str, status: str, as_of: str | None,  # noqa: N802
                    note: str = "", author: str | None = None, review_state: str = "submitted", *,
                    citation_id: str | None = None) -> OperationCommand:
    op = _ops().AddStatusUpdate(item_id, status, as_of, note or "", session.analyst if author is None else author,
                                citation_id=citation_id or None)
    cmd = OperationCommand(session, _reviewed(op, op.update_id, review_state, op.author))
    cmd.update_id = op.update_id
    return cmd


def AddCitation(session: "Session", item_id: str, source_id: str, start: int, end: int,  # noqa: N802
                *, citation_id: str | None = None) -> OperationCommand:
    op = _ops().AddCitation(item_id, source_id, start, end, **({"citation_id": citation_id} if citation_id else {}))
    cmd = _Titled(session, op, lambda out: f"Cite “{_short(out.result['quote'], 30)}”")
    cmd.citation_id = op.citation_id
    return cmd


def RemoveCitation(session: "Session", citation_id: str) -> OperationCommand:  # noqa: N802
    return OperationCommand(session, _ops().RemoveCitation(citation_id))


def SetTarget(session: "Session", item_id: str, target: dict | None) -> OperationCommand:  # noqa: N802
    return OperationCommand(session, _ops().SetTarget(item_id, target))


def AddObservation(session: "Session", item_id: str, value: Any, observed_on: str, note: str = "",  # noqa: N802
                   citation_id: str | None = None, review_state: str = "submitted") -> OperationCommand:
    op = _ops().AddObservation(item_id, value, observed_on, note or "", citation_id)
    cmd = OperationCommand(session, _reviewed(op, op.observation_id, review_state, session.analyst))
    cmd.observation_id = op.observation_id
    return cmd


def RemoveObservation(session: "Session", observation_id: str) -> OperationCommand:  # noqa: N802
    return OperationCommand(session, _ops().RemoveObservation(observation_id))


def AddRelation(session: "Session", from_id: str, to_id: str, kind: str, note: str = "") -> OperationCommand:  # noqa: N802
    op = _ops().AddRelation(from_id, to_id, kind, note or "")
    cmd = OperationCommand(session, op)
    cmd.relation_id = op.relation_id
    return cmd


def RemoveRelation(session: "Session", relation_id: str) -> OperationCommand:  # noqa: N802
    return OperationCommand(session, _ops().RemoveRelation(relation_id))


def AddSource(session: "Session", text: str, original: dict | None = None, **meta) -> OperationCommand:  # noqa: N802
    """Store a source document (text already read and checked, with its original file when it was not
    plain text); undo removes it, file and pages included, if nobody cites it."""
    sid = meta.pop("source_id", None)
    op = _ops().AddSource(text, dict(meta), original=original, **({"source_id": sid} if sid else {}))
    cmd = OperationCommand(session, op)
    cmd.source_id = op.source_id
    return cmd


def CreateFramework(session: "Session", title: str, actor: str | None = None,  # noqa: N802
                    description: str = "") -> OperationCommand:
    op = _ops().CreateFramework(title, actor, description)
    cmd = OperationCommand(session, op)
    cmd.framework_id = op.framework_id
    return cmd


def Compound(session: "Session", text: str, parts: list[OperationCommand]) -> OperationCommand:  # noqa: N802
    """Several commands applied in one transaction and undone as one step (all or nothing)."""
    return OperationCommand(session, _ops().Sequence(text, tuple(p.op for p in parts)))


def track_new_item(session: "Session", fields: dict, source_id: str, start: int, end: int) -> OperationCommand:
    """A new item citing text[start:end] of a source: one step to undo."""
    op = _ops().track_new_item(dict(fields), source_id, start, end)
    item_id = cast("ops.CreateItem", op.ops[0]).item_id
    cmd = OperationCommand(session, _reviewed(op, item_id, "submitted", session.analyst))
    cmd.item_id = item_id
    cmd.citation_id = cast("ops.AddCitation", op.ops[1]).citation_id
    return cmd


def ImportDocument(session: "Session", doc: Any, importer: Callable[..., Any], label: str,  # noqa: N802
                   progress: Callable[[int, int], Any] | None = None) -> OperationCommand:
    """An import as one undoable step (undo removes what it added and puts back what it changed)."""
    return OperationCommand(session, _ops().ImportDocument(doc, importer, label, progress), label)


class _Titled(OperationCommand):
    """A command whose text is known only once it ran (e.g. the quoted words of a citation)."""

    def __init__(self, session: "Session", op: ops.Operation, title: Callable[[ops.Outcome], str]):
        super().__init__(session, op)
        self._title = title

    def prepare(self, session: "Session | None" = None) -> bool:
        ok = super().prepare(session)
        if ok and self.outcome is not None:
            self.setText(self._title(self.outcome))
        return ok


# -- structure: frameworks, parents, several items at once (app/services/structure_ops.py) ----------------
def _so():
    from ..services import structure_ops
    return structure_ops


def EditFramework(session: "Session", framework_id: str, fields: dict) -> OperationCommand:  # noqa: N802
    """Rename a framework or change its description or actor."""
    cmd = OperationCommand(session, _so().EditFramework(framework_id, dict(fields)))
    cmd.framework_id = framework_id
    return cmd


def DeleteFramework(session: "Session", framework_id: str, *, with_items: bool = False) -> OperationCommand:  # noqa: N802
    """Delete a framework (with_items: and every item in it); undo puts it all back."""
    fw = session.store.get_framework(framework_id)
    op = _so().DeleteFrameworkWithItems(framework_id) if with_items else _ops().DeleteFramework(framework_id)
    cmd = OperationCommand(session, op, f"Delete framework {_short(fw['title'] if fw else '', 30)}")
    cmd.framework_id = framework_id
    return cmd


def SetParent(session: "Session", item_id: str, parent_id: str | None) -> OperationCommand:  # noqa: N802
    cmd = OperationCommand(session, _so().SetParent(item_id, parent_id))
    cmd.item_id = item_id
    return cmd


def MoveUnder(session: "Session", item_ids: list[str], parent_id: str | None,  # noqa: N802
              framework_id: str | None = None) -> OperationCommand:
    """Cut and paste or drag: items (with what is below them) go under parent_id, or to the top level."""
    return _Titled(session, _so().MoveUnder(tuple(item_ids), parent_id, framework_id), lambda out: out.inverse.label)


def MoveToFramework(session: "Session", item_ids: list[str], framework_id: str) -> OperationCommand:  # noqa: N802
    return _Titled(session, _so().MoveToFramework(tuple(item_ids), framework_id), lambda out: out.inverse.label)


def SetStatusMany(session: "Session", item_ids: list[str], status: str, as_of: str | None,  # noqa: N802
                  note: str = "") -> OperationCommand:
    """One dated status update with the same note for every item: one undo step."""
    return OperationCommand(session, _so().set_status_many(item_ids, status, as_of, note or "", session.analyst))


def ChangeTags(session: "Session", item_ids: list[str], add=(), remove=()) -> OperationCommand:  # noqa: N802
    return OperationCommand(session, _so().ChangeTags(tuple(item_ids), tuple(add), tuple(remove)))


def DeleteItems(session: "Session", item_ids: list[str], children: str = "delete") -> OperationCommand:  # noqa: N802
    """Delete items, their sub-items deleted too ("delete") or moved up a level ("lift"): one undo step."""
    return OperationCommand(session, _so().DeleteItems(tuple(item_ids), children))
