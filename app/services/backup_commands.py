"""`policy-tracker backup` and `policy-tracker restore`: the backup service on the command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.model import PolicyTrackerError
from ..paths import default_db_path
from ..store.outputs import refuse_unsafe_output
from . import backups


class BackupCommandError(PolicyTrackerError):
    pass


def _db(args) -> Path:
    db = getattr(args, "db", None)
    return Path(db).expanduser() if db else default_db_path()


def cmd_backup(args) -> int:
    from ..store.store import Store
    path = _db(args)
    if not path.exists():
        raise BackupCommandError(f"There is no database at {path} to back up.")
    if args.output:  # a device, pipe or folder is refused before the database is even opened
        refuse_unsafe_output(args.output, "the backup")
    store = Store(path, create=False)
    try:
        dest = backups.backup_now(store, args.output)
    finally:
        store.close()
    if not args.output:
        _warn_folder(path)
    print(f"Backed up {path.name} to {dest}.")
    return 0


def _warn_folder(db: Path) -> None:
    problem = backups.folder_problem(db)
    if problem:
        print(f"policy-tracker: warning: {problem}", file=sys.stderr)


def _resolve(name: str, db: Path) -> Path:
    infos = backups.list_backups(db)
    if name == "latest":
        newest = backups.newest_good_backup(db)
        if newest is None:
            raise BackupCommandError(f"There is no good backup of {db.name} to restore.")
        return newest.path
    given = Path(name).expanduser()
    if given.exists():
        return given
    for b in infos:
        if b.path.name == name:
            return b.path
    raise BackupCommandError(f"There is no backup called {name}; `policy-tracker restore --list` shows them.")


def cmd_restore(args) -> int:
    db = _db(args)
    _warn_folder(db)  # a `.backups` that is a link elsewhere is ignored: say so before listing or choosing
    if args.list or not args.backup:
        infos = backups.list_backups(db)
        if not infos:
            print(f"There are no backups of {db}.")
        for b in infos:
            print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.size / 1024:9.0f} KB  {b.path}")
        if not args.list and infos:
            print("Name one of these (or `latest`) to restore it.", file=sys.stderr)
        return 0
    src = _resolve(args.backup, db)
    aside = backups.restore_backup(src, db)
    print(f"Restored {db} from {src.name}."
          + (f" The previous file was kept as {aside}." if aside else ""))
    return 0


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("backup", parents=[common], help="write a checked backup of the database now",
                       description="Write a checked copy of the database into its backups folder "
                                   "(<db>.backups/ beside it), or to FILE.")
    s.add_argument("-o", "--output", metavar="FILE", help="write the backup to FILE instead")
    s.set_defaults(func=cmd_backup)
    s = sub.add_parser("restore", parents=[common], help="list backups, or replace the database with one",
                       description="Replace the database with a backup. The current file is kept beside it as "
                                   "<name>.before-restore-<time>.")
    s.add_argument("--list", action="store_true", help="list the backups, newest first")
    s.add_argument("backup", nargs="?", metavar="BACKUP", help="a backup's file name, path, or `latest`")
    s.set_defaults(func=cmd_restore)
