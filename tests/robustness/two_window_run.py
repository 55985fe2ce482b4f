"""Random edits in two window processes and an outside writer, checked against what each was told.

Used by the short run in `make test` (tests/robustness/test_two_windows.py) and the ten-minute one
in `make soak` (tests/soak/test_two_windows_soak.py). Every step is one command to one side; the
log is what that side reported: a window's "saved", or the outside writer's commit. After every
reported save, another process must see it at once; at the end, the file must hold exactly the
last reported value of every field touched, and every source a window said it added.
"""
from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path


def sql(db: Path, query: str, *params: str) -> str:
    """Run one statement in a separate sqlite3 process (parameters bound through .parameter)."""
    script = "".join(f".parameter set ?{i} {_lit(p)}\n" for i, p in enumerate(params, 1)) + query + ";\n"
    out = subprocess.run(["sqlite3", "-bail", str(db)], input=script, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise AssertionError(f"sqlite3 failed: {out.stderr}")
    return out.stdout


def _lit(v: str) -> str:
    return "'" + v.replace("'", "''") + "'"


def run(db: Path, start_window, *, seconds: float | None = None, steps: int | None = None,
        seed: int = 7) -> dict:
    """Drive A, B and an outside writer until `seconds` or `steps` run out; return what happened."""
    rng = random.Random(seed)
    items = [ln for ln in sql(db, "SELECT id FROM items ORDER BY id LIMIT 12").split() if ln]
    told: dict[str, str] = {i: sql(db, "SELECT title FROM items WHERE id = ?1", i).strip() for i in items}
    sources = set(ln for ln in sql(db, "SELECT title FROM sources").splitlines() if ln)
    a, b = start_window(db), start_window(db)
    sides = {"A": a, "B": b}
    stats = {"saved": 0, "refused": 0, "outside": 0, "sources": 0, "steps": 0}
    folder = db.parent
    deadline = time.monotonic() + seconds if seconds else None
    n = 0
    while (steps is None or n < steps) and (deadline is None or time.monotonic() < deadline):
        n += 1
        who = rng.choice(["A", "B", "A", "B", "outside"])
        item = rng.choice(items)
        title = f"{who} step {n} {rng.randrange(10**6)}"
        if who == "outside":
            sql(db, "UPDATE items SET title = ?2, version = version + 1, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1", item, title)
            told[item] = title
            stats["outside"] += 1
        else:
            w = sides[who]
            roll = rng.random()
            if roll < 0.15:
                note = folder / f"note-{n}.txt"
                note.write_text(f"Note {n} for the soak.\n", encoding="utf-8")
                w.do(op="dialog", dir=str(folder), pick=str(note))
                r = w.do(op="add", file=str(note), title=f"note-{n}")
                assert r["saved"] and not r["stopped"], r
                sources.add(f"note-{n}")
                stats["sources"] += 1
            elif roll < 0.25:
                w.do(op="poll")
                continue
            else:
                if rng.random() < 0.2:  # a file dialog lists the folder first, as people do
                    w.do(op="dialog", dir=str(folder), pick="")
                r = w.do(op="edit", item=item, title=title)
                assert not r["stopped"] and r["errors"] == [], r
                if r["saved"]:
                    told[item] = title
                    stats["saved"] += 1
                else:
                    assert r["conflict"], r  # the only reason a valid edit is not saved
                    stats["refused"] += 1
        seen = sql(db, "SELECT title FROM items WHERE id = ?1", item).strip()
        assert seen == told[item], f"step {n}: {who} was told {told[item]!r} was saved; another program sees {seen!r}"
    stats["steps"] = n
    a.quit()
    b.quit()
    for item, title in told.items():
        final = sql(db, "SELECT title FROM items WHERE id = ?1", item).strip()
        assert final == title, f"{item}: last reported save {title!r}, the file holds {final!r}"
    final_sources = set(ln for ln in sql(db, "SELECT title FROM sources").splitlines() if ln)
    assert final_sources == sources, sorted(sources ^ final_sources)
    check = subprocess.run([sys.executable, "-m", "app.cli", "check", "--db", str(db)], capture_output=True, text=True)
    assert check.returncode == 0 and "The database is sound" in check.stdout, check.stdout + check.stderr
    return stats
