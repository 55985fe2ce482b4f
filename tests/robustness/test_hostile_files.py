"""Hostile exchange documents (issue 18), each imported by the real command line in a child process
held to 1 GiB of address space and 30 s of CPU: it must finish or refuse within those bounds (a
signal, SIGXCPU or a MemoryError means a bound was broken), say one sentence naming the problem,
and leave the database exactly as it was whenever it refuses."""
from __future__ import annotations

import json
import re
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from robust_docgen import content_hash

from app.core.model import BUILT_IN
from app.exchange import jsonio

ROOT = Path(__file__).resolve().parents[2]
MEMORY = 1 << 30  # bytes of address space
CPU_SECONDS = 30
REFUSED, DONE = 1, 0


def _limits() -> None:  # runs in the child, before it executes Python
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def import_in_child(db: Path, doc: Path) -> subprocess.CompletedProcess:
    """`policy-tracker --db DB import DOC` under the bounds; the timeout only guards a hung child."""
    return subprocess.run([sys.executable, "-m", "app.cli", "--db", str(db), "import", str(doc)],
                          capture_output=True, text=True, cwd=ROOT, preexec_fn=_limits, timeout=600)


def refused(r: subprocess.CompletedProcess, words: str) -> str:
    """Assert a refusal: exit 1 (not a signal), one line on stderr holding `words`, no traceback."""
    assert r.returncode >= 0, f"killed by {signal.Signals(-r.returncode).name}: a bound was broken"
    assert "MemoryError" not in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.returncode == REFUSED, r.stderr[-2000:]
    line = r.stderr
    assert line.count("\n") == 1 and line.startswith("policy-tracker: "), line
    assert words in line, line
    return line.strip()


def done(r: subprocess.CompletedProcess) -> str:
    """Assert success: exit 0 (not a signal), nothing on stderr; returns what was printed."""
    assert r.returncode >= 0, f"killed by {signal.Signals(-r.returncode).name}: a bound was broken"
    assert r.returncode == DONE and r.stderr == "", r.stderr[-2000:]
    return r.stdout


def write(tmp_path: Path, doc: dict, name: str = "hostile.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def doc_of(items=(), sources=(), statuses=(), relations=()) -> dict:
    return {"format": "policy-tracker", "version": 2, "statuses": list(statuses), "sources": list(sources),
            "frameworks": [{"id": "fw-h", "title": "Hostile"}], "items": list(items), "relations": list(relations)}


def item(iid: str, **fields) -> dict:
    return {"id": iid, "framework_id": "fw-h", "kind": "goal", "title": "A title", "status": "proposed", **fields}


def rows(db: Path, sql: str, *args) -> list[tuple]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# -- the vocabulary cannot lie ---------------------------------------------------------------------------
def test_a_label_swap_of_built_in_statuses_is_refused(seeded_path, tmp_path):
    """Swapping the labels of not_started and achieved: refused naming the entry, file unchanged."""
    statuses = [{"key": k, "label": lab, "description": d} for k, (lab, d) in BUILT_IN["statuses"].items()]
    i, j = [n for n, s in enumerate(statuses) if s["key"] in ("not_started", "achieved")]
    statuses[i]["label"], statuses[j]["label"] = statuses[j]["label"], statuses[i]["label"]
    before = content_hash(seeded_path)
    r = import_in_child(seeded_path, write(tmp_path, doc_of(statuses=statuses)))
    assert refused(r, "") == (f"policy-tracker: statuses[{i}]: 'not_started' is built in; its label cannot be "
                              f"changed by an import")
    assert content_hash(seeded_path) == before


def test_a_look_alike_status_key_is_refused(seeded_path, tmp_path):
    """'аchieved' with a Cyrillic а, labelled Achieved: refused naming U+0430, file unchanged."""
    doc = doc_of(items=[item("h1", status="\u0430chieved")],
                 statuses=[{"key": "\u0430chieved", "label": "Achieved"}])
    before = content_hash(seeded_path)
    refused(import_in_child(seeded_path, write(tmp_path, doc)), "U+0430 CYRILLIC SMALL LETTER A")
    assert content_hash(seeded_path) == before


def test_an_override_in_a_title_is_removed(seeded_path, tmp_path):
    """A title holding U+202E imports without it, so it shows the words it stores; the description keeps it."""
    doc = doc_of(items=[item("h1", title="Pay \u202eevig\u202c the debt", description="Said \u202ehere")])
    out = done(import_in_child(seeded_path, write(tmp_path, doc)))
    assert out.startswith("Added 1 frameworks, 1 items")
    assert rows(seeded_path, "SELECT title, description FROM items WHERE id = 'h1'") == \
        [("Pay evig the debt", "Said \u202ehere")]


# -- budgets instead of hangs -------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_repetitive_source_with_many_short_quotes_finishes(seeded_path, tmp_path):
    """1.7 MB: two sources repeating one sentence 11,000 times each and 4,000 short quotes, each
    found thousands of times with a context of its own, alternating between the two texts: placed
    (or left unplaced) within the bounds."""
    sentence = "We will build schools and clinics in every district. "
    sources = [{"id": f"s-rep{k}", "title": f"Repeated {k}", "text": f"{k} " + sentence * 11_000} for k in (1, 2)]
    cits = [{"id": f"c{n}", "source_id": f"s-rep{1 + n % 2}",
             "quote": ("build schools", "clinics in", "every district")[n % 3],
             "prefix": f"context {n} ", "suffix": f" more {n}"} for n in range(4_000)]
    items = [item(f"h{n}", citations=cits[n * 10:(n + 1) * 10]) for n in range(400)]
    path = write(tmp_path, doc_of(items=items, sources=sources))
    assert 1_600_000 < path.stat().st_size < 1_800_000
    out = done(import_in_child(seeded_path, path))
    assert out.startswith("Added 2 sources, 1 frameworks, 400 items")
    assert rows(seeded_path, "SELECT count(*) FROM citations WHERE source_id LIKE 's-rep%'") == [(4_000,)]


@pytest.mark.slow
def test_a_long_chain_of_parents_is_checked_in_linear_time(seeded_path, tmp_path):
    """3.7 MB: 29,000 items each the parent of the next (a quadratic check walks 420 million steps);
    a dangling link at the end is refused after the whole chain was checked, file unchanged."""
    n = 29_000
    items = [item(f"chain-{k:06d}", parent_id=f"chain-{k + 1:06d}" if k + 1 < n else None, title="t")
             for k in range(n)]
    path = write(tmp_path, doc_of(items=items, relations=[{"id": "r1", "from_id": "chain-000000",
                                                            "to_id": "nobody", "kind": "supports"}]))
    assert 3_500_000 < path.stat().st_size < 4_000_000
    before = content_hash(seeded_path)
    refused(import_in_child(seeded_path, path), "relations[0].to_id: 'nobody' is not an item")
    assert content_hash(seeded_path) == before


def _empty_objects(path: Path, size: int) -> Path:
    """A list of empty objects of about `size` bytes, written in pieces (never whole in memory)."""
    piece = b"{}," * (1 << 20)
    with open(path, "wb") as fh:
        fh.write(b"[")
        for _ in range(size // len(piece)):
            fh.write(piece)
        fh.write(b"{}]")
    return path


@pytest.mark.slow
def test_250_mb_of_empty_objects_is_refused_by_count(seeded_path, tmp_path):
    """250 MB of empty objects (83 million values; they took 6 GB) is refused by its count, read
    only as far as the budget, before json.loads builds any of them; file unchanged."""
    path = _empty_objects(tmp_path / "empty-objects.json", 250_000_000)
    before = content_hash(seeded_path)
    line = refused(import_in_child(seeded_path, path), "")
    assert line == f"policy-tracker: empty-objects.json holds more than {jsonio.MAX_NODES:,} values, the import limit."
    assert content_hash(seeded_path) == before


def test_a_file_over_the_size_limit_is_refused_unread(seeded_path, tmp_path):
    """A document larger than MAX_FILE_BYTES (sparse here: no disk used) is refused by its size
    before a byte of it is read; file unchanged."""
    path = tmp_path / "huge.json"
    with open(path, "wb") as fh:
        fh.truncate(2_000_000_000)
    before = content_hash(seeded_path)
    line = refused(import_in_child(seeded_path, path), "")
    assert line == f"policy-tracker: huge.json is 2,000 MB; the import limit is {jsonio.MAX_FILE_BYTES / 1e6:,.0f} MB."
    assert content_hash(seeded_path) == before


def test_a_device_is_refused_unread(seeded_path):
    """/dev/zero (endless, and of size 0) is refused as not a regular file instead of being read forever."""
    before = content_hash(seeded_path)
    line = refused(import_in_child(seeded_path, Path("/dev/zero")), "")
    assert line == "policy-tracker: zero is not a regular file; choose a JSON document."
    assert content_hash(seeded_path) == before


# -- imported history obeys the rules ------------------------------------------------------------------------
def test_an_updated_at_in_the_future_is_refused(seeded_path, tmp_path):
    """A seeded item's copy dated 2999 claiming 'achieved' is refused naming updated_at; file unchanged."""
    conn = sqlite3.connect(seeded_path)
    iid = conn.execute("SELECT id FROM items WHERE status != 'achieved' ORDER BY seq LIMIT 1").fetchone()[0]
    conn.close()
    doc = doc_of(items=[item(iid, status="achieved", updated_at="2999-01-01T00:00:00Z")])
    before = content_hash(seeded_path)
    line = refused(import_in_child(seeded_path, write(tmp_path, doc)), "")
    assert re.fullmatch(r"policy-tracker: items\[0\]\.updated_at: 2999-01-01T00:00:00\.000Z is in the future "
                        r"\(after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z, now plus 10 minutes for clocks that "
                        r"differ\)\.?", line), line
    assert content_hash(seeded_path) == before


@pytest.mark.parametrize("where,edit", [
    ("items[0].status_updates[0].as_of", {"status_updates": [{"id": "u1", "status": "achieved",
                                                               "as_of": "2999-01-01"}]}),
    ("items[0].observations[0].observed_on", {"observations": [{"id": "o1", "value": 1,
                                                                 "observed_on": "2999-01-01"}]}),
    ("items[0].status_updates[0].created_at", {"status_updates": [{"id": "u1", "status": "achieved",
                                                                    "as_of": "2024-01-01",
                                                                    "created_at": "2999-01-01T00:00:00Z"}]}),
])
def test_dates_in_the_future_are_refused(seeded_path, tmp_path, where, edit):
    """An update or observation dated after today (or created after now) is refused naming its field."""
    before = content_hash(seeded_path)
    line = refused(import_in_child(seeded_path, write(tmp_path, doc_of(items=[item("h1", **edit)]))), where)
    assert "is in the future" in line
    assert content_hash(seeded_path) == before
