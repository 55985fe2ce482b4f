"""The `policy-tracker demo-data` command: build a large realistic database for demos and benchmarks."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..core.model import PolicyTrackerError


def _count(text: str) -> int:
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return n


def add_commands(subparsers, common) -> None:
    s = subparsers.add_parser(
        "demo-data", parents=[common],
        help="fill a new database with generated demonstration data (for demos and benchmarks)",
        description="Build a large, varied database: frameworks, items of every kind with citations into "
                    "long generated source texts, status histories, targets with observations and relations. "
                    "Writes only into a new or empty database unless --force is given.")
    s.add_argument("--items", type=_count, default=1000, metavar="N", help="number of items (default 1000)")
    s.add_argument("--notes", type=_count, default=10_000, metavar="M",
                   help="number of dated status updates (default 10000)")
    s.add_argument("--sources", type=_count, default=20, metavar="K", help="number of source documents (default 20)")
    s.add_argument("--seed", type=int, default=0, metavar="S", help="random seed: the same seed gives the same data")
    s.add_argument("--force", action="store_true", help="add the data even if the database already holds records")
    s.add_argument("--quiet", action="store_true", help="print no progress")
    s.set_defaults(func=cmd_demo_data)


def cmd_demo_data(args) -> int:
    from ..store import bulk
    from ..store.store import Store
    from .demo_data import generate

    if args.items < 1 or args.sources < 1:
        raise PolicyTrackerError("demo-data needs at least one item (--items) and one source (--sources).")
    if getattr(args, "db", None) is None:
        raise PolicyTrackerError("Give the database to create with --db PATH "
                                 "(demo data never goes into your default file).")
    path = Path(args.db).expanduser()
    if path.exists() and path.is_dir():
        raise PolicyTrackerError(f"{path} is a folder, not a database file.")
    if not path.parent.exists():
        raise PolicyTrackerError(f"The folder {path.parent} does not exist.")
    store = Store(path, create=True)
    try:
        if not bulk.is_empty(store) and not args.force:
            raise PolicyTrackerError(f"{path} already holds records; demo data goes only into a new or empty database "
                           f"(add --force to add it anyway).")
        started = time.perf_counter()
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if args.quiet or (now - last[0] < 1.0 and done != total):
                return
            last[0] = now
            print(f"  {now - started:6.1f}s  {stage}: {done:,}/{total:,}", file=sys.stderr, flush=True)

        written = generate(store, items=args.items, notes=args.notes, sources=args.sources, seed=args.seed,
                           progress=progress)
    finally:
        store.close()
    summary = ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in written.items())
    print(f"Wrote {summary} to {Path(path)} in {time.perf_counter() - started:.0f} s.")
    return 0
