"""Files from others (issue 18): a planted backups link, devices as outputs, world-readable exports, crafted databases.

Someone who controls a file or folder the analyst receives must not be able to make the app list,
restore or delete another database's backups, replace a device or hang on a pipe, leave an export
or the log readable by other accounts, or get a database with a trigger of their own past
`check` or `restore`. Every refusal is one sentence, and what was refused is left byte for byte.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.services import backups
from app.store import backups as files
from app.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
START = dt.datetime(2025, 1, 1, 9, 0)
STAMPS = [START + dt.timedelta(days=d) for d in range(40)]  # 40 daily backups from 1 January 2025
LATER = dt.datetime(2025, 2, 15, 12, 0)  # thinning then would remove 33 of those 40
DOOMED_IF_LISTED = 33


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    """Every entry of folder (not following links) with its content hash or link target."""
    out = {}
    for p in sorted(folder.iterdir()):
        mode = p.lstat().st_mode
        out[p.name] = (f"-> {os.readlink(p)}" if stat.S_ISLNK(mode) else _sha(p) if stat.S_ISREG(mode)
                       else f"{stat.S_IFMT(mode):o} {sorted(os.listdir(p)) if stat.S_ISDIR(mode) else ''}")
    return out


def _run(*args, capsys) -> tuple[int, str, str]:
    """Run the command line in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _cli(*args, umask: int | None = None) -> subprocess.CompletedProcess:
    """Run `python -m app.cli` as its own process (optionally under a given umask)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    old = os.umask(umask) if umask is not None else None
    try:
        return subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    finally:
        if old is not None:
            os.umask(old)


def _other_database(seeded_path: Path, folder: Path, name: str = "seeded.sqlite") -> tuple[Path, list[Path]]:
    """A second database in `folder` with 40 daily backups of its own (real backups, by the backup API)."""
    folder.mkdir()
    other = folder / name
    shutil.copyfile(seeded_path, other)
    with Store(other) as s:
        first = backups.backup_now(s, now=START)
    made = [first]
    for when in STAMPS[1:]:
        p = files.new_backup_path(other, when)
        shutil.copyfile(first, p)
        made.append(p)
    return other, made


# -- backups are this database's own only -----------------------------------------------------------
def test_plan_would_thin_the_planted_backups():
    """The premise of the tests below: listed as ours, 33 of the other database's 40 backups would be deleted."""
    assert len(STAMPS) - len(files.keep_plan(STAMPS, LATER)) == DOOMED_IF_LISTED


def test_symlinked_backups_folder_is_not_listed_restored_or_thinned(seeded_path, tmp_path, capsys):
    """A `.backups` link to another database's folder: nothing listed or restored from it, nothing thinned in it."""
    other, made = _other_database(seeded_path, tmp_path / "other")
    other_folder = made[0].parent
    (seeded_path.parent / "seeded.sqlite.backups").symlink_to(other_folder, target_is_directory=True)
    before, mine = _tree(other_folder), _sha(seeded_path)
    warning = (f"policy-tracker: warning: {seeded_path}.backups is a link to another place, not a folder of its "
               f"own, so backups of seeded.sqlite are not written, listed or thinned there; they are kept in "
               f"{files.fallback_dir(seeded_path)} instead.")

    assert files.list_backups(seeded_path) == []
    assert files.newest_good_backup(seeded_path) is None
    code, out, err = _run("restore", "--db", seeded_path, "--list", capsys=capsys)
    assert (code, out, err.splitlines()) == (0, f"There are no backups of {seeded_path}.\n", [warning])
    code, out, err = _run("restore", "--db", seeded_path, "latest", capsys=capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [warning, "policy-tracker: There is no good backup of seeded.sqlite to restore."]
    code, out, err = _run("restore", "--db", seeded_path, made[-1].name, capsys=capsys)
    assert code == 1 and err.splitlines()[1] == (f"policy-tracker: There is no backup called {made[-1].name}; "
                                                 f"`policy-tracker restore --list` shows them.")
    assert _sha(seeded_path) == mine

    with Store(seeded_path) as s:  # a new backup goes to the user-data folder, and thinning runs at LATER
        new = backups.backup_now(s, now=LATER)
    assert new.parent == files.fallback_dir(seeded_path)
    assert [b.path for b in files.list_backups(seeded_path)] == [new]
    assert _tree(other_folder) == before  # all 40 of the other database's backups, byte for byte
    assert files.thin(seeded_path, LATER + dt.timedelta(days=400)) == []
    code, out, err = _run("backup", "--db", seeded_path, capsys=capsys)
    assert code == 0 and err.splitlines() == [warning]
    assert out.startswith(f"Backed up seeded.sqlite to {files.fallback_dir(seeded_path)}/seeded-")
    assert _tree(other_folder) == before
    assert [b.path for b in files.list_backups(other)] == sorted(made, reverse=True)


def test_backups_folder_that_is_a_file_is_not_used(store, tmp_path):
    """A plain file called `<db>.backups` is left alone; the backup goes to the user-data folder."""
    planted = store.path.with_name(store.path.name + ".backups")
    planted.write_bytes(b"not a folder")
    made = backups.backup_now(store)
    assert made.parent == files.fallback_dir(store.path)
    assert planted.read_bytes() == b"not a folder"
    assert files.folder_problem(store.path) == (
        f"{planted} is not a folder, so backups of seeded.sqlite are not written, listed or thinned there; "
        f"they are kept in {files.fallback_dir(store.path)} instead.")


def test_a_fallback_folder_that_is_a_link_is_refused(store, tmp_path):
    """When even the user-data backups folder is a link, no backup is written and the refusal is one sentence."""
    store.path.with_name(store.path.name + ".backups").symlink_to(tmp_path, target_is_directory=True)
    fallback = files.fallback_dir(store.path)
    fallback.parent.mkdir(parents=True, exist_ok=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    fallback.symlink_to(elsewhere, target_is_directory=True)
    try:
        with pytest.raises(files.BackupError) as e:
            backups.backup_now(store)
        assert str(e.value) == (f"The backups folder {fallback} is a link to another place, not a folder of its own, "
                                f"so no backup was written there.")
        assert list(elsewhere.iterdir()) == []
    finally:
        fallback.unlink()


def test_another_stem_in_the_same_folder_is_neither_listed_restored_nor_thinned(store, tmp_path, capsys):
    """Files named for another database (or not quite a backup name) in our folder are left exactly alone."""
    own = backups.backup_now(store, now=STAMPS[0])
    folder = own.parent
    planted = ["other-20250101-090000.sqlite", "seeded-old-20250102-090000.sqlite", "xseeded-20250103-090000.sqlite",
               "seeded-20250104-090000.sqlite.bak", "seeded-20250105-090000-x.sqlite",
               "seeded.sqlite-20250106-090000.sqlite", "Seeded-20250107-090000.sqlite"]
    for name in planted:
        shutil.copyfile(own, folder / name)
    for when in STAMPS[1:]:  # and 39 more of our own, so thinning has work to do
        shutil.copyfile(own, files.new_backup_path(store.path, when))
    others = {name: _sha(folder / name) for name in planted}

    listed = files.list_backups(store.path)
    assert [b.taken_at for b in listed] == sorted(STAMPS, reverse=True)
    code, _, err = _run("restore", "--db", store.path, "other-20250101-090000.sqlite", capsys=capsys)
    assert (code, err) == (1, "policy-tracker: There is no backup called other-20250101-090000.sqlite; "
                              "`policy-tracker restore --list` shows them.\n")
    removed = files.thin(store.path, LATER)
    assert len(removed) == DOOMED_IF_LISTED
    assert {name: _sha(folder / name) for name in planted} == others


def test_a_backup_entry_that_is_a_symlink_is_skipped(store, seeded_path, tmp_path):
    """A link in our backups folder, named as our newest backup, is not listed, not restored and not thinned."""
    own = backups.backup_now(store, now=STAMPS[0])
    other, made = _other_database(seeded_path, tmp_path / "other")
    link = own.parent / "seeded-20991231-235959.sqlite"  # would be the newest, so `restore latest` would pick it
    link.symlink_to(made[0])
    old_link = own.parent / "seeded-20240101-090000.sqlite"  # would be thinned as an old one
    old_link.symlink_to(made[1])
    folder_link = own.parent / "seeded-20240102-090000.sqlite"
    folder_link.symlink_to(made[0].parent, target_is_directory=True)
    targets = {p: _sha(p) for p in made[:2]}

    assert [b.path for b in files.list_backups(store.path)] == [own]
    newest = files.newest_good_backup(store.path)
    assert newest is not None and newest.path == own
    assert files.thin(store.path, LATER + dt.timedelta(days=400)) == []
    assert link.is_symlink() and old_link.is_symlink() and folder_link.is_symlink()
    assert {p: _sha(p) for p in made[:2]} == targets


# -- outputs are plain files --------------------------------------------------------------------------
@pytest.fixture
def dev_full():
    """/dev/full when there is one; should a regression replace it by a plain file (as root), the device is
    made again afterwards so the machine is not left broken, and the test has failed on its asserts."""
    full = Path("/dev/full")
    before = os.stat(full) if full.exists() else None
    yield full if before is not None and stat.S_ISCHR(before.st_mode) else None
    if before is not None and stat.S_ISCHR(before.st_mode) and not stat.S_ISCHR(os.lstat(full).st_mode):
        full.unlink()
        os.mknod(full, stat.S_IFCHR | 0o666, before.st_rdev)
        os.chmod(full, stat.S_IMODE(before.st_mode))


def _targets(tmp_path: Path, dev_full: Path | None) -> dict[str, tuple[Path, str]]:
    """Outputs that are not plain files: {label: (path, what the refusal calls it)}."""
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "pipe")
    (out / "folder").mkdir()
    (out / "link-to-pipe").symlink_to(out / "pipe")
    found = {"fifo": (out / "pipe", "a named pipe"), "folder": (out / "folder", "a folder"),
             "link": (out / "link-to-pipe", "a named pipe")}
    if dev_full is not None:
        found["dev-full"] = (dev_full, "a device")
    return found


COMMANDS = {  # command line -> what its refusal says it was going to write
    "export": (["export", "-o"], " the export"),
    "export-csv": (["export", "--format", "csv", "-o"], " the export"),
    "report": (["report", "-o"], " the report"),
    "report-html": (["report", "--format", "html", "-o"], " the report"),
    "report-docx": (["report", "--format", "docx", "-o"], " the report"),
    "report-xlsx": (["report", "--format", "xlsx", "-o"], " the report"),
    "backup": (["backup", "-o"], " the backup"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_outputs_that_are_not_files_are_refused(command, seeded_path, tmp_path, capsys, dev_full):
    """-o naming a pipe, a folder, a link to a pipe or /dev/full: exit 1, one sentence, nothing written anywhere."""
    argv, what = COMMANDS[command]
    targets = _targets(tmp_path, dev_full)
    dev = os.stat(dev_full) if dev_full is not None else None
    out_before = _tree(tmp_path / "out")
    dev_before = sorted(os.listdir("/dev"))
    for label, (path, kind) in targets.items():
        code, stdout, err = _run(*argv, path, "--db", seeded_path, capsys=capsys)
        assert (code, stdout) == (1, ""), label
        assert err == f"policy-tracker: {path} is {kind}, not a file; choose a file name to write{what} to.\n", label
    assert stat.S_ISFIFO(os.stat(tmp_path / "out" / "pipe").st_mode)
    assert list((tmp_path / "out" / "folder").iterdir()) == []
    assert _tree(tmp_path / "out") == out_before
    if dev is not None:
        now = os.stat("/dev/full")
        assert stat.S_ISCHR(now.st_mode) and (now.st_rdev, now.st_ino) == (dev.st_rdev, dev.st_ino)
        assert sorted(os.listdir("/dev")) == dev_before


@pytest.mark.parametrize("command", ["export", "report", "backup"])
def test_a_device_output_ends_the_process_with_exit_1(command, seeded_path, tmp_path, dev_full):
    """As its own process, `export|report|backup -o <device or pipe>` exits 1 with one line and no traceback."""
    target = dev_full or tmp_path / "pipe"
    if dev_full is None:
        os.mkfifo(target)
    kind = "a device" if dev_full is not None else "a named pipe"
    argv, what = COMMANDS[command]
    r = _cli(*argv, target, "--db", seeded_path)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == f"policy-tracker: {target} is {kind}, not a file; choose a file name to write{what} to.\n"


# -- what the app writes is the owner's alone ----------------------------------------------------------
@pytest.mark.parametrize("argv,name", [(["export"], "all.json"), (["export", "--format", "csv"], "items.csv"),
                                       (["report", "--format", "html"], "report.html"),
                                       (["report", "--format", "docx"], "report.docx"),
                                       (["report", "--format", "xlsx"], "report.xlsx")])
def test_exports_and_reports_are_0600_whatever_the_umask(argv, name, seeded_path, tmp_path, capsys):
    """Under umask 022 a new export or report is 0600, and so is one written over an existing 0644 file."""
    fresh, existing = tmp_path / f"new-{name}", tmp_path / name
    existing.write_text("old")
    os.chmod(existing, 0o644)
    old = os.umask(0o022)
    try:
        for out in (fresh, existing):
            code, _, err = _run(*argv, "--db", seeded_path, "-o", out, capsys=capsys)
            assert code == 0, err
    finally:
        os.umask(old)
    assert (fresh.stat().st_mode & 0o777, existing.stat().st_mode & 0o777) == (0o600, 0o600)
    assert existing.read_bytes() != b"old"


def test_a_pdf_report_is_0600(seeded_path, tmp_path):
    """A PDF report written by its own process under umask 022 is 0600 (QPdfWriter writes the temp file)."""
    out = tmp_path / "r.pdf"
    r = _cli("report", "--db", seeded_path, "-o", out, umask=0o022)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:5] == b"%PDF-" and out.stat().st_mode & 0o777 == 0o600


def test_a_backup_to_a_file_is_0600(store, tmp_path):
    """`backup --to FILE` under umask 022 is 0600."""
    old = os.umask(0o022)
    try:
        made = backups.backup_now(store, tmp_path / "copy.sqlite")
    finally:
        os.umask(old)
    assert made.stat().st_mode & 0o777 == 0o600


def test_the_command_line_log_is_0600(tmp_path):
    """An unexpected error's log, new or already there as 0644, is 0600 under umask 022 and holds the traceback."""
    from app.paths import user_log_dir
    log = user_log_dir() / "policy-tracker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("earlier\n")
    os.chmod(log, 0o644)
    old = os.umask(0o022)
    try:
        assert cli._log_unexpected(ValueError("a test error")) == log
    finally:
        os.umask(old)
    assert log.stat().st_mode & 0o777 == 0o600
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier\n") and "ValueError: a test error" in text
    log.unlink()
    old = os.umask(0o022)
    try:
        cli._log_unexpected(ValueError("again"))
    finally:
        os.umask(old)
    assert log.stat().st_mode & 0o777 == 0o600


def test_the_window_log_is_0600(tmp_path):
    """The window's log handler makes an existing 0644 log 0600, and creates a new one 0600, under umask 022."""
    from app.ui import app as ui_app
    root = logging.getLogger("policy_tracker")
    log = ui_app.log_file()
    log.parent.mkdir(parents=True, exist_ok=True)
    for existing in (True, False):
        log.unlink(missing_ok=True)
        if existing:
            log.write_text("earlier\n")
            os.chmod(log, 0o644)
        before = list(root.handlers)
        old = os.umask(0o022)
        try:
            ui_app._setup_logging()
        finally:
            os.umask(old)
        added = [h for h in root.handlers if h not in before]
        try:
            assert len(added) == 1 and log.stat().st_mode & 0o777 == 0o600
        finally:
            for h in added:
                root.removeHandler(h)
                h.close()


def test_a_log_that_is_a_pipe_is_not_opened(tmp_path):
    """The log handler refuses a named pipe at once instead of waiting for a reader."""
    from app.store.outputs import PrivateFileHandler
    os.mkfifo(tmp_path / "log")
    with pytest.raises(OSError):
        PrivateFileHandler(tmp_path / "log")
    assert stat.S_ISFIFO(os.stat(tmp_path / "log").st_mode)


# -- crafted databases: `check` and `restore` refuse them and run nothing of them ---------------------
EVIL_TRIGGER = "CREATE TRIGGER evil AFTER INSERT ON status_updates BEGIN UPDATE items SET title='pwned'; END;"
CRAFTS = {
    "trigger": ([EVIL_TRIGGER], "a trigger 'evil' on status_updates that this version of Policy Tracker did not "
                                "create"),
    "view": (["CREATE VIEW evil_view AS SELECT title FROM items"],
             "a view 'evil_view' that this version of Policy Tracker did not create"),
    "index": (["CREATE INDEX evil_index ON items(title)"],
              "an index 'evil_index' on items that this version of Policy Tracker did not create"),
    "table": (["CREATE TABLE evil_table (x)"], "a table 'evil_table' that this version of Policy Tracker did not "
                                              "create"),
    "changed-trigger": (["DROP TRIGGER items_audit_insert",
                         "CREATE TRIGGER items_audit_insert AFTER INSERT ON items BEGIN "
                         "UPDATE items SET title='pwned'; END"],
                        "a trigger 'items_audit_insert' that differs from the one this version of Policy Tracker "
                        "creates"),
}


def _craft(seeded_path: Path, dest: Path, statements: list[str]) -> Path:
    """A copy of a real, migrated database with someone's own statements added by plain sqlite3."""
    shutil.copyfile(seeded_path, dest)
    conn = sqlite3.connect(dest)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    assert not Path(f"{dest}-wal").exists()
    return dest


def _companions(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path)


@pytest.mark.parametrize("craft", sorted(CRAFTS))
def test_check_refuses_a_crafted_database(craft, seeded_path, tmp_path, capsys):
    """`check` on a file with someone's own trigger, view, index or table: exit 1, one sentence, file untouched."""
    statements, found = CRAFTS[craft]
    crafted = _craft(seeded_path, tmp_path / "crafted.sqlite", statements)
    before = _sha(crafted)
    code, out, err = _run("check", "--db", crafted, capsys=capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(f"policy-tracker: {crafted} has {found}")
    assert err.rstrip().endswith(".") and "Traceback" not in err
    assert _sha(crafted) == before and _companions(crafted) == []


@pytest.mark.parametrize("craft", sorted(CRAFTS))
def test_restore_refuses_a_crafted_database(craft, seeded_path, tmp_path, capsys):
    """`restore FILE` with a crafted file: exit 1, one sentence naming it and what is wrong, both files unchanged."""
    statements, found = CRAFTS[craft]
    crafted = _craft(seeded_path, tmp_path / "crafted.sqlite", statements)
    before, mine = _sha(crafted), _sha(seeded_path)
    code, out, err = _run("restore", "--db", seeded_path, crafted, capsys=capsys)
    assert (code, out) == (1, "")
    assert err == (f"policy-tracker: The backup crafted.sqlite has {found}, so it is not a backup this app made; "
                   f"nothing was restored.\n")
    assert (_sha(crafted), _sha(seeded_path)) == (before, mine)
    assert _companions(crafted) == [] and not list(tmp_path.glob("*.before-restore-*"))


def test_a_crafted_file_among_the_backups_is_never_restored(store, seeded_template, tmp_path, capsys):
    """A crafted file planted under a backup's name is skipped by `latest` and refused by name."""
    folder = backups.backup_now(store, now=STAMPS[0]).parent
    planted = _craft(seeded_template, tmp_path / "crafted.sqlite", [EVIL_TRIGGER])
    shutil.move(planted, folder / "seeded-20991231-235959.sqlite")
    planted = folder / "seeded-20991231-235959.sqlite"
    before = _sha(planted)
    newest = files.newest_good_backup(store.path)
    assert newest is not None and newest.taken_at == STAMPS[0]
    code, _, err = _run("restore", "--db", store.path, planted.name, capsys=capsys)
    assert (code, err) == (1, f"policy-tracker: The backup {planted.name} has {CRAFTS['trigger'][1]}, so it is "
                              f"not a backup this app made; nothing was restored.\n")
    assert _sha(planted) == before
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_a_backup_with_a_rewritten_history_is_refused(seeded_path, tmp_path, capsys):
    """A backup whose record of migration steps was edited is refused by `restore` before anything changes."""
    crafted = _craft(seeded_path, tmp_path / "crafted.sqlite",
                     ["UPDATE schema_migrations SET sha256 = '" + "0" * 64 + "' WHERE version = 1"])
    before, mine = _sha(crafted), _sha(seeded_path)
    code, _, err = _run("restore", "--db", seeded_path, crafted, capsys=capsys)
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("policy-tracker: The backup crafted.sqlite was upgraded by a different 0001_initial.sql "
                          "than the one this version ships (the file's checksum is 000000000000...")
    assert err.endswith(", so it cannot be opened safely; nothing was restored.\n")
    assert (_sha(crafted), _sha(seeded_path)) == (before, mine) and not list(tmp_path.glob("*.before-restore-*"))


def test_a_backup_swapped_after_its_check_is_not_restored(seeded_path, tmp_path, monkeypatch):
    """A file replaced by a crafted one between the check and the copy is caught on the copy's own connection."""
    with Store(seeded_path) as s:
        good = backups.backup_now(s, tmp_path / "good.sqlite")
    crafted = _craft(seeded_path, tmp_path / "crafted.sqlite", [EVIL_TRIGGER])
    real_verify = files.verify_backup

    def verify_then_swap(path):
        version = real_verify(path)
        os.replace(crafted, good)  # someone with write access to the folder swaps the file now
        return version

    monkeypatch.setattr(files, "verify_backup", verify_then_swap)
    mine = _sha(seeded_path)
    with pytest.raises(files.BackupError) as e:
        backups.restore_backup(good, seeded_path)
    assert str(e.value) == (f"The backup good.sqlite has {CRAFTS['trigger'][1]}, so it is not a backup this app "
                            f"made; nothing was restored.")
    assert _sha(seeded_path) == mine and not list(tmp_path.glob("*.before-restore-*"))


@pytest.mark.parametrize("kind", ["a named pipe", "a folder", "a device"])
def test_restore_from_a_pipe_folder_or_device_is_refused_without_opening_it(kind, seeded_path, tmp_path, capsys):
    """`restore <pipe|folder|/dev/zero>` says what it is in one sentence at once (a pipe is never opened)."""
    target = {"a named pipe": tmp_path / "pipe", "a folder": tmp_path, "a device": Path("/dev/zero")}[kind]
    if kind == "a named pipe":
        os.mkfifo(target)
    if not target.exists():
        pytest.skip(f"{target} does not exist here")
    mine = _sha(seeded_path)
    code, _, err = _run("restore", "--db", seeded_path, target, capsys=capsys)
    assert (code, err) == (1, f"policy-tracker: {target} is {kind}, not a backup file; nothing was restored.\n")
    assert _sha(seeded_path) == mine


def test_a_trigger_carried_in_a_wal_is_refused_by_check_and_restore(seeded_path, tmp_path, capsys):
    """A clean main file whose `-wal` adds a trigger: `check` and `restore` refuse it; both files stay byte for byte."""
    src = tmp_path / "src.sqlite"
    shutil.copyfile(seeded_path, src)
    conn = sqlite3.connect(src)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute(EVIL_TRIGGER)
    conn.commit()
    crafted = tmp_path / "crafted.sqlite"
    shutil.copyfile(src, crafted)  # the pair as it stood, the trigger only in the WAL
    shutil.copyfile(f"{src}-wal", f"{crafted}-wal")
    conn.close()
    wal = Path(f"{crafted}-wal")
    before, before_wal, mine = _sha(crafted), _sha(wal), _sha(seeded_path)
    assert wal.stat().st_size > 0
    code, out, err = _run("check", "--db", crafted, capsys=capsys)
    assert (code, out) == (1, "") and err.count("\n") == 1
    assert err.startswith(f"policy-tracker: {crafted} has {CRAFTS['trigger'][1]}")
    code, out, err = _run("restore", "--db", seeded_path, crafted, capsys=capsys)
    assert (code, err) == (1, f"policy-tracker: The backup crafted.sqlite has {CRAFTS['trigger'][1]}, so it is not "
                              f"a backup this app made; nothing was restored.\n")
    assert (_sha(crafted), _sha(wal), _sha(seeded_path)) == (before, before_wal, mine)


def test_save_a_copy_refuses_a_pipe_and_leaves_it_a_pipe(seeded_path, tmp_path):
    """Save a Copy (Store.backup_to) to a named pipe is one sentence; the pipe stays a pipe, nothing else appears."""
    import stat as st_

    from app.core.model import PolicyTrackerError
    from app.store.store import Store
    (tmp_path / "out").mkdir()
    pipe = tmp_path / "out" / "copy.sqlite"
    os.mkfifo(pipe)
    with Store(seeded_path) as s:
        with pytest.raises(PolicyTrackerError) as e:
            s.backup_to(pipe)
    assert str(e.value) == f"{pipe} is a named pipe, not a file; choose a file name to write the copy to."
    assert st_.S_ISFIFO(pipe.lstat().st_mode)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["copy.sqlite"]
