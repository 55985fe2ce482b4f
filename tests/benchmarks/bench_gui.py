"""Start-up to the first painted main window, and peak memory scrolled end to end (fresh processes).

Start-up: wall time from launching `python -m tests.benchmarks.gui_child` to the first paint of
the main window having been flushed, for the real window (app.ui.app.run_gui on the 100k file)
and for a bare QMainWindow + QTableView showing the first 50 rows read with raw sqlite3.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .harness import Result, skipped

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 300
MEMORY_LIMIT_MB = 250


def _env(home: Path) -> dict:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(home)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    env.pop("POLICY_TRACKER_DB", None)
    return env


def child(mode: str, db: Path, home: Path) -> tuple[float | None, dict, str]:
    """(seconds from launch to 'PAINTED', the child's report, skip reason or '')."""
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.gui_child", mode, str(db)], cwd=ROOT,
                         env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in p.stdout:
            if line.startswith("PAINTED"):
                t = time.perf_counter() - t0
                p.wait(timeout=TIMEOUT_S)
                return t, json.loads(line.split(" ", 1)[1]), ""
            if line.startswith("SKIP"):
                p.wait(timeout=TIMEOUT_S)
                return None, {}, line[5:].strip()
        p.wait(timeout=TIMEOUT_S)
        err = p.stderr.read()[-600:]
        return None, {}, f"child exited {p.returncode} without painting: {err.strip()}"
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def run_startup(ctx) -> list:
    name = "start-up to first painted window (100k file)"
    home = Path(tempfile.mkdtemp(prefix="pt-bench-home-", dir=ctx.workdir))
    app_s, base_s, report = [], [], {}
    for k in range(ctx.repeats + 1):  # the first pair warms the OS file cache
        t, info, why = child("startup-app", ctx.db, home)
        if why:
            return [skipped(name, why, "<= 1.5x")]
        b, _, bwhy = child("startup-bare", ctx.db, home)
        if bwhy:
            return [Result(name, t, None, "<= 1.5x", None, note=f"skipped: baseline failed ({bwhy})")]
        if k:
            app_s.append(t)
            base_s.append(b)
            report = info
    r = Result(name, statistics.median(app_s), statistics.median(base_s), "<= 1.5x",
               samples={"app": app_s, "baseline": base_s, "child": report})
    r.passed = r.ratio <= 1.5
    return [r]


def run_memory(ctx) -> list:
    name = "peak memory, 100k file open, scrolled end to end"
    home = Path(tempfile.mkdtemp(prefix="pt-bench-home-", dir=ctx.workdir))
    note = ""
    t, info, why = child("memory-app", ctx.db, home)
    if why:
        t, info, why2 = child("memory-model", ctx.db, home)
        if why2:
            return [skipped(name, f"{why}; {why2}", f"< {MEMORY_LIMIT_MB} MB")]
        note = "window not built: ItemTableModel in a QTableView"
    _, base, bwhy = child("memory-bare", ctx.db, home)
    peak = info.get("VmHWM", info.get("ru_maxrss_mb"))
    r = Result(name, peak, base.get("VmHWM", base.get("ru_maxrss_mb")) if not bwhy else None,
               f"< {MEMORY_LIMIT_MB} MB", peak is not None and peak < MEMORY_LIMIT_MB, note=note, unit="MB",
               samples={"app": info, "baseline": base})
    if not info.get("rows"):
        r.note = (r.note + "; " if r.note else "") + "no table found to scroll"
    return [r]
