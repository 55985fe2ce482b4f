"""An import killed with SIGKILL half-way leaves a sound file holding all or none of it."""
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from app.store.store import Store

CHILD = textwrap.dedent("""
    import sys
    from app.exchange import jsonio
    from app.store.store import Store
    n = int(sys.argv[2])
    doc = {"format": "policy-tracker", "version": 1,
           "sources": [{"id": "s", "title": "S", "text": "alpha beta gamma " * 50}],
           "frameworks": [{"id": "f", "title": "F"}],
           "items": [{"id": f"i{k}", "framework_id": "f", "ref": str(k), "kind": "goal", "title": f"Goal {k}",
                      "citations": [{"id": f"c{k}", "source_id": "s", "start": 6, "end": 10, "quote": "beta"}],
                      "status_updates": [{"id": f"u{k}", "status": "proposed", "as_of": "2025-01-01", "note": "n"}]}
                     for k in range(n)]}
    store = Store(sys.argv[1])
    def progress(done, total):
        print(done, flush=True)
        return True
    jsonio.import_document(store, doc, progress)
    print("committed", flush=True)
""")


@pytest.mark.parametrize("kill_after", [200, 1400, 2800])
def test_sigkill_mid_import_leaves_all_or_nothing(empty_path, kill_after):
    """Killing the importer at several points leaves an intact file with none of the import."""
    n = 3000
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(empty_path), str(n)], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.strip() == "committed" or int(line) >= kill_after:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(empty_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    count = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    conn.close()
    assert count in (0, n)
    with Store(empty_path) as s:  # and the app opens it as usual
        assert s.count_items() == count
