"""Architecture contracts: the core, store, services and exchange never import Qt."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    """lint-imports (contracts in pyproject.toml) passes: no Qt below the UI, layers import downward."""
    exe = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_no_executescript_outside_the_store():
    """executescript() commits first, so only the store may ever call it."""
    for p in (ROOT / "app").rglob("*.py"):
        if "store" not in p.parts:
            assert "executescript(" not in p.read_text(encoding="utf-8"), p
