"""A writer run in a child process by the robustness tests, so that they can SIGKILL it.

Usage: python child_writer.py MODE DB [ARG...]. It prints one line per step and flushes.
A line starting with "pause" means the child now waits for a line on stdin before going on, so
the parent can kill it at exactly that point (kill points are chosen by counting lines, never by
sleeping). "committed ..." lines are printed only after the change is committed.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core.model import PolicyTrackerError  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def pause(label) -> None:
    say(f"pause {label}")
    if not sys.stdin.readline():  # parent closed stdin: go on to the end
        pass


def mode_import(db: str, doc_path: str) -> None:
    from app.exchange import jsonio
    from app.store.store import Store
    doc = jsonio.load_file(doc_path)
    store = Store(db)
    say("ready")
    jsonio.import_document(store, doc, progress=lambda done, total: pause(done) or True)
    say(f"committed import {len(doc['items'])}")
    pause("after-commit")
    store.close()


def mode_migrate(db: str, migrations_dir: str, how: str = "trace") -> None:
    from app.store import db as dbmod
    conn = dbmod.connect(Path(db))
    say("ready")
    if how == "trace":  # pause before every statement of the migration
        conn.set_trace_callback(lambda sql: pause(sql.split()[0] if sql.split() else "?"))
    else:  # pause every 20,000 virtual-machine steps, i.e. inside a long statement
        conn.set_progress_handler(lambda: pause("vm") or 0, 20_000)
    dbmod.migrate(conn, migrations_dir=Path(migrations_dir))
    conn.set_trace_callback(None)
    conn.set_progress_handler(None, 0)
    say(f"committed migrate {conn.execute('PRAGMA user_version').fetchone()[0]}")
    pause("after-commit")
    conn.close()


def mode_edits(db: str, count: str, tag: str = "a") -> None:
    """A burst of edits through the services, each reported once committed (no pauses)."""
    from app.services import editing
    from app.store.store import Store
    store = Store(db)
    items = store.item_ids()
    fw = store.list_frameworks()[0]["id"]
    say("ready")
    for i in range(int(count)):
        target = items[i % len(items)]
        try:
            if i % 3 == 0:
                iid, _ = editing.create_item(store, {"framework_id": fw, "kind": "goal", "title": f"{tag}-new-{i}"})
                say(f"committed create {iid} {tag}-new-{i}")
            elif i % 3 == 1:
                row, _ = editing.add_status_update(store, target, "stalled" if i % 2 else "achieved",
                                                   "2024-05-01", note=f"{tag}-note-{i}")
                say(f"committed update {row['id']} {tag}-note-{i}")
            else:
                editing.update_item(store, target, {"description": f"{tag}-desc-{i}"})
                say(f"committed describe {target} {tag}-desc-{i}")
        except PolicyTrackerError as e:
            say(f"error {type(e).__name__}: {e}")
    say("done")
    store.close()


def mode_backup(db: str, dest: str) -> None:
    from app.store import db as dbmod
    from app.store.store import Store
    store = Store(db)
    say("ready")
    dbmod.backup(store.conn, Path(dest), pages=4, progress=lambda status, remaining, total: pause(remaining))
    say(f"committed backup {dest}")
    pause("after-commit")
    store.close()


def mode_hammer(db: str, count: str, tag: str) -> None:
    """Many small writes as fast as possible once the parent says go (for two-process tests)."""
    from app.services import editing
    from app.store.store import Store
    store = Store(db)
    fw = store.list_frameworks()[0]["id"]
    pause("ready")
    for i in range(int(count)):
        try:
            iid, _ = editing.create_item(store, {"framework_id": fw, "kind": "goal", "title": f"{tag}-{i}"})
            say(f"committed {iid}")
        except PolicyTrackerError as e:
            say(f"error {type(e).__name__}: {e}")
        except Exception as e:  # noqa: BLE001 - the test wants to see anything at all
            say(f"crash {type(e).__name__}: {e}")
    say("done")
    store.close()


def mode_conflict(db: str, item_id: str) -> None:
    """The other window: read an item, wait, then save a status change with the version it read."""
    from app.services import editing
    from app.store.store import Store
    store = Store(db)
    version = store.get_item(item_id)["version"]
    pause(f"read {version}")
    try:
        v, _ = editing.update_item(store, item_id, {"status": "stalled"}, expected_version=version)
        say(f"committed {v}")
    except PolicyTrackerError as e:
        say(f"refused {type(e).__name__}: {json.dumps(str(e))}")
    store.close()


if __name__ == "__main__":
    os.umask(0o022)
    globals()[f"mode_{sys.argv[1]}"](*sys.argv[2:])
