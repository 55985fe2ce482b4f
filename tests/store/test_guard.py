"""The guard: a stray open-and-close of the database's files loses nothing, and what it cannot save it refuses.

The outside program is the real `sqlite3` command line (another process, as in the report of the
lost change); each run opens the file, reads and closes it, which is when SQLite checkpoints and
deletes the WAL if it believes it is the last user.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.model import PolicyTrackerError
from app.services import editing
from app.store import guard
from app.store.store import SavingStopped, Store

pytestmark = pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command line")


def outside_count(path: Path, table: str = "frameworks") -> int:
    out = subprocess.run(["sqlite3", str(path), f"SELECT count(*) FROM {table}"], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip())


def stray_close(path: Path) -> None:
    """What Qt's file dialog did while listing the folder: open and close each file read-only."""
    for suffix in ("", "-wal", "-shm"):
        with open(f"{path}{suffix}", "rb") as fh:
            fh.read(100)


def test_stray_close_then_outside_reader_keeps_every_save(empty_path):
    """After a stray close and an outside reader, the WAL is still there and every save is kept."""
    with Store(empty_path) as s:
        editing.create_framework(s, "One")
        stray_close(empty_path)
        assert outside_count(empty_path) == 1
        assert Path(f"{empty_path}-wal").exists()
        assert s.guarantees_lost() is None
        editing.create_framework(s, "Two")
        stray_close(empty_path)
        assert outside_count(empty_path) == 2
        editing.create_framework(s, "Three")
    assert not Path(f"{empty_path}-wal").exists()  # a clean last close still folds the WAL back in
    assert outside_count(empty_path) == 3


def test_without_our_locks_the_loss_is_caught_before_a_save(empty_path, monkeypatch):
    """With only SQLite's own locks, a stray close lets the outside reader delete the WAL: the next save is refused."""
    monkeypatch.setattr(guard, "_OFD_SETLK", None)  # e.g. a kernel without open-file-description locks
    s = Store(empty_path)
    try:
        assert s._guard.held is False
        editing.create_framework(s, "One")
        stray_close(empty_path)
        assert outside_count(empty_path) == 1  # this reader, believing itself alone, removes the WAL
        assert not Path(f"{empty_path}-wal").exists()
        with pytest.raises(SavingStopped, match=r"removed empty.sqlite-wal while it was open here|locks on "
                                                r"empty.sqlite were lost"):
            editing.create_framework(s, "Two")
        assert s.stopped is not None
    finally:
        s.close()
    assert outside_count(empty_path) == 1  # "One" was saved and is kept; "Two" was refused, not lost


def test_locks_lost_are_reported_when_our_locks_are_missing(empty_path, monkeypatch):
    """The lock test itself: SQLite's locks present, then dropped by a stray close."""
    monkeypatch.setattr(guard, "_OFD_SETLK", None)
    with Store(empty_path) as s:
        assert s._guard.lost() is None
        with open(empty_path, "rb"):
            pass
        assert s._guard.lost() == ("This window's locks on empty.sqlite were lost, so another program could "
                                   "overwrite your changes; saving has stopped.")


def test_replaced_file_stops_saving_in_one_sentence(seeded_path, tmp_path):
    """A file swapped in under an open Store is not written to."""
    with Store(seeded_path) as s:
        other = tmp_path / "other.sqlite"
        s.backup_to(other)
        os.replace(other, seeded_path)
        with pytest.raises(SavingStopped) as e:
            editing.create_framework(s, "Lost?")
        assert str(e.value) == (f"{seeded_path} was replaced by another file while it was open, so nothing more "
                                f"can be saved to it. Your unsaved changes are kept; reopen the file to save them.")
    with Store(seeded_path) as s:
        assert "Lost?" not in [f["title"] for f in s.list_frameworks()]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_database_files_are_refused_as_documents(seeded_path, suffix, tmp_path):
    """The open database and its companions cannot be added as a source or written over by an export."""
    from app.exchange.atomic import write_atomically
    from app.exchange.extract import extract
    with Store(seeded_path) as s:
        editing.create_framework(s, "Make a WAL")
        target = Path(f"{seeded_path}{suffix}")
        before = target.stat().st_ino
        with pytest.raises(PolicyTrackerError, match=rf"^{target.name} is part of the open database seeded.sqlite"):
            extract(target)  # how add-source and File > Add Source read a file
        with pytest.raises(PolicyTrackerError, match=rf"^{target.name} is part of the open database"):
            write_atomically(target, "{}")
        with pytest.raises(PolicyTrackerError, match=rf"^{target.name} is part of the open database"):
            s.backup_to(target)
        assert target.stat().st_ino == before
        assert s.guarantees_lost() is None


def test_a_second_store_in_the_process_does_not_probe_the_file_raw(seeded_path, monkeypatch):
    """Opening the same file again here reads it only through SQLite, so the first Store's locks stay."""
    monkeypatch.setattr(guard, "_OFD_SETLK", None)  # only SQLite's own locks: a raw probe would drop them
    with Store(seeded_path) as first:
        editing.create_framework(first, "First")
        assert first._guard.held is False and first.guarantees_lost() is None
        with Store(seeded_path) as second:
            assert second.count_items() == first.count_items()
        assert first.guarantees_lost() is None
        editing.create_framework(first, "Second")


def test_guard_descriptors_close_with_the_last_store(seeded_path):
    """No descriptor of the file is left open once every Store on it has closed."""
    s1, s2 = Store(seeded_path), Store(seeded_path)
    s1.close()
    assert guard.is_open_here(seeded_path)
    s2.close()
    assert not guard.is_open_here(seeded_path)
    assert not Path(f"{seeded_path}-wal").exists()
