"""A source's original file and the pages of its text (db/migrations/0004_source_files.sql).

Functions over an open Store, kept apart from store.py: the rows are written once, with their
source, and read when the file is opened or saved again, or a page is wanted for an offset.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store

FILE_COLUMNS = ("source_id", "file_name", "media_type", "sha256", "size")


def insert_original(store: "Store", source_id: str, original: dict) -> None:
    """Store the file a source came from, and its page boundaries [(page, start, end), ...]."""
    store.conn.execute(
        "INSERT INTO source_files (source_id, file_name, media_type, sha256, size, content) VALUES (?, ?, ?, ?, ?, ?)",
        (source_id, original["file_name"], original["media_type"], original["sha256"], original["size"],
         bytes(original["content"])))
    store.conn.executemany(
        "INSERT INTO source_pages (source_id, page, start_offset, end_offset) VALUES (?, ?, ?, ?)",
        [(source_id, int(p), int(s), int(e)) for p, s, e in original.get("pages") or ()])


def get_original(store: "Store", source_id: str, *, with_content: bool = True) -> dict | None:
    """The stored file of a source (name, type, sha256, size, bytes when asked, pages), or None."""
    cols = ", ".join(FILE_COLUMNS + (("content",) if with_content else ()))
    row = store.conn.execute(f"SELECT {cols} FROM source_files WHERE source_id = ?", (source_id,)).fetchone()
    if row is None:
        return None
    out = dict(zip(FILE_COLUMNS + (("content",) if with_content else ()), tuple(row), strict=True))
    out.pop("source_id")
    out["pages"] = pages(store, source_id)
    return out


def pages(store: "Store", source_id: str) -> list[list[int]]:
    """[page, start, end] of each page of a paged source, in page order (empty for others)."""
    return [[r[0], r[1], r[2]] for r in store.conn.execute(
        "SELECT page, start_offset, end_offset FROM source_pages WHERE source_id = ? ORDER BY page", (source_id,))]


def page_of(store: "Store", source_id: str, offset: int) -> int | None:
    """The page an offset of a source's text is on (the page before a blank between pages), or None."""
    rows = pages(store, source_id)
    if not rows:
        return None
    k = bisect_right([r[1] for r in rows], offset) - 1
    return rows[max(k, 0)][0]
