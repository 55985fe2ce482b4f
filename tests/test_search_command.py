"""`policy-tracker search`: the window's search on the command line, its JSON shape and its refusals."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.services import search_commands
from app.store import search_queries

DATA = Path(__file__).resolve().parent / "data"
# the Persian records and their known ids are shared with the index tests (pytest imports test
# modules by file name, so this is the same module it collects)
if str(Path(__file__).resolve().parent / "store") not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))
from test_search_fts import ITEM_EN, ITEM_FA, NOTE_FA, SOURCE_FA, add_persian_records  # noqa: E402


def run(*args, env=None) -> subprocess.CompletedProcess:
    e = {**os.environ, **(env or {})}
    e.pop("QT_QPA_PLATFORM", None)
    return subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], capture_output=True, text=True,
                          env=e, timeout=120)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli-search") / "seeded.sqlite"
    r = run("init", "--db", path)
    assert r.returncode == 0, r.stderr
    add_persian_records(path)
    return path


@pytest.fixture
def db(template, tmp_path) -> Path:
    dest = tmp_path / "db.sqlite"
    shutil.copyfile(template, dest)
    for suffix in ("-wal", "-shm"):
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{dest}{suffix}")
    return dest


def window_hits(path: Path, query: str, limit: int = 50) -> list[tuple[str, str]]:
    """What the window's search panel finds, as (kind, id) in its order."""
    ident = {"item": "item_id", "note": "update_id", "source": "source_id"}
    return [(r["kind"], r[ident[r["kind"]]]) for r in search_queries.search_file(path, query, limit=limit)]


def test_json_output_has_the_exact_shape(db):
    """--json prints one array of {kind, id, title, snippet} objects: plain strings, nothing else."""
    r = run("search", "--db", db, "--json", "connectivity")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert isinstance(hits, list) and len(hits) >= 3
    for h in hits:
        assert list(h) == ["kind", "id", "title", "snippet"]
        assert h["kind"] in ("item", "note", "source")
        assert all(isinstance(v, str) and v for v in h.values())
        assert not any(ch in h["snippet"] for ch in "\x02\x03\n")
        assert "connectivity" in h["snippet"].lower() or "connectivity" in h["title"].lower()
    assert [(h["kind"], h["id"]) for h in hits] == window_hits(db, "connectivity")


def test_json_hits_of_a_persian_query_are_the_windows_hits(db):
    """A query typed with Arabic letter forms and Persian digits gives the window's hits, ids and titles."""
    r = run("search", "--db", db, "--json", "كشور", "۴۷۳۹")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert [(h["kind"], h["id"]) for h in hits] == window_hits(db, "كشور ۴۷۳۹")
    assert {(h["kind"], h["id"]) for h in hits} == {("item", ITEM_FA), ("source", SOURCE_FA)}
    item = next(h for h in hits if h["kind"] == "item")
    assert item["title"] == "زیرساخت ملي ارتباطات در سراسر كشور"


def test_a_note_hit_names_the_update_and_its_items_title(db):
    """A note's id is the status update's id; its title is its item's title; the snippet keeps the ZWNJ."""
    r = run("search", "--db", db, "--json", "گامها")
    hits = json.loads(r.stdout)
    assert [(h["kind"], h["id"]) for h in hits] == [("note", NOTE_FA)]
    assert hits[0]["title"] == "زیرساخت ملي ارتباطات در سراسر كشور"
    assert "گام\u200cها" in hits[0]["snippet"]


def test_limit_caps_the_hits(db):
    """--limit N prints at most N hits, the window's first N."""
    r = run("search", "--db", db, "--json", "--limit", "2", "4739")
    assert r.returncode == 0, r.stderr
    hits = [(h["kind"], h["id"]) for h in json.loads(r.stdout)]
    assert len(hits) == 2 and hits == window_hits(db, "4739", limit=2)
    assert set(window_hits(db, "4739")) == {("item", ITEM_FA), ("item", ITEM_EN), ("source", SOURCE_FA)}


def test_plain_output_is_one_readable_line_per_hit(db):
    """Without --json: one line per hit, its kind first and the matched words in brackets."""
    r = run("search", "--db", db, "4739")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    expected = window_hits(db, "4739")
    assert [ln.split()[0] for ln in lines] == [k for k, _ in expected]
    assert all("[" in ln and "]" in ln for ln in lines)
    assert any("Rural broadband" in ln and "[4739]" in ln for ln in lines)
    assert any("[۴۷۳۹]" in ln for ln in lines)


def test_no_match_is_an_empty_array_and_exit_zero(db):
    """A query that matches nothing prints [] with --json (and nothing on stdout without it)."""
    r = run("search", "--db", db, "--json", "zzqxnomatch")
    assert r.returncode == 0 and json.loads(r.stdout) == []
    r = run("search", "--db", db, "zzqxnomatch")
    assert r.returncode == 0 and r.stdout == "" and "No matches" in r.stderr


@pytest.mark.parametrize("args,says", [
    (["search", "--json", ""], "empty"),
    (["search", "   "], "empty"),
    (["search"], "empty"),
    (["search", "--limit", "0", "digital"], "at least 1"),
    (["search", "--limit", "-3", "digital"], "at least 1"),
    (["search", "--limit", "many", "digital"], "at least 1"),
    (["search", "***"], "no words"),
])
def test_bad_input_is_one_sentence_and_exit_one(db, args, says):
    """An empty query or a limit below 1 is refused in one sentence on stderr, exit code 1, no traceback."""
    r = run(*args, "--db", db)
    assert r.returncode == 1
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and says in r.stderr and "Traceback" not in r.stderr


def test_a_missing_database_is_refused_and_not_created(tmp_path):
    """Searching a file that does not exist says so and creates nothing."""
    path = tmp_path / "none.sqlite"
    r = run("search", "--db", path, "digital")
    assert r.returncode == 1 and "no database" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not path.exists()


def test_a_release_0_1_file_is_upgraded_then_searched(tmp_path):
    """search opens a 0.1 file like every command: upgraded first (saying so), then searched."""
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "release-0.1.sqlite", path)
    r = run("search", "--db", path, "--json", "ملی")
    assert r.returncode == 0, r.stderr
    assert "Upgraded" in r.stderr
    assert any(h["kind"] == "item" and h["id"].startswith("7fdfa05a") for h in json.loads(r.stdout))


def test_help_describes_the_command():
    """`search` is listed, and its help names QUERY, --json and --limit."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    text = sub.choices["search"].format_help()
    assert all(word in text for word in ("QUERY", "--json", "--limit", "kind"))


def test_hit_object_maps_each_kind_to_its_own_id():
    """item -> item id, note -> status update id, source -> source id; markers removed from the snippet."""
    row = {"kind": "note", "item_id": "I", "update_id": "U", "source_id": None, "title": "T",
           "snippet": "a \x02b\x03\n c"}
    assert search_commands.hit_object(row) == {"kind": "note", "id": "U", "title": "T", "snippet": "a b c"}
    assert search_commands.hit_object({**row, "kind": "item"})["id"] == "I"
    assert search_commands.hit_object({**row, "kind": "source", "source_id": "S"})["id"] == "S"


def test_headless_commands_import_no_qt():
    """Importing the command line and building its parser (every command module) loads no Qt."""
    code = ("import sys, app.cli, app.reports.commands; app.cli.build_parser(); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')); "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
