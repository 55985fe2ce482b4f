"""Apply the schema's migration steps (db/migrations) to a connection, in order.

Each step runs in its own IMMEDIATE transaction together with its version in PRAGMA user_version.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from ..paths import MIGRATIONS_DIR

APP_ID = 0x50545231  # "PTR1" in the header's application_id, so `file` tools can tell us apart


def migrations(directory: Path | None = None) -> list[tuple[int, Path]]:
    """The migration files as (version, path), in order; versions must run 1, 2, 3..."""
    directory = Path(directory) if directory else MIGRATIONS_DIR
    found = []
    for p in sorted(directory.glob("*.sql")):
        m = re.match(r"(\d{4})_[\w-]+\.sql$", p.name)
        if m:
            found.append((int(m.group(1)), p))
    for expected, (version, path) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {path.name} is out of sequence (expected {expected:04d})")
    return found


def latest_version(directory: Path | None = None) -> int:
    return len(migrations(directory))


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


def migrate(conn: sqlite3.Connection, target: int | None = None, *, migrations_dir: Path | None = None) -> list[int]:
    """Apply each pending migration in its own IMMEDIATE transaction; return versions applied."""
    applied = []
    steps = migrations(migrations_dir)
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


