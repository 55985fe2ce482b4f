"""Open, check, migrate and back up a Policy Tracker SQLite file.

Rules every connection follows: foreign keys on, WAL, synchronous=FULL, a busy timeout, and
writes that begin with BEGIN IMMEDIATE (a deferred BEGIN that reads then writes fails at once
with "database is locked", ignoring the timeout). A file is inspected read-only before anything
is written to it, so a file we refuse is left byte-identical.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from ..core.model import PolicyTrackerError
from ..paths import MIGRATIONS_DIR

BUSY_TIMEOUT_MS = 10_000
APP_ID = 0x50545231  # "PTR1" in the header's application_id, so `file` tools can tell us apart


class DatabaseOpenError(PolicyTrackerError):
    """The file cannot be opened as a Policy Tracker database; it was not modified."""


class SchemaTooNewError(DatabaseOpenError):
    pass


def migrations(directory: Path | None = None) -> list[tuple[int, Path]]:
    """The migration files as (version, path), in order; versions must run 1, 2, 3..."""
    directory = directory or MIGRATIONS_DIR
    found = []
    for p in sorted(directory.glob("*.sql")):
        m = re.match(r"(\d{4})_[\w-]+\.sql$", p.name)
        if m:
            found.append((int(m.group(1)), p))
    for expected, (version, path) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {path.name} is out of sequence (expected {expected:04d})")
    return found


def latest_version() -> int:
    return len(migrations())


def split_statements(sql: str) -> list[str]:
    """Split a migration into complete statements (trigger bodies stay whole)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buf.splitlines()):
        raise RuntimeError("a migration ends with an incomplete statement")
    return out


def inspect_file(path: Path) -> tuple[int, bool]:
    """Return (user_version, is_ours) reading the file read-only; raise DatabaseOpenError if unusable."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise DatabaseOpenError(f"{path} cannot be opened: {e}.") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as e:
        msg = str(e)
        if "not a database" in msg or "malformed" in msg:
            raise DatabaseOpenError(f"{path} is not a Policy Tracker database (not a readable SQLite file).") from None
        raise DatabaseOpenError(f"{path} cannot be read: {msg}.") from None
    finally:
        conn.close()
    if tables and app_id != APP_ID:
        raise DatabaseOpenError(f"{path} is an SQLite file but not a Policy Tracker database.")
    return version, tables > 0


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the house rules applied (autocommit mode: we manage transactions)."""
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":  # e.g. a file system without shared memory
            conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def migrate(conn: sqlite3.Connection, target: int | None = None) -> list[int]:
    """Apply each pending migration in its own IMMEDIATE transaction; return versions applied."""
    applied = []
    steps = migrations()
    target = len(steps) if target is None else target
    for version, path in steps:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if version <= current or version > target:
            continue
        statements = split_statements(path.read_text(encoding="utf-8"))
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                conn.execute("ROLLBACK")
                continue
            for stmt in statements:
                conn.execute(stmt)
            conn.execute(f"PRAGMA application_id = {APP_ID}")
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy a consistent snapshot through the backup API (never a copy of the live file)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    target = sqlite3.connect(str(tmp))
    try:
        conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
        ok = target.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        target.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise PolicyTrackerError(f"The copy written to {dest} failed its check ({ok}); it was removed.")
    os.replace(tmp, dest)
    os.chmod(dest, 0o600)
    return dest


def pre_migration_backup_path(path: Path, from_version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.v{from_version}-{stamp}.bak")


def open_connection(path: Path | str, *, create: bool = True) -> tuple[sqlite3.Connection, bool, Path | None]:
    """Open (creating or migrating as needed). Returns (conn, readonly, pre-migration backup)."""
    path = Path(path).expanduser()
    latest = latest_version()
    exists = path.exists() and path.stat().st_size > 0
    if path.exists() and path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder, not a database file.")
    if not exists:
        if not create:
            raise DatabaseOpenError(f"{path} does not exist.")
        if not path.parent.exists():
            raise DatabaseOpenError(f"The folder {path.parent} does not exist.")
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        conn = connect(path)
        migrate(conn)
        return conn, False, None
    version, _ = inspect_file(path)
    if version > latest:
        raise SchemaTooNewError(
            f"{path} was written by a newer Policy Tracker (schema {version}; this version knows "
            f"up to {latest}). Update the app to open it; the file was not changed."
        )
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    if not writable:
        if version < latest:
            raise DatabaseOpenError(
                f"{path} needs an upgrade to schema {latest} but is read-only; copy it somewhere writable."
            )
        return connect(path, readonly=True), True, None
    conn = connect(path)
    saved = None
    if version < latest:
        saved = backup(conn, pre_migration_backup_path(path, version))
        migrate(conn)
    return conn, False, saved
