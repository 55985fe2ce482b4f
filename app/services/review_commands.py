"""`policy-tracker review-copy`, `review` and `review-import`: offline review on the command line.

review-copy writes a review copy of the desk's file (--db) for a reviewer to take away; review
lists a copy's entries awaiting review, or records one decision in it; review-import merges a
copy's decisions back into the desk's file and says what each reviewer did. Each runs the
window's own operations (app/services/review.py) in one transaction.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.model import PolicyTrackerError
from ..paths import analyst_name
from ..store import reviews as RV
from .framework_commands import CliError, open_store, resolve

ACTIONS = {"approve": "approved", "return": "returned"}


def _open_file(path_text: str):
    """A file named on the command line (not --db): it must exist."""
    from ..store.store import Store
    path = Path(path_text).expanduser()
    if not path.exists():
        raise CliError(f"There is no file at {path}.")
    if path.is_dir():
        raise CliError(f"{path} is a folder, not a database file.")
    store = Store(path, create=False)
    store.author = analyst_name()  # audit_log records who made each change
    return store


def cmd_review_copy(args) -> int:
    from .review import make_review_copy
    out = Path(args.output).expanduser()
    store = open_store(args)
    try:
        fids = [resolve(store, name)["id"] for name in args.framework] if args.framework else None
        made = make_review_copy(store, out, fids)
    finally:
        store.close()
    print(f"Wrote the review copy {out}: {made['frameworks']} framework{'s' if made['frameworks'] != 1 else ''}, "
          f"{made['items']} item{'s' if made['items'] != 1 else ''}, {made['awaiting']} "
          f"entr{'ies' if made['awaiting'] != 1 else 'y'} awaiting review.")
    return 0


def cmd_review(args) -> int:
    from . import operations
    from .review import Decide
    if args.list:
        if args.entry or args.action:
            raise CliError("Give either --list or an entry and approve|return, not both.")
    elif not (args.entry and args.action):
        raise CliError("Give --list, or an entry id followed by approve or return.")
    elif args.action not in ACTIONS:
        raise CliError(f"“{args.action}” is not a decision; write approve or return.")
    elif args.json:
        raise CliError("--json goes with --list.")
    store = _open_file(args.file)
    try:
        if args.list:
            rows = RV.awaiting(store)
            if args.json:
                keys = ("id", "kind", "item_id", "item_title", "text", "review_state")
                sys.stdout.write(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=1)
                                 + "\n")
            else:
                for r in rows:
                    print(f"{r['id']}  {r['kind']:<13}  {r['item_title']}: {r['text']}")
                if not rows:
                    print("No entry is awaiting review.", file=sys.stderr)
            return 0
        if args.reviewer is None:
            raise CliError("Give the reviewer's name with --reviewer NAME.")
        state = ACTIONS[args.action]
        row = operations.perform(store, Decide(args.entry, state, args.reviewer, args.comment or "")).result
    finally:
        store.close()
    entry_kind = row["entry_kind"].replace("_", " ")
    print(f"{'Approved' if state == 'approved' else 'Returned'} the {entry_kind} {row['entry_id']}"
          + (f" with the comment “{row['comment']}”." if row["comment"] else "."))
    return 0


def cmd_review_import(args) -> int:
    from . import operations
    from .review import MergeDecisions, plan_import
    store = open_store(args)
    try:
        plan = plan_import(store, args.file)
        if plan.merge:
            operations.perform(store, MergeDecisions(tuple(plan.merge), f"Import review {Path(args.file).name}"))
    finally:
        store.close()
    print(plan.summary())
    return 0


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("review-copy", parents=[common],
                       help="write a review copy of the database (--db) for a reviewer to take away",
                       description="Write exactly FILE: a copy of the database, of some frameworks only if you "
                                   "name them, that opens in review mode (`policy-tracker --review FILE`). "
                                   "Everything in it can be read, searched and printed; only review decisions "
                                   "can be made. Bring them back with `policy-tracker review-import FILE`.")
    s.add_argument("-o", "--output", metavar="FILE", required=True, help="the review copy to write")
    s.add_argument("--framework", metavar="ID|TITLE", action="append",
                   help="a framework to include (repeat for several; default: all)")
    s.set_defaults(func=cmd_review_copy)
    s = sub.add_parser("review", parents=[common],
                       help="list the entries awaiting review in FILE, or approve or return one",
                       description="FILE is a review copy (or a desk file). ENTRY_ID is the id of a status "
                                   "update, observation or item, as --list and the export show it.")
    s.add_argument("file", metavar="FILE")
    s.add_argument("entry", metavar="ENTRY_ID", nargs="?")
    s.add_argument("action", metavar="approve|return", nargs="?")
    s.add_argument("--list", action="store_true", help="list the entries awaiting review")
    s.add_argument("--json", action="store_true", help="with --list: one JSON array, ids in full")
    s.add_argument("--reviewer", metavar="NAME", help="who decides (required for a decision)")
    s.add_argument("--comment", metavar="TEXT", help="what the desk should know or change")
    s.set_defaults(func=cmd_review)
    s = sub.add_parser("review-import", parents=[common],
                       help="merge the decisions of a review copy into the database (--db)",
                       description="Merge by id, in one transaction, the decisions made in a review copy of "
                                   "this database, and say what each reviewer did. An entry the desk changed or "
                                   "withdrew since the copy was made is a conflict: shown, never overwritten.")
    s.add_argument("file", metavar="FILE")
    s.set_defaults(func=cmd_review_import)


def refuse_unless_review_copy(path: Path) -> None:
    """For `policy-tracker --review FILE`: FILE must be a review copy."""
    store = _open_file(str(path))
    try:
        if store.review_copy is None:
            raise PolicyTrackerError(f"{path} is not a review copy; open it without --review, or make one with "
                                     f"`policy-tracker review-copy`.")
    finally:
        store.close()
