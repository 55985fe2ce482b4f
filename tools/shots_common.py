"""What every screenshot script shares (tools/screenshots.py and tools/shots_*.py): a throw-away home
so that no user's file or settings are touched, and waiting until the window has painted.

The scripts run inside an X server (`make screenshots` starts Xvfb); they import this module by
its package name, as `python -m tools.NAME`.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def isolated_home(prefix: str) -> Path:
    """A new temp folder as the XDG home (config, data, state, cache); no POLICY_TRACKER_DB; the
    project importable. Call before importing the app."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(home / var.lower())
    os.environ.pop("POLICY_TRACKER_DB", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return home


def settle(app, ms: int = 300) -> None:
    """Let the window lay out and paint for `ms` (a screenshot, not a test: a real wait is right here)."""
    from PySide6 import QtCore
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
