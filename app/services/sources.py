"""Adding source documents: a text, Markdown, PDF, Word, ODT or web page file becomes an unalterable source.

The file is read by app/exchange/extract (the caller does that: services do not import exchange)
into its canonical text; the text, and for other formats than text the original file with its
sha256 and page boundaries, are stored here.
"""
from __future__ import annotations

import hashlib

from ..core import validation as v
from ..core.model import Changes, ValidationError, new_id
from ..store import editions, source_files
from ..store.store import Store


def guess_language(text: str) -> str:
    sample = text[:5000]
    arabic = sum(1 for ch in sample if "\u0600" <= ch <= "\u06ff")
    letters = sum(1 for ch in sample if ch.isalpha()) or 1
    return "fa" if arabic / letters > 0.3 else "en"


def default_title(text: str, fallback: str) -> str:
    """A document's first line (Markdown's # taken off), at most 200 characters, else fallback."""
    first = next((ln.strip().lstrip("#").strip() for ln in text.splitlines() if ln.strip()), "")
    return first[:200] or fallback


def check_original(text: str, original: dict) -> None:
    """The file kept with a source must be whole and its pages must lie, in order, within the text."""
    content = original.get("content")
    if not isinstance(content, (bytes, bytearray)) or len(content) != original.get("size"):
        raise ValidationError("The original file's bytes do not match its size.")
    if hashlib.sha256(content).hexdigest() != original.get("sha256"):
        raise ValidationError("The original file's bytes do not match its sha256.")
    last = 0
    for n, (page, start, end) in enumerate(original.get("pages") or (), start=1):
        if page != n or not (last <= start <= end <= len(text)):
            raise ValidationError(f"Page {page} of the original file does not lie within its text in page order.")
        last = end


def add_source(store: Store, text: str, *, title: str, kind: str = "document", publisher: str | None = None,
               author: str | None = None, event: str | None = None, published_on: str | None = None,
               url: str | None = None, language: str | None = None, source_id: str | None = None,
               original: dict | None = None) -> tuple[str, Changes]:
    """Store a source text exactly as given, with its sha256; the same text twice is refused.

    original: the file the text was read from ({file_name, media_type, sha256, size, content,
    pages}), kept with it for a PDF, Word, ODT or web page source."""
    v.check_unicode(text, "text")
    if len(text) > v.MAX_SOURCE_TEXT:
        raise ValidationError("The text is too long to import.")
    url = v.web_url(url)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if original is not None:
        check_original(text, original)
    sid = source_id or new_id()
    row = {"id": sid, "title": v.clean_text(title, "title", required=True, limit=v.MAX_TITLE),
           "kind": v.clean_text(kind, "kind", limit=100) or "document",
           "publisher": v.clean_text(publisher, "publisher", limit=500) or None,
           "author": v.clean_text(author, "author", limit=500) or None,
           "event": v.clean_text(event, "event", limit=500) or None,
           "published_on": v.parse_date(published_on, "published_on"), "url": url or None,
           "language": language or guess_language(text), "sha256": sha, "text": text}
    with store.write():
        dup = store.source_by_sha(sha)
        if dup:
            raise ValidationError(f"This text is already in the file as '{dup['title']}'.")
        store.insert_source(row)
        if original is not None:
            source_files.insert_original(store, sid, original)
    return sid, Changes(sources=frozenset({sid}))


def remove_source(store: Store, source_id: str) -> tuple[dict, Changes]:
    """Delete a source nobody cites (the inverse of add_source, for undo).

    The row returned holds what restore_source needs: the source, and its original file and pages
    under "original" (None for a text source), which the delete removes with it."""
    with store.write():
        row = store.get_source(source_id)
        if row is None:
            raise ValidationError("That source no longer exists.")
        if any(s["id"] == source_id and s["citation_count"] for s in store.list_sources()):
            raise ValidationError("Items cite this source; remove their citations first.")
        row["original"] = source_files.get_original(store, source_id)
        # its earlier editions, each with its file (the newest is the row's text and "original")
        row["editions"] = editions.all_editions(store, [source_id]).get(source_id, [])
        for e in row["editions"][:-1]:
            e["original"] = source_files.get_original(store, source_id, edition=e["edition"])
        store.delete_source(source_id)  # its editions, files and pages go with it (ON DELETE CASCADE)
    return row, Changes(sources=frozenset({source_id}))


def restore_source(store: Store, row: dict) -> str:
    """Put back a removed source exactly (imported_at included), with its original file and pages."""
    with store.write():
        eds = row.get("editions") or []
        if len(eds) < 2:
            store.insert_source(row)
            if row.get("original"):
                source_files.insert_original(store, row["id"], row["original"])
            return row["id"]
        # the first edition makes the source (a trigger stores it as edition 1); the others follow in order
        first = eds[0]
        store.insert_source(dict(row, text=first["text"], sha256=first["sha256"]))
        if first.get("original"):
            source_files.insert_original(store, row["id"], first["original"], edition=1)
        for e in eds[1:]:
            editions.add(store, row["id"], e["edition"], e["text"], e["sha256"], published_on=e["published_on"],
                         note=e["note"], added_at=e["added_at"])
            kept = row.get("original") if e is eds[-1] else e.get("original")
            if kept:
                source_files.insert_original(store, row["id"], kept, edition=e["edition"])
    return row["id"]
