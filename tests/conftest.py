"""Shared fixtures: headless Qt, an isolated home, and databases built by the real migrations."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Before anything imports Qt: no screen, and no writing to the real user's settings or data.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_HOME = Path(tempfile.mkdtemp(prefix="pt-test-home-"))
for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(_HOME / var.lower())
os.environ.pop("POLICY_TRACKER_DB", None)

import pytest  # noqa: E402

from app.exchange.seeds import load_seeds  # noqa: E402
from app.store.store import Store  # noqa: E402


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """A migrated database holding the bundled seeds, built once and copied per test."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite"
    with Store(path) as s:
        load_seeds(s)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.sqlite"
    with Store(path) as s:
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _copy(src: Path, dest: Path) -> Path:
    shutil.copyfile(src, dest)  # the template is closed and checkpointed: a plain copy is whole
    os.chmod(dest, 0o600)
    return dest


@pytest.fixture
def seeded_path(seeded_template, tmp_path) -> Path:
    return _copy(seeded_template, tmp_path / "seeded.sqlite")


@pytest.fixture
def empty_path(empty_template, tmp_path) -> Path:
    return _copy(empty_template, tmp_path / "empty.sqlite")


@pytest.fixture
def store(seeded_path):
    s = Store(seeded_path)
    yield s
    s.close()


@pytest.fixture
def empty_store(empty_path):
    s = Store(empty_path)
    yield s
    s.close()


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)
