"""A source's editions and where its citations sit in each (db/migrations, source editions).

Functions over an open Store, kept apart from store.py. Every write runs inside the caller's
Store.write(); the triggers of the migration keep the rules: editions are added in order and never
changed, only the newest may be removed, and sources.text changes only to the newest edition's.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..core.model import TO_CHECK

if TYPE_CHECKING:
    from .store import Store

EDITION_COLUMNS = ("source_id", "edition", "sha256", "published_on", "note", "added_at")
PLACE_COLUMNS = ("start_offset", "end_offset", "quote", "anchor_state")
_TO_CHECK = "('" + "', '".join(TO_CHECK) + "')"


def editions(store: "Store", source_id: str) -> list[dict]:
    """The editions of a source, oldest first, without their texts (with their length in code points)."""
    return [dict(r) for r in store.conn.execute(
        f"SELECT {', '.join(EDITION_COLUMNS)}, length(text) AS length FROM source_editions "
        "WHERE source_id = ? ORDER BY edition", (source_id,))]


def newest(store: "Store", source_id: str) -> int:
    """The number of a source's newest edition (0 for a source that does not exist)."""
    row = store.conn.execute("SELECT max(edition) FROM source_editions WHERE source_id = ?", (source_id,)).fetchone()
    return int(row[0] or 0)


def edition_text(store: "Store", source_id: str, edition: int) -> str | None:
    row = store.conn.execute("SELECT text FROM source_editions WHERE source_id = ? AND edition = ?",
                             (source_id, edition)).fetchone()
    return None if row is None else row[0]


def edition_by_sha(store: "Store", source_id: str, sha: str) -> int | None:
    row = store.conn.execute("SELECT edition FROM source_editions WHERE source_id = ? AND sha256 = ?",
                             (source_id, sha)).fetchone()
    return None if row is None else int(row[0])


def counts(store: "Store") -> dict[str, int]:
    """{source id: number of editions} for the sources that have more than one."""
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT source_id, count(*) FROM source_editions GROUP BY source_id HAVING count(*) > 1")}


def add(store: "Store", source_id: str, edition: int, text: str, sha: str, *, published_on: str | None,
        note: str, added_at: str | None = None) -> None:
    """Store a new newest edition and make it the source's text (the triggers check the order)."""
    cols = ["source_id", "edition", "sha256", "text", "published_on", "note"]
    vals: list = [source_id, edition, sha, text, published_on, note]
    if added_at:
        cols.append("added_at")
        vals.append(added_at)
    store.conn.execute(f"INSERT INTO source_editions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", vals)
    store.conn.execute("UPDATE sources SET text = ?, sha256 = ? WHERE id = ?", (text, sha, source_id))


def remove_newest(store: "Store", source_id: str) -> dict:
    """Take away a source's newest edition (its file and pages too) and give the source the text of
    the one before; returns the removed edition's row (with its text)."""
    n = newest(store, source_id)
    row = dict(store.conn.execute(f"SELECT {', '.join(EDITION_COLUMNS)}, text FROM source_editions "
                                  "WHERE source_id = ? AND edition = ?", (source_id, n)).fetchone())
    store.conn.execute("DELETE FROM source_pages WHERE source_id = ? AND edition = ?", (source_id, n))
    store.conn.execute("DELETE FROM source_files WHERE source_id = ? AND edition = ?", (source_id, n))
    store.conn.execute("DELETE FROM source_editions WHERE source_id = ? AND edition = ?", (source_id, n))
    prev = store.conn.execute("SELECT text, sha256 FROM source_editions WHERE source_id = ? AND edition = ?",
                              (source_id, n - 1)).fetchone()
    store.conn.execute("UPDATE sources SET text = ?, sha256 = ? WHERE id = ?", (prev[0], prev[1], source_id))
    return row


def all_editions(store: "Store", source_ids: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """{source id: every edition with its text, oldest first} for the sources with more than one
    (of `source_ids`, or all: the exchange format's export), in one query."""
    out: dict[str, list[dict]] = {}
    where, params = "", ()  # type: tuple[str, tuple[str, ...]]
    if source_ids is not None:
        where, params = "AND source_id IN (SELECT value FROM json_each(?)) ", (json.dumps(sorted(set(source_ids))),)
    for r in store.conn.execute(
            f"SELECT {', '.join(EDITION_COLUMNS)}, text FROM source_editions WHERE source_id IN "
            "(SELECT source_id FROM source_editions GROUP BY source_id HAVING count(*) > 1) "
            f"{where}ORDER BY source_id, edition", params):
        out.setdefault(r[0], []).append(dict(r))
    return out


# -- citations and their places ----------------------------------------------------------------------
_PLACE = ("SELECT id, item_id, source_id, start_offset, end_offset, quote, prefix, suffix, anchor_state, "
          "suggested_start, suggested_end, figures_changed FROM citations")


def citations_of(store: "Store", source_id: str) -> list[dict]:
    """Every citation of a source, placed or not, with what re-anchoring and its undo need."""
    return [dict(r) for r in store.conn.execute(f"{_PLACE} WHERE source_id = ? ORDER BY id", (source_id,))]


def citation_place(store: "Store", citation_id: str) -> dict | None:
    """One citation's row as citations_of gives it, or None."""
    r = store.conn.execute(f"{_PLACE} WHERE id = ?", (citation_id,)).fetchone()
    return None if r is None else dict(r)


def keep_places(store: "Store", rows: Iterable[dict], edition: int) -> None:
    """Write where each citation was in `edition` (an edition that has just stopped being the newest)."""
    store.conn.executemany(
        "INSERT INTO citation_placements (citation_id, edition, start_offset, end_offset, quote, anchor_state) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(r["id"], edition, r["start_offset"], r["end_offset"], r["quote"], r["anchor_state"]) for r in rows])


def drop_places(store: "Store", source_id: str, edition: int) -> None:
    store.conn.execute("DELETE FROM citation_placements WHERE edition = ? AND citation_id IN "
                       "(SELECT id FROM citations WHERE source_id = ?)", (edition, source_id))


def set_places(store: "Store", rows: Iterable[dict]) -> None:
    """Put citations where `rows` say (id, start_offset, end_offset, quote, prefix, suffix,
    anchor_state, suggested_start, suggested_end, figures_changed)."""
    store.conn.executemany(
        "UPDATE citations SET start_offset = ?, end_offset = ?, quote = ?, prefix = ?, suffix = ?, anchor_state = ?, "
        "suggested_start = ?, suggested_end = ?, figures_changed = ? WHERE id = ?",
        [(r["start_offset"], r["end_offset"], r["quote"], r["prefix"], r["suffix"], r["anchor_state"],
          r["suggested_start"], r["suggested_end"], int(r["figures_changed"]), r["id"]) for r in rows])


def placements(store: "Store", citation_ids: Iterable[str]) -> dict[str, list[dict]]:
    """{citation id: [{edition, start, end, quote, anchor_state}, ...] oldest first} for these citations."""
    out: dict[str, list[dict]] = {}
    for r in store.conn.execute(
            "SELECT citation_id, edition, start_offset, end_offset, quote, anchor_state FROM citation_placements "
            "WHERE citation_id IN (SELECT value FROM json_each(?)) ORDER BY citation_id, edition",
            (json.dumps(sorted(set(citation_ids))),)):
        out.setdefault(r[0], []).append({"edition": r[1], "start": r[2], "end": r[3], "quote": r[4],
                                         "anchor_state": r[5]})
    return out


def all_placements(store: "Store") -> dict[str, list[dict]]:
    """placements() of every citation that has one (the export), in one query."""
    out: dict[str, list[dict]] = {}
    for r in store.conn.execute("SELECT citation_id, edition, start_offset, end_offset, quote, anchor_state "
                                "FROM citation_placements ORDER BY citation_id, edition"):
        out.setdefault(r[0], []).append({"edition": r[1], "start": r[2], "end": r[3], "quote": r[4],
                                         "anchor_state": r[5]})
    return out


def insert_placements(store: "Store", citation_id: str, rows: Iterable[dict]) -> None:
    """Put back a citation's places in earlier editions (exchange shape: edition, start, end, quote,
    anchor_state); a place the file already holds is kept."""
    store.conn.executemany(
        "INSERT OR IGNORE INTO citation_placements (citation_id, edition, start_offset, end_offset, quote, "
        "anchor_state) VALUES (?, ?, ?, ?, ?, ?)",
        [(citation_id, p["edition"], p["start"], p["end"], p["quote"], p["anchor_state"]) for p in rows])


def to_check(store: "Store", *, limit: int | None = None) -> list[dict]:
    """Every citation a person must check (review, not_found), with its item, its source and where it
    was in the edition before (its old words there)."""
    sql = ("SELECT c.id, c.item_id, c.source_id, c.quote, c.prefix, c.suffix, c.anchor_state, c.suggested_start, "
           "c.suggested_end, c.figures_changed, i.ref, i.title, s.title AS source_title, "
           "(SELECT max(edition) FROM source_editions e WHERE e.source_id = c.source_id) AS edition, "
           "(SELECT count(*) FROM observations o WHERE o.citation_id = c.id) AS observations "
           f"FROM citations c JOIN items i ON i.id = c.item_id JOIN sources s ON s.id = c.source_id "
           f"WHERE c.anchor_state IN {_TO_CHECK} ORDER BY s.title, s.id, c.anchor_state = 'not_found', "
           "(SELECT p.start_offset FROM citation_placements p WHERE p.citation_id = c.id "
           " ORDER BY p.edition DESC LIMIT 1), i.ref, i.title, c.id")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [dict(r) for r in store.conn.execute(sql)]


def count_to_check(store: "Store") -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM citations WHERE anchor_state IN {_TO_CHECK}").fetchone()[0])


def places_in(store: "Store", source_id: str, edition: int) -> list[tuple[int, int]]:
    """(start, end) of every citation of a source where it was placed in an earlier edition."""
    return [(r[0], r[1]) for r in store.conn.execute(
        "SELECT p.start_offset, p.end_offset FROM citation_placements p JOIN citations c ON c.id = p.citation_id "
        "WHERE c.source_id = ? AND p.edition = ? AND p.start_offset IS NOT NULL ORDER BY p.start_offset",
        (source_id, edition))]


def previous_place(store: "Store", citation_id: str) -> dict | None:
    """Where a citation was in the newest edition before the current one that holds it, or None."""
    r = store.conn.execute(
        "SELECT edition, start_offset, end_offset, quote, anchor_state FROM citation_placements "
        "WHERE citation_id = ? ORDER BY edition DESC LIMIT 1", (citation_id,)).fetchone()
    return None if r is None else {"edition": r[0], "start": r[1], "end": r[2], "quote": r[3], "anchor_state": r[4]}


def flagged(store: "Store", item_id: str | None = None) -> dict[str, list[str]]:
    """What cites a quote whose figures changed: {"observations": [ids], "targets": [item ids],
    "citations": [ids]}, for one item or all."""
    where, params = ("AND c.item_id = ?", (item_id,)) if item_id else ("", ())
    cits = [r[0] for r in store.conn.execute(
        f"SELECT c.id FROM citations c WHERE c.figures_changed = 1 {where} ORDER BY c.id", params)]
    obs = [r[0] for r in store.conn.execute(
        f"SELECT o.id FROM observations o JOIN citations c ON c.id = o.citation_id WHERE c.figures_changed = 1 "
        f"{where} ORDER BY o.id", params)]
    targets = [r[0] for r in store.conn.execute(
        f"SELECT DISTINCT t.item_id FROM targets t JOIN citations c ON c.item_id = t.item_id "
        f"WHERE c.figures_changed = 1 {where} ORDER BY t.item_id", params)]
    return {"citations": cits, "observations": obs, "targets": targets}


def items_waiting(store: "Store", item_ids: Iterable[str]) -> set[str]:
    """The items among these with evidence waiting to be checked (a citation in review or not found)."""
    return {r[0] for r in store.conn.execute(
        f"SELECT DISTINCT item_id FROM citations WHERE anchor_state IN {_TO_CHECK} "
        "AND item_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(item_ids))),))}
