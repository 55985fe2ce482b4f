"""The `policy-tracker` command: opens the window, or runs one task over a database headless.

Only `gui` (the default) and `report` import Qt. A person's mistake ends with one sentence on
stderr and a non-zero exit code; anything unexpected is logged with its traceback.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from . import edition_commands
from .cli_support import CliError, db_path, open_store, write_output
from .core.model import PolicyTrackerError
from .exchange import crosswalk_commands, sheet_commands
from .paths import DB_ENV, default_db_path, user_log_dir

# Feature modules that add their own sub-commands with `add_commands(sub, common)`. None of them
# imports Qt at module load (`report` imports it only when it draws a PDF), so headless commands
# stay headless; tests/test_search_command.py checks that importing this module loads no Qt.
from .reports import commands as report_commands
from .services import backup_commands, demo_commands, framework_commands, review_commands, search_commands

EXIT_USER_ERROR = 1
EXIT_UNEXPECTED = 70

COMMAND_MODULES = (report_commands, backup_commands, demo_commands, search_commands, framework_commands, sheet_commands,
                   crosswalk_commands, edition_commands, review_commands)


# -- commands ------------------------------------------------------------------------------------
def cmd_gui(args) -> int:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("No display found, so the window cannot open; on a machine without a screen use "
              "`policy-tracker export`, `policy-tracker report` or `xvfb-run make run`.", file=sys.stderr)
        return EXIT_USER_ERROR
    review = getattr(args, "review", None)
    if review:  # a review copy, opened in review mode (the window recognises any review copy it opens)
        review_commands.refuse_unless_review_copy(Path(review).expanduser())
    from .ui.app import run_gui
    if review:
        return run_gui(Path(review).expanduser())
    return run_gui(db_path(args) if getattr(args, "db", None) else None)


def cmd_init(args) -> int:
    path = db_path(args)
    existed = path.exists() and path.stat().st_size > 0
    store = open_store(args, create=True)
    try:
        if args.empty:
            print(f"{'Opened' if existed else 'Created'} an empty database at {path}.")
            return 0
        from .exchange.seeds import load_seeds
        report = load_seeds(store)
        print(f"{'Updated' if existed else 'Created'} {path} from the bundled seeds. {report.summary()}")
    finally:
        store.close()
    return 0


def cmd_export(args) -> int:
    if args.output and args.output != "-":
        from .store.outputs import refuse_unsafe_output
        refuse_unsafe_output(Path(args.output).expanduser(), "the export")  # before the file is opened
    store = open_store(args)
    try:
        if args.format == "csv":
            from .exchange.csvio import export_csv
            text = export_csv(store)
        else:
            from .exchange import jsonio
            text = jsonio.dumps(jsonio.export_document(store))
    finally:
        store.close()
    write_output(text, args.output)
    if args.output and args.output != "-":
        print(f"Exported to {args.output}.", file=sys.stderr)
    return 0


def cmd_import(args) -> int:
    path = Path(args.file).expanduser()
    if not path.exists():
        raise CliError(f"{path} does not exist.")
    from .services import operations
    store = open_store(args, create=True)
    doc: Any
    try:  # the window's own operation, so the command line follows the same rules
        if path.suffix.lower() == ".csv":
            from .exchange import csvio
            doc, importer = csvio.read_sheet(store, path), csvio.sheet_importer(path.name)
        else:
            from .exchange import jsonio
            # checked and its quotes placed before the write transaction begins
            doc, importer = jsonio.prepare_import(store, jsonio.load_file(path)), jsonio.import_document
        report = operations.perform(store, operations.ImportDocument(doc, importer, f"Import {path.name}")).result
    finally:
        store.close()
    print(report.summary())
    for line in report.unplaced:
        print(f"  unplaced: {line}")
    return 0


def cmd_add_source(args) -> int:
    from .exchange.extract import extract
    from .exchange.extract.plain import MARKDOWN, TEXT
    from .services import operations
    from .services.sources import default_title
    store = open_store(args, create=True)
    try:
        got = extract(args.file)
        meta = {"title": args.title or got.title or default_title(got.text, Path(args.file).stem),
                "published_on": args.published_on, "publisher": args.publisher, "url": args.url,
                "author": args.author, "kind": args.kind}
        original = None if got.media_type in (TEXT, MARKDOWN) else got.original()
        sid = operations.perform(store, operations.AddSource(got.text, meta, original=original)).result
    finally:
        store.close()
    print(f"Added source {sid}" + (f" ({len(got.pages)} pages)." if got.pages else "."))
    return 0


def cmd_check(args) -> int:
    store = open_store(args)
    try:
        problems = store.integrity_problems()
        mismatched = store.mismatched_citations()
        counts = store.table_counts()
        from .services.edition_check import check_lines
        waiting = check_lines(store)  # citations a person must check: information, not damage
    finally:
        store.close()
    print(", ".join(f"{n} {t.replace('_', ' ')}" for t, n in counts.items()))
    for p in problems:
        print(f"problem: {p}")
    for c in mismatched:
        print(f"citation no longer matches its source: {c['ref']} {c['title']}: {c['quote'][:60]!r}")
    for line in waiting.lines:
        print(line)
    if problems or mismatched:
        print("The database has problems (see above).", file=sys.stderr)
        return EXIT_USER_ERROR
    print("The database is sound" + (f"; {waiting.sentence}." if waiting.lines else "."))
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help=f"the database file (default: ${DB_ENV}, else {default_db_path()})")
    p = argparse.ArgumentParser(prog="policy-tracker", parents=[common],
                                description="Track stated goals, proposals, priorities and targets against the "
                                            "exact words of their sources. With no command, opens the window.")
    p.add_argument("--review", metavar="FILE", help="open a review copy in review mode (see review-copy)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    s = sub.add_parser("gui", parents=[common], help="open the window (the default)")
    s.set_defaults(func=cmd_gui)
    s = sub.add_parser("init", parents=[common], help="create a database from the bundled seeds")
    s.add_argument("--empty", action="store_true", help="create the schema only, with no seed data")
    s.set_defaults(func=cmd_init)
    s = sub.add_parser("export", parents=[common], help="write the whole database as JSON or CSV")
    s.add_argument("--format", choices=("json", "csv"), default="json", help="json (lossless) or csv (items only)")
    s.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("import", parents=[common], help="merge a JSON document or CSV sheet into the database")
    s.add_argument("file", metavar="FILE")
    s.set_defaults(func=cmd_import)
    s = sub.add_parser("add-source", parents=[common],
                       help="add a source document: PDF, Word (.docx), OpenDocument (.odt), a saved web page "
                            "(.html), UTF-8 text or Markdown")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--title", help="the document's title (default: the file's own title, else its first line)")
    s.add_argument("--published-on", metavar="YYYY-MM-DD")
    s.add_argument("--publisher")
    s.add_argument("--author", help="author or speaker")
    s.add_argument("--kind", default="document", help="speech, statement, plan, news_report...")
    s.add_argument("--url")
    s.set_defaults(func=cmd_add_source)
    s = sub.add_parser("check", parents=[common], help="check integrity, foreign keys and citations")
    s.set_defaults(func=cmd_check)
    for module in COMMAND_MODULES:
        module.add_commands(sub, common)
    return p


def _log_unexpected(exc: BaseException) -> Path | None:
    try:
        d = user_log_dir()
        d.mkdir(parents=True, exist_ok=True)
        path = d / "policy-tracker.log"
        from .store.outputs import PrivateFileHandler  # the log is 0600, like the database
        handler = PrivateFileHandler(path)  # our own handler, so the traceback lands in this file
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger = logging.getLogger("policy_tracker.cli")
        logger.propagate = False  # not a second time through the window's handler on the same file
        logger.addHandler(handler)
        try:
            logger.error("unexpected error\n%s", "".join(traceback.format_exception(exc)))
        finally:
            logger.removeHandler(handler)
            handler.close()
        return path
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_gui)
    try:
        return func(args) or 0
    except PolicyTrackerError as e:
        print(f"policy-tracker: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("policy-tracker: interrupted; nothing was half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # noqa: BLE001 - last resort: log it, say it once
        log = _log_unexpected(e)
        print(f"policy-tracker: unexpected error: {type(e).__name__}: {e}"
              + (f" (details in {log})" if log else ""), file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
