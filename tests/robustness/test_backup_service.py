"""Backups: taken when the file changed, verified, thinned, private, restorable; the CLI commands."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from robust_docgen import content_hash

from app.services import backups, editing
from app.store import backups as files
from app.store.store import Store

CLI = [sys.executable, "-m", "app.cli"]
SEEDED_ITEMS = len(tomllib.loads((Path(__file__).resolve().parents[2] / "seeds" / "curated.toml")
                                 .read_text(encoding="utf-8"))["items"])  # what the seeded file holds


def test_keep_plan_keeps_today_then_daily_weekly_monthly():
    """Hourly backups over 400 days thin to: all of today, 1 a day for 7 days, 1 a week to 5 weeks, 1 a month."""
    now = dt.datetime(2025, 6, 15, 18, 0)
    stamps = [now - dt.timedelta(hours=h) for h in range(0, 400 * 24)]
    keep = files.keep_plan(stamps, now)
    today = [t for t in keep if t.date() == now.date()]
    assert len(today) == 19  # 00:00 .. 18:00
    for days in range(1, 8):  # one per day for the last week
        assert len([t for t in keep if (now.date() - t.date()).days == days]) == 1
    older = sorted(t for t in keep if (now.date() - t.date()).days > 35)
    months = {(t.year, t.month) for t in older}
    assert len(older) == len(months) and len(months) <= 12
    assert all((now.date() - t.date()).days <= 366 for t in keep)
    assert len(keep) < 19 + 7 + 5 + 12 + 2
    assert max(stamps) in keep


def test_keep_plan_never_drops_the_only_old_backup():
    """A single backup from two years ago is kept: the newest copy is never thinned away."""
    now = dt.datetime(2025, 6, 15)
    old = dt.datetime(2023, 1, 1)
    assert files.keep_plan([old], now) == {old}


def test_maybe_backup_only_when_the_file_changed(store):
    """The first call backs up; without changes nothing more; after an edit, a new verified backup."""
    first = backups.maybe_backup(store)
    assert first is not None and first.parent == store.path.with_name(store.path.name + ".backups")
    assert backups.maybe_backup(store) is None
    editing.create_framework(store, "A change")
    second = backups.maybe_backup(store, now=dt.datetime.now() + dt.timedelta(seconds=2))
    assert second is not None and second != first
    assert [b.path for b in backups.list_backups(store.path)] == [second, first]
    for b in (first, second):
        files.verify_backup(b)
        assert b.stat().st_mode & 0o777 == 0o600


def test_backup_on_a_schedule_is_thinned(store):
    """A month of daily timer backups keeps only what the plan says."""
    start = dt.datetime(2025, 1, 1, 9, 0)
    for day in range(40):
        editing.create_framework(store, f"Day {day}")
        backups.maybe_backup(store, now=start + dt.timedelta(days=day))
    kept = backups.list_backups(store.path)
    assert 6 <= len(kept) <= 14
    assert kept[0].taken_at == start + dt.timedelta(days=39)


def test_restore_brings_back_the_backup_and_keeps_the_current_file(store):
    """Restoring replaces the content through the backup API and keeps the previous file aside."""
    made = backups.backup_now(store)
    saved = content_hash(made)
    editing.create_framework(store, "Made after the backup")
    current = content_hash(store.path)
    aside = backups.restore_backup(made, store.path)
    assert aside.name.startswith(store.path.name + ".before-restore-")
    assert content_hash(aside) == current
    assert aside.stat().st_mode & 0o777 == 0o600
    assert content_hash(store.path) == saved
    # a window that had the file open sees the restored content, not a stale copy
    assert "Made after the backup" not in [f["title"] for f in store.list_frameworks()]


def test_restore_over_a_damaged_file_keeps_its_bytes(seeded_path):
    """A damaged database can be replaced by its backup; its exact bytes are kept aside."""
    with Store(seeded_path) as s:
        made = backups.backup_now(s)
    for extra in ("-wal", "-shm"):
        Path(f"{seeded_path}{extra}").unlink(missing_ok=True)
    seeded_path.write_bytes(b"garbage" * 1000)
    aside = backups.restore_backup(made, seeded_path)
    assert aside.read_bytes() == b"garbage" * 1000
    assert content_hash(seeded_path) == content_hash(made)
    with Store(seeded_path) as s:
        assert s.integrity_problems() == [] and s.count_items() == SEEDED_ITEMS


def test_a_damaged_backup_is_refused_and_nothing_changes(seeded_path, tmp_path):
    """Restoring a backup that fails its check changes nothing and says why."""
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    before = hashlib.sha256(seeded_path.read_bytes()).hexdigest()
    with pytest.raises(backups.BackupError):
        backups.restore_backup(bad, seeded_path)
    assert hashlib.sha256(seeded_path.read_bytes()).hexdigest() == before
    assert not list(seeded_path.parent.glob("*.before-restore-*"))


def _cli(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])


def test_cli_backup_and_restore(seeded_path, tmp_path):
    """`policy-tracker backup`, `restore --list` and `restore latest` work end to end."""
    r = _cli("backup", "--db", seeded_path)
    assert r.returncode == 0 and "Backed up" in r.stdout, r.stderr
    r = _cli("backup", "--db", seeded_path, "-o", tmp_path / "mine.sqlite")
    assert r.returncode == 0 and (tmp_path / "mine.sqlite").exists()
    r = _cli("restore", "--db", seeded_path, "--list")
    assert r.returncode == 0 and ".backups/" in r.stdout
    r = _cli("restore", "--db", seeded_path, "latest")
    assert r.returncode == 0 and "before-restore" in r.stdout, r.stderr


def test_cli_errors_are_one_line(tmp_path):
    """Bad backup arguments end with exit 1 and one sentence, never a traceback."""
    for args in (("backup", "--db", tmp_path / "missing.sqlite"),
                 ("restore", "--db", tmp_path / "missing.sqlite", "nope.sqlite")):
        r = _cli(*args)
        assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr


def test_help_lists_backup_and_restore():
    """The command line's help names both commands, each with its own help text."""
    r = _cli("--help")
    assert "backup" in r.stdout and "restore" in r.stdout
    for cmd in ("backup", "restore"):
        assert _cli(cmd, "--help").returncode == 0
