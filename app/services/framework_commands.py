"""`policy-tracker framework add|rename|describe|delete|list`: frameworks on the command line.

Each runs the window's own operation (app/services/operations.py, structure_ops.py) in one
transaction, so the rules and messages are the window's. A framework is named by its id or its
title (ignoring case); a title that names none or several is one sentence and exit code 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.model import PolicyTrackerError
from ..paths import analyst_name, default_db_path
from ..store import hierarchy as H


class CliError(PolicyTrackerError):
    pass


def open_store(args, *, create: bool = False):
    """The database of --db (or the default), as every command opens it; a missing file is one
    sentence unless `create`. (app.cli_support does the same, but it reaches app.exchange, which a
    service may not import.)"""
    from ..store.store import Store
    db = getattr(args, "db", None)
    path = Path(db).expanduser() if db else default_db_path()
    new = not path.exists() or path.stat().st_size == 0
    if new and not create:
        raise CliError(f"There is no database at {path}; create one with `policy-tracker init --db {path}`.")
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path, create=True)
    store.author = analyst_name()  # audit_log records who made each change (paths.analyst_name)
    for warning in store.warnings:
        print(f"policy-tracker: warning: {warning}", file=sys.stderr)
    if store.migration_backup:
        print(f"Upgraded {path.name}; the previous version was kept as {store.migration_backup.name}.",
              file=sys.stderr)
    return store


def resolve(store, name: str) -> dict:
    """The one framework whose id or title is `name` (store.hierarchy.framework_named)."""
    return H.framework_named(store, name)


def _perform(store, op):
    from . import operations
    return operations.perform(store, op)


def cmd_add(args) -> int:
    from .operations import CreateFramework
    store = open_store(args, create=True)
    try:
        fid = _perform(store, CreateFramework(args.title, args.actor, args.description or "")).result
    finally:
        store.close()
    print(f"Added framework {fid}.")
    return 0


def cmd_rename(args) -> int:
    from .structure_ops import EditFramework
    store = open_store(args)
    try:
        fw = resolve(store, args.framework)
        _perform(store, EditFramework(fw["id"], {"title": args.new_title}))
    finally:
        store.close()
    print(f"Renamed “{fw['title']}” to “{' '.join(args.new_title.split())}”.")
    return 0


def cmd_describe(args) -> int:
    from .structure_ops import EditFramework
    fields = {k: getattr(args, k) for k in ("description", "actor") if getattr(args, k) is not None}
    if not fields:
        raise CliError("Give --description or --actor (or both) to change.")
    store = open_store(args)
    try:
        fw = resolve(store, args.framework)
        _perform(store, EditFramework(fw["id"], fields))
    finally:
        store.close()
    print(f"Changed the {' and '.join(sorted(fields))} of “{fw['title']}”.")
    return 0


def cmd_delete(args) -> int:
    from .operations import DeleteFramework
    from .structure_ops import DeleteFrameworkWithItems
    store = open_store(args)
    try:
        fw = resolve(store, args.framework)
        n = H.framework_item_count(store.conn, fw["id"])
        if n and not args.with_items:
            raise CliError(f"The framework “{fw['title']}” has {n} item{'s' if n != 1 else ''}; "
                           f"add --with-items to delete {'them' if n != 1 else 'it'} with it.")
        _perform(store, DeleteFrameworkWithItems(fw["id"]) if n else DeleteFramework(fw["id"]))
    finally:
        store.close()
    print(f"Deleted the framework “{fw['title']}”" + (f" and its {n} item{'s' if n != 1 else ''}." if n else "."))
    return 0


def cmd_list(args) -> int:
    store = open_store(args)
    try:
        rows = store.list_frameworks()
        counts = {f["id"]: H.framework_item_count(store.conn, f["id"]) for f in rows}
    finally:
        store.close()
    for f in rows:
        print(f"{f['id']}  {counts[f['id']]:>6} items  {f['title']}")
    return 0


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("framework", parents=[common], help="add, rename, describe, delete or list frameworks",
                       description="Frameworks group the items of one text or plan. FRAMEWORK is an id or a title "
                                   "(ignoring case).")
    fsub = p.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    s = fsub.add_parser("add", parents=[common], help="add a framework")
    s.add_argument("title", metavar="TITLE")
    s.add_argument("--actor", help="who stated it (a government, a ministry...)")
    s.add_argument("--description", help="what the framework is, in a sentence or two")
    s.set_defaults(func=cmd_add)
    s = fsub.add_parser("rename", parents=[common], help="give a framework a new title")
    s.add_argument("framework", metavar="FRAMEWORK", help="its id or title")
    s.add_argument("new_title", metavar="NEW")
    s.set_defaults(func=cmd_rename)
    s = fsub.add_parser("describe", parents=[common], help="change a framework's description or actor")
    s.add_argument("framework", metavar="FRAMEWORK", help="its id or title")
    s.add_argument("--description")
    s.add_argument("--actor")
    s.set_defaults(func=cmd_describe)
    s = fsub.add_parser("delete", parents=[common], help="delete a framework (with --with-items, its items too)")
    s.add_argument("framework", metavar="FRAMEWORK", help="its id or title")
    s.add_argument("--with-items", action="store_true", help="also delete every item in it")
    s.set_defaults(func=cmd_delete)
    s = fsub.add_parser("list", parents=[common], help="list frameworks: id, number of items, title")
    s.set_defaults(func=cmd_list)
