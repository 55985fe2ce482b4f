"""add-edition, editions, citation and check on the command line; the release-0.1 file upgraded to editions."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.store import editions as E
from app.store.store import Store
from tests.services.test_editions import A2, T1, T2, _setup
from tests.test_command_line import run

RELEASE_DB = Path(__file__).resolve().parent / "data" / "release-0.1.sqlite"


def _content(path: Path) -> str:
    """A hash of every row of every table (what a refused command must leave alone)."""
    c = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = [(t, sorted(map(repr, c.execute(f'SELECT * FROM "{t}"')))) for t in names]
    finally:
        c.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def db(tmp_path) -> tuple[Path, str, dict]:
    """A file with the source T1, an item citing A, B and C, and an observation citing A."""
    path = tmp_path / "t.sqlite"
    with Store(path) as s:
        _, sid, _, cits, _ = _setup(s)
    return path, sid, cits


def test_add_edition_keeps_a_text_file_exactly_and_check_lists_what_to_check(db, tmp_path):
    """CRLF line endings kept; the summary sentence; `check` exit 0 with one line per citation to check."""
    path, sid, cits = db
    f = tmp_path / "plan-v2.txt"
    f.write_bytes(T2.replace("\n", "\r\n").encode("utf-8"))
    r = run("add-edition", sid, str(f), "--published-on", "2025-03-01", "--note", "revised", "--db", str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("Edition 2 of 'Plan' added: 1 citation(s) placed, 1 to review, 1 not found; "
                        "the figures changed in 1 quote(s).\n")
    with Store(path) as s:
        assert s.get_source(sid)["text"] == T2.replace("\n", "\r\n")
        assert E.edition_text(s, sid, 1) == T1
    r = run("check", "--db", str(path))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    at = T2.replace("\n", "\r\n").index(A2)  # the changed sentence is suggested, its figure to be checked
    assert [ln for ln in lines if ln.startswith("citation to check")] == [
        f"citation to check (to review): Schools: {A2.replace('45', '40')!r} in 'Plan' edition 2 [{cits['A']}]; "
        f"its figures changed; suggested: characters {at}-{at + len(A2)}",
        f"citation to check (not found): Schools: 'A national fund for digital start-ups will be created next …' "
        f"in 'Plan' edition 2 [{cits['C']}]"]
    assert lines[-1] == ("The database is sound; 2 citation(s) wait to be checked (Citations to Check in the window), "
                         "and 1 observation(s) or target(s) cite figures that changed.")
    r = run("editions", sid, "--db", str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == [
        f"  edition 1: no date, {len(T1):,} characters, added {r.stdout.split('added ')[1][:10]}",
        f"  edition 2: 2025-03-01, {len(T2.replace(chr(10), chr(13) + chr(10))):,} characters, added "
        f"{r.stdout.split('added ')[2][:10]} - revised"]


def test_citation_decisions_on_the_command_line(db, tmp_path):
    """`citation place` puts A on its new words; `citation gone` marks C; a bad span is one sentence."""
    path, sid, cits = db
    f = tmp_path / "v2.md"
    f.write_text(T2, encoding="utf-8")
    assert run("add-edition", sid, str(f), "--db", str(path)).returncode == 0
    start = T2.index(A2)
    span = ("--start", str(start), "--end", str(start + len(A2)))
    before = _content(path)
    r = run("citation", "place", cits["A"], *span, "--db", str(path))  # A's figure changed: a look first
    assert (r.returncode, r.stderr) == (1, "policy-tracker: The figures in this citation's words changed in the newest "
                                           "edition: check the observations and the target citing it first, then "
                                           "confirm (on the command line, add --figures-checked).\n")
    assert _content(path) == before
    r = run("citation", "place", cits["A"], *span, "--figures-checked", "--db", str(path))
    assert (r.returncode, r.stdout) == (0, f"Citation {cits['A']} is placed on {A2[:60]!r}.\n"), r.stderr
    r = run("citation", "gone", cits["C"], "--db", str(path))
    assert (r.returncode, r.stdout) == (0, f"Citation {cits['C']} is marked as gone from the newest edition.\n")
    before = _content(path)
    r = run("citation", "place", cits["C"], "--start", "5", "--end", "99999", "--db", str(path))
    assert (r.returncode, r.stderr) == (
        1, "policy-tracker: Select some words of the source's newest edition to place the citation on.\n")
    assert _content(path) == before


@pytest.mark.parametrize("args, message", [
    (("nope", "{file}"), "There is no source with the id 'nope'; `policy-tracker editions` lists the sources."),
    (("{sid}", "{same}"), "This text is already the newest edition of 'Plan'."),
    (("{sid}", "{file}", "--published-on", "2025-02-30"), None),
    (("{sid}", "{file}", "--published-on", "2999-01-01"), "The publication date 2999-01-01 is in the future."),
    (("{sid}", "{missing}"), None),
])
def test_bad_add_edition_is_one_sentence_and_changes_nothing(db, tmp_path, args, message):
    path, sid, _ = db
    f, same = tmp_path / "v2.txt", tmp_path / "same.txt"
    f.write_text(T2, encoding="utf-8")
    same.write_bytes(T1.encode("utf-8"))
    names = {"file": str(f), "same": str(same), "sid": sid, "missing": str(tmp_path / "nowhere.txt")}
    before = _content(path)
    r = run("add-edition", *(a.format(**names) for a in args), "--db", str(path))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and r.stdout == ""
    if message:
        assert r.stderr == f"policy-tracker: {message}\n"
    assert _content(path) == before


def test_release_0_1_file_upgrades_to_one_edition_per_source(tmp_path):
    """Upgrading the 0.1 file: every source gets edition 1 (its text, sha256, date), every placed citation
    is 'exact', no citation has a suggestion or flag, and no placement exists."""
    path = tmp_path / "release-0.1.sqlite"
    shutil.copyfile(RELEASE_DB, path)
    path.chmod(0o600)
    with Store(path) as s:
        rows = s.conn.execute(
            "SELECT s.id, s.sha256, s.published_on, s.imported_at, e.edition, e.sha256, e.published_on, e.added_at, "
            "e.text = s.text, e.note FROM sources s JOIN source_editions e ON e.source_id = s.id").fetchall()
        assert len(rows) == s.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 3
        for r in rows:
            assert (r[4], r[5], r[6], r[7], r[8], r[9]) == (1, r[1], r[2], r[3], 1, "")
        states = dict(s.conn.execute("SELECT anchor_state, count(*) FROM citations GROUP BY anchor_state").fetchall())
        placed = s.conn.execute("SELECT count(*) FROM citations WHERE start_offset IS NOT NULL").fetchone()[0]
        assert states.get("exact") == placed and sum(states.values()) == 49
        assert set(states) <= {"exact", "not_found"}
        assert s.conn.execute("SELECT count(*) FROM citations WHERE suggested_start IS NOT NULL "
                              "OR figures_changed <> 0").fetchone()[0] == 0
        assert s.conn.execute("SELECT count(*) FROM citation_placements").fetchone()[0] == 0
        assert s.integrity_problems() == []
