"""Crash safety by SIGKILL: an import, a migration, a burst of edits and a backup killed at counted points."""
from __future__ import annotations

import os

import pytest
from robust_scenarios import (
    backup_killed_at,
    edits_killed_after,
    import_killed_at,
    migration_killed_at,
    migrations_dir,
    write_doc,
)

from app.services import backups
from app.store.store import Store


@pytest.fixture(scope="module")
def doc_10k(tmp_path_factory):
    """A generated exchange document of 10,000 items (written once)."""
    return write_doc(tmp_path_factory.mktemp("docs"), 10_000)


@pytest.mark.parametrize("point", [1, 3])
def test_import_of_10000_items_killed_leaves_nothing(seeded_path, doc_10k, point):
    """An import of 10,000 items killed after 200 / 600 of them leaves the file as it was."""
    import_killed_at(seeded_path, doc_10k, point, 10_000)


def test_import_killed_after_commit_keeps_everything(seeded_path, tmp_path):
    """An import killed just after it reported success keeps every item."""
    import_killed_at(seeded_path, write_doc(tmp_path, 600), "after-commit", 600)


@pytest.mark.parametrize("point", [2, 5, 7, "COMMIT", "after-commit"])
def test_migration_killed_is_all_or_nothing(seeded_path, tmp_path, point):
    """A migration killed before its COMMIT leaves the old schema whole; after it, the new one."""
    migration_killed_at(seeded_path, migrations_dir(tmp_path), point)


def test_migration_killed_inside_a_long_statement(seeded_path, tmp_path):
    """A kill in the middle of a 60,000-row INSERT of a migration leaves the old schema."""
    migration_killed_at(seeded_path, migrations_dir(tmp_path), 3, how="vm")


@pytest.mark.parametrize("lines", [1, 25])
def test_burst_of_edits_killed_keeps_every_committed_edit(seeded_path, lines):
    """Edits reported committed before a SIGKILL are all in the file, which stays sound."""
    edits_killed_after(seeded_path, lines)


@pytest.mark.parametrize("point", [1, 10])
def test_backup_killed_part_way_leaves_no_backup_and_a_sound_file(seeded_path, point):
    """A backup killed part-way leaves only a .partial that is never listed and later cleaned up."""
    backup_killed_at(seeded_path, point)
    folder = seeded_path.with_name(seeded_path.name + ".backups")
    (partial,) = folder.glob("*.partial")
    os.utime(partial, (0, 0))  # as if the crash was long ago
    with Store(seeded_path) as s:
        made = backups.backup_now(s)
    assert [b.path for b in backups.list_backups(seeded_path)] == [made]
    assert not list(folder.glob("*.partial"))
