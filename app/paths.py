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


ANALYST_ENV = "POLICY_TRACKER_ANALYST"


def settings_file() -> Path:
    """Where the window's QSettings keep the preferences on this platform (QSettings' native
    place for organisation and application "policy-tracker"; an INI file on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / f"{APP_NAME}.conf"


def analyst_name() -> str:
    """The name changes are recorded under outside the window: $POLICY_TRACKER_ANALYST, else the
    analyst name saved in the window's preferences, else the login name ("" if there is none)."""
    env = os.environ.get(ANALYST_ENV, "").strip()
    if env:
        return env
    saved = _saved_analyst()
    if saved:
        return saved
    import getpass
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some systems
        return ""


def _saved_analyst() -> str:
    """prefs/analyst from the window's settings file, read as QSettings writes it (no Qt here)."""
    try:
        text = settings_file().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "prefs" and line.startswith("analyst="):
            value = line[len("analyst="):]
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            # QSettings escapes backslash, quote and control characters; names rarely hold them
            value = value.replace('\\"', '"').replace("\\\\", "\\")
            return value.strip()[:200]
    return ""
