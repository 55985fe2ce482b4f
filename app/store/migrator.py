"""Apply the schema's migration steps (db/migrations) to a connection, in order, and keep their record.

Steps
-----
A step is a file in db/migrations named `NNNN_name.sql` or `NNNN_name.py`, numbered 1, 2, 3... in
one sequence (SQL and Python steps share it). A Python step defines `upgrade(conn)`, which gets
the open connection inside the step's transaction and uses `conn.execute(...)`; `rebuild_table()`
below does the 12-step table rebuild for it. The file is compiled from the same bytes that are
checksummed, before the transaction opens, so its top level must not touch the database. Steps are
forward only; once released, a step's file never changes again (see "Record" below): a correction
is a new step.

How each step runs (the order SQLite documents for table rebuilds, "Making Other Kinds Of Table
Schema Changes"):
  1. `PRAGMA foreign_keys = OFF` and `PRAGMA legacy_alter_table = ON`, outside any transaction
     (PRAGMA foreign_keys is a no-op inside one, and with it on, the DROP TABLE of a rebuild
     cascade-deletes every child row);
  2. BEGIN IMMEDIATE; the record of applied steps is checked again inside the lock;
  3. the step;
  4. the checks: `PRAGMA foreign_key_check` must find no row (a step that left a child row without
     its parent is rolled back whole, with one error naming the table), and every view and trigger
     must still compile (the schema check SQLite itself runs on a modern ALTER TABLE RENAME);
  5. the step's row in `schema_migrations` and PRAGMA user_version, then COMMIT;
  6. foreign_keys and legacy_alter_table back as they were, whatever happened.
Every step runs with `PRAGMA trusted_schema = OFF` (set with foreign_keys in 1, restored in 6),
as every connection of the app does: top-level SQL of a step may use FTS5 (0002's 'rebuild'), no
trigger or view may. A step's writes are therefore queued for the search indexes by 0003's
triggers, and the runner indexes them (connections.flush_search_queue) right after the step,
before the checks of 4. No step so far needs trusted_schema on; one that truly did would have to
say why, and turn it on for its one statement in a Python step and off again.
A step must therefore not BEGIN, COMMIT, ROLLBACK, VACUUM, set PRAGMA foreign_keys or
trusted_schema or call executescript() (which commits first): SQL steps with such statements are
refused before they run, and a Python step that ends the transaction itself is reported as broken.

Rebuilding a table in a step (the standard 12 steps; the runner does 1, 2, 10, 11 and 12)
-----------------------------------------------------------------------------------------
    CREATE TABLE "new_items" (... the new definition ...);
    INSERT INTO "new_items" (seq, id, ...) SELECT seq, id, ... FROM "items";
    DROP TABLE "items";
    ALTER TABLE "new_items" RENAME TO "items";
    -- then CREATE again every index and trigger ON items: DROP TABLE dropped them
Keep this order. Never rename the old table away first (`ALTER TABLE items RENAME TO old_items`):
a rename rewrites the REFERENCES clauses of citations, status_updates... to `old_items`, and they
dangle once it is dropped. Copy `seq` (the rowid alias the FTS5 indexes point at) unchanged, and
name the columns: generated columns cannot be inserted into, and `SELECT *` copies by position.
Because the runner sets legacy_alter_table = ON, the final RENAME leaves views (item_overview),
the triggers of other tables and the FTS5 tables' `content="items"` pointing at `items` by name,
which is what a rebuild wants; with it off, SQLite would refuse the rename ("error in view
item_overview: no such table: main.items"), because the view names a table that is, for a moment,
gone. The flip side: a step that truly renames a table to a new name must itself rewrite the views,
triggers and REFERENCES that name the old one (or set `PRAGMA legacy_alter_table = OFF` first; the
runner restores it afterwards).

Record
------
`schema_migrations(version, name, sha256, applied_at)` holds one row per applied step with the
sha256 of its file's bytes, written in the same transaction as the step. Files from release 0.1
(user_version 1, no record table) are adopted at their first upgrade by recording the 0001 shipped
now (0.1 shipped this exact file). `check_history()` compares the record with the steps shipped:
an applied step whose file has changed since, a recorded step this app does not know, or a schema
newer than this app is refused before anything is written to the file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from ..core.model import PolicyTrackerError
from ..paths import MIGRATIONS_DIR
from .connections import flush_search_queue, sqlite_connect

APP_ID = 0x50545231  # "PTR1" in the header's application_id, so `file` tools can tell us apart
RECORD_TABLE = "schema_migrations"
STEP_NAME = re.compile(r"(\d{4})_[\w-]+\.(sql|py)$")
# statements a step may not run: the runner owns the transaction and the foreign-key switch
FORBIDDEN = re.compile(r"(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|DETACH|ATTACH)\b"
                       r"|PRAGMA\s+(\w+\.)?(foreign_keys|journal_mode|user_version|application_id|trusted_schema)\b",
                       re.IGNORECASE)


class MigrationError(PolicyTrackerError):
    """A step could not be applied; its transaction was rolled back, so the file is as before it."""


class StepHistoryError(PolicyTrackerError):
    """The file's record of applied steps does not match the steps this app ships; it was not changed."""


class NewerStepsError(StepHistoryError):
    """The file was upgraded by a newer Policy Tracker."""


class Step(NamedTuple):
    """One migration file. Unpacks as (version, path), as the runner's callers always have."""
    version: int
    path: Path

    @property
    def name(self) -> str:
        """The file name without its suffix, as recorded: '0001_initial'."""
        return self.path.stem

    @property
    def kind(self) -> str:
        return self.path.suffix[1:]

    def read(self) -> tuple[bytes, str]:
        """The file's bytes and their sha256: what runs is exactly what is recorded."""
        data = self.path.read_bytes()
        return data, hashlib.sha256(data).hexdigest()

    @property
    def sha256(self) -> str:
        return self.read()[1]


def migrations(directory: Path | None = None) -> list[Step]:
    """The migration steps in order; versions must run 1, 2, 3... with one file per number."""
    directory = Path(directory) if directory else MIGRATIONS_DIR
    found: dict[int, Path] = {}
    for p in sorted(directory.iterdir()):
        m = STEP_NAME.match(p.name)
        if not m or not p.is_file():
            continue
        version = int(m.group(1))
        if version in found:
            raise RuntimeError(f"migrations {found[version].name} and {p.name} share the number {version:04d}")
        found[version] = p
    steps = [Step(v, found[v]) for v in sorted(found)]
    for expected, step in enumerate(steps, start=1):
        if step.version != expected:
            raise RuntimeError(f"migration {step.path.name} is out of sequence (expected {expected:04d})")
    return steps


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
    if buf.strip() and not all(line.strip().startswith("--") or not line.strip() for line in buf.splitlines()):
        raise RuntimeError("a migration ends with an incomplete statement")
    return out


def _without_comments(stmt: str) -> str:
    return re.sub(r"^(\s*(--[^\n]*\n|/\*.*?\*/))*\s*", "", stmt, flags=re.DOTALL)


def _user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _has_record(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (RECORD_TABLE,)).fetchone() is not None


def applied_steps(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """(version, name, sha256) of every step recorded in the file, in order; [] with no record."""
    if not _has_record(conn):
        return []
    return [tuple(r) for r in conn.execute(f"SELECT version, name, sha256 FROM {RECORD_TABLE} ORDER BY version")]


# -- is this file's history one we can continue? -----------------------------------------------------
def check_history(conn: sqlite3.Connection, path: Path | str | None = None, *, migrations_dir: Path | None = None,
                  refused: Callable[[str], Exception] = StepHistoryError,
                  too_new: Callable[[str], Exception] = NewerStepsError) -> None:
    """Refuse a file whose applied steps are not the ones this app ships; only reads.

    Meant for the read-only inspection connection, so that a refused file is never written to.
    Raises `too_new(sentence)` for a schema or a recorded step newer than this app, `refused(sentence)`
    for an applied step whose file has been edited since, a recorded step this app does not know,
    or a record that does not match the schema version. The opener passes its own exception classes
    (db.DatabaseOpenError, db.SchemaTooNewError), which keeps this module free of imports from db.
    """
    steps = migrations(migrations_dir)
    latest = len(steps)
    who = str(path) if path is not None else "The file"
    version = _user_version(conn)
    if version > latest:
        raise too_new(f"{who} was written by a newer Policy Tracker (schema {version}; this version knows "
                      f"up to {latest}). Update the app to open it; the file was not changed.")
    if not _has_record(conn):
        if version <= 1:  # a new file, or one from release 0.1: adopted at its first upgrade
            return
        raise refused(f"{who} is at schema {version} but holds no record of the steps that made it, so it "
                      f"cannot be upgraded safely; the file was not changed.")
    rows = applied_steps(conn)
    for v, name, sha in rows:
        if v > latest:
            raise too_new(f"{who} was upgraded by a newer Policy Tracker (its step {name} is beyond the {latest} "
                          f"this version knows). Update the app to open it; the file was not changed.")
        step = steps[v - 1]
        if name != step.name:
            raise refused(f"{who} was upgraded by a step this version does not know ({name}, where this version "
                          f"has {step.name}), so it cannot be opened safely; the file was not changed.")
        if sha != step.sha256:
            raise refused(f"{who} was upgraded by a different {step.path.name} than the one this version ships "
                          f"(the file's checksum is {sha[:12]}..., this version's {step.sha256[:12]}...), so it "
                          f"cannot be opened safely; the file was not changed.")
    if [r[0] for r in rows] != list(range(1, version + 1)):
        raise refused(f"{who} records steps {', '.join(r[1] for r in rows) or 'none'} but is at schema {version}, "
                      f"so its history cannot be trusted; the file was not changed.")


# -- applying steps --------------------------------------------------------------------------------------
def _prepare(step: Step) -> tuple[str, Callable[[sqlite3.Connection], None]]:
    """Read, checksum and compile a step before the file is touched; return (sha256, runner)."""
    data, sha = step.read()
    if step.kind == "py":
        namespace: dict = {"__name__": f"migration_{step.name}", "__file__": str(step.path)}
        exec(compile(data, str(step.path), "exec"), namespace)  # noqa: S102 - our own shipped step
        upgrade = namespace.get("upgrade")
        if not callable(upgrade):
            raise MigrationError(f"Migration {step.path.name} defines no upgrade(conn) function.")
        return sha, upgrade
    statements = split_statements(data.decode("utf-8"))
    for stmt in statements:
        if FORBIDDEN.match(_without_comments(stmt)):
            raise MigrationError(f"Migration {step.path.name} runs {_without_comments(stmt).split(None, 2)[:2]!r}, "
                                 f"which the runner does itself; remove it from the step.")

    def run(conn: sqlite3.Connection) -> None:
        for stmt in statements:
            conn.execute(stmt)
    return sha, run


def _fk_problems(conn: sqlite3.Connection) -> dict[tuple[str, str], int]:
    """{(child table, parent table): rows} that point at a missing parent row."""
    out: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        out[(table, parent)] = out.get((table, parent), 0) + 1
    return out


def _describe(problems: dict[tuple[str, str], int]) -> str:
    return "; ".join(f"{n} row{'s' if n != 1 else ''} of {t} pointing at a missing {p} row"
                     for (t, p), n in sorted(problems.items()))


def _schema_compiles(conn: sqlite3.Connection) -> str | None:
    """Why some view or trigger no longer compiles, or None.

    A throw-away table renamed with legacy_alter_table off makes SQLite parse every view and trigger
    of the schema (it does so on any modern RENAME); nothing of it remains. Column lists of INSERT
    and the SET of UPDATE inside triggers are not checked this way: test a step's triggers by use.
    """
    conn.execute("PRAGMA legacy_alter_table = OFF")
    try:
        conn.execute('CREATE TABLE "_migration_schema_probe" (x)')
        try:
            conn.execute('ALTER TABLE "_migration_schema_probe" RENAME TO "_migration_schema_probe_2"')
        except sqlite3.Error as e:
            return str(e)
        conn.execute('DROP TABLE "_migration_schema_probe_2"')
        return None
    finally:
        conn.execute("PRAGMA legacy_alter_table = ON")


def _record(conn: sqlite3.Connection, version: int, name: str, sha: str) -> None:
    conn.execute(f"INSERT INTO {RECORD_TABLE} (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)",
                 (version, name, sha, dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")))


def _ensure_record(conn: sqlite3.Connection, steps: list[Step]) -> None:
    """Create the record table; a file from before it (release 0.1) gets its steps adopted as shipped."""
    if _has_record(conn):
        return
    conn.execute(f"""CREATE TABLE {RECORD_TABLE} (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        applied_at TEXT NOT NULL
    )""")
    for step in steps[:_user_version(conn)]:  # 0.1 shipped exactly today's 0001
        _record(conn, step.version, step.name, step.sha256)


def _apply(conn: sqlite3.Connection, step: Step, steps: list[Step], migrations_dir: Path | None) -> bool:
    """Apply one step in its own transaction; False if another process applied it meanwhile."""
    sha, run = _prepare(step)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Inside the lock: another process may have migrated meanwhile, perhaps with other steps.
        check_history(conn, migrations_dir=migrations_dir)
        if _user_version(conn) >= step.version:
            conn.execute("ROLLBACK")
            return False
        before = _fk_problems(conn)
        if before:
            raise MigrationError(f"Migration {step.path.name} was not applied: the file already has "
                                 f"{_describe(before)}; the file was left as it was.")
        _ensure_record(conn, steps)
        try:
            run(conn)
        except sqlite3.Error as e:
            raise MigrationError(f"Migration {step.path.name} failed ({e}); it was rolled back, so the file is "
                                 f"as it was before the step.") from e
        if not conn.in_transaction:
            raise MigrationError(f"Migration {step.path.name} ended the runner's transaction itself (COMMIT or "
                                 f"executescript); part of it may be saved, so restore the copy made before upgrading.")
        # rows the step wrote are queued for the search indexes (0003): index them in this transaction
        flush_search_queue(conn, if_present=True)
        after = _fk_problems(conn)
        if after:
            raise MigrationError(f"Migration {step.path.name} was not applied: it would leave {_describe(after)}; "
                                 f"the file was left as it was before the step.")
        broken = _schema_compiles(conn)
        if broken:
            raise MigrationError(f"Migration {step.path.name} was not applied: it would leave the schema broken "
                                 f"({broken}); the file was left as it was before the step.")
        _record(conn, step.version, step.name, sha)
        conn.execute(f"PRAGMA application_id = {APP_ID}")
        conn.execute(f"PRAGMA user_version = {step.version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True


def migrate(conn: sqlite3.Connection, target: int | None = None, *, migrations_dir: Path | None = None) -> list[int]:
    """Apply each pending step in its own transaction, foreign keys off; return the versions applied.

    Refuses (StepHistoryError) a file whose record does not match the steps shipped, before
    writing anything; a step that fails is rolled back whole and its error raised.
    """
    if conn.in_transaction:
        raise MigrationError("Migrations cannot run inside an open transaction (foreign keys could not be "
                             "switched off for them).")
    steps = migrations(migrations_dir)
    target = len(steps) if target is None else target
    check_history(conn, migrations_dir=migrations_dir)
    applied = []
    for step in steps:
        if step.version > target:
            break
        if step.version <= _user_version(conn):
            continue
        fk_was = conn.execute("PRAGMA foreign_keys").fetchone()[0]
        legacy_was = conn.execute("PRAGMA legacy_alter_table").fetchone()[0]
        trusted_was = conn.execute("PRAGMA trusted_schema").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA legacy_alter_table = ON")
        conn.execute("PRAGMA trusted_schema = OFF")  # whoever opened conn: no step needs it on
        try:
            if _apply(conn, step, steps, migrations_dir):
                applied.append(step.version)
        finally:
            conn.execute(f"PRAGMA trusted_schema = {'ON' if trusted_was else 'OFF'}")
            conn.execute(f"PRAGMA legacy_alter_table = {'ON' if legacy_was else 'OFF'}")
            conn.execute(f"PRAGMA foreign_keys = {'ON' if fk_was else 'OFF'}")
    return applied


# -- a helper for Python steps -------------------------------------------------------------------------------
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rebuild_table(conn: sqlite3.Connection, table: str, definition: str, *,
                  copy: dict[str, str] | None = None, skip: Iterable[str] = ()) -> None:
    """Rebuild `table` with a new definition by the 12-step procedure, inside a step's transaction.

    `definition` is everything after the table's name in CREATE TABLE: "(col TYPE ..., ...)" and
    any table options. Rows are copied column by column: by default every stored (not generated)
    column the old and new tables share; `copy` maps a new column to the SQL expression (over the
    old table's columns) that fills it. The table's indexes and triggers are created again as they
    were, except those named in `skip` (for example a trigger the new shape makes wrong, which the
    step then creates itself). Views, other tables' triggers and FTS5 content tables keep naming
    `table` and see the new one. Only inside migrate(): it relies on its foreign_keys = OFF and
    legacy_alter_table = ON.
    """
    if not conn.in_transaction:
        raise MigrationError("rebuild_table() runs only inside a migration step's transaction.")
    if conn.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise MigrationError("rebuild_table() needs foreign keys off (the runner switches them off for each step).")
    skip = set(skip)
    keep = [(name, sql) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type = 'trigger', rowid", (table,)) if name not in skip]
    stored = lambda t: [r[1] for r in conn.execute(f"PRAGMA table_xinfo({_q(t)})") if r[6] == 0]  # noqa: E731
    old_cols = stored(table)
    new = f"_new_{table}"
    conn.execute(f"CREATE TABLE {_q(new)} {definition}")
    mapping = dict(copy or {})
    for col in stored(new):
        if col not in mapping and col in old_cols:
            mapping[col] = _q(col)
    cols = list(mapping)
    conn.execute(f"INSERT INTO {_q(new)} ({', '.join(_q(c) for c in cols)}) "
                 f"SELECT {', '.join(mapping[c] for c in cols)} FROM {_q(table)}")
    conn.execute(f"DROP TABLE {_q(table)}")
    conn.execute(f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}")
    for name, sql in keep:
        try:
            conn.execute(sql)
        except sqlite3.Error as e:
            raise MigrationError(f"After rebuilding {table}, {name} could not be created again ({e}); "
                                 f"pass it in skip= and create it in the step.") from None


# -- the schema a file must have ---------------------------------------------------------------------
# A database file from someone else is code: its triggers and views run inside our connection.
# Before anything of a file runs, its sqlite_master must be exactly what this release's steps make
# at its version. The expected schema of each version is kept in db/schema/NNNN.json (written by
# `python -m app.store.migrator --write-schemas`, checked by tests/store/test_schema_check.py)
# because building it in memory costs ~130 ms at every start; for other migration folders (tests)
# it is built in memory once per process.
SCHEMA_DIR = MIGRATIONS_DIR.parent / "schema"
_IGNORED = ("schema_migrations", "sqlite_autoindex_schema_migrations_1")  # checked by check_history
_expected_cache: dict[tuple, list[tuple[str, str, str, str]]] = {}


def _norm_sql(sql: str | None) -> str:
    return " ".join((sql or "").split())


def schema_entries(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """(type, name, table, sql) of every schema object, whitespace folded, sorted; SQLite's own left out."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' "
                        "AND name NOT LIKE 'sqlite_sequence'").fetchall()
    return sorted((t, n, tb, _norm_sql(s)) for t, n, tb, s in rows if n not in _IGNORED)


def _steps_key(steps: list[Step]) -> tuple:
    return tuple((s.version, s.sha256) for s in steps)


def expected_schema(version: int, migrations_dir: Path | None = None) -> list[tuple[str, str, str, str]]:
    """What sqlite_master holds in a file made by this release's steps 1..version."""
    steps = [s for s in migrations(migrations_dir) if s.version <= version]
    key = _steps_key(steps)
    if key in _expected_cache:
        return _expected_cache[key]
    if migrations_dir is None:
        saved = SCHEMA_DIR / f"{version:04d}.json"
        try:
            data = json.loads(saved.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if data and [tuple(x) for x in data["steps"]] == list(key):  # written from these very steps
            _expected_cache[key] = [tuple(e) for e in data["entries"]]
            return _expected_cache[key]
    conn = sqlite_connect(":memory:", isolation_level=None)
    try:
        migrate(conn, version, migrations_dir=migrations_dir)
        entries = schema_entries(conn)
    finally:
        conn.close()
    _expected_cache[key] = entries
    return entries


def schema_differences(conn: sqlite3.Connection, version: int, migrations_dir: Path | None = None) -> list[str]:
    """What in this file's schema this release's steps did not make (or made otherwise), in words."""
    have = {(t, n): (tb, s) for t, n, tb, s in schema_entries(conn)}
    want = {(t, n): (tb, s) for t, n, tb, s in expected_schema(version, migrations_dir)}
    out = []
    for (t, n), (tb, s) in sorted(have.items()):
        if (t, n) not in want:
            out.append(f"{'an' if t == 'index' else 'a'} {t} '{n}'"
                       + (f" on {tb}" if t in ("trigger", "index") and tb else "")
                       + " that this version of Policy Tracker did not create")
        elif want[(t, n)] != (tb, s):
            out.append(f"{'an' if t == 'index' else 'a'} {t} '{n}' "
                       f"that differs from the one this version of Policy Tracker creates")
    for (t, n) in sorted(set(want) - set(have)):
        out.append(f"no {t} '{n}', which this version of Policy Tracker creates")
    return out


def write_schemas() -> list[Path]:
    """Write db/schema/NNNN.json for every step (run after adding a step; a test checks they agree)."""
    SCHEMA_DIR.mkdir(exist_ok=True)
    written = []
    for step in migrations():
        _expected_cache.clear()
        steps = [s for s in migrations() if s.version <= step.version]
        conn = sqlite_connect(":memory:", isolation_level=None)
        try:
            migrate(conn, step.version)
            entries = schema_entries(conn)
        finally:
            conn.close()
        path = SCHEMA_DIR / f"{step.version:04d}.json"
        path.write_text(json.dumps({"steps": [list(k) for k in _steps_key(steps)], "entries": entries},
                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--write-schemas"]:
        for p in write_schemas():
            print(p)
    else:
        print("usage: python -m app.store.migrator --write-schemas", file=sys.stderr)
        sys.exit(2)
