"""`policy-tracker framework add|rename|describe|delete|list`: frameworks on the command line."""
from __future__ import annotations

import os
import subprocess
import sys

from app import cli
from app.store import hierarchy as H
from app.store.store import Store


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def titles(path) -> list[str]:
    with Store(path) as s:
        return [f["title"] for f in s.list_frameworks()]


def test_add_rename_describe_delete(capsys, empty_path):
    """A framework is added with actor and description, renamed by title, described, and deleted by id."""
    code, out, _ = run(capsys, "framework", "add", "SDG 2030", "--actor", "UN", "--description", "Goals", "--db",
                       empty_path)
    assert code == 0
    fid = out.split()[-1].rstrip(".")
    with Store(empty_path) as s:
        assert (s.get_framework(fid)["actor"], s.get_framework(fid)["description"]) == ("UN", "Goals")
    assert run(capsys, "framework", "rename", "sdg 2030", "Sustainable Development Goals", "--db", empty_path)[0] == 0
    assert titles(empty_path) == ["Sustainable Development Goals"]
    assert run(capsys, "framework", "describe", fid, "--description", "17 goals", "--db", empty_path)[0] == 0
    with Store(empty_path) as s:
        assert s.get_framework(fid)["description"] == "17 goals"
    code, out, _ = run(capsys, "framework", "delete", fid, "--db", empty_path)
    assert (code, out.strip()) == (0, "Deleted the framework “Sustainable Development Goals”.")
    assert titles(empty_path) == []


def test_unknown_and_ambiguous_titles_are_one_sentence(capsys, empty_path):
    """A title naming no framework or two is one sentence on stderr, exit 1, nothing changed."""
    run(capsys, "framework", "add", "Plan", "--db", empty_path)
    run(capsys, "framework", "add", "plan", "--db", empty_path)
    code, out, err = run(capsys, "framework", "rename", "Nothing", "X", "--db", empty_path)
    assert (code, out) == (1, "")
    assert err.startswith("policy-tracker: No framework has the id or title “Nothing”") and err.count("\n") == 1
    code, _, err = run(capsys, "framework", "delete", "PLAN", "--db", empty_path)
    assert code == 1 and err.startswith("policy-tracker: 2 frameworks are titled “PLAN”; give the id")
    assert sorted(titles(empty_path)) == ["Plan", "plan"]


def test_deleting_a_framework_with_items_needs_with_items(capsys, seeded_path):
    """Tokyo has 7 items: refused without --with-items (saying so), deleted with them with it."""
    with Store(seeded_path) as s:
        tokyo = next(f for f in s.list_frameworks() if f["title"].startswith("Tokyo"))
        total = s.count_items()
    code, _, err = run(capsys, "framework", "delete", tokyo["title"], "--db", seeded_path)
    assert code == 1
    assert err == (f"policy-tracker: The framework “{tokyo['title']}” has 7 items; add --with-items to delete them "
                   f"with it.\n")
    with Store(seeded_path) as s:
        assert H.framework_item_count(s.conn, tokyo["id"]) == 7
    code, out, _ = run(capsys, "framework", "delete", tokyo["id"], "--with-items", "--db", seeded_path)
    assert code == 0 and out.strip().endswith("and its 7 items.")
    with Store(seeded_path) as s:
        assert (s.get_framework(tokyo["id"]), s.count_items()) == (None, total - 7)


def test_bad_title_and_missing_fields_are_refused(capsys, empty_path):
    """An empty title, and describe with nothing to change, are one sentence each with exit 1."""
    code, _, err = run(capsys, "framework", "add", "   ", "--db", empty_path)
    assert code == 1 and err.count("\n") == 1 and "title" in err.lower()
    run(capsys, "framework", "add", "Plan", "--db", empty_path)
    code, _, err = run(capsys, "framework", "describe", "Plan", "--db", empty_path)
    assert (code, err) == (1, "policy-tracker: Give --description or --actor (or both) to change.\n")


def test_the_installed_command_lists_frameworks(seeded_path):
    """`policy-tracker framework list` in a fresh process prints one line per framework, with its count."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    r = subprocess.run([sys.executable, "-m", "app.cli", "framework", "list", "--db", str(seeded_path)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 5
    assert any(" 7 items  Tokyo Statement" in line for line in lines)


def test_a_missing_database_is_one_sentence_and_not_created(capsys, tmp_path):
    """Renaming in a file that does not exist says so in one sentence, exit 1, and creates nothing."""
    path = tmp_path / "none.sqlite"
    code, out, err = run(capsys, "framework", "rename", "Plan", "New", "--db", path)
    assert (code, out) == (1, "")
    assert err == (f"policy-tracker: There is no database at {path}; create one with "
                   f"`policy-tracker init --db {path}`.\n")
    assert not path.exists()
