"""Damaged and unexpected files: refused in one sentence, never modified, newest good backup named."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tomllib
from pathlib import Path

import pytest
from robust_docgen import check_file

from app.core.model import PolicyTrackerError
from app.services import backups, editing
from app.store import db as dbmod
from app.store.store import Store

SEEDED_ITEMS = len(tomllib.loads((Path(__file__).resolve().parents[2] / "seeds" / "curated.toml")
                                 .read_text(encoding="utf-8"))["items"])  # what the seeded file holds


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def with_backup(seeded_path):
    """The seeded file with one good backup taken."""
    with Store(seeded_path) as s:
        made = backups.backup_now(s)
    return seeded_path, made


def _refused(path: Path, match: str) -> dbmod.DatabaseOpenError:
    before = sha(path)
    names = sorted(os.listdir(path.parent))
    with pytest.raises(dbmod.DatabaseOpenError, match=match) as err:
        Store(path)
    assert sha(path) == before, "a refused file must stay byte-identical"
    assert sorted(os.listdir(path.parent)) == names, "nothing renamed or created beside it"
    assert "Traceback" not in str(err.value) and "\n" not in str(err.value)
    return err.value


def test_not_sqlite_is_refused_and_the_backup_named(with_backup):
    """A file overwritten with text is refused untouched; the message names the newest backup."""
    path, made = with_backup
    path.write_bytes(b"this is a shopping list, not a database\n" * 50)
    Path(f"{path}-wal").unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)
    err = _refused(path, "not a Policy Tracker database")
    assert made.name in str(err) and err.backup == made


def test_truncated_file_is_refused_untouched(with_backup):
    """A file cut to a third of its size fails its check and is left as it is."""
    path, made = with_backup
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    err = _refused(path, "damaged|not a Policy Tracker")
    assert err.backup == made


def test_file_cut_inside_its_header_is_refused(tmp_path):
    """A file holding only the first bytes of an SQLite header is refused, with no backup to offer."""
    p = tmp_path / "cut.sqlite"
    p.write_bytes(b"SQLite format 3\x00\x10\x00")
    err = _refused(p, "cut short")
    assert "No backup" in str(err) and err.backup is None


def test_file_failing_quick_check_is_refused(with_backup):
    """Garbage written over index pages is found by quick_check on open; the file is not changed."""
    path, made = with_backup
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'items_status'").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size + 8)
        fh.write(b"\xff\x13" * 600)
    err = _refused(path, "damaged")
    assert err.backup == made


def test_newer_schema_is_refused_byte_identical(seeded_path):
    """A file from a newer app version is refused and its bytes (and -wal) are left alone."""
    conn = sqlite3.connect(seeded_path)
    conn.execute(f"PRAGMA user_version = {dbmod.latest_version() + 1}")
    conn.close()
    err = _refused(seeded_path, "newer Policy Tracker")
    assert isinstance(err, dbmod.SchemaTooNewError) and "was not changed" in str(err)


def test_read_only_file_opens_read_only(seeded_path):
    """A file marked read-only opens for reading; a write says so in one sentence and changes nothing."""
    os.chmod(seeded_path, 0o400)
    before = sha(seeded_path)
    try:
        with Store(seeded_path) as s:
            assert s.readonly
            assert any("read-only" in w for w in s.conn.warnings)
            assert s.count_items() == SEEDED_ITEMS
            with pytest.raises(PolicyTrackerError, match="read-only"):
                editing.create_framework(s, "Not saved")
    finally:
        os.chmod(seeded_path, 0o600)
    assert sha(seeded_path) == before


def test_file_in_read_only_folder_opens_read_only(seeded_path):
    """A file in a folder that cannot be written opens read-only (no -wal can be made there)."""
    folder = seeded_path.parent
    os.chmod(folder, 0o500)
    try:
        with Store(seeded_path) as s:
            assert s.readonly and "folder is read-only" in " ".join(s.conn.warnings)
            assert s.count_items() == SEEDED_ITEMS
    finally:
        os.chmod(folder, 0o700)


def test_new_file_in_read_only_folder_is_refused_clearly(tmp_path):
    """Creating a database in a read-only folder fails with one sentence, creating nothing."""
    os.chmod(tmp_path, 0o500)
    try:
        with pytest.raises(dbmod.DatabaseOpenError, match="read-only"):
            Store(tmp_path / "new.sqlite")
        assert not (tmp_path / "new.sqlite").exists()
    finally:
        os.chmod(tmp_path, 0o700)


def test_missing_wal_is_noticed_and_the_file_opens_sound(seeded_path):
    """A file whose -wal went missing (copied alone) opens at its last checkpoint, with a warning."""
    with Store(seeded_path) as s:
        s.conn.execute("PRAGMA wal_autocheckpoint = 0")
        before = s.count_items()
        fw = s.list_frameworks()[0]["id"]
        editing.create_item(s, {"framework_id": fw, "kind": "goal", "title": "only in the WAL"})
        # simulate a copy that took the main file and -shm but not the -wal
        shutil.copyfile(seeded_path, seeded_path.with_name("copy.sqlite"))
        shutil.copyfile(f"{seeded_path}-shm", seeded_path.with_name("copy.sqlite-shm"))
    copy = seeded_path.with_name("copy.sqlite")
    with Store(copy) as c:
        assert any("-wal is missing" in w for w in c.conn.warnings)
        assert c.count_items() == before
    assert check_file(copy) == []


def test_full_disk_fails_cleanly(seeded_path, tmp_path):
    """A write that runs out of room fails with one clear sentence and leaves nothing half-written."""
    from robust_scenarios import write_doc

    from app.exchange import jsonio
    s = Store(seeded_path)
    try:
        counts = s.table_counts()
        pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
        s.conn.execute(f"PRAGMA max_page_count = {pages + 5}")  # a disk with 20 KB left
        with pytest.raises(PolicyTrackerError, match="disk is full; nothing was saved") as err:
            jsonio.import_document(s, jsonio.load_file(write_doc(tmp_path, 300)))
        assert "\n" not in str(err.value)
        assert s.table_counts() == counts
        assert not s.conn.in_transaction
        s.conn.execute("PRAGMA max_page_count = 1073741823")
        editing.create_framework(s, "Room again")  # the file still works once there is space
    finally:
        s.close()
    assert check_file(seeded_path) == []


@pytest.mark.parametrize("folder", ["Dropbox", "OneDrive - Ministry", "Google Drive", "iCloud Drive"])
def test_cloud_sync_folder_gets_a_warning_and_no_wal(tmp_path, folder):
    """A database inside a sync folder is warned about and uses the rollback journal, not WAL."""
    d = tmp_path / folder / "work"
    d.mkdir(parents=True)
    with Store(d / "policy.sqlite") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert any("cloud-sync folder" in w for w in s.conn.warnings)
    assert not Path(f"{d / 'policy.sqlite'}-wal").exists()


def test_network_file_systems_are_recognised():
    """Paths on nfs/cifs/sshfs mounts (from /proc/mounts) count as shared; local ones do not."""
    mounts = [("/", "ext4"), ("/mnt/share", "cifs"), ("/home/a/remote", "fuse.sshfs"), ("/srv/nfs", "nfs4")]
    assert "cifs" in dbmod.shared_location(Path("/mnt/share/x/db.sqlite"), mounts)
    assert "sshfs" in dbmod.shared_location(Path("/home/a/remote/db.sqlite"), mounts)
    assert "nfs4" in dbmod.shared_location(Path("/srv/nfs/db.sqlite"), mounts)
    assert dbmod.shared_location(Path("/home/a/db.sqlite"), mounts) is None
    assert dbmod.shared_location(Path("/mnt/shared-not/db.sqlite"), mounts) is None


def test_database_wal_and_backups_are_private(tmp_path):
    """A new database, its -wal and its backups are readable by the owner only (0600)."""
    old = os.umask(0o022)
    try:
        with Store(tmp_path / "p.sqlite") as s:
            editing.create_framework(s, "Private")
            made = backups.backup_now(s)
            assert os.stat(f"{tmp_path / 'p.sqlite'}-wal").st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
    assert (tmp_path / "p.sqlite").stat().st_mode & 0o777 == 0o600
    assert made.stat().st_mode & 0o777 == 0o600
    assert made.parent.stat().st_mode & 0o777 == 0o700
