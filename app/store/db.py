"""Open, check, migrate and back up a Policy Tracker SQLite file.

Rules every connection follows: foreign keys on, WAL (rollback journal on network shares and
cloud-sync folders, where WAL's shared memory is unsafe), synchronous=FULL, a busy timeout, and
writes that begin with BEGIN IMMEDIATE (a deferred BEGIN that reads then writes fails at once
with "database is locked", ignoring the timeout). A file is inspected read-only, and checked with
quick_check, before anything is written to it, so a file we refuse is left byte-identical and
never renamed: the person decides what happens to it, helped by the newest good backup we name.

Every connection the app opens comes from `sqlite_connect` (app/store/connections.py, re-exported
here; a leaf module so that the migrator can use it too): `PRAGMA trusted_schema = OFF`, so nothing
a file carries - a trigger, view, generated column or index expression someone added - may call a
function or virtual table that is not marked innocuous, and SQLITE_DBCONFIG_DEFENSIVE where the
driver exposes it (Python 3.12+). FTS5 is not innocuous, so no trigger may write the search
indexes: `flush_search_queue` indexes the rows migration 0003's triggers queue, before every COMMIT.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Callable

from ..core.model import PolicyTrackerError
from . import backups, guard
from .backups import writable as _writable
from .connections import SEARCH_INDEXES, flush_search_queue, harden, search_queue_pending, sqlite_connect  # noqa: F401 - re-exported
from .migrator import APP_ID, check_history, latest_version, migrate, migrations, schema_differences, split_statements  # noqa: F401 - re-exported
from .outputs import refuse_unsafe_output

BUSY_TIMEOUT_MS = 10_000

# Folder names of sync clients that copy files behind SQLite's back, and network file systems
# whose locking and shared memory SQLite's WAL mode cannot rely on.
SYNC_FOLDER_NAMES = ("dropbox", "onedrive", "google drive", "googledrive", "my drive", "icloud drive",
                     "icloud", "mobile documents", "clouddocs", "box sync", "nextcloud", "owncloud",
                     "seafile", "pcloud drive", "megasync", "sync.com")
NETWORK_FS_TYPES = ("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p",
                    "afs", "ncpfs", "fuse.rclone", "fuse.gcsfuse", "davfs", "fuse.davfs2", "glusterfs",
                    "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "fuse.onedriver", "fuse.s3fs")


class DatabaseOpenError(PolicyTrackerError):
    """The file cannot be opened as a Policy Tracker database; it was not modified.

    `backup` names the newest good backup of this file when there is one, so the window can
    offer to restore it.
    """

    def __init__(self, message: str, backup: Path | None = None):
        super().__init__(message)
        self.backup = backup


class SchemaTooNewError(DatabaseOpenError):
    pass


class Connection(sqlite3.Connection):
    """An sqlite3 connection that also carries what the person should be told about the file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        self.journal_mode = ""


# -- what kind of place and file is this? ----------------------------------------------------------
def _mounts() -> list[tuple[str, str]]:
    try:
        lines = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for ln in lines:
        parts = ln.split()
        if len(parts) >= 3:
            out.append((parts[1].replace("\\040", " "), parts[2]))
    return out


def shared_location(path: Path, mounts: list[tuple[str, str]] | None = None) -> str | None:
    """Why `path` sits somewhere WAL is unsafe (a sync folder or network file system), or None."""
    path = Path(path).expanduser().absolute()
    for part in path.parent.parts:
        low = part.lower()
        if any(low == name or low.startswith(name + " ") or low.startswith(name + "-") for name in SYNC_FOLDER_NAMES):
            return f"it is inside the cloud-sync folder '{part}'"
    best, fstype = "", ""
    for mount_point, fs in (mounts if mounts is not None else _mounts()):
        mp = mount_point.rstrip("/") or "/"
        inside = str(path).startswith(mp + "/") or mp == "/"
        if inside and len(mp) >= len(best):
            best, fstype = mp, fs
    if fstype.lower() in NETWORK_FS_TYPES:
        return f"it is on a network file system ({fstype})"
    return None


def _backup_hint(path: Path) -> tuple[str, Path | None]:
    """A sentence naming the newest good backup of path (or saying there is none), and its path."""
    try:
        newest = backups.newest_good_backup(path)
    except OSError:
        newest = None
    if newest is None:
        return " No backup of it was found.", None
    when = newest.taken_at.strftime("%Y-%m-%d %H:%M")
    return (f" The newest good backup is {newest.path} ({when}); restore it with File > Restore from Backup "
            f"or `policy-tracker restore --db {path} {newest.path.name}`."), newest.path


def _damaged(path: Path, what: str) -> DatabaseOpenError:
    hint, newest = _backup_hint(path)
    return DatabaseOpenError(f"{path} {what}; it was left exactly as it is.{hint}", newest)


def _ro_uri(path: Path, immutable: bool = False) -> str:
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024


def inspect_file(path: Path, *, check: bool = True, migrations_dir: Path | None = None) -> tuple[int, bool]:
    """Return (user_version, is_ours) reading the file read-only; raise DatabaseOpenError if unusable.

    With `check`, the file must also pass PRAGMA quick_check (a damaged page is found here, not
    half-way through someone's edit).
    """
    path = Path(path)
    if guard.is_open_here(path):
        # This process has the file open through SQLite: a raw read (or an immutable connection,
        # which takes no locks) would close a descriptor of it and drop the locks SQLite holds.
        return _inspect(path, check, immutable=False, migrations_dir=migrations_dir)
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as e:
        raise DatabaseOpenError(f"{path} cannot be read: {e.strerror}.") from None
    if not header.startswith(b"SQLite format 3\x00"):
        raise _damaged(path, "is not a Policy Tracker database (not an SQLite file)")
    if len(header) < 100:
        raise _damaged(path, "is damaged (it is cut short)")
    # With no -wal and no -shm beside it, the main file is the whole database and nobody has it
    # open in WAL mode: read it as immutable so that not even an empty -wal/-shm appears beside a
    # file we may refuse. A problem found that way is confirmed through normal locking below.
    alone = not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    try:
        return _inspect(path, check, immutable=alone, migrations_dir=migrations_dir)
    except DatabaseOpenError:
        # another process began using the file while we read it: look again through its locks
        if alone and (Path(f"{path}-wal").exists() or Path(f"{path}-shm").exists()):
            return _inspect(path, check, immutable=False, migrations_dir=migrations_dir)
        raise


def _inspect(path: Path, check: bool, immutable: bool, migrations_dir: Path | None = None) -> tuple[int, bool]:
    conn = None
    try:
        conn = sqlite_connect(_ro_uri(path, immutable=immutable), uri=True)  # nothing of it may run
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError as e:
            if immutable or ("unable to open" not in str(e) and "readonly" not in str(e)):
                raise
            # a WAL file in a folder we may not write to, with no -shm: read the main file as it is
            conn.close()
            conn = sqlite_connect(_ro_uri(path, immutable=True), uri=True)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and app_id != APP_ID:
            raise DatabaseOpenError(f"{path} is an SQLite file but not a Policy Tracker database; it was not changed.")
        if check and tables:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise _damaged(path, f"is damaged (the check found: {' '.join(' '.join(problems).split())[:160]})")
        if tables:
            check_history(conn, path, migrations_dir=migrations_dir, refused=DatabaseOpenError,
                          too_new=SchemaTooNewError)
            foreign = schema_differences(conn, version, migrations_dir)
            if foreign:
                more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
                raise DatabaseOpenError(f"{path} has {foreign[0]}{more}, so it was not opened and nothing in it "
                                        f"ran; it was left exactly as it is.")
    except sqlite3.DatabaseError as e:
        msg = str(e)
        if "not a database" in msg:
            raise _damaged(path, "is not a Policy Tracker database (not a readable SQLite file)") from None
        if "malformed" in msg or "corrupt" in msg or "disk I/O" in msg:
            raise _damaged(path, f"is damaged ({msg})") from None
        raise DatabaseOpenError(f"{path} cannot be read: {msg}.") from None
    finally:
        if conn is not None:
            conn.close()
    return version, tables > 0


def connect(path: Path, *, readonly: bool = False, journal: str = "wal") -> Connection:
    """A connection with the house rules applied (autocommit mode: we manage transactions)."""
    conn: Connection
    if readonly:
        try:
            conn = sqlite_connect(_ro_uri(path), uri=True, isolation_level=None, check_same_thread=False,
                                  factory=Connection)
            conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError:
            conn = sqlite_connect(_ro_uri(path, immutable=True), uri=True, isolation_level=None,
                                  check_same_thread=False, factory=Connection)
    else:
        conn = sqlite_connect(str(path), isolation_level=None, check_same_thread=False,
                              timeout=BUSY_TIMEOUT_MS / 1000, factory=Connection)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        want = "wal" if journal == "wal" else "delete"
        try:
            mode = conn.execute(f"PRAGMA journal_mode = {want}").fetchone()[0]
        except sqlite3.OperationalError:  # another process holds the file in its mode: keep it
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if want == "wal" and mode.lower() != "wal":  # e.g. a file system without shared memory
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.journal_mode = mode.lower()
    else:
        conn.journal_mode = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
    return conn


def create_private_file(path: Path) -> None:
    """Create an empty file readable only by its owner (0600), whatever the umask."""
    # O_NOFOLLOW: a link planted under the name is refused, never followed to somebody else's file
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def backup(conn: sqlite3.Connection, dest: Path, *, pages: int = -1,
           progress: Callable[[int, int, int], object] | None = None) -> Path:
    """Copy a consistent snapshot through the backup API (never a copy of the live file).

    The copy is written to `<dest>.partial`, checked with quick_check, made 0600 and only then
    renamed to `dest`: a crash part-way leaves no file that looks like a finished backup.
    """
    dest = Path(dest)
    guard.refuse_database_file(dest, "write a copy to")
    dest.parent.mkdir(parents=True, exist_ok=True)
    refuse_unsafe_output(dest, "the copy")  # a device, pipe or folder chosen in Save a Copy
    tmp = dest.with_name(dest.name + ".partial")
    for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    try:
        create_private_file(tmp)
        target = sqlite_connect(str(tmp))
        try:
            conn.backup(target, pages=pages, progress=progress)
            target.execute("PRAGMA journal_mode = DELETE")
            ok = [r[0] for r in target.execute("PRAGMA quick_check(5)")]
        finally:
            target.close()
    except sqlite3.Error as e:
        tmp.unlink(missing_ok=True)
        low = str(e).lower()
        if "full" in low:
            raise PolicyTrackerError(f"The disk is full, so no backup was written to {dest.parent}.") from None
        raise PolicyTrackerError(f"The backup to {dest} failed ({e}); nothing was written.") from None
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise PolicyTrackerError(f"The backup to {dest} could not be written: {e.strerror}.") from None
    if ok != ["ok"]:
        tmp.unlink(missing_ok=True)
        raise PolicyTrackerError(f"The copy written to {dest} failed its check "
                                 f"({' '.join(' '.join(ok).split())[:160]}); it was removed.")
    os.chmod(tmp, 0o600)
    os.replace(tmp, dest)
    return dest


def pre_migration_backup_path(path: Path, from_version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.v{from_version}-{stamp}.bak")


def _open_failure(path: Path, e: sqlite3.Error) -> DatabaseOpenError:
    low = str(e).lower()
    if "full" in low:
        return DatabaseOpenError(f"{path} cannot be opened because the disk is full; free some space and try again.")
    if "locked" in low or "busy" in low:
        return DatabaseOpenError(f"{path} is busy in another program; close it there or try again in a moment.")
    return DatabaseOpenError(f"{path} cannot be opened: {e}.")


def open_connection(path: Path | str, *, create: bool = True, migrations_dir: Path | None = None
                    ) -> tuple[Connection, bool, Path | None]:
    """Open (creating or migrating as needed). Returns (conn, readonly, pre-migration backup).

    `conn.warnings` lists what the person should be told even though the file opened (read-only,
    a sync folder, a missing -wal).
    """
    path = Path(path).expanduser()
    latest = latest_version(migrations_dir)
    if path.exists() and path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder, not a database file.")
    exists = path.exists() and path.stat().st_size > 0
    warnings: list[str] = []
    shared = shared_location(path)
    journal = "delete" if shared else "wal"
    if shared:
        warnings.append(f"{path.name} is in a shared place ({shared}); Policy Tracker uses the slower rollback "
                        f"journal there, and two computers must never have it open at once.")
    if not exists:
        if not create:
            raise DatabaseOpenError(f"{path} does not exist.")
        if not path.parent.exists():
            raise DatabaseOpenError(f"The folder {path.parent} does not exist.")
        if not _writable(path.parent):
            raise DatabaseOpenError(f"The folder {path.parent} is read-only, so no database can be created there.")
        try:
            create_private_file(path)
            conn = connect(path, journal=journal)
            migrate(conn, migrations_dir=migrations_dir)
        except sqlite3.Error as e:
            raise _open_failure(path, e) from None
        conn.warnings = warnings
        return conn, False, None

    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if shm.exists() and not wal.exists():
        warnings.append(f"{path.name}-wal is missing although {path.name}-shm is there: changes saved shortly "
                        f"before the file was copied or moved may be lost. "
                        f"The rest of the file was checked and is sound.")
    # quick_check reads every page: seconds on a 1 GB file. Run it on opening when the file is
    # small or was not closed cleanly (a -wal left behind); large clean files are checked by
    # every backup (backup() runs quick_check on the copy) instead of delaying start-up.
    wal = path.with_name(path.name + "-wal")
    full_check = path.stat().st_size <= QUICK_CHECK_MAX_BYTES or (wal.exists() and wal.stat().st_size > 0)
    version, _ = inspect_file(path, check=full_check, migrations_dir=migrations_dir)
    if version > latest:
        raise SchemaTooNewError(
            f"{path} was written by a newer Policy Tracker (schema {version}; this version knows "
            f"up to {latest}). Update the app to open it; the file was not changed."
        )
    file_ok, folder_ok = _writable(path), _writable(path.parent)
    if not (file_ok and folder_ok):
        where = "the file is read-only" if not file_ok else "its folder is read-only"
        if version < latest:
            raise DatabaseOpenError(
                f"{path} needs an upgrade to schema {latest} but {where}; copy it somewhere writable."
            )
        conn = connect(path, readonly=True)
        warnings.append(f"{path.name} was opened read-only because {where}; you can read and export, "
                        f"but changes cannot be saved.")
        conn.warnings = warnings
        return conn, True, None
    try:
        conn = connect(path, journal=journal)
    except sqlite3.Error as e:
        raise _open_failure(path, e) from None
    if shared and conn.journal_mode == "wal":
        warnings.append(f"{path.name} is open in another program in WAL mode; close it there so the shared "
                        f"copy can switch to the rollback journal.")
    saved = None
    if version < latest:
        saved = backup(conn, pre_migration_backup_path(path, version))
        migrate(conn, migrations_dir=migrations_dir)
    conn.warnings = warnings
    return conn, False, saved
