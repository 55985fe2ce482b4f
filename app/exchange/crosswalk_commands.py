"""`policy-tracker crosswalk FRAMEWORK_A FRAMEWORK_B [--format csv|xlsx] -o FILE`.

Writes the crosswalk of two frameworks (app/exchange/crosswalk_export.py): A's items down the first
column, B's across the first row, each cell the relation kinds between the two. A framework is
named by its id or its title (ignoring case), as `policy-tracker framework` names them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.model import PolicyTrackerError

FORMATS = ("csv", "xlsx")  # crosswalk_export.FORMATS; that module is imported when the command runs


class CrosswalkError(PolicyTrackerError):
    pass


def resolve(store, name: str) -> dict:
    """The one framework whose id or title is `name` (store.hierarchy.framework_named)."""
    from ..store import hierarchy as H
    return H.framework_named(store, name)


def pair(store, name_a: str, name_b: str):
    """The crosswalk of two different frameworks named by id or title."""
    from ..store.crosswalk_queries import crosswalk
    a, b = resolve(store, name_a), resolve(store, name_b)
    if a["id"] == b["id"]:
        raise CrosswalkError(f"“{name_a}” and “{name_b}” are the same framework; a crosswalk needs two different ones.")
    return crosswalk(store.conn, a, b)


def cmd_crosswalk(args) -> int:
    from ..cli_support import open_store
    from ..store.outputs import refuse_unsafe_output
    from . import crosswalk_export
    out = Path(args.output).expanduser()
    fmt = args.format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and out.suffix.lower() != ".xlsx":
        raise CrosswalkError(f"{out.name}: an Excel crosswalk needs a file name ending in .xlsx.")
    refuse_unsafe_output(out, "the crosswalk")  # before the database is even opened
    if not out.parent.exists():
        raise CrosswalkError(f"The folder {out.parent} does not exist.")
    store = open_store(args)
    try:
        cw = pair(store, args.framework_a, args.framework_b)
        crosswalk_export.write(cw, out, fmt)
    finally:
        store.close()
    linked = sum(1 for v in cw.cells.values() if v)
    print(f"Wrote the crosswalk of {len(cw.rows)} × {len(cw.cols)} items ({linked} linked pairs) to {out}.",
          file=sys.stderr)
    return 0


def add_commands(sub, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("crosswalk", parents=[common],
                       help="write the crosswalk of two frameworks (items against items, the relation kinds "
                            "between them) as CSV or Excel",
                       description="A's items down the first column and B's across the first row, both as "
                                   "\"ref title\" in tree order; each cell holds the keys of the relation kinds "
                                   "between the two items (either direction), separated by \"; \".")
    s.add_argument("framework_a", metavar="FRAMEWORK_A", help="the rows' framework: its id or title")
    s.add_argument("framework_b", metavar="FRAMEWORK_B", help="the columns' framework: its id or title")
    s.add_argument("--format", choices=FORMATS, help="csv or xlsx (default: by the file's suffix)")
    s.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write")
    s.set_defaults(func=cmd_crosswalk)
