"""A source's original file and the pages of its text (db/migrations/0004_source_files.sql).

Both belong to one edition of the source (db/migrations, source editions); every reader here
gives the newest edition's, the one sources.text holds.

Functions over an open Store, kept apart from store.py: the rows are written once, with their
source, and read when the file is opened or saved again, or a page is wanted for an offset. The
batched readers (originals, pages_by_source) serve the exchange format and reports: one query
for many sources, never one per citation.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store

FILE_COLUMNS = ("source_id", "file_name", "media_type", "sha256", "size")
# a row of the source's newest edition (`t` is the table's name or alias)
NEWEST = "{t}.edition = (SELECT max(e.edition) FROM source_editions e WHERE e.source_id = {t}.source_id)"


def insert_original(store: "Store", source_id: str, original: dict, edition: int = 1) -> None:
    """Store the file an edition of a source came from, and its page boundaries [(page, start, end), ...]."""
    store.conn.execute(
        "INSERT INTO source_files (source_id, edition, file_name, media_type, sha256, size, content) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (source_id, edition, original["file_name"], original["media_type"], original["sha256"], original["size"],
         bytes(original["content"])))
    store.conn.executemany(
        "INSERT INTO source_pages (source_id, edition, page, start_offset, end_offset) VALUES (?, ?, ?, ?, ?)",
        [(source_id, edition, int(p), int(s), int(e)) for p, s, e in original.get("pages") or ()])


def get_original(store: "Store", source_id: str, *, with_content: bool = True,
                 edition: int | None = None) -> dict | None:
    """The stored file of a source's newest edition, or of `edition` (name, type, sha256, size,
    bytes when asked, pages), or None."""
    cols = ", ".join(FILE_COLUMNS + (("content",) if with_content else ()))
    which = NEWEST.format(t="source_files") if edition is None else "source_files.edition = ?"
    row = store.conn.execute(f"SELECT {cols} FROM source_files WHERE source_id = ? AND {which}",
                             (source_id,) if edition is None else (source_id, edition)).fetchone()
    if row is None:
        return None
    out = dict(zip(FILE_COLUMNS + (("content",) if with_content else ()), tuple(row), strict=True))
    out.pop("source_id")
    out["pages"] = pages(store, source_id) if edition is None else [[r[0], r[1], r[2]] for r in store.conn.execute(
        "SELECT page, start_offset, end_offset FROM source_pages WHERE source_id = ? AND edition = ? ORDER BY page",
        (source_id, edition))]
    return out


def originals(store: "Store") -> dict[str, dict]:
    """{source id: its stored file (name, type, sha256, size, bytes, pages)} for every source that
    has one, in two queries (the exchange format's export)."""
    paged = pages_by_source(store)
    out: dict[str, dict] = {}
    for row in store.conn.execute(f"SELECT {', '.join(FILE_COLUMNS)}, content FROM source_files "
                                  f"WHERE {NEWEST.format(t='source_files')} ORDER BY source_id"):
        sid, name, media, sha, size, content = tuple(row)
        out[sid] = {"file_name": name, "media_type": media, "sha256": sha, "size": size, "content": bytes(content),
                    "pages": paged.get(sid, [])}
    return out


def pages(store: "Store", source_id: str) -> list[list[int]]:
    """[page, start, end] of each page of a paged source, in page order (empty for others)."""
    return [[r[0], r[1], r[2]] for r in store.conn.execute(
        f"SELECT page, start_offset, end_offset FROM source_pages WHERE source_id = ? AND "
        f"{NEWEST.format(t='source_pages')} ORDER BY page", (source_id,))]


def pages_by_source(store: "Store", source_ids: Iterable[str] | None = None) -> dict[str, list[list[int]]]:
    """{source id: [[page, start, end], ...]} for the paged ones of `source_ids` (every source when
    None), one query per 500 ids; sources without pages are left out."""
    out: dict[str, list[list[int]]] = {}
    sql = f"SELECT source_id, page, start_offset, end_offset FROM source_pages WHERE {NEWEST.format(t='source_pages')}"
    order = " ORDER BY source_id, page"
    if source_ids is None:
        chunks: list[list[str]] = [[]]
    else:
        ids = sorted(set(source_ids))
        chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        if source_ids is None:
            rows = store.conn.execute(sql + order)
        elif not chunk:
            continue
        else:
            rows = store.conn.execute(f"{sql} AND source_id IN ({','.join('?' * len(chunk))}){order}", chunk)
        for sid, p, s, e in rows:
            out.setdefault(sid, []).append([p, s, e])
    return out


def page_in(rows: Sequence[Sequence[int]], offset: int | None) -> int | None:
    """The page of `rows` ([page, start, end] in page order) an offset is on (the page before a
    blank between pages), or None without pages or offset."""
    return page_finder(rows)(offset)


def page_finder(rows: Sequence[Sequence[int]]) -> Callable[[int | None], int | None]:
    """page_in for many offsets of one source: the page starts are listed once."""
    starts = [r[1] for r in rows]
    numbers = [r[0] for r in rows]

    def find(offset: int | None) -> int | None:
        if not numbers or offset is None:
            return None
        return numbers[max(bisect_right(starts, offset) - 1, 0)]
    return find


def page_of(store: "Store", source_id: str, offset: int) -> int | None:
    """The page an offset of a source's text is on (the page before a blank between pages), or None."""
    return page_in(pages(store, source_id), offset)
