"""`policy-tracker add-edition`, `editions` and `citation`: sources that change, on the command line.

Beside app/cli.py rather than in a layer: it reads files (app.exchange.extract) and runs services'
operations, as add-source does, and the layers keep those two apart.

add-edition reads the file like add-source (app/exchange/extract: PDF, Word, ODT, a saved web
page, UTF-8 text or Markdown, a text file kept exactly, line endings included) and runs the
window's own operation (services.editions.AddEdition) in one transaction. `citation` takes the
decisions of the window's Citations to check: accept the suggestion, place on other words, or
mark as gone. A mistake is one sentence and exit code 1, and nothing is written.
"""
from __future__ import annotations

import argparse

from .cli_support import CliError, open_store


def cmd_add_edition(args) -> int:
    from .exchange.extract import extract
    from .exchange.extract.plain import MARKDOWN, TEXT
    from .services import editions
    from .services.operations import perform
    store = open_store(args)
    try:
        src = store.get_source(args.source_id, with_text=False)
        if src is None:
            raise CliError(f"There is no source with the id '{args.source_id}'; "
                           f"`policy-tracker editions` lists the sources.")
        got = extract(args.file)
        original = None if got.media_type in (TEXT, MARKDOWN) else got.original()
        out = perform(store, editions.AddEdition(args.source_id, got.text, args.published_on, args.note or "",
                                                 original)).result
    finally:
        store.close()
    print(editions.summary_sentence(src["title"], out))
    return 0


def cmd_editions(args) -> int:
    from .store import editions as E
    store = open_store(args)
    try:
        sources = [s for s in store.list_sources() if not args.source_id or s["id"] == args.source_id]
        if args.source_id and not sources:
            raise CliError(f"There is no source with the id '{args.source_id}'.")
        listed = [(s, E.editions(store, s["id"])) for s in sources]
    finally:
        store.close()
    for s, eds in listed:
        print(f"{s['id']}  {s['title']}  ({len(eds)} edition{'s' if len(eds) != 1 else ''})")
        for e in eds:
            when = e["published_on"] or "no date"
            print(f"  edition {e['edition']}: {when}, {e['length']:,} characters, added {e['added_at'][:10]}"
                  + (f" - {e['note']}" if e["note"] else ""))
    return 0


def cmd_citation(args) -> int:
    from .services import editions
    from .services.operations import perform
    if args.action == "place" and (args.start is None or args.end is None):
        raise CliError("`citation place` needs --start and --end: the words of the newest edition to cite.")
    store = open_store(args)
    try:
        row = perform(store, editions.ResolveCitation(args.citation_id, args.action, args.start, args.end,
                                                      figures_checked=args.figures_checked)).result
    finally:
        store.close()
    if row["anchor_state"] == "gone":
        print(f"Citation {row['id']} is marked as gone from the newest edition.")
    else:
        print(f"Citation {row['id']} is placed on {row['quote'][:60]!r}.")
    return 0


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "add-edition", parents=[common], help="add a new edition of a source; its citations follow it",
        description="Make FILE the newest edition of a source (any format add-source takes). Every earlier edition "
                    "is kept. Each citation is placed on its own words in the new edition when that is certain; "
                    "the others wait to be checked (`policy-tracker check` lists them).")
    s.add_argument("source_id", metavar="SOURCE_ID")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--published-on", metavar="YYYY-MM-DD", help="when this edition was published")
    s.add_argument("--note", help="what changed, in a few words")
    s.set_defaults(func=cmd_add_edition)
    s = sub.add_parser("editions", parents=[common], help="list the editions of the sources")
    s.add_argument("source_id", metavar="SOURCE_ID", nargs="?", help="only this source")
    s.set_defaults(func=cmd_editions)
    s = sub.add_parser(
        "citation", parents=[common], help="decide about a citation waiting to be checked",
        description="accept: place the citation on its suggested words; place: on the words --start to --end of the "
                    "newest edition (offsets in characters); gone: mark it as not in the newest edition.")
    from .services.editions import ACTIONS
    s.add_argument("action", metavar="DECISION", choices=ACTIONS, help=" or ".join(ACTIONS))
    s.add_argument("citation_id", metavar="CITATION_ID")
    s.add_argument("--start", type=int)
    s.add_argument("--end", type=int)
    s.add_argument("--figures-checked", action="store_true",
                   help="for a citation whose figures changed: you checked the observations and target citing it")
    s.set_defaults(func=cmd_citation)
