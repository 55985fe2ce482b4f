"""Automatic and manual backups of the open database, and restoring one.

The window calls `maybe_backup(store)` after opening a file and then every few minutes: a
backup is taken only when the file's content changed since the last one (a fingerprint kept in
app_meta), checked with quick_check, made 0600, and old ones are thinned (all of today, one a
day for a week, one a week for five weeks, one a month for a year).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

from ..core.model import PolicyTrackerError
from ..store import backups as files
from ..store import db as dbmod
from ..store.backups import (  # noqa: F401 (re-exported)
    BackupError,
    BackupInfo,
    folder_problem,
    list_backups,
    newest_good_backup,
)
from ..store.outputs import refuse_unsafe_output
from ..store.store import Store

FINGERPRINT_KEY = "last_backup_fingerprint"
TIMER_MINUTES = 30  # how often the window should call maybe_backup


def fingerprint(store: Store) -> str:
    """Changes whenever tracked content changes: the audit trail's newest id, the statuses, the schema."""
    audit = store.conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    statuses = "|".join(f"{s['key']}:{s['label']}:{s['description']}" for s in store.statuses())
    raw = f"{store.schema_version()}:{audit}:{statuses}"
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def backup_now(store: Store, dest: Path | str | None = None, *, now: dt.datetime | None = None) -> Path:
    """Write a checked backup now (into the backups folder, or to dest); return its path."""
    now = now or dt.datetime.now()
    if dest is not None:
        dest = Path(dest).expanduser()
        if dest.resolve() == store.path.resolve():
            raise PolicyTrackerError("A backup cannot overwrite the database it is a copy of.")
        refuse_unsafe_output(dest, "the backup")  # a device, pipe or folder is never replaced by a file
        return store.backup_to(dest)
    fp = fingerprint(store)
    # beside the file when that is a real folder; never into a `.backups` that is a link elsewhere
    folder = files.make_backup_dir(files.backup_dir(store.path))
    _remove_stale_partials(folder)
    path = store.backup_to(files.new_backup_path(store.path, now))
    if not store.readonly:
        try:
            with store.write(review=True):  # bookkeeping, not a record: a review copy keeps it too
                store.set_meta(FINGERPRINT_KEY, fp)
        except PolicyTrackerError:
            pass  # busy or full: the backup itself is whole; the next check simply backs up again
    files.thin(store.path, now)
    return path


def _remove_stale_partials(folder: Path, older_than_s: float = 600) -> None:
    """Delete `.partial` files left by a backup that was killed (another window's may be in progress)."""
    import time
    for p in folder.glob("*.partial"):
        try:
            st = p.lstat()
            if stat.S_ISREG(st.st_mode) and time.time() - st.st_mtime > older_than_s:
                p.unlink()
        except OSError:
            pass


def needs_backup(store: Store) -> bool:
    """True when the content changed since the last backup, or no backup exists."""
    if not list_backups(store.path):
        return True
    return store.get_meta(FINGERPRINT_KEY) != fingerprint(store)


def maybe_backup(store: Store, *, now: dt.datetime | None = None) -> Path | None:
    """Back up if the file changed since the last backup; return the new backup's path or None.

    Raises PolicyTrackerError (one sentence) when a needed backup could not be written.
    """
    if store.readonly or not needs_backup(store):
        return None
    return backup_now(store, now=now)


def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def _healthy(path: Path) -> bool:
    try:
        dbmod.inspect_file(path)
        return True
    except dbmod.DatabaseOpenError:
        return False


def _copy_private(src: Path, dest: Path) -> None:
    """Copy src's bytes to a new file dest that is 0600 from its first byte (never through a link)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    with open(fd, "wb") as out, open(src, "rb") as fh:
        os.fchmod(out.fileno(), 0o600)
        shutil.copyfileobj(fh, out)


def set_aside_path(db_path: Path, now: dt.datetime | None = None) -> Path:
    base = db_path.with_name(f"{db_path.name}.before-restore-{_stamp(now)}")
    path, n = base, 1
    while os.path.lexists(path) or os.path.lexists(f"{path}-wal") or os.path.lexists(f"{path}-journal"):
        path = base.with_name(f"{base.name}-{n}")
        n += 1
    return path


def _set_aside(db_path: Path, now: dt.datetime | None) -> tuple[Path | None, bool]:
    """Keep the current file as `<name>.before-restore-<stamp>` (0600): (where, whether it was healthy);
    (None, False) when there is no current file."""
    if not (db_path.exists() and db_path.stat().st_size > 0):
        return None, False
    aside = set_aside_path(db_path, now)
    healthy = _healthy(db_path)
    if healthy:
        src = dbmod.connect(db_path, readonly=True)
        try:
            dbmod.backup(src, aside)
        finally:
            src.close()
    else:  # damaged: keep its exact bytes (and any journal) for a later rescue
        _copy_private(db_path, aside)
        for suffix in ("-wal", "-journal"):
            extra = Path(f"{db_path}{suffix}")
            if extra.exists():
                _copy_private(extra, Path(f"{aside}{suffix}"))
    return aside, healthy


def restore_backup(backup_path: Path | str, db_path: Path | str, *, now: dt.datetime | None = None) -> Path | None:
    """Replace db_path's content with a checked backup; return where the previous file was kept.

    The backup is verified first. The current file is kept as `<name>.before-restore-<stamp>`
    (a consistent copy through the backup API when it is readable, else the damaged bytes as
    they are), then the backup is copied in through the backup API. Nothing is changed when
    the backup fails its check.
    """
    backup_path, db_path = Path(backup_path).expanduser(), Path(db_path).expanduser()
    files.verify_backup(backup_path)
    if backup_path.resolve() == db_path.resolve():
        raise BackupError("A backup cannot be restored onto itself.")
    source = dbmod.sqlite_connect(files.read_only_uri(backup_path), uri=True)
    try:
        # checked again inside the read transaction the copy is taken from, before anything is
        # touched: what is restored is what was checked, even if the file was swapped meanwhile
        source.execute("BEGIN")
        try:
            files.check_open_backup(source, backup_path)
        except sqlite3.DatabaseError as e:
            raise BackupError(f"The backup {backup_path.name} is damaged ({e}).") from None
        aside, healthy = _set_aside(db_path, now)
        if healthy:
            # through SQLite's locks, so a window that has the file open sees the restored content
            target = dbmod.connect(db_path)
            try:
                source.backup(target)
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as e:
                raise PolicyTrackerError(f"{db_path.name} is busy in another program; close it there and "
                                         f"restore again ({e}).") from None
            finally:
                target.close()
        else:
            tmp = db_path.with_name(db_path.name + ".restoring")
            tmp.unlink(missing_ok=True)
            dbmod.backup(source, tmp)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            os.replace(tmp, db_path)
    finally:
        source.close()
    os.chmod(db_path, 0o600)
    dbmod.inspect_file(db_path)
    return aside
