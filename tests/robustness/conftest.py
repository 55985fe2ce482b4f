"""Fixtures for the robustness tests: a child-process driver that kills at a counted line."""
from __future__ import annotations

import pytest
from robust_harness import Child


@pytest.fixture
def spawn():
    """Start writers in child processes; any still running at the end are killed."""
    children: list[Child] = []

    def start(*args) -> Child:
        c = Child(*args)
        children.append(c)
        return c
    yield start
    for c in children:
        if c.proc.poll() is None:
            c.kill()
