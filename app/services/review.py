"""Review: decisions on entries as undoable operations, the review copy, and merging a copy back.

A reviewer approves or returns (with a comment) each status update, observation or new item. A
decision is an operation (`Decide`, undone by `Undecide`), the only kind a review copy accepts
(Operation.records_review, enforced by Store.write). `make_review_copy` writes a copy of the
desk's file, pruned to some frameworks, that opens in review mode; `plan_import` reads the
decisions made in a copy and sorts them into those to merge and conflicts (an entry the desk
changed or withdrew since), and `MergeDecisions` writes them in one transaction, undoably.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..core import validation as v
from ..core.model import Changes, NotFoundError, PolicyTrackerError, ValidationError, new_id
from ..store import reviews as RV
from ..store.guard import refuse_database_file
from ..store.outputs import refuse_unsafe_output
from ..store.store import Store
from .operations import Operation, Outcome

STATES = RV.STATES
DECISION_STATES = ("approved", "returned")  # what a reviewer decides; draft and submitted are the desk's
KIND_LABELS = {"item": "item", "status_update": "status update", "observation": "observation"}
MAX_REVIEWER = 200
VERBS = {"approved": "Approve", "returned": "Return", "submitted": "Submit for review", "draft": "Mark as draft"}


def now_stamp() -> str:
    stamp = v.timestamp(dt.datetime.now(dt.timezone.utc).isoformat(), "at")
    assert stamp is not None
    return stamp


def clean_reviewer(name: str | None, *, required: bool) -> str:
    text = v.clean_text(name, "reviewer", limit=MAX_REVIEWER, single_line=True)
    if required and not text:
        raise ValidationError("A review decision needs the reviewer's name.", "reviewer")
    return text


# -- decisions as operations --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Decide(Operation):
    """Record a decision (approved, returned, submitted or draft) on one entry; undo takes it back."""

    entry_id: str
    state: str
    reviewer: str = ""
    comment: str = ""
    decision_id: str = field(default_factory=new_id)
    at: str | None = None  # a redo writes the very same decision

    records_review = True

    @property
    def label(self) -> str:
        return VERBS.get(self.state, "Review")

    def run(self, store: Store) -> Outcome:
        if self.state not in STATES:
            raise ValidationError(f"“{self.state}” is not a review state; use one of {', '.join(STATES)}.", "state")
        if store.review_copy is not None and self.state not in DECISION_STATES:
            raise ValidationError("In a review copy an entry can only be approved or returned.", "state")
        e = RV.entry(store, self.entry_id)
        if e is None:
            raise NotFoundError(f"No status update, observation or item has the id “{self.entry_id}”.")
        reviewer = clean_reviewer(self.reviewer, required=self.state in DECISION_STATES)
        comment = v.clean_text(self.comment, "comment")
        if self.state in DECISION_STATES and e["review_state"] == "draft":
            raise ValidationError("This entry is a draft: the desk has not submitted it for review yet.", "state")
        if self.state == "returned" and not comment.strip():
            raise ValidationError("Say in the comment what should change: a returned entry needs one.", "comment")
        row = {"id": self.decision_id, "entry_kind": e["kind"], "entry_id": e["id"], "item_id": e["item_id"],
               "state": self.state, "reviewer": reviewer, "at": self.at or now_stamp(), "comment": comment}
        RV.insert_decision(store, row)
        return Outcome(row, Changes(items=frozenset({e["item_id"]})), Undecide(self.decision_id))


@dataclass(frozen=True, eq=False)
class Undecide(Operation):
    """Take back one decision (undo): the entry's state is its latest decision left."""

    decision_id: str

    records_review = True

    @property
    def label(self) -> str:
        return "Take back review decision"

    def run(self, store: Store) -> Outcome:
        row = RV.get_decision(store, self.decision_id)
        if row is None:
            raise NotFoundError("That review decision is no longer in the file.")
        RV.delete_decision(store, self.decision_id)
        redo = Decide(row["entry_id"], row["state"], row["reviewer"], row["comment"], row["id"], row["at"])
        return Outcome(row, Changes(items=frozenset({row["item_id"]})), redo)


def with_state(op: Operation, entry_id: str, state: str, author: str = "") -> Operation:
    """A new entry's operation followed by its first review state (submitted, or draft), as one step."""
    from .operations import Sequence
    return Sequence(op.label + (" (draft)" if state == "draft" else ""), (op, Decide(entry_id, state, author)))


@dataclass(frozen=True, eq=False)
class MergeDecisions(Operation):
    """Write decisions brought back from a review copy (rows of reviews, ids and all); undo removes them."""

    rows: tuple[dict, ...]
    text: str = "Import review"

    @property
    def label(self) -> str:
        return self.text

    def run(self, store: Store) -> Outcome:
        have = RV.existing_decisions(store, [r["id"] for r in self.rows])
        for r in self.rows:
            if r["id"] not in have:
                RV.insert_decision(store, r)
        items = frozenset(r["item_id"] for r in self.rows)
        return Outcome(len(self.rows) - len(have), Changes(items=items), RemoveDecisions(self.rows, self.text))


@dataclass(frozen=True, eq=False)
class RemoveDecisions(Operation):
    rows: tuple[dict, ...]
    text: str = "Import review"

    @property
    def label(self) -> str:
        return f"Undo {self.text}"

    def run(self, store: Store) -> Outcome:
        for r in self.rows:
            RV.delete_decision(store, r["id"])
        return Outcome(None, Changes(items=frozenset(r["item_id"] for r in self.rows)),
                       MergeDecisions(self.rows, self.text))


# -- the review copy -------------------------------------------------------------------------------------
COPY_BASE_KEY = "review_copy_base"  # the highest decision seq at copy time: decisions after it are the reviewer's


def make_review_copy(store: Store, dest: Path | str, framework_ids: Iterable[str] | None = None) -> dict:
    """Write exactly `dest`: a copy of the file (of these frameworks only) that opens in review mode.

    Made through the backup API into `<dest>.making`, pruned, marked and compacted there, then
    renamed onto `dest`, so that an interrupted copy never leaves a half-made review copy.
    Returns {"path", "frameworks", "items", "awaiting"}.
    """
    dest = Path(dest).expanduser()
    if store.review_copy is not None:
        raise PolicyTrackerError("This file is itself a review copy; make review copies from the desk's file.")
    if dest.exists() and dest.resolve() == store.path.resolve():
        raise PolicyTrackerError("The review copy cannot be written over the file it is made from.")
    if not dest.parent.is_dir():
        raise PolicyTrackerError(f"The folder {dest.parent} does not exist.")
    refuse_unsafe_output(dest, "the review copy")  # a folder, device or pipe is never replaced
    refuse_database_file(dest, "write a review copy to")  # nor a file of a database open here
    fids = list(dict.fromkeys(framework_ids)) if framework_ids else None
    desk_id = RV.file_id(store)
    tmp = dest.with_name(dest.name + ".making")
    RV.remove_leftovers(tmp)
    store.backup_to(tmp)
    try:
        with Store(tmp, create=False) as copy:
            with copy.write():
                if fids is not None:
                    RV.prune_to_frameworks(copy, fids)
                base = RV.last_decision_seq(copy)
                RV.mark_copy(copy, of=desk_id, made_at=now_stamp(), desk_name=store.path.name,
                             new_file_id=uuid.uuid4().hex)
                copy.set_meta(COPY_BASE_KEY, str(base))
            RV.compact(copy)
            made = {"frameworks": len(copy.list_frameworks()), "items": copy.count_items(),
                    "awaiting": len(RV.awaiting(copy))}
        os.replace(tmp, dest)
    except BaseException:
        RV.remove_leftovers(tmp)
        raise
    return {"path": dest, **made}


# -- bringing decisions back ------------------------------------------------------------------------------
@dataclass
class Conflict:
    entry_id: str
    kind: str
    item_title: str
    decision: dict
    copy_text: str
    desk_text: str | None  # None: the desk withdrew the entry

    def describe(self) -> str:
        what = f"{KIND_LABELS[self.kind]} on “{_short(self.item_title)}”"
        desk = ("the desk withdrew it after the copy was made" if self.desk_text is None
                else "the desk changed it after the copy was made")
        said = f"{self.decision['reviewer']} {self.decision['state']} it"
        if self.decision["comment"]:
            said += f" (“{_short(self.decision['comment'], 80)}”)"
        lines = [f"{what}: {desk}; {said}, which was not merged.",
                 f"    in the copy: {_short(self.copy_text, 100)}",
                 f"    on the desk: {'(withdrawn)' if self.desk_text is None else _short(self.desk_text, 100)}"]
        return "\n".join(lines)


@dataclass
class ReviewImport:
    """What a review copy brings: the decisions to merge, conflicts, and decisions already merged."""

    copy_name: str
    merge: list[dict]
    conflicts: list[Conflict]
    already: int

    def per_reviewer(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for r in self.merge:
            d = out.setdefault(r["reviewer"] or "(no name)", {})
            d[r["state"]] = d.get(r["state"], 0) + 1
        return out

    def summary(self) -> str:
        if not self.merge:
            text = f"Nothing new: the decisions in {self.copy_name} are already in this file."
            if self.conflicts:
                text = (f"Nothing new to merge from {self.copy_name}; {_count(len(self.conflicts), 'conflict')} "
                        f"still stand{'s' if len(self.conflicts) == 1 else ''}:")
        else:
            text = f"Merged {_count(len(self.merge), 'review decision')} from {self.copy_name}:"
            for who, states in sorted(self.per_reviewer().items()):
                text += f"\n  {who}: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
            if self.conflicts:
                text += f"\n{_count(len(self.conflicts), 'conflict')} (not merged; the desk's entries are kept):"
        for c in self.conflicts:
            text += "\n  " + c.describe()
        return text


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _short(text: str, n: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def plan_import(desk: Store, copy_path: Path | str) -> ReviewImport:
    """Read a review copy's decisions and sort them against the desk's file (which is not written).

    Refuses (one sentence) a file that is not a review copy, or a copy made from another file.
    """
    copy_path = Path(copy_path).expanduser()
    if not copy_path.exists():
        raise PolicyTrackerError(f"There is no review copy at {copy_path}.")
    if copy_path.resolve() == desk.path.resolve():
        raise PolicyTrackerError("That is the file that is open; choose the review copy that came back.")
    if desk.review_copy is not None:
        raise PolicyTrackerError("This file is a review copy; import reviews into the desk's file.")
    with Store(copy_path, create=False) as copy:
        info = copy.review_copy
        if info is None:
            raise PolicyTrackerError(f"{copy_path.name} is not a review copy (it names no desk file it was made "
                                     f"from); nothing was imported.")
        if info["review_copy_of"] != RV.file_id(desk):
            raise PolicyTrackerError(f"{copy_path.name} was made from another file "
                                     f"({info.get('review_copy_desk_name') or 'not this one'}), not from "
                                     f"{desk.path.name}; nothing was imported.")
        base = int(copy.get_meta(COPY_BASE_KEY) or 0)
        made = RV.decisions_after(copy, base)
        have = RV.existing_decisions(desk, [d["id"] for d in made])
        fresh = [d for d in made if d["id"] not in have]
        merge, conflicts = [], []
        copy_entries = RV.entries(copy, {d["entry_id"] for d in fresh})
        desk_entries = RV.entries(desk, {d["entry_id"] for d in fresh})
        for d in sorted(fresh, key=lambda d: (d["at"], d["id"])):
            mine = RV.entry_content(desk, d["entry_kind"], d["entry_id"])
            theirs = RV.entry_content(copy, d["entry_kind"], d["entry_id"])
            if mine is not None and mine == theirs:
                merge.append(d)
                continue
            ce = copy_entries.get(d["entry_id"], {})
            de = desk_entries.get(d["entry_id"])
            conflicts.append(Conflict(d["entry_id"], d["entry_kind"], ce.get("item_title", ""), d,
                                      ce.get("text", ""), None if de is None else de["text"]))
    return ReviewImport(copy_path.name, merge, conflicts, len(have))
