"""`policy-tracker import-sheet FILE --framework TITLE`: a CSV or XLSX sheet into one framework.

The sheet is read, mapped and checked by app/exchange/sheets.py (every bad row is listed at once
on stderr, as `line N: what is wrong`, and nothing is written), then merged by jsonio's import in
one transaction, which also creates the framework when none has that title. `--dry-run` runs the
same import inside a transaction that is rolled back, so what it prints is what would happen.

The window imports the same plan's document through operations.ImportDocument, so there it is
one step on the undo stack; the command line has no undo history of its own.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.model import PolicyTrackerError
from ..paths import analyst_name, default_db_path

if TYPE_CHECKING:
    from . import sheets


class SheetCommandError(PolicyTrackerError):
    pass


class _DryRun(Exception):
    """Raised inside the write transaction to roll a dry run back."""


def _db(args) -> Path:
    db = getattr(args, "db", None)
    return Path(db).expanduser() if db else default_db_path()


def cmd_import_sheet(args) -> int:
    path = Path(args.file).expanduser()
    if not path.exists():
        raise SheetCommandError(f"{path} does not exist.")
    from ..store.store import Store
    from . import sheets  # here: the command line starts without the exchange code
    db = _db(args)
    new_db = not db.exists() or db.stat().st_size == 0
    if new_db and args.dry_run:
        raise SheetCommandError(f"There is no database at {db}; a dry run creates none.")
    if new_db and not db.parent.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
    store = Store(db, create=True)
    store.author = analyst_name()  # audit_log records who made each change
    try:
        for warning in store.warnings:
            print(f"policy-tracker: warning: {warning}", file=sys.stderr)
        plan = sheets.load(store, path, args.framework, sheet=args.sheet, maps=args.map or [])
        if plan.unmapped:
            print(f"policy-tracker: warning: {sheets.unmapped_sentence(plan.unmapped)}", file=sys.stderr)
        doc = plan.document()  # raises SheetRowsError listing every bad row
        run = sheets.importer(path.name, plan.lines())
        if args.dry_run:
            report = None
            try:
                with store.write():
                    report = run(store, doc)
                    raise _DryRun()
            except _DryRun:
                pass
            _print_dry_run(plan, report)
            return 0
        report = run(store, doc)
    finally:
        store.close()
    where = f"“{plan.framework_title}”" + (" (a new framework)" if plan.new_framework else "")
    print(f"Imported {path.name} into {where}. {report.summary()}")
    return 0


def _print_dry_run(plan: sheets.Plan, report) -> None:
    print(f"Dry run (nothing was written). {plan.summary()}")
    for r in plan.rows:
        if r.action == "add":
            print(f"  add     line {r.line}: {r.ref} {r.values.get('title', '')}".rstrip())
        elif r.action == "update":
            print(f"  update  line {r.line}: {r.ref} ({', '.join(r.changed)})")


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "import-sheet", parents=[common], help="import a CSV or XLSX sheet of items into one framework",
        description="Import the rows of a CSV or XLSX sheet as items of one framework (created when no framework "
                    "has that title). Columns headed by a field's name or label are read (ref, title, kind, "
                    "parent, status, due_on, description, actor, tags); --map reads a field from another "
                    "column. Every row needs a ref: importing the sheet again updates its items instead of "
                    "adding them twice. All rows are checked first; any bad row is listed and nothing is "
                    "written. XLSX formulas are never run: a formula cell gives the value saved with it.")
    s.add_argument("file", metavar="FILE", help="a .csv (UTF-8) or .xlsx file")
    s.add_argument("--framework", metavar="TITLE", required=True, help="the framework the items go into")
    s.add_argument("--sheet", metavar="NAME", help="the workbook's sheet to read (default: the first)")
    s.add_argument("--map", metavar="FIELD=COLUMN", action="append",
                   help="fill FIELD from the column headed COLUMN (repeatable), e.g. --map ref=Code")
    s.add_argument("--dry-run", action="store_true", help="print what would be added and updated; write nothing")
    s.set_defaults(func=cmd_import_sheet)
