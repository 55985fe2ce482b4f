"""Helpers the sub-commands share (no Qt here, so feature modules below the UI may use them)."""
from __future__ import annotations

import sys
from pathlib import Path

from .core.model import PolicyTrackerError
from .paths import analyst_name, default_db_path


class CliError(PolicyTrackerError):
    pass


def db_path(args) -> Path:
    db = getattr(args, "db", None)
    return Path(db).expanduser() if db else default_db_path()


def open_store(args, *, create: bool = False, seed_if_new: bool = False):
    from .store.store import Store
    path = db_path(args)
    _refuse_non_file(path)
    new = not path.exists() or path.stat().st_size == 0
    if new and not create:
        raise CliError(f"There is no database at {path}; create one with `policy-tracker init --db {path}`.")
    if new and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path, create=True)
    store.author = analyst_name()  # audit_log records who made each change (paths.analyst_name)
    for warning in store.warnings:
        print(f"policy-tracker: warning: {warning}", file=sys.stderr)
    if new and seed_if_new:
        from .exchange.seeds import load_seeds
        load_seeds(store)
    if store.migration_backup:
        print(f"Upgraded {path.name}; the previous version was kept as {store.migration_backup.name}.",
              file=sys.stderr)
    return store


def _refuse_non_file(path: Path) -> None:
    """A --db that names a pipe, device or folder would hang or fail deep inside SQLite: say what it is."""
    import stat
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # missing: created (init) or reported as missing by the caller
    if stat.S_ISREG(mode):
        return
    what = ("a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    raise CliError(f"{path} is {what}, not a database file; give the path of a Policy Tracker file.")


def write_output(text: str, output: str | None) -> None:
    """Write to stdout, or atomically to a file (a crash never leaves half a file)."""
    if not output or output == "-":
        sys.stdout.write(text)
        return
    out = Path(output).expanduser()
    if not out.parent.exists():
        raise CliError(f"The folder {out.parent} does not exist.")
    from .exchange.atomic import write_atomically
    write_atomically(out, text, "the export")
