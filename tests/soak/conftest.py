"""The soak run reuses the robustness helpers (kill harness, generators, strategies)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "robustness"))
