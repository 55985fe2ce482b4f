"""Where the project's bundled files live and where the user's database goes by default."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = ROOT / "db" / "migrations"
SEEDS_DIR = ROOT / "seeds"
RESOURCES_DIR = ROOT / "resources"
APP_NAME = "policy-tracker"
DB_ENV = "POLICY_TRACKER_DB"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database used when neither --db nor POLICY_TRACKER_DB names one."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "policy-tracker.sqlite"


def resource(*parts: str) -> Path:
    """A bundled resource by name (templates, styles, icons)."""
    return RESOURCES_DIR.joinpath(*parts)
