"""The command line: every command documented, results correct, mistakes reported in one sentence."""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args, env=None):
    e = {**os.environ, **(env or {})}
    e.pop("QT_QPA_PLATFORM", None)
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=e, timeout=120)


def _subcommands():
    """The parser's sub-command action and its {name: sub-parser} map."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, sub


def _named(text: str, word: str) -> bool:
    """True when `word` (an option string or a metavar) stands on its own in text (`-o` is not `--output`)."""
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None


def test_help_lists_every_command():
    """The top-level --help names every sub-command with a one-line summary of its own."""
    parser, sub = _subcommands()
    for name in ("gui", "init", "export", "import", "add-source", "check", "report", "backup", "restore",
                 "demo-data", "search"):
        assert name in sub.choices
    flat = " ".join(parser.format_help().split())  # argparse wraps long lines
    summaries = {ch.dest: ch.help for ch in sub._choices_actions}
    for name in sub.choices:
        summary = " ".join((summaries.get(name) or "").split())
        assert summary, f"{name} has no summary in --help"
        assert f" {name} {summary}" in flat, f"--help does not list {name} with its summary"


def test_every_command_help_names_its_arguments_and_options():
    """Each command's --help names every option and argument the command's parser accepts."""
    _, sub = _subcommands()
    for name, p in sub.choices.items():
        text = p.format_help()
        assert text.startswith(f"usage: policy-tracker {name}"), name
        for action in p._actions:
            if action.help == argparse.SUPPRESS:
                continue
            if action.option_strings:
                for opt in action.option_strings:
                    assert _named(text, opt), f"`{name} --help` does not name {opt}"
                if action.nargs != 0 and action.metavar:
                    assert _named(text, action.metavar), f"`{name} --help` does not name {action.metavar}"
                if action.choices:
                    for choice in action.choices:
                        assert _named(text, str(choice)), f"`{name} --help` does not name {choice} of {opt}"
            else:
                shown = action.metavar or action.dest
                assert _named(text, shown), f"`{name} --help` does not name its argument {shown}"
        assert "--db" in [o for a in p._actions for o in a.option_strings], f"{name} does not take --db"


def _readme_commands() -> list[str]:
    """The commands the README's command table lists (first column, `policy-tracker NAME ...`)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Command line"):]
    section = section[:section.index("\n## ", 1)]
    names = []
    for row in section.splitlines():
        if not row.startswith("| `policy-tracker"):
            continue
        first = row.split(" | ")[0]
        for cell in re.findall(r"`policy-tracker([^`]*)`", first):
            word = cell.split()[0] if cell.split() else "gui"  # a bare `policy-tracker` opens the window
            names.append(word)
    return names


def test_readme_command_table_lists_every_command():
    """The README's command table has a row for every sub-command, and names none that does not exist."""
    _, sub = _subcommands()
    listed = _readme_commands()
    missing = set(sub.choices) - {"gui"} - set(listed)  # the bare `policy-tracker` row stands for gui
    assert not missing, f"missing from the README: {sorted(missing)}"
    assert set(listed) <= set(sub.choices), f"not a command: {sorted(set(listed) - set(sub.choices))}"


def test_init_then_export_gives_anchored_document(tmp_path):
    """init builds the seeded file; export prints a document whose quotes equal their text spans."""
    db = tmp_path / "t.sqlite"
    r = run("init", "--db", str(db))
    assert r.returncode == 0, r.stderr
    r = run("export", "--db", str(db))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    texts = {s["id"]: s["text"] for s in doc["sources"]}
    assert len(doc["items"]) >= 20
    for it in doc["items"]:
        for c in it["citations"]:
            assert texts[c["source_id"]][c["start"]:c["end"]] == c["quote"]


def test_env_variable_chooses_the_database(tmp_path):
    """POLICY_TRACKER_DB is used when --db is not given."""
    db = tmp_path / "env.sqlite"
    assert cli.main(["init", "--empty", "--db", str(db)]) == 0
    r = run("check", env={"POLICY_TRACKER_DB": str(db)})
    assert r.returncode == 0 and "sound" in r.stdout


def test_export_csv_and_import_roundtrip(tmp_path, seeded_path):
    """CSV export writes a sheet; JSON export to a file then import into an empty file works."""
    out = tmp_path / "items.csv"
    assert cli.main(["export", "--db", str(seeded_path), "--format", "csv", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("id,framework,ref")
    js = tmp_path / "all.json"
    assert cli.main(["export", "--db", str(seeded_path), "-o", str(js)]) == 0
    target = tmp_path / "new.sqlite"
    assert cli.main(["init", "--empty", "--db", str(target)]) == 0
    assert cli.main(["import", str(js), "--db", str(target)]) == 0
    assert cli.main(["check", "--db", str(target)]) == 0


@pytest.mark.parametrize("args,needle", [
    (["export", "--db", "{tmp}/missing.sqlite"], "no database"),
    (["import", "{tmp}/nope.json", "--db", "{tmp}/a.sqlite"], "does not exist"),
    (["import", "{tmp}/bad.json", "--db", "{tmp}/a.sqlite"], "not valid JSON"),
    (["add-source", "{tmp}/empty.txt", "--db", "{tmp}/a.sqlite"], "empty"),
    (["add-source", "{tmp}/bin.txt", "--db", "{tmp}/a.sqlite"], "binary"),
    (["add-source", "{tmp}/latin1.txt", "--db", "{tmp}/a.sqlite"], "not UTF-8"),
    (["export", "--db", "{tmp}/bad.json"], "not a Policy Tracker database"),
])
def test_mistakes_give_one_sentence_and_exit_1(tmp_path, args, needle):
    """A person's mistake prints one line on stderr, no traceback, exit code 1."""
    (tmp_path / "bad.json").write_text("{oops")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    r = run(*[a.format(tmp=tmp_path) for a in args])
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_add_source_then_search_finds_it(tmp_path):
    """add-source stores a Markdown file as a source searchable by its words."""
    db = tmp_path / "s.sqlite"
    md = tmp_path / "plan.md"
    md.write_text("# National Broadband Plan\n\nWe will connect 95% of villages by 2030.\n", encoding="utf-8")
    assert cli.main(["init", "--empty", "--db", str(db)]) == 0
    assert cli.main(["add-source", str(md), "--db", str(db), "--published-on", "2025-02-01"]) == 0
    from app.store.store import Store
    with Store(db) as s:
        src = s.list_sources()[0]
        assert src["title"] == "National Broadband Plan" and src["published_on"] == "2025-02-01"
        assert s.search("villages")


def test_gui_without_display_says_so(tmp_path):
    """With no display the window command explains the headless alternatives instead of crashing."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(tmp_path / "x.sqlite")],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1 and "No display" in r.stderr and "Traceback" not in r.stderr


def test_exports_are_private(tmp_path, seeded_path):
    """Exported files are 0600 whatever the umask, like the database."""
    out = tmp_path / "all.json"
    old = os.umask(0o022)
    try:
        assert cli.main(["export", "--db", str(seeded_path), "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o600


def test_a_db_path_that_is_a_pipe_is_refused_not_waited_on(tmp_path):
    """`--db` naming a named pipe is refused in one sentence (SQLite would wait on it forever)."""
    pipe = tmp_path / "p.sqlite"
    os.mkfifo(pipe)
    r = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(pipe), "init"], capture_output=True,
                       text=True, timeout=60)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == (f"policy-tracker: {pipe} is a named pipe, not a database file; "
                        "give the path of a Policy Tracker file.\n")
