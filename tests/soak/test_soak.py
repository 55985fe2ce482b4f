"""Long versions of the robustness tests (`make soak`): every kill point, many more fuzz examples."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust_docgen import make_document
from robust_scenarios import (
    backup_killed_at,
    edits_killed_after,
    import_killed_at,
    migration_killed_at,
    migrations_dir,
    write_doc,
)
from robust_strategies import check_garbage, check_mutant, check_roundtrip, documents, json_values

LONG = settings(max_examples=2000, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def doc_10k(tmp_path_factory):
    """The 10,000-item document, written once."""
    return write_doc(tmp_path_factory.mktemp("docs"), 10_000)


@pytest.mark.parametrize("point", [*range(1, 51, 4), 50, "after-commit"])
def test_import_of_10000_items_killed_at_every_point(seeded_path, doc_10k, point):
    """An import of 10,000 items killed at each progress point is all or nothing."""
    import_killed_at(seeded_path, doc_10k, point, 10_000)


@pytest.mark.parametrize("point", [*range(1, 40), "COMMIT", "after-commit"])
def test_migration_killed_at_every_statement(seeded_path, tmp_path, point):
    """A migration killed before any of its statements is all or nothing."""
    migration_killed_at(seeded_path, migrations_dir(tmp_path), point)


@pytest.mark.parametrize("point", range(1, 12))
def test_migration_killed_inside_long_statements(seeded_path, tmp_path, point):
    """A migration killed inside its long statements leaves the old schema."""
    migration_killed_at(seeded_path, migrations_dir(tmp_path), point, how="vm")


@pytest.mark.parametrize("lines", [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377])
def test_edits_killed_after_many_counts(seeded_path, lines):
    """Bursts of edits killed after many different counts keep every committed edit."""
    edits_killed_after(seeded_path, lines, count=400)


@pytest.mark.parametrize("point", range(1, 24, 2))
def test_backup_killed_at_every_step(seeded_path, point):
    """A backup killed at each step leaves no backup and a sound file."""
    backup_killed_at(seeded_path, point)


@LONG
@given(doc=documents())
def test_round_trip_long(empty_template, doc):
    """Many generated documents survive export -> import -> export exactly."""
    check_roundtrip(doc, empty_template)


@LONG
@given(value=json_values)
def test_garbage_json_long(store, value):
    """Many random JSON values are refused cleanly."""
    check_garbage(json.dumps(value).encode(), store)


VALID = json.dumps(make_document(5, n_frameworks=2)).encode()


@LONG
@given(edits=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.binary(max_size=4)), min_size=1, max_size=10))
def test_fuzz_importer_long(seeded_template, edits):
    """Many mutated documents are imported whole or refused cleanly."""
    raw = bytearray(VALID)
    for pos, new in edits:
        raw[pos:pos + max(1, len(new))] = new
    check_mutant(bytes(raw), seeded_template)
