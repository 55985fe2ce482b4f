"""Where a database's backups live, how they are named, checked, listed and thinned.

Backups sit in a folder beside the database, `<db name>.backups/`, or, when that folder cannot
be written, in the user data folder under `backups/`. Each is a whole SQLite file written by the
backup API (never a copy of the live file), named by the local time it was taken.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from ..core.model import PolicyTrackerError
from ..paths import user_data_dir
from .guard import refuse_database_file
from .migrator import APP_ID, latest_version, schema_differences

STAMP_FORMAT = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"-(\d{8}-\d{6})(?:-(\d+))?\.sqlite$")


class BackupError(PolicyTrackerError):
    """A backup is missing, unreadable or fails its check."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    size: int


def beside_dir(db_path: Path) -> Path:
    db_path = Path(db_path).expanduser()
    return db_path.with_name(db_path.name + ".backups")


def fallback_dir(db_path: Path) -> Path:
    """The user-data folder used when the database's own folder cannot hold backups."""
    db_path = Path(db_path).expanduser().absolute()
    tag = hashlib.sha1(str(db_path).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return user_data_dir() / "backups" / f"{db_path.name}-{tag}.backups"


def writable(p: Path) -> bool:
    """Writable for us, and not marked read-only by its owner (root ignores the mode bits)."""
    try:
        mode = p.stat().st_mode
    except OSError:
        return False
    return os.access(p, os.W_OK) and bool(mode & stat.S_IWUSR)


def backup_dir(db_path: Path) -> Path:
    """Where new backups of db_path go: beside it if that folder is writable, else the user data folder."""
    here = beside_dir(db_path)
    if here.exists():
        return here if writable(here) else fallback_dir(db_path)
    return here if writable(Path(db_path).expanduser().parent) else fallback_dir(db_path)


def new_backup_path(db_path: Path, now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now()
    folder = backup_dir(db_path)
    stem = Path(db_path).stem
    path = folder / f"{stem}-{now.strftime(STAMP_FORMAT)}.sqlite"
    n = 1
    while path.exists():
        path = folder / f"{stem}-{now.strftime(STAMP_FORMAT)}-{n}.sqlite"
        n += 1
    return path


def _parse(path: Path) -> dt.datetime | None:
    m = _NAME.search(path.name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), STAMP_FORMAT)
    except ValueError:
        return None


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Finished backups of db_path, newest first (unfinished `.partial` files are never listed)."""
    out, seen = [], set()
    for folder in (beside_dir(db_path), fallback_dir(db_path)):
        if not folder.is_dir():
            continue
        for p in folder.glob("*.sqlite"):
            when = _parse(p)
            if when is None or p.resolve() in seen:
                continue
            seen.add(p.resolve())
            try:
                out.append(BackupInfo(p, when, p.stat().st_size))
            except OSError:
                continue
    out.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return out


def verify_backup(path: Path) -> int:
    """Check that path is a whole Policy Tracker file (quick_check); return its schema version."""
    path = Path(path)
    refuse_database_file(path, "restore from")
    if not path.is_file():
        raise BackupError(f"The backup {path} does not exist.")
    try:
        with open(path, "rb") as fh:
            if not fh.read(16).startswith(b"SQLite format 3"):
                raise BackupError(f"{path.name} is not a backup of a Policy Tracker database.")
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("PRAGMA trusted_schema = OFF")
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APP_ID:
                raise BackupError(f"{path.name} is not a backup of a Policy Tracker database.")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            foreign = schema_differences(conn, version) if version <= latest_version() else []
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"The backup {path.name} is damaged ({e}).") from None
    except OSError as e:
        raise BackupError(f"The backup {path.name} cannot be read: {e.strerror}.") from None
    if result != ["ok"]:
        raise BackupError(f"The backup {path.name} is damaged ({' '.join(' '.join(result).split())[:160]}).")
    if foreign:
        raise BackupError(f"The backup {path.name} has {foreign[0]}, so it is not a backup this app made; "
                          f"nothing was restored.")
    if version > latest_version():
        raise BackupError(f"The backup {path.name} was written by a newer Policy Tracker; "
                          f"update the app to restore it.")
    return version


def newest_good_backup(db_path: Path, *, limit: int = 10) -> BackupInfo | None:
    """The newest backup that passes its check (looking at no more than `limit` of them)."""
    for info in list_backups(db_path)[:limit]:
        try:
            verify_backup(info.path)
        except BackupError:
            continue
        return info
    return None


def keep_plan(stamps: list[dt.datetime], now: dt.datetime) -> set[dt.datetime]:
    """Which backup times to keep: all of today, then the newest of each day for 7 days, of each
    week for 5 weeks and of each month for 12 months (after Anki's and Time Machine's thinning)."""
    keep: set[dt.datetime] = set()
    today = now.date()
    buckets: dict[tuple, dt.datetime] = {}
    for t in sorted(stamps, reverse=True):
        age = (today - t.date()).days
        if age <= 0:
            keep.add(t)
            continue
        keys: list[tuple] = []
        if age <= 7:
            keys.append(("day", t.date()))
        if age <= 35:
            keys.append(("week", t.isocalendar()[:2]))
        if age <= 366:
            keys.append(("month", (t.year, t.month)))
        for k in keys:
            if k not in buckets:  # newest first, so the first seen is the newest in its bucket
                buckets[k] = t
                keep.add(t)
    if stamps:
        keep.add(max(stamps))  # never thin away the newest copy, however old
    return keep


def thin(db_path: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete backups the plan no longer keeps; return what was removed."""
    now = now or dt.datetime.now()
    infos = list_backups(db_path)
    keep = keep_plan([b.taken_at for b in infos], now)
    removed = []
    for b in infos:
        if b.taken_at in keep:
            continue
        try:
            b.path.unlink()
            removed.append(b.path)
        except OSError:
            pass
    return removed
