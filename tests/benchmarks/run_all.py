"""Run every benchmark against its raw baseline and print the table (`make bench`).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.run_all [--repeats N] [--only NAME ...]

Builds the 100,000-item / 1,000,000-note / 1,000-source database once and caches it (by its
parameters and the generator/schema code) in $PT_BENCH_CACHE or the temp folder; each run works
on a private copy. Writes tests/benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import inspect
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="pt-bench-"))
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_HOME / _var.lower())  # never the real user's settings

from . import dataset  # noqa: E402
from .harness import Result, skipped, table, write_json  # noqa: E402


@dataclass
class Context:
    db: Path
    workdir: Path
    repeats: int
    store: object = None
    raw: object = None


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        total = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        kb = int(total.split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import sqlite3

    import PySide6
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "pyside6": PySide6.__version__, "platform": platform.platform()}


def run_report(ctx) -> list:
    name = "1,000-item PDF report vs QTextDocument to PDF"
    try:
        from . import bench_report as mod
    except ImportError:
        return [skipped(name, "tests/benchmarks/bench_report.py not written yet", "<= 1.3x")]
    fn = getattr(mod, "bench_report", None)
    if fn is None:
        return [skipped(name, "bench_report() missing", "<= 1.3x")]
    params = inspect.signature(fn).parameters
    kwargs = {}
    for key, value in (("db", ctx.db), ("db_path", ctx.db), ("store", ctx.store), ("repeats", ctx.repeats),
                       ("workdir", ctx.workdir)):
        if key in params:
            kwargs[key] = value
    out = fn(**kwargs)
    return _as_results(out, name)


def run_office(ctx) -> list:
    """The 1,000-item report as Word and as Excel, each against the same content written with the library."""
    from . import bench_report as mod
    return [r for row in mod.bench_docx_xlsx(repeats=min(ctx.repeats, 3)) for r in _as_results(row, row["name"])]


def _as_results(out, name: str) -> list:
    """Accept what bench_report() returns: Result(s), a dict, or (app, baseline)."""
    if isinstance(out, Result):
        return [out]
    if isinstance(out, list) and all(isinstance(r, Result) for r in out):
        return out
    if isinstance(out, (tuple, list)) and len(out) == 2:
        out = {"app": out[0], "baseline": out[1]}
    if isinstance(out, dict):
        app = out.get("app", out.get("app_s", out.get("app_time")))
        base = out.get("baseline", out.get("baseline_s", out.get("baseline_time")))
        target = out.get("target", out.get("max_ratio", 1.3))
        limit = float(target) if isinstance(target, (int, float)) else float(out.get("max_ratio", 1.3))
        target = f"<= {limit:g}x" if isinstance(target, (int, float)) else str(target)
        r = Result(out.get("name", name), app, base, target, note=str(out.get("note", "")),
                   samples={k: v for k, v in out.items() if k in ("samples", "pages", "items")})
        r.passed = out["passed"] if "passed" in out else (r.ratio is not None and r.ratio <= limit)
        return [r]
    return [skipped(name, f"bench_report() returned {type(out).__name__}", "<= 1.3x")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.run_all")
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats per measurement (median reported)")
    ap.add_argument("--only", nargs="*",
                    help="run only these: startup search filter open import report sources reanchor memory")
    ap.add_argument("--keep", action="store_true", help="keep the run's working copy")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    sys.path.insert(0, str(dataset.ROOT))
    # as an installed app would be: byte-compiled (this machine sets PYTHONDONTWRITEBYTECODE, so
    # without this every start-up measured would compile the app from source)
    import compileall
    compileall.compile_dir(str(dataset.ROOT / "app"), quiet=1)

    from app.store.store import Store

    src, built = dataset.demo_db()
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=dataset.cache_dir()))
    db = dataset.work_copy(src, workdir)
    ctx = Context(db=db, workdir=workdir, repeats=args.repeats)

    from . import (
        bench_dashboard,
        bench_filter,
        bench_gui,
        bench_import,
        bench_open_item,
        bench_reanchor,
        bench_review,
        bench_search,
        bench_sources,
    )
    plan = [("startup", bench_gui.run_startup), ("search", bench_search.run), ("filter", bench_filter.run),
            ("open", bench_open_item.run), ("import", bench_import.run), ("report", run_report), ("office", run_office),
            ("sources", bench_sources.run), ("reanchor", bench_reanchor.run), ("review", bench_review.run),
            ("memory", bench_gui.run_memory)]
    plan.insert(4, ("dashboard", bench_dashboard.run))  # after "open"
    results: list[Result] = []
    try:
        ctx.store = Store(db)
        ctx.raw = dataset.raw_connection(db)
        for key, fn in plan:
            if args.only and key not in args.only:
                continue
            t = time.perf_counter()
            print(f"[{time.perf_counter() - started:5.0f}s] {key}...", file=sys.stderr, flush=True)
            try:
                got = fn(ctx)
            except Exception as e:  # noqa: BLE001 - one broken benchmark must not hide the others
                traceback.print_exc()
                got = [Result(key, note=f"skipped: error {type(e).__name__}: {e}"[:200])]
            for r in got:
                r.samples.setdefault("bench_s", round(time.perf_counter() - t, 1))
            results += got
    finally:
        if ctx.store:
            ctx.store.close()
        if ctx.raw:
            ctx.raw.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(_HOME, ignore_errors=True)
    total = time.perf_counter() - started
    meta = {"machine": machine(), "database": dataset.FULL, "generated_in_s": built, "total_s": round(total, 1),
            "repeats": args.repeats, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    write_json(results, meta)
    m = meta["machine"]
    print(f"\nPolicy Tracker benchmarks: {m['nproc']} cores, {m['cpu']}, {m['ram']} RAM; "
          f"database {dataset.FULL['items']:,} items / {dataset.FULL['notes']:,} notes / "
          f"{dataset.FULL['sources']:,} sources" + (f" (generated in {built:.0f} s)" if built else " (cached)"))
    print(table(results))
    print(f"\nTotal {total:.0f} s. Figures written to {Path(__file__).with_name('results.json')}.")
    return 0 if all(r.passed is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
