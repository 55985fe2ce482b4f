"""The one place with SQL: a repository over a Policy Tracker file.

Services call these methods inside `store.write()`; reads may run anywhere. Methods take and
return plain dicts keyed like the exchange format, so nothing above this layer sees SQL.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ..core import records as R
from ..core.model import ConflictError, NotFoundError, PolicyTrackerError
from ..core.textnorm import normalize
from . import db as dbmod
from . import guard as guardmod
from . import reviews
from .search_queries import fts_query  # noqa: F401 - the store's callers use it from here

if TYPE_CHECKING:  # pragma: no cover - imported on first use (Store.db)
    import sqlite_utils

# Column lists come from the records' description (core.records), read when a query is built, so
# a field described there is selected, inserted and exported without another edit here.
# Values that sort the item table through a join (the plan's aliases: f = frameworks, st = statuses)
_JOINED_SORT = {"framework": "f.title", "status": "st.sort_order"}
_SORT_SQL = {"value": "{}", "nocase": "{} COLLATE NOCASE", "vocabulary": "{}"}


def sortable() -> dict[str, str]:
    """{sort key: SQL} of every field or derived value the item table can sort by (core.records)."""
    def build(rec: R.Record) -> dict[str, str]:
        sorts = [(f.name, f.sort) for f in rec.fields if f.sort] + [(d.name, d.sort) for d in rec.derived if d.sort]
        return {k: _SORT_SQL[how].format(_JOINED_SORT.get(k, f"i.{k}")) for k, how in sorts if how}
    return R.ITEMS.derive(("store.sortable",), build)


def __getattr__(name: str):
    # the names callers knew these lists by; each is derived from core.records when asked for
    if name == "ITEM_COLUMNS":
        return R.ITEMS.columns
    if name == "SOURCE_COLUMNS":
        return R.SOURCES.columns
    if name == "FINGERPRINT_FIELDS":  # what an item says (Store.item_fingerprints): all but bookkeeping
        return R.ITEMS.content
    if name == "SORTABLE":
        return sortable()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _cols(rec: R.Record, names: tuple[str, ...] | None = None, *, alias: str = "", keys: bool = False) -> str:
    """A SELECT list of a record's columns (all, or `names`), `alias.`-prefixed; with `keys`, each
    under its name in the exchange shape (citations' `start_offset AS start`)."""
    def build(rec: R.Record) -> str:
        pre = f"{alias}." if alias else ""
        out = []
        for n in rec.columns if names is None else names:
            key = rec.field(n).key
            out.append(f"{pre}{n} AS {key}" if keys and key != n else f"{pre}{n}")
        return ", ".join(out)
    return rec.derive(("store.cols", names, alias, keys), build)


def _but(rec: R.Record, *skip: str) -> tuple[str, ...]:
    """A record's columns without some (e.g. without the owner link of rows read per item)."""
    return rec.derive(("store.but", skip), lambda r: tuple(c for c in r.columns if c not in skip))


def _exported(rec: R.Record) -> tuple[str, ...]:
    """The columns an export reads: the exchanged fields, and the owner link to group rows by."""
    return rec.derive(("store.exported",), lambda r: tuple(f.name for f in r.fields if f.json or f.name == r.owner))


def _friendly(e: sqlite3.Error) -> PolicyTrackerError:
    msg = str(e)
    low = msg.lower()
    if "locked" in low or "busy" in low:
        return PolicyTrackerError("The database is busy in another program; nothing was saved. Try again in a moment.")
    if "disk is full" in low or "database or disk is full" in low:
        return PolicyTrackerError("The disk is full; nothing was saved. Free some space and try again.")
    if "readonly" in low or "read-only" in low:
        return PolicyTrackerError("The database is read-only; nothing was saved.")
    return PolicyTrackerError(f"The database refused the change: {msg}.")


_INSERT_SQL: dict[tuple[str, tuple[str, ...]], str] = {}  # (table, columns) -> its INSERT statement
# (rows of the table the index lacks, rows the index has that the table lacks), allowing for the
# queue: the index holds a row exactly when it is queued with had_old, or not queued and in the table
_INDEX_ROWS_DISAGREE = (
    "WITH expected(seq) AS (SELECT seq FROM {fts}_pending WHERE had_old UNION ALL "
    "SELECT seq FROM {table} WHERE seq NOT IN (SELECT seq FROM {fts}_pending)) "
    "SELECT (SELECT count(*) FROM (SELECT seq FROM expected EXCEPT SELECT id FROM {fts}_docsize)), "
    "(SELECT count(*) FROM (SELECT id FROM {fts}_docsize EXCEPT SELECT seq FROM expected))")


class ReviewCopyError(PolicyTrackerError):
    """A change other than a review decision was asked of a review copy; nothing was written."""


class SavingStopped(PolicyTrackerError):
    """The connection can no longer keep its guarantees (locks lost, file replaced, WAL gone)."""


class Store:
    def __init__(self, path: Path | str, *, create: bool = True):
        self.path = Path(path).expanduser()
        self.conn, self.readonly, self.migration_backup = dbmod.open_connection(self.path, create=create)
        self.conn.row_factory = sqlite3.Row
        try:
            self._guard: guardmod.Guard | None = guardmod.register(self.path, wal=self.conn.journal_mode == "wal")
        except PolicyTrackerError:
            self.conn.close()
            raise
        self.stopped: str | None = None  # why saving stopped, once it has
        # audit_log ids this connection wrote (first, last), so other programs' rows can be told apart
        self._own_audit: list[tuple[int, int]] = []
        # who this connection's writes are recorded under in audit_log.author (the window sets the
        # analyst's name from its preferences; commands take paths.analyst_name()); "" records NULL
        self.author: str = ""
        # what the opener noticed (read-only file, sync folder, missing -wal...), for the person
        self.warnings: list[str] = list(getattr(self.conn, "warnings", []))
        self._db: sqlite_utils.Database | None = None
        self._lock = threading.RLock()
        self._depth = 0
        # a review copy (app/store/reviews.py) takes review decisions and nothing else (write())
        self.review_copy: dict | None = reviews.copy_info(self.conn)
        # rows another program wrote are queued for the search index (migration 0003): index them now
        self.flush_search_queue()

    @property
    def db(self) -> sqlite_utils.Database:
        """The file as a sqlite_utils.Database (imported on first use: it costs ~0.1 s at start-up)."""
        if self._db is None:
            import sqlite_utils
            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    # -- connection ---------------------------------------------------------------------
    def close(self) -> None:
        """Close the file. A clean close as its last user here lets SQLite fold the WAL back in;
        after saving stopped, our locks stay until SQLite has closed, so it cannot copy a WAL
        that is no longer the file's into the database."""
        g, self._guard = self._guard, None
        if g is not None and self.guarantees_lost_now(g) is None:
            guardmod.before_last_close(g)
        self.conn.close()
        if g is not None:
            guardmod.release(g)

    def guarantees_lost_now(self, g: "guardmod.Guard") -> str | None:
        if self.stopped is None:
            self.stopped = g.lost()
        return self.stopped

    def guarantees_lost(self) -> str | None:
        """Why saving is no longer safe (sticky once found), or None; cheap enough for every write."""
        if self._guard is not None:
            return self.guarantees_lost_now(self._guard)
        return self.stopped

    def _refuse_if_unsafe(self) -> None:
        reason = self.guarantees_lost()
        if reason is not None:
            raise SavingStopped(reason + " Your unsaved changes are kept; reopen the file to save them.")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextlib.contextmanager
    def write(self, *, review: bool = False) -> Iterator["Store"]:
        """One all-or-nothing write (BEGIN IMMEDIATE); nested blocks are savepoints.

        In a review copy only a write that says it records review decisions (`review`) may begin."""
        if self.readonly:
            raise PolicyTrackerError("This database is open read-only; nothing was saved.")
        if self.review_copy is not None and not review and not self._depth:
            raise ReviewCopyError("This is a review copy: only review decisions and comments can be made in it; "
                                  "nothing was saved.")
        with self._lock:
            if self._depth:
                name = f"sp{self._depth}"
                self.conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield self
                except BaseException:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self.conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            self._refuse_if_unsafe()
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise _friendly(e) from None
            self._depth = 1
            try:
                self._refuse_if_unsafe()  # again under the write lock
                first = self._audit_max()
                yield self
                # the search indexes take the rows this write changed (queued by triggers, which may
                # not write FTS5 themselves with trusted_schema off), in the same transaction
                dbmod.flush_search_queue(self.conn)
                self._refuse_if_unsafe()  # nothing reaches a file we can no longer vouch for
                last = self._audit_max()
                if last > first and self.author:
                    # the rows this transaction's triggers wrote (ids above `first`: the write lock
                    # is ours since BEGIN IMMEDIATE), stamped with who made the change
                    self.conn.execute("UPDATE audit_log SET author = ? WHERE id > ?", (self.author[:200], first))
                self.conn.execute("COMMIT")
                if last > first:
                    self._own_audit.append((first + 1, last))
            except sqlite3.Error as e:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise _friendly(e) from None
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    def flush_search_queue(self) -> bool:
        """Index the rows waiting in the search queues now; True when none is left waiting.

        Every write() does this before its COMMIT, so only rows another program wrote (the sqlite3
        shell, sqlite-utils: their triggers queue rows but cannot index them) wait between writes.
        Called on opening and when another program's commit is noticed (changes_by_others); it never
        waits for a lock: when the file is busy, read-only, or being written by another thread, the
        rows stay queued for the next write's COMMIT. Inside this thread's own write() it indexes
        them in that transaction, so a search there sees the write's own changes.
        """
        if self.readonly or self._guard is None:
            return False
        if not self._lock.acquire(blocking=False):
            return False  # another thread is inside write(): its COMMIT flushes
        try:
            if not dbmod.search_queue_pending(self.conn):
                return True
            if self._depth:
                dbmod.flush_search_queue(self.conn)
                return True
            self.conn.execute("PRAGMA busy_timeout = 0")
            try:
                with self.write(review=True):  # indexing changes no record: allowed in a review copy too
                    pass  # write() flushes before its COMMIT
            except PolicyTrackerError:  # busy, or saving stopped: left for a later write
                return False
            finally:
                self.conn.execute(f"PRAGMA busy_timeout = {dbmod.BUSY_TIMEOUT_MS}")
            return True
        finally:
            self._lock.release()

    def _one(self, sql: str, params: Iterable = ()) -> dict | None:
        row = self.conn.execute(sql, tuple(params)).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql: str, params: Iterable = ()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, tuple(params))]

    def _insert(self, table: str, row: dict) -> None:
        # a missing timestamp takes the column's default (the moment written) rather than NULL
        stamped = R.record(table).stamped
        cols = tuple(c for c in row if not (row[c] is None and c in stamped))
        sql = _INSERT_SQL.get((table, cols))
        if sql is None:  # an import writes the same few shapes of row tens of thousands of times
            sql = _INSERT_SQL[(table, cols)] = (
                f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})")
        self.conn.execute(sql, [row[c] for c in cols])

    def _audit_max(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]

    def audit_position(self) -> int:
        """The newest audit_log id: a bookmark for `changes_by_others`."""
        return self._audit_max()

    def changes_by_others(self, since: int) -> tuple[int, list[dict]]:
        """What other connections wrote after audit id `since`: (new bookmark, grouped rows).

        Each group is {"table", "action", "count", "summaries"} with up to three row summaries;
        rows this connection wrote itself are left out. Rows the other program queued for the search
        index are indexed here (flush_search_queue), so that search finds them.
        """
        self.flush_search_queue()
        own, self._own_audit = self._own_audit, []
        rows = self.conn.execute(
            "SELECT id, table_name, action, summary FROM audit_log WHERE id > ? ORDER BY id LIMIT 20000",
            (since,)).fetchall()
        groups: dict[tuple[str, str], dict] = {}
        last = since
        for r in rows:
            last = r["id"]
            if any(a <= r["id"] <= b for a, b in own):
                continue
            g = groups.setdefault((r["table_name"], r["action"]),
                                  {"table": r["table_name"], "action": r["action"], "count": 0, "summaries": []})
            g["count"] += 1
            if len(g["summaries"]) < 3 and r["summary"] not in g["summaries"]:
                g["summaries"].append(r["summary"])
        if len(rows) == 20000:
            last = self._audit_max()
        return last, list(groups.values())

    def data_version(self) -> int:
        """Changes when another connection commits (used to notice other processes' edits)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    @property
    def in_write(self) -> bool:
        """True while a write() is open on this connection (e.g. an import with its progress)."""
        return bool(self._depth) or self.conn.in_transaction

    def backup_to(self, dest: Path | str) -> Path:
        # The backup API on a connection that is mid-write waits forever for its own lock.
        if self.in_write:
            raise PolicyTrackerError("A backup cannot be taken in the middle of a change; try again when it is done.")
        with self._lock:
            return dbmod.backup(self.conn, Path(dest))

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM app_meta WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        self.conn.execute("INSERT INTO app_meta (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # -- vocabularies -------------------------------------------------------------------
    def statuses(self) -> list[dict]:
        return self._all("SELECT key, label, description, color FROM statuses ORDER BY sort_order, key")

    def item_kinds(self) -> list[dict]:
        return self._all("SELECT key, label, description FROM item_kinds ORDER BY rowid")

    def relation_kinds(self) -> list[dict]:
        return self._all("SELECT key, label, description FROM relation_kinds ORDER BY rowid")

    def upsert_status(self, row: dict) -> None:
        self.conn.execute(
            "INSERT INTO statuses (key, label, description, sort_order) VALUES (?, ?, ?, "
            "(SELECT coalesce(max(sort_order), 0) + 10 FROM statuses)) "
            "ON CONFLICT (key) DO UPDATE SET label = excluded.label, description = excluded.description",
            (row["key"], row["label"], row.get("description") or ""))

    # -- sources --------------------------------------------------------------------------
    def insert_source(self, row: dict) -> None:
        self._insert("sources", {k: row.get(k) for k in R.SOURCES.inserted if k in row})

    def get_source(self, source_id: str, *, with_text: bool = True) -> dict | None:
        cols = _cols(R.SOURCES, None if with_text else _but(R.SOURCES, "text"))
        return self._one(f"SELECT {cols} FROM sources WHERE id = ?", (source_id,))

    def source_by_sha(self, sha: str) -> dict | None:
        return self._one("SELECT id, title FROM sources WHERE sha256 = ?", (sha,))

    def source_titles(self) -> list[dict]:
        """id, title and date of every source, for pickers (never touches the long texts, nor the
        columns stored after them)."""
        return self._all("SELECT id, title, published_on FROM sources ORDER BY published_on, title, id")

    def list_sources(self, *, with_text: bool = False) -> list[dict]:
        cols = _cols(R.SOURCES, None if with_text else _but(R.SOURCES, "text"))
        return self._all(f"SELECT {cols}, (SELECT count(*) FROM citations c WHERE c.source_id = sources.id) "
                         f"AS citation_count FROM sources ORDER BY published_on, title, id")

    def update_source_meta(self, source_id: str, fields: dict) -> None:
        allowed = {k: v for k, v in fields.items() if k in R.SOURCES.editable}  # never its id or text
        if allowed:
            sets = ", ".join(f"{_q(k)} = ?" for k in allowed)
            self.conn.execute(f"UPDATE sources SET {sets} WHERE id = ?", [*allowed.values(), source_id])

    def delete_source(self, source_id: str) -> None:
        self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    # -- frameworks -------------------------------------------------------------------------
    def insert_framework(self, row: dict) -> None:
        self._insert("frameworks", row)

    def get_framework(self, fid: str) -> dict | None:
        return self._one(f"SELECT {_cols(R.FRAMEWORKS)} FROM frameworks WHERE id = ?", (fid,))

    def list_frameworks(self) -> list[dict]:
        return self._all(f"SELECT {_cols(R.FRAMEWORKS)} FROM frameworks ORDER BY title, id")

    def update_framework(self, fid: str, fields: dict) -> None:
        stamp = fields.get("updated_at")  # given when a change is taken back: the old stamp returns
        fields = {k: v for k, v in fields.items() if k in R.FRAMEWORKS.editable}
        if fields:
            sets = ", ".join(f"{_q(k)} = ?" for k in fields)
            self.conn.execute(f"UPDATE frameworks SET {sets}, "
                              f"updated_at = coalesce(?, strftime('%Y-%m-%dT%H:%M:%fZ','now')) "
                              f"WHERE id = ?", [*fields.values(), stamp, fid])

    def delete_framework(self, fid: str) -> None:
        self.conn.execute("DELETE FROM frameworks WHERE id = ?", (fid,))

    def status_counts(self) -> dict[str, dict[str, int]]:
        """{framework_id: {status: n}} from the trigger-maintained counts (no scan of items)."""
        out: dict[str, dict[str, int]] = {}
        for r in self.conn.execute("SELECT framework_id, status, n FROM framework_status_counts WHERE n > 0"):
            out.setdefault(r[0], {})[r[1]] = r[2]
        return out

    # -- items ------------------------------------------------------------------------------
    def insert_item(self, row: dict) -> None:
        row = dict(row)
        if isinstance(row.get("tags"), list):
            row["tags"] = json.dumps(row["tags"], ensure_ascii=False)
        self._insert("items", {k: row[k] for k in R.ITEMS.columns if k in row})

    def get_item(self, item_id: str) -> dict | None:
        row = self._one(f"SELECT {_cols(R.ITEMS)} FROM items WHERE id = ?", (item_id,))
        return _item_out(row) if row else None

    def require_item(self, item_id: str) -> dict:
        row = self.get_item(item_id)
        if row is None:
            raise NotFoundError("That item no longer exists; it may have been deleted.")
        return row

    def items_by_ids(self, ids: list[str]) -> dict[str, dict]:
        """Rows for a page of ids, with framework title and latest update date, in one query.

        Only the columns a list needs (never a long description): a page is fetched per screen.
        """
        out: dict[str, dict] = {}
        cols = _cols(R.ITEMS, _listed(R.ITEMS), alias="i")
        for n in range(0, len(ids), 500):  # SQLite builds may allow as few as 32,766 variables
            chunk = ids[n:n + 500]
            rows = self._all(
                f"SELECT {cols}, f.title AS framework, "
                f"(SELECT max(u.as_of) FROM status_updates u WHERE u.item_id = i.id) AS last_update_on "
                f"FROM items i JOIN frameworks f ON f.id = i.framework_id "
                f"WHERE i.id IN ({','.join('?' * len(chunk))})", chunk)
            out.update((r["id"], _item_out(r)) for r in rows)
        return out

    def update_item(self, item_id: str, fields: dict, expected_version: int | None = None) -> int:
        """Apply fields; refuse with ConflictError when the row changed since expected_version."""
        fields = {k: v for k, v in fields.items() if k in R.ITEMS.changeable}
        if "tags" in fields and isinstance(fields["tags"], list):
            fields["tags"] = json.dumps(fields["tags"], ensure_ascii=False)
        sets = ", ".join(f"{_q(k)} = ?" for k in fields)
        sets = (sets + ", " if sets else "") + "version = version + 1"
        if "updated_at" not in fields:
            sets += ", updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
        params: list[Any] = [*fields.values(), item_id]
        where = "id = ?"
        if expected_version is not None:
            where += " AND version = ?"
            params.append(expected_version)
        cur = self.conn.execute(f"UPDATE items SET {sets} WHERE {where}", params)
        if cur.rowcount == 0:
            current = self.get_item(item_id)
            if current is None:
                raise NotFoundError("That item no longer exists; it may have been deleted.")
            raise ConflictError(
                f"Item {current['ref'] or ''} '{current['title']}' was changed elsewhere since you opened it "
                f"(now: status {current['status']}, updated {current['updated_at']}); your change was not saved.",
                current)
        return self.conn.execute("SELECT version FROM items WHERE id = ?", (item_id,)).fetchone()[0]

    def delete_item(self, item_id: str) -> None:
        self.conn.execute("DELETE FROM items WHERE id = ?", (item_id,))

    def child_ids(self, item_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM items WHERE parent_id = ?", (item_id,))]

    def item_ids(self, *, limit: int | None = None, **filters) -> list[str]:
        """Ids of matching items in display order (ids only: rows are fetched per visible page).

        Filters and sort as in item_ids_plan; with `limit`, only the first rows (fast: the
        due-date order is read straight off its index).
        """
        return run_id_plan(self.conn, item_ids_plan(**filters), limit)

    def count_items(self, *, at_most: int | None = None) -> int:
        """How many items the file holds; with `at_most`, counting stops there (cheap on a big file)."""
        if at_most is not None:
            return self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM items LIMIT ?)", (at_most,)).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM items").fetchone()[0]

    def actors(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT actor FROM items WHERE actor IS NOT NULL AND actor <> '' ORDER BY actor")]

    def tags(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT json_each.value FROM items, json_each(items.tags) ORDER BY 1")]

    # -- citations ---------------------------------------------------------------------------
    def insert_citation(self, row: dict) -> None:
        """A citation given in the exchange shape (`start`/`end`); a missing prefix or suffix is empty."""
        out = {}
        for f in R.CITATIONS.fields:
            value = row.get(f.key)
            if value is None and f.required:
                value = row[f.key]  # KeyError: a citation needs its id, item, source and quote
            out[f.name] = f.default if value is None and f.default is not R.NOW else value
        self._insert("citations", out)

    def get_citation(self, cid: str) -> dict | None:
        return self._one(_citation_select() + " WHERE c.id = ?", (cid,))

    def delete_citation(self, cid: str) -> None:
        self.conn.execute("DELETE FROM citations WHERE id = ?", (cid,))

    def citations_for_item(self, item_id: str) -> list[dict]:
        return self._all(_citation_select()
                         + " WHERE c.item_id = ? ORDER BY s.published_on, s.title, c.start_offset, c.id",
                         (item_id,))

    def citations_for_source(self, source_id: str) -> list[dict]:
        """Placed citations in a source with each item's title and status, for highlighting."""
        return self._all(
            "SELECT c.id, c.item_id, c.start_offset AS start, c.end_offset AS end, c.quote, "
            "i.ref, i.title, i.status, i.kind FROM citations c JOIN items i ON i.id = c.item_id "
            "WHERE c.source_id = ? AND c.start_offset IS NOT NULL ORDER BY c.start_offset, c.end_offset", (source_id,))

    def unplaced_citations(self) -> list[dict]:
        return self._all(_citation_select() + " WHERE c.start_offset IS NULL ORDER BY c.item_id")

    def mismatched_citations(self) -> list[dict]:
        """Placed citations whose stored quote no longer equals the words at their offsets."""
        return self._all(
            "SELECT c.id, c.item_id, c.quote, i.ref, i.title FROM citations c JOIN sources s ON s.id = c.source_id "
            "JOIN items i ON i.id = c.item_id WHERE c.start_offset IS NOT NULL AND "
            "substr(s.text, c.start_offset + 1, c.end_offset - c.start_offset) IS NOT c.quote")

    # -- status updates -----------------------------------------------------------------------
    def insert_status_update(self, row: dict) -> None:
        self._insert("status_updates", {k: row[k] for k in R.STATUS_UPDATES.inserted if k in row})

    def get_status_update(self, uid: str) -> dict | None:
        return self._one(f"SELECT {_cols(R.STATUS_UPDATES)} FROM status_updates WHERE id = ?", (uid,))

    def delete_status_update(self, uid: str) -> None:
        self.conn.execute("DELETE FROM status_updates WHERE id = ?", (uid,))

    def status_updates_for_item(self, item_id: str, *, newest_first: bool = True,
                                limit: int | None = None) -> list[dict]:
        order = "DESC" if newest_first else "ASC"
        return self._all(
            f"SELECT {_cols(R.STATUS_UPDATES, _but(R.STATUS_UPDATES, 'item_id'))} FROM status_updates "
            f"WHERE item_id = ? "
            f"ORDER BY as_of {order}, created_at {order}, id {order}" + (f" LIMIT {int(limit)}" if limit else ""),
            (item_id,))

    def latest_status(self, item_id: str, as_of: str | None = None) -> dict | None:
        if as_of:
            return self._one("SELECT status, as_of FROM status_updates WHERE item_id = ? AND as_of <= ? "
                             "ORDER BY as_of DESC, created_at DESC, id DESC LIMIT 1", (item_id, as_of))
        return self._one("SELECT status, as_of FROM status_updates WHERE item_id = ? "
                         "ORDER BY as_of DESC, created_at DESC, id DESC LIMIT 1", (item_id,))

    # -- targets and observations ---------------------------------------------------------------
    def get_target(self, item_id: str) -> dict | None:
        return self._one(f"SELECT {_cols(R.TARGETS, _but(R.TARGETS, 'item_id'))} FROM targets WHERE item_id = ?",
                         (item_id,))

    def set_target(self, item_id: str, target: dict | None) -> None:
        self.conn.execute("DELETE FROM targets WHERE item_id = ?", (item_id,))
        if target is not None:
            self._insert("targets", {"item_id": item_id, **{k: target.get(k) for k in _but(R.TARGETS, "item_id")}})

    def insert_observation(self, row: dict) -> None:
        self._insert("observations", {k: row[k] for k in R.OBSERVATIONS.inserted if k in row})

    def get_observation(self, oid: str) -> dict | None:
        return self._one(f"SELECT {_cols(R.OBSERVATIONS)} FROM observations WHERE id = ?", (oid,))

    def observations_citing(self, cid: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM observations WHERE citation_id = ?", (cid,))]

    def updates_citing(self, cid: str) -> list[str]:
        """The status updates whose evidence is this citation (they keep it: the history is append-only)."""
        return [r[0] for r in self.conn.execute("SELECT id FROM status_updates WHERE citation_id = ?", (cid,))]

    def link_observations(self, observation_ids: Iterable[str], cid: str) -> None:
        self.conn.executemany("UPDATE observations SET citation_id = ? WHERE id = ?",
                              [(cid, oid) for oid in observation_ids])

    def delete_observation(self, oid: str) -> None:
        self.conn.execute("DELETE FROM observations WHERE id = ?", (oid,))

    def observations_for_item(self, item_id: str) -> list[dict]:
        return self._all(f"SELECT {_cols(R.OBSERVATIONS, _but(R.OBSERVATIONS, 'item_id'))} FROM observations "
                         "WHERE item_id = ? ORDER BY observed_on, created_at, id", (item_id,))

    # -- relations ---------------------------------------------------------------------------------
    def insert_relation(self, row: dict) -> None:
        self._insert("relations", {k: row[k] for k in R.RELATIONS.inserted if k in row})

    def get_relation(self, rid: str) -> dict | None:
        return self._one(f"SELECT {_cols(R.RELATIONS)} FROM relations WHERE id = ?", (rid,))

    def delete_relation(self, rid: str) -> None:
        self.conn.execute("DELETE FROM relations WHERE id = ?", (rid,))

    def relations_for_item(self, item_id: str) -> list[dict]:
        """Links in both directions, each with the other item's ref, title, status and framework."""
        return self._all(
            "SELECT r.id, r.kind, r.note, r.from_id, r.to_id, 'out' AS direction, o.id AS other_id, o.ref, o.title, "
            "o.status, f.title AS framework FROM relations r JOIN items o ON o.id = r.to_id "
            "JOIN frameworks f ON f.id = o.framework_id WHERE r.from_id = ? "
            "UNION ALL "
            "SELECT r.id, r.kind, r.note, r.from_id, r.to_id, 'in', o.id, o.ref, o.title, o.status, f.title "
            "FROM relations r JOIN items o ON o.id = r.from_id JOIN frameworks f ON f.id = o.framework_id "
            "WHERE r.to_id = ? ORDER BY 11, 8", (item_id, item_id))

    def relation_exists(self, from_id: str, to_id: str, kind: str) -> bool:
        return self.conn.execute("SELECT 1 FROM relations WHERE from_id = ? AND to_id = ? AND kind = ?",
                                 (from_id, to_id, kind)).fetchone() is not None

    def relations_all(self) -> list[dict]:
        return self._all(f"SELECT {_cols(R.RELATIONS, _exported(R.RELATIONS))} FROM relations ORDER BY id")

    # -- whole-file reads for export -------------------------------------------------------------
    def export_rows(self) -> dict[str, list[dict]]:
        """Every record, in a stable order, grouped for the exchange format."""
        def read(rec: R.Record, order: str) -> list[dict]:  # the exchanged fields, under their JSON names
            return self._all(f"SELECT {_cols(rec, _exported(rec), keys=True)} FROM {rec.table} ORDER BY {order}")

        items = [_item_out(r) for r in read(R.ITEMS, "framework_id, length(ref), ref, id")]
        # rows kept per item, in their stable order, under the keys the item's document gives them
        owned: dict[str, dict[str, Any]] = {
            R.CITATIONS.json_key: _group(read(R.CITATIONS, "item_id, source_id, start_offset, id"), "item_id"),
            R.STATUS_UPDATES.json_key: _group(read(R.STATUS_UPDATES, "item_id, as_of, created_at, id"), "item_id"),
            R.TARGETS.json_key: {r["item_id"]: r for r in read(R.TARGETS, "item_id")},
            R.OBSERVATIONS.json_key: _group(read(R.OBSERVATIONS, "item_id, observed_on, id"), "item_id"),
        }
        for it in items:
            for key in (R.CITATIONS.json_key, R.STATUS_UPDATES.json_key):
                it[key] = [_drop(c, "item_id") for c in owned[key].get(it["id"], [])]
            t = owned[R.TARGETS.json_key].get(it["id"])
            it[R.TARGETS.json_key] = _drop(t, "item_id") if t else None
            obs = owned[R.OBSERVATIONS.json_key].get(it["id"], [])
            it[R.OBSERVATIONS.json_key] = [_drop(o, "item_id") for o in obs]
        return {
            R.STATUSES.json_key: read(R.STATUSES, "sort_order, key"),
            R.SOURCES.json_key: read(R.SOURCES, "id"),
            R.FRAMEWORKS.json_key: read(R.FRAMEWORKS, "id"),
            R.ITEMS.json_key: items,
            R.RELATIONS.json_key: self.relations_all(),
        }

    def existing_ids(self, table: str, ids: Iterable[str]) -> set[str]:
        assert table in ("sources", "frameworks", "items", "citations", "status_updates", "observations", "relations",
                         "reviews")
        ids = list(ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            found |= {r[0] for r in self.conn.execute(
                f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
        return found

    def item_fingerprints(self, ids: Iterable[str]) -> dict[str, tuple]:
        """{id: what the item says}: its fields, then the ids of its citations (with offsets), updates,
        observations (with values), its target and its links. Only content: an undo that puts
        everything back gives the same fingerprint although version and updated_at moved on.
        Absent ids are left out. Cheap enough for 10,000 ids (one query per 500)."""
        ids = list(ids)
        out: dict[str, tuple] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                    f"SELECT i.id, {_cols(R.ITEMS, R.ITEMS.content, alias='i')}, "
                    "(SELECT group_concat(x, ',') FROM (SELECT c.id || '@' || coalesce(c.start_offset, '') || '-' || "
                    "  coalesce(c.end_offset, '') AS x FROM citations c WHERE c.item_id = i.id ORDER BY c.id)), "
                    "(SELECT group_concat(x, ',') FROM (SELECT u.id || '=' || u.status AS x FROM status_updates u "
                    "  WHERE u.item_id = i.id ORDER BY u.id)), "
                    "(SELECT group_concat(x, ',') FROM (SELECT o.id || '=' || o.value AS x FROM observations o "
                    "  WHERE o.item_id = i.id ORDER BY o.id)), "
                    "(SELECT quote(t.unit) || quote(t.baseline) || quote(t.baseline_on) || quote(t.target) || "
                    "  quote(t.target_on) || quote(t.direction) FROM targets t WHERE t.item_id = i.id), "
                    "(SELECT group_concat(x, ',') FROM (SELECT r.id AS x FROM relations r "
                    "  WHERE r.from_id = i.id OR r.to_id = i.id ORDER BY r.id)) "
                    f"FROM items i WHERE i.id IN ({marks})", chunk):
                out[r[0]] = tuple(r[1:])
        return out

    def items_pointing_at(self, item_ids: Iterable[str]) -> list[dict]:
        """Items, outside `item_ids`, whose parent is one of them."""
        ids = list(item_ids)
        out: list[dict] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out += self._all(f"SELECT id, ref, title, parent_id FROM items WHERE parent_id IN ({marks}) "
                             f"AND id NOT IN ({marks})", chunk + chunk)
        return out

    def delete_items(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            self.conn.execute(f"DELETE FROM items WHERE id IN ({','.join('?' * len(chunk))})", chunk)

    def put_status(self, row: dict) -> None:
        """Write a status row exactly as given (all its columns), for undo."""
        self.conn.execute(
            "INSERT INTO statuses (key, label, description, color, sort_order) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET label = excluded.label, description = excluded.description, "
            "color = excluded.color, sort_order = excluded.sort_order",
            (row["key"], row["label"], row["description"], row["color"], row["sort_order"]))

    def delete_unused_status(self, key: str) -> bool:
        cur = self.conn.execute("DELETE FROM statuses WHERE key = ? "
                                "AND NOT EXISTS (SELECT 1 FROM items WHERE status = ?) "
                                "AND NOT EXISTS (SELECT 1 FROM status_updates WHERE status = ?)", (key, key, key))
        return cur.rowcount > 0

    def status_rows(self) -> dict[str, dict]:
        return {r["key"]: r for r in self._all("SELECT key, label, description, color, sort_order FROM statuses")}

    # -- whole items (delete / undo / import) ------------------------------------------------------
    def insert_item_tree(self, item: dict) -> None:
        """Insert an item with its citations, history, target and observations (exchange-shaped)."""
        self.insert_item({k: item[k] for k in R.ITEMS.inserted if k in item})
        for c in item.get("citations") or []:
            self.insert_citation({**c, "item_id": item["id"]})
        for u in item.get("status_updates") or []:
            self.insert_status_update({**u, "item_id": item["id"]})
        if item.get("target"):
            self.set_target(item["id"], item["target"])
        for o in item.get("observations") or []:
            self.insert_observation({**o, "item_id": item["id"]})

    def item_tree(self, item_id: str) -> dict | None:
        """An item with everything hanging off it, in the exchange shape (for undoing a delete)."""
        item = self.get_item(item_id)
        if item is None:
            return None
        keys = [f.key for f in R.CITATIONS.fields if f.name != "item_id"]
        item["citations"] = [{k: c[k] for k in keys if k in c} for c in self.citations_for_item(item_id)]
        item["status_updates"] = self.status_updates_for_item(item_id, newest_first=False)
        item["target"] = self.get_target(item_id)
        item["observations"] = self.observations_for_item(item_id)
        return item

    def owners(self, table: str, ids: Iterable[str]) -> dict[str, str]:
        """{id: item_id} for those of ids already stored in a per-item table."""
        assert table in ("citations", "status_updates", "observations")
        ids = list(ids)
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update((r[0], r[1]) for r in self.conn.execute(
                f"SELECT id, item_id FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    # -- search --------------------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 50,
               scopes: tuple[str, ...] = ("items", "notes", "sources")) -> list[dict]:
        """Full-text search; `query` is quoted term by term, so any text a person types is safe.

        A trailing * on a word keeps its prefix meaning; everything else is matched literally.
        The SQL lives in search_queries so the window's worker thread runs exactly the same.
        """
        from .search_queries import search
        if self._depth:  # inside this thread's write(): the index takes its changes first
            self.flush_search_queue()
        return search(self.conn, query, limit=limit, scopes=scopes)

    def source_match_offsets(self, source_id: str, query: str) -> list[tuple[int, int]]:
        """Code-point offsets of the words of query in a source's text (for jumping to a hit)."""
        row = self._one("SELECT text FROM sources WHERE id = ?", (source_id,))
        if not row:
            return []
        return find_terms(row["text"], query)

    # -- checks ----------------------------------------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        """What is wrong with the file: SQLite's integrity check, foreign keys, the search indexes.

        Rows another program queued for the search index are not a problem: they are indexed
        first (flush_search_queue). Each index is then checked by FTS5 against its table (its
        'integrity-check' command, rank 1). An index whose queue could not be emptied (the file is
        busy) is checked for its own consistency only (rank 0), and on a read-only file, where
        FTS5's check (an INSERT) cannot run at all, each index must hold exactly the rows of its
        table, allowing for the queue.
        """
        problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {r[0]} row {r[1]} points to a missing {r[2]} row"
                     for r in self.conn.execute("PRAGMA foreign_key_check")]
        self.flush_search_queue()
        waiting = set(dbmod.search_queue_pending(self.conn))
        for fts, table, _cols in dbmod.SEARCH_INDEXES:
            fix = "; rebuild it with `sqlite-utils rebuild-fts`"
            if self.readonly or fts in waiting:
                missing, extra = self.conn.execute(_INDEX_ROWS_DISAGREE.format(fts=fts, table=table)).fetchone()
                if missing or extra:
                    problems.append(f"search index {fts}: {missing} row(s) of {table} missing from it and "
                                    f"{extra} row(s) in it that {table} does not have{fix}")
                    continue
            if self.readonly:
                continue
            try:  # FTS5's own check of the index against its content (rank 1: compare with the table)
                self.conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', "
                                  f"{0 if fts in waiting else 1})")
            except sqlite3.DatabaseError as e:
                problems.append(f"search index {fts}: {e}{fix}")
        return problems

    def table_counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in
                (r.table for r in R.all_records() if r is not R.STATUSES)}


def item_ids_plan(*, framework_ids: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
                  kinds: Iterable[str] | None = None, actor: str | None = None, tag: str | None = None,
                  due_from: str | None = None, due_to: str | None = None, sort: str = "ref",
                  descending: bool = False, review_state: str | None = None) -> list[tuple[str, list]]:
    """The queries (run in order, results concatenated) that list matching item ids in order.

    A plan rather than one query so that a worker thread can run it on its own connection, and
    so that the due-date order is two index scans (dated rows, then undated) instead of a sort.
    """
    where, params = [], []
    for col, values in (("i.framework_id", framework_ids), ("i.status", statuses), ("i.kind", kinds)):
        if values is not None:
            values = list(values)
            where.append(f"{col} IN ({','.join('?' * len(values))})" if values else "0")
            params += values
    if actor:
        where.append("i.actor = ?")
        params.append(actor)
    if tag:
        where.append("EXISTS (SELECT 1 FROM json_each(i.tags) WHERE json_each.value = ?)")
        params.append(tag)
    if due_from:
        where.append("i.due_on >= ?")
        params.append(due_from)
    if due_to:
        where.append("i.due_on <= ?")
        params.append(due_to)
    if review_state:  # items with an entry in this state (approved: every entry approved); review_current
        # an uncorrelated IN: the few items with such an entry are found once, not looked up per item
        if review_state == reviews.DEFAULT_STATE:
            where.append("i.id NOT IN (SELECT rc.item_id FROM review_current rc WHERE rc.state <> ?)")
        else:
            where.append("i.id IN (SELECT rc.item_id FROM review_current rc WHERE rc.state = ?)")
        params.append(review_state)
    direction = "DESC" if descending else "ASC"

    def select(extra: list[str], order_sql: str, joins: str = "") -> tuple[str, list]:
        conds = where + extra
        return (f"SELECT i.id FROM items i{joins}" + (f" WHERE {' AND '.join(conds)}" if conds else "")
                + f" ORDER BY {order_sql}", list(params))

    if sort == "due_on":  # undated items last in both directions
        # With filters, the unary + keeps the planner off items_due for the undated rows (all of
        # them share one key there, so it would walk every undated item to find a few matches).
        undated = (["+i.due_on IS NULL"], "+i.seq") if where else (["i.due_on IS NULL"], "i.seq")
        return [select(["i.due_on IS NOT NULL"], f"i.due_on {direction}, i.seq {direction}"), select(*undated)]
    sorts = sortable()
    if sort == "ref" or sort not in sorts:
        return [select([], f"i.framework_id, length(i.ref) {direction}, i.ref {direction}, i.seq")]
    joins = ""
    if sort == "framework":
        joins = " JOIN frameworks f ON f.id = i.framework_id"
    if sort == "status":
        joins = " JOIN statuses st ON st.key = i.status"
    return [select([], f"{sorts[sort]} {direction}, i.framework_id, length(i.ref), i.ref, i.seq", joins)]


def run_id_plan(conn: sqlite3.Connection, plan: list[tuple[str, list]], limit: int | None = None) -> list[str]:
    out: list[str] = []
    for sql, params in plan:
        if limit is not None:
            if len(out) >= limit:
                break
            sql += f" LIMIT {int(limit) - len(out)}"
        out += [r[0] for r in conn.execute(sql, params)]
    return out


def _citation_select() -> str:
    """A citation under its exchange names, with its source's title, publisher, date and author."""
    return R.CITATIONS.derive(("store.citation_select",), lambda r: (
        f"SELECT {_cols(r, alias='c', keys=True)}, "
        "s.title AS source_title, s.publisher AS source_publisher, s.published_on AS source_published_on, "
        "s.author AS source_author FROM citations c JOIN sources s ON s.id = c.source_id"))


def _listed(rec: R.Record) -> tuple[str, ...]:
    """The columns of a record's rows in lists (pages of the item table, pickers): what the table shows,
    its id, its links and what the database keeps (the version a save is checked against)."""
    return rec.derive(("store.listed",), lambda r: tuple(
        f.name for f in r.fields if f.name in r.table_columns or f.name == r.key or f.refers_to or not f.insert))


def find_terms(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in the stored text, in any spelling the index treats as equal."""
    import re

    from ..core.textnorm import variant_pattern
    out = []
    for w in re.findall(r"[\w\u0600-\u06ff]+", normalize(query)):
        pattern = variant_pattern(w)
        if pattern is not None:
            out += [m.span() for m in pattern.finditer(text)]
    return sorted(out)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _item_out(row: dict) -> dict:
    row = dict(row)
    if isinstance(row.get("tags"), str):
        row["tags"] = json.loads(row["tags"])
    return row


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def _drop(d: dict, *keys: str) -> dict:
    return {k: v for k, v in d.items() if k not in keys}

