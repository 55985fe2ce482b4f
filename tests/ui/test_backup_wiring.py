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
