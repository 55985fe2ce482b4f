"""`policy-tracker report`: write a status report as PDF, HTML, Word or Excel, headless (no display needed).

Qt is imported only when a PDF is asked for, and only after `ensure_app` has chosen the
offscreen platform on a machine without a display (otherwise Qt aborts the whole process).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..core.model import PolicyTrackerError
from .data import PAGE_SIZES, ReportOptions, build_report, load_preset, parse_as_of, parse_page_size, resolve_frameworks


def add_commands(subparsers, common) -> None:
    s = subparsers.add_parser(
        "report", parents=[common], help="write a printable status report (PDF, HTML, Word or Excel)",
        description="Write a status report: a cover, a summary per framework, then each item with its status "
                    "as of a date, latest notes, target progress, the source's words and related items.")
    s.add_argument("-o", "--output", metavar="FILE", required=True,
                   help="the file to write (.pdf, .html, .docx or .xlsx)")
    s.add_argument("--format", choices=FORMATS,
                   help="pdf, html, docx (Word) or xlsx (Excel); default: from FILE's extension, else pdf")
    s.add_argument("--framework", action="append", metavar="ID_OR_TITLE", default=[],
                   help="only this framework (its id, title or the start of its title); repeatable")
    s.add_argument("--status", action="append", metavar="STATUS", default=[],
                   help="only items in this status as of the date (key or label, e.g. in_progress); repeatable")
    s.add_argument("--kind", action="append", metavar="KIND", default=[], help="only items of this kind; repeatable")
    s.add_argument("--tag", action="append", metavar="TAG", default=[], help="only items with this tag; repeatable")
    s.add_argument("--as-of", metavar="YYYY-MM-DD", help="show each item as it stood on this date (default: today)")
    s.add_argument("--title", help="the report's title")
    s.add_argument("--analyst", help="who prepared it (shown on the cover)")
    s.add_argument("--notes", type=int, metavar="N", help="latest notes per item (default 3)")
    s.add_argument("--stale-days", type=int, metavar="N", help="flag items without an update in N days (default 90)")
    s.add_argument("--no-notes", action="store_true", help="leave out status notes")
    s.add_argument("--no-quotes", action="store_true", help="leave out quoted source words and the source list")
    s.add_argument("--no-charts", action="store_true", help="leave out charts")
    s.add_argument("--page-size", metavar="|".join(PAGE_SIZES), help="A4 (default) or Letter")
    s.add_argument("--show-file", action="store_true", help="name the database file on the cover and in the footer")
    s.add_argument("--crosswalk", nargs=2, metavar="FRAMEWORK",
                   help="add the crosswalk of two frameworks (id or title): the first one's items against the "
                        "second's, with their links")
    s.add_argument("--approved-only", action="store_true",
                   help="status, notes and progress from entries a reviewer approved (default: all, the "
                        "unapproved ones marked “(not yet approved)”)")
    s.add_argument("--preset", metavar="NAME", help="start from saved report settings; other options override them")
    s.set_defaults(func=cmd_report)


def options_from_args(store, args) -> ReportOptions:
    """Report options from a preset and the command line (the command line wins)."""
    opts = load_preset(args.preset) if args.preset else ReportOptions()
    if args.framework:
        opts.framework_ids = resolve_frameworks(store, args.framework)
    if args.status:
        vocab = store.statuses()
        keys = []
        for name in args.status:
            hit = [s["key"] for s in vocab if name.strip().casefold() in (s["key"].casefold(), s["label"].casefold())]
            if not hit:
                raise PolicyTrackerError(f"'{name}' is not a status; use one of: "
                                         f"{', '.join(s['key'] for s in vocab)}.")
            keys.append(hit[0])
        opts.statuses = keys
    if args.kind:
        known = ({k["key"]: k["key"] for k in store.item_kinds()}
                 | {k["label"].casefold(): k["key"] for k in store.item_kinds()})
        kinds = []
        for name in args.kind:
            key = known.get(name.strip()) or known.get(name.strip().casefold())
            if not key:
                raise PolicyTrackerError(f"'{name}' is not a kind of item; use one of: "
                                         f"{', '.join(k['key'] for k in store.item_kinds())}.")
            kinds.append(key)
        opts.kinds = kinds
    if args.tag:
        opts.tags = [t.strip() for t in args.tag if t.strip()]
    if getattr(args, "approved_only", False):
        opts.approved_only = True
    if args.as_of:
        opts.as_of = parse_as_of(args.as_of)
    if args.title:
        opts.title = args.title
    if args.analyst:
        opts.analyst = args.analyst
    if args.notes is not None:
        if args.notes < 0:
            raise PolicyTrackerError("--notes must be 0 or more.")
        opts.notes_per_item = args.notes
    if args.stale_days is not None:
        if args.stale_days < 0:
            raise PolicyTrackerError("--stale-days must be 0 or more.")
        opts.stale_days = args.stale_days
    if args.no_notes:
        opts.include_notes = False
    if args.no_quotes:
        opts.include_quotes = False
    if args.no_charts:
        opts.include_charts = False
    if args.page_size:
        opts.page_size = parse_page_size(args.page_size)
    if getattr(args, "show_file", False):
        opts.show_file = True
    if getattr(args, "crosswalk", None):
        a, b = resolve_frameworks(store, [args.crosswalk[0]]), resolve_frameworks(store, [args.crosswalk[1]])
        if a == b:
            raise PolicyTrackerError("--crosswalk needs two different frameworks.")
        opts.crosswalk = a + b
    return opts


FORMATS = ("pdf", "html", "docx", "xlsx")


def format_for(path: Path, fmt: str | None) -> str:
    """The format asked for, else the one the file name's extension names, else pdf."""
    if fmt:
        return fmt
    ext = path.suffix.lower().lstrip(".")
    return {"htm": "html"}.get(ext, ext) if ext in (*FORMATS, "htm") else "pdf"


def write_report(report, path: Path, fmt: str, progress=None) -> str:
    """Write a built report in one of FORMATS; returns what was written, for the message."""
    n = len(report.items)
    if fmt == "html":
        write_html(report, path)
    elif fmt == "docx":
        from .docx_report import write_docx
        write_docx(report, path)
    elif fmt == "xlsx":
        from .xlsx_report import write_xlsx
        write_xlsx(report, path)
    else:
        from .pdf import write_pdf
        laid = write_pdf(report, path, progress)
        return f"{laid.page_count} pages, {n} items"
    return f"{n} items"


def _check_output(path: Path) -> None:
    from ..store.outputs import refuse_unsafe_output
    refuse_unsafe_output(path, "the report")  # a device, pipe, socket or folder: refused before any work
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise PolicyTrackerError(f"{path} cannot be written (no permission).")


def write_html(report, path: Path) -> None:
    from ..exchange.atomic import write_atomically
    from .html import render_html
    write_atomically(path, render_html(report), "the report")


def cmd_report(args) -> int:
    from ..cli_support import open_store
    out = Path(args.output).expanduser()
    fmt = format_for(out, args.format)
    _check_output(out)
    if args.as_of:
        parse_as_of(args.as_of)  # a bad date is refused before the database is opened
    store = open_store(args)
    try:
        opts = options_from_args(store, args)
        report = build_report(store, opts)
    finally:
        store.close()
    try:
        what = write_report(report, out, fmt)
    except OSError as e:
        raise PolicyTrackerError(f"{out} could not be written: {e.strerror or e}.") from None
    print(f"Wrote {out} ({what}).", file=sys.stderr)
    return 0


__all__ = ["FORMATS", "add_commands", "cmd_report", "format_for", "options_from_args", "write_report"]
