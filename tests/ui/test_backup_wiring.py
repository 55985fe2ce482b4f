"""The window takes automatic backups only when the file changed since the last one."""
import sqlite3

from app.services import editing


def test_window_backs_up_changed_file_once(window):
    """A changed file is backed up (a sound copy); with no change since, no second backup is made."""
    store = window.session.store
    item_id = store.item_ids(limit=1)[0]
    editing.update_item(store, item_id, {"title": "Changed before the backup"})
    path = window.backup_if_changed()
    assert path is not None and path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT title FROM items WHERE id = ?", (item_id,)).fetchone()[0] == "Changed before the backup"
    conn.close()
    assert window.backup_if_changed() is None


def test_restore_from_backup_brings_back_the_old_content(window, answers):
    """File > Restore from Backup replaces the content, keeps the current file aside, and shows it."""
    store = window.session.store
    item_id = store.item_ids(limit=1)[0]
    original = store.get_item(item_id)["title"]
    backup = window.backup_if_changed() or __import__("app.services.backups", fromlist=["backup_now"]).backup_now(store)
    editing.update_item(window.session.store, item_id, {"title": "Edited after the backup"})
    assert window.restore_from_backup(backup) is True
    assert answers.questions and not answers.errors
    assert window.session.store.get_item(item_id)["title"] == original
    kept = list(window.session.store.path.parent.glob("*.before-restore-*"))
    assert kept


def test_opening_a_damaged_file_offers_its_newest_good_backup(window, answers, seeded_template, tmp_path):
    """A damaged file with a good backup: the window asks, restores it, and opens the result."""
    import shutil

    from app.services.backups import backup_now
    from app.store.store import Store
    path = tmp_path / "damaged.sqlite"
    shutil.copyfile(seeded_template, path)
    with Store(path) as s:
        n = s.count_items()
        backup_now(s)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(path, "r+b") as fh:  # scribble over the pages after the schema
        fh.seek(4096 * 3)
        fh.write(b"\xde\xad\xbe\xef" * 4096)
    asked = len(answers.questions)
    assert window.open_path(path) is True
    assert len(answers.questions) == asked + 1 and "backup" in answers.questions[-1]
    assert window.session.store.path == path and window.session.store.count_items() == n
    assert list(tmp_path.glob("damaged.sqlite.before-restore-*"))
