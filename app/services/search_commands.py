"""`policy-tracker search QUERY`: the window's full-text search on the command line.

It runs `Store.search`, the same SQL as the window's search panel (app/store/search_queries.py),
over items, status notes and source texts, and prints the hits best first: one line each, or with
`--json` one JSON array of {"kind", "id", "title", "snippet"} objects.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.model import PolicyTrackerError
from ..paths import default_db_path
from ..store.search_queries import fts_query

DEFAULT_LIMIT = 50
_HIT, _END = "\x02", "\x03"


class SearchCommandError(PolicyTrackerError):
    pass


def _db(args) -> Path:
    db = getattr(args, "db", None)
    return Path(db).expanduser() if db else default_db_path()


def parse_limit(text: str) -> int:
    """The --limit value: a whole number of at least 1 (anything else is the person's mistake)."""
    try:
        n = int(str(text).strip().replace("_", ""))
    except ValueError:
        raise SearchCommandError(f"--limit must be a whole number of at least 1, not '{text}'.") from None
    if n < 1:
        raise SearchCommandError(f"--limit must be a whole number of at least 1, not {n}.")
    return n


def hit_object(row: dict) -> dict:
    """One hit in the JSON shape: the id is the record the hit is in (an item, a status update
    or a source); a note's title is its item's title; the snippet is plain text."""
    kind = row["kind"]
    ident = {"item": row.get("item_id"), "note": row.get("update_id"), "source": row.get("source_id")}[kind]
    return {"kind": kind, "id": ident, "title": row.get("title") or "", "snippet": plain_snippet(row.get("snippet"))}


def plain_snippet(snippet: str | None, *, marks: tuple[str, str] = ("", "")) -> str:
    """The snippet on one line, hit markers replaced by marks (removed by default)."""
    text = (snippet or "").replace(_HIT, marks[0]).replace(_END, marks[1])
    return " ".join(text.split())


def hit_line(row: dict) -> str:
    """One readable line: kind, the item's ref and title (or the source's), then the words in
    context with the hits in [brackets]."""
    head = " ".join(p for p in (row.get("ref") or "", row.get("title") or "") if p)
    if row["kind"] == "note" and row.get("as_of"):
        head += f" (note of {row['as_of']})"
    return f"{row['kind']:<6}  {head}: {plain_snippet(row.get('snippet'), marks=('[', ']'))}"


def cmd_search(args) -> int:
    query = " ".join(args.query or [])
    if not query.strip():
        raise SearchCommandError("The search query is empty; give a word to search for.")
    limit = parse_limit(args.limit)
    if not fts_query(query):
        raise SearchCommandError(f"'{query}' has no words to search for.")
    from ..store.store import Store
    path = _db(args)
    if not path.exists() or path.stat().st_size == 0:
        raise SearchCommandError(f"There is no database at {path}; create one with `policy-tracker init --db {path}`.")
    store = Store(path, create=False)  # upgrades a file from an older release first, as every command does
    try:
        for warning in store.warnings:
            print(f"policy-tracker: warning: {warning}", file=sys.stderr)
        if store.migration_backup:
            print(f"Upgraded {path.name}; the previous version was kept as {store.migration_backup.name}.",
                  file=sys.stderr)
        rows = store.search(query, limit=limit)
    finally:
        store.close()
    if args.json:
        json.dump([hit_object(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for r in rows:
            print(hit_line(r))
        if not rows:
            print(f"No matches for '{query}'.", file=sys.stderr)
    return 0


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "search", parents=[common], help="full-text search over items, status notes and source texts",
        description="Search items, status notes and source texts as the window's search does: every word must "
                    "occur; word* matches words that start with it; Arabic and Persian letter forms, Persian "
                    "and ASCII digits, and words written with or without the zero-width non-joiner find "
                    "each other. Hits are listed best first.")
    s.add_argument("query", nargs="*", metavar="QUERY", help="the words to search for (put -- before a query that "
                                                            "starts with a dash)")
    s.add_argument("--json", action="store_true",
                   help='print one JSON array of {"kind", "id", "title", "snippet"}, kind being item, note or source')
    s.add_argument("--limit", metavar="N", default=str(DEFAULT_LIMIT),
                   help=f"show at most N hits (default {DEFAULT_LIMIT})")
    s.set_defaults(func=cmd_search)
