"""Where a database's backups live, how they are named, checked, listed and thinned.

Backups sit in a folder beside the database, `<db name>.backups/`, or, when that folder cannot
be written, in the user data folder under `backups/`. Each is a whole SQLite file written by the
backup API (never a copy of the live file), named `<db stem>-YYYYMMDD-HHMMSS[-n].sqlite` by the
local time it was taken.

A database's backups are its own only. A file in the folder counts as one of them only when its
name is exactly this database's stem and a time, and only when it is a regular file (a link to a
file elsewhere is skipped). The folder beside the database counts only when it is a real folder:
when `<db name>.backups` is a symlink (say, to another database's backups folder, in a bundle of
files someone sent) or not a folder at all, nothing is written, listed or thinned there; new
backups go to the user-data folder instead and `folder_problem()` says so in one sentence.
Deleting goes through a descriptor of the folder opened with O_NOFOLLOW, so a folder swapped for a
link after it was listed is never thinned either.
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
from .connections import sqlite_connect
from .guard import refuse_database_file
from .migrator import APP_ID, check_history, latest_version, schema_differences
from .outputs import not_a_file

STAMP_FORMAT = "%Y%m%d-%H%M%S"
_NAME = r"-(\d{8}-\d{6})(?:-(\d+))?\.sqlite"  # after the database's stem: the whole name, nothing else
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


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


def _not_a_folder(folder: Path) -> str | None:
    """Why `folder` may not hold backups ("is a link ...", "is not a folder"), or None when it is a
    real folder or does not exist yet. Never follows a link."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot be read ({e.strerror})"
    if stat.S_ISLNK(mode):
        return "is a link to another place, not a folder of its own"
    if not stat.S_ISDIR(mode):
        return "is not a folder"
    return None


def folder_problem(db_path: Path) -> str | None:
    """One sentence when the folder beside db_path cannot be trusted with its backups, else None."""
    here = beside_dir(db_path)
    why = _not_a_folder(here)
    if why is None:
        return None
    return (f"{here} {why}, so backups of {Path(db_path).name} are not written, listed or thinned there; "
            f"they are kept in {fallback_dir(db_path)} instead.")


def backup_dir(db_path: Path) -> Path:
    """Where new backups of db_path go: beside it if that folder is a real, writable folder (or
    can be made), else the user data folder."""
    here = beside_dir(db_path)
    if _not_a_folder(here) is not None:
        return fallback_dir(db_path)
    if here.exists():
        return here if writable(here) else fallback_dir(db_path)
    return here if writable(Path(db_path).expanduser().parent) else fallback_dir(db_path)


def make_backup_dir(folder: Path) -> Path:
    """Create `folder` (0700) if needed and check that it is a real folder, not a link; return it."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        fd = os.open(folder, _DIR_FLAGS)  # refuses a link, whatever it points to
    except OSError as e:
        if _not_a_folder(folder):
            raise BackupError(f"The backups folder {folder} {_not_a_folder(folder)}, so no backup was written "
                              f"there.") from None
        raise BackupError(f"The backups folder {folder} cannot be created: {e.strerror}.") from None
    try:
        os.fchmod(fd, 0o700)
    except OSError:
        pass  # not ours to change (a shared folder someone set up): the backups themselves are 0600
    finally:
        os.close(fd)
    return folder


def new_backup_path(db_path: Path, now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now()
    folder = backup_dir(db_path)
    stem = Path(db_path).stem
    path = folder / f"{stem}-{now.strftime(STAMP_FORMAT)}.sqlite"
    n = 1
    while os.path.lexists(path):
        path = folder / f"{stem}-{now.strftime(STAMP_FORMAT)}-{n}.sqlite"
        n += 1
    return path


def _name_pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(Path(db_path).stem) + _NAME)


def _parse(name: str, pattern: re.Pattern[str]) -> dt.datetime | None:
    m = pattern.fullmatch(name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), STAMP_FORMAT)
    except ValueError:
        return None


def _folders(db_path: Path) -> list[Path]:
    """The folders that may hold db_path's backups and are real folders (never a link)."""
    out = []
    for folder in (beside_dir(db_path), fallback_dir(db_path)):
        if _not_a_folder(folder) is None and folder not in out:
            out.append(folder)
    return out


def _own_backups(folder: Path, pattern: re.Pattern[str]) -> list[tuple[str, dt.datetime, os.stat_result]]:
    """(name, time, lstat) of each regular file in folder named as one of this database's backups.

    The folder is read through a descriptor opened with O_NOFOLLOW, so a link put in its place is
    not followed; entries that are links, folders, pipes or devices are skipped."""
    try:
        fd = os.open(folder, _DIR_FLAGS)
    except OSError:
        return []
    out = []
    try:
        with os.scandir(fd) as entries:
            for entry in entries:
                when = _parse(entry.name, pattern)
                if when is None:
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    out.append((entry.name, when, st))
    except OSError:
        return []
    finally:
        os.close(fd)
    return out


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Finished backups of db_path, newest first (unfinished `.partial` files are never listed).

    Only files named `<db stem>-YYYYMMDD-HHMMSS[-n].sqlite`, only regular files (not links), and
    only from real folders: a `<db name>.backups` that is a link is not read at all."""
    out: list[BackupInfo] = []
    seen: set[tuple[int, int]] = set()
    pattern = _name_pattern(db_path)
    for folder in _folders(db_path):
        for name, when, st in _own_backups(folder, pattern):
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            out.append(BackupInfo(folder / name, when, st.st_size))
    out.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return out


def read_only_uri(path: Path) -> str:
    """A read-only URI for a backup or a file someone gave us. With no `-wal` or `-shm` beside it the
    file is read as immutable, so checking it leaves no `-wal`/`-shm` of ours beside someone's file
    (a file in WAL mode opened plainly read-only gets both)."""
    path = Path(path)
    alone = not os.path.lexists(f"{path}-wal") and not os.path.lexists(f"{path}-shm")
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if alone else "")


def verify_backup(path: Path) -> int:
    """Check that path is a whole Policy Tracker file (quick_check); return its schema version."""
    path = Path(path)
    refuse_database_file(path, "restore from")
    kind = not_a_file(path)
    if kind is not None:  # never opened: a pipe would hang us, a device would be read forever
        raise BackupError(f"{path} is {kind}, not a backup file; nothing was restored.")
    if not path.is_file():
        raise BackupError(f"The backup {path} does not exist.")
    try:
        # O_NONBLOCK: should the name have become a pipe since the check above, opening it does not hang
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)), "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise BackupError(f"{path} is not a regular file, so it is not a backup; nothing was restored.")
            if not fh.read(16).startswith(b"SQLite format 3"):
                raise BackupError(f"{path.name} is not a backup of a Policy Tracker database.")
        conn = sqlite_connect(read_only_uri(path), uri=True)
        try:
            return check_open_backup(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"The backup {path.name} is damaged ({e}).") from None
    except OSError as e:
        raise BackupError(f"The backup {path.name} cannot be read: {e.strerror}.") from None


def _refused(sentence: str) -> BackupError:
    return BackupError(sentence.replace("; the file was not changed.", "; nothing was restored."))


def check_open_backup(conn: sqlite3.Connection, path: Path) -> int:
    """The checks of verify_backup on an open read-only connection to path; return its schema version.

    restore_backup runs them again on the very connection it copies from, inside the read
    transaction of the copy, so what is restored is what was checked even if the file was swapped
    after verify_backup looked at it. Nothing of the file runs: trusted_schema is off and only
    pragmas and sqlite_master are read. Raises BackupError (one sentence) or sqlite3.DatabaseError."""
    path = Path(path)
    conn.execute("PRAGMA trusted_schema = OFF")  # nothing of a file not yet checked may run
    if conn.execute("PRAGMA application_id").fetchone()[0] != APP_ID:
        raise BackupError(f"{path.name} is not a backup of a Policy Tracker database.")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > latest_version():
        raise BackupError(f"The backup {path.name} was written by a newer Policy Tracker; "
                          f"update the app to restore it.")
    result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if result != ["ok"]:
        raise BackupError(f"The backup {path.name} is damaged ({' '.join(' '.join(result).split())[:160]}).")
    foreign = schema_differences(conn, version)
    if foreign:
        raise BackupError(f"The backup {path.name} has {foreign[0]}, so it is not a backup this app made; "
                          f"nothing was restored.")
    # the steps it records must be the ones this release ships, or it could not be opened once restored
    check_history(conn, f"The backup {path.name}", refused=_refused, too_new=_refused)
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
    """Delete backups the plan no longer keeps; return what was removed.

    Only this database's own backups (see list_backups) are candidates, and each is removed
    through a descriptor of its folder opened with O_NOFOLLOW, after checking once more that the
    name is still a regular file there: a link, or a folder swapped for a link, is never thinned."""
    now = now or dt.datetime.now()
    infos = list_backups(db_path)
    keep = keep_plan([b.taken_at for b in infos], now)
    removed = []
    by_folder: dict[Path, list[BackupInfo]] = {}
    for b in infos:
        if b.taken_at not in keep:
            by_folder.setdefault(b.path.parent, []).append(b)
    for folder, doomed in by_folder.items():
        if _not_a_folder(folder) is not None:
            continue
        try:
            fd = os.open(folder, _DIR_FLAGS)
        except OSError:
            continue
        try:
            for b in doomed:
                try:
                    if not stat.S_ISREG(os.stat(b.path.name, dir_fd=fd, follow_symlinks=False).st_mode):
                        continue
                    os.unlink(b.path.name, dir_fd=fd)
                    removed.append(b.path)
                except OSError:
                    pass
        finally:
            os.close(fd)
    return removed
