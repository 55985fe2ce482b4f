"""The benchmark databases: generated once, cached by their parameters, reused by later runs."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FULL = {"items": 100_000, "notes": 1_000_000, "sources": 1_000, "seed": 0}
IMPORT_DOC = {"items": 10_000, "notes": 50_000, "sources": 20, "seed": 1}


def cache_dir() -> Path:
    d = Path(os.environ.get("PT_BENCH_CACHE") or Path(tempfile.gettempdir()) / "policy-tracker-bench")
    d.mkdir(parents=True, exist_ok=True)
    return d


def _code_key() -> str:
    """Changes when the generator, the bulk path or the schema changes (the cache is then rebuilt)."""
    h = hashlib.sha256()
    for p in [ROOT / "app/services/demo_data.py", ROOT / "app/store/bulk.py",
              *sorted((ROOT / "db/migrations").glob("*.sql"))]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def _name(params: dict, ext: str) -> str:
    return (f"demo-i{params['items']}-n{params['notes']}-s{params['sources']}-seed{params['seed']}"
            f"-{_code_key()}.{ext}")


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def demo_db(params: dict = FULL) -> tuple[Path, float | None]:
    """Path of a generated database with these parameters (built if missing) and its build time."""
    from app.services.demo_data import generate
    from app.store.store import Store

    path = cache_dir() / _name(params, "sqlite")
    if path.exists():
        return path, None
    stale = f"demo-i{params['items']}-n{params['notes']}-s{params['sources']}-seed{params['seed']}-*"
    for old in cache_dir().glob(stale):
        old.unlink(missing_ok=True)  # an older generator's file
    tmp = path.with_name(path.name + ".partial")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    _log(f"generating {params} into {path} (cached for later runs)...")
    t = time.perf_counter()
    last = [0.0]

    def progress(stage, done, total):
        now = time.perf_counter() - t
        if now - last[0] > 15 or done == total:
            last[0] = now
            _log(f"  {now:6.0f}s {stage} {done:,}/{total:,}")

    with Store(tmp) as s:
        generate(s, items=params["items"], notes=params["notes"], sources=params["sources"], seed=params["seed"],
                 progress=progress)
    # one self-contained file: the journal mode can change only once no Store holds the file
    # (a Store's guard keeps a read lock that the switch's exclusive lock must wait for)
    raw = sqlite3.connect(tmp)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()
    os.replace(tmp, path)
    took = time.perf_counter() - t
    _log(f"  built in {took:.0f} s")
    return path, took


def work_copy(src: Path, dest_dir: Path) -> Path:
    """A private copy for one run (opening the file may write to it: WAL, settings, backups)."""
    dest = dest_dir / src.name
    shutil.copyfile(src, dest)
    os.chmod(dest, 0o600)
    return dest


def import_document() -> tuple[Path, float | None]:
    """A 10,000-item exchange document (JSON), exported from a generated database and cached."""
    from app.exchange import jsonio
    from app.store.store import Store

    path = cache_dir() / _name(IMPORT_DOC, "json")
    if path.exists():
        return path, None
    t = time.perf_counter()
    db, _ = demo_db(IMPORT_DOC)
    with Store(db) as s:
        text = jsonio.dumps(jsonio.export_document(s))
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path, time.perf_counter() - t


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, the yardstick: no Store, no row dicts."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn
