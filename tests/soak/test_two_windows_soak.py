"""Ten minutes of random edits in two window processes and an outside writer (`make soak`).

POLICY_TRACKER_SOAK_SECONDS sets the length (default 600).
"""
from __future__ import annotations

import os
import shutil

import pytest
from test_two_windows import Window, desk  # noqa: F401 - the fixture is used by name
from two_window_run import run

pytestmark = pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command line")


def test_two_windows_and_an_outside_writer_for_ten_minutes(desk, tmp_path):  # noqa: F811
    """Zero lost or unreported changes over the whole run."""
    seconds = float(os.environ.get("POLICY_TRACKER_SOAK_SECONDS", "600"))
    started = []

    def start(db):
        w = Window(db, home=tmp_path / f"home{len(started)}")
        started.append(w)
        return w
    try:
        stats = run(desk, start, seconds=seconds, seed=2026)
    finally:
        for w in started:
            w.kill()
    print(f"two-window soak: {stats}")
    assert stats["saved"] >= 1 and stats["outside"] >= 1 and stats["sources"] >= 1
