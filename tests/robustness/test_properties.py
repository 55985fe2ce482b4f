"""Property-based and fuzz tests of the exchange format (bounded to stay fast in make test)."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust_docgen import content_hash, make_document
from robust_strategies import check_garbage, check_mutant, check_roundtrip, documents, json_values

from app.core.model import ValidationError
from app.exchange import jsonio

QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@QUICK
@given(doc=documents())
def test_import_keeps_every_record_of_the_input_and_round_trips(empty_template, doc):
    """Any valid document (Persian text, citations, history, targets, links) is in the file record by record
    as given, up to the documented normalisations, and export -> import -> export then changes nothing."""
    check_roundtrip(doc, empty_template)


@QUICK
@given(value=json_values)
def test_random_json_is_refused_cleanly(store, value):
    """Random JSON values are refused with a ValidationError and leave the file unchanged."""
    check_garbage(json.dumps(value).encode(), store)


@QUICK
@given(raw=st.binary(max_size=300))
def test_random_bytes_are_refused_cleanly(store, raw):
    """Random bytes are refused with a ValidationError and leave the file unchanged."""
    check_garbage(raw, store)


VALID = json.dumps(make_document(3, n_frameworks=2)).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.binary(min_size=0, max_size=3)), min_size=1,
                      max_size=6))
def test_fuzz_importer_with_mutated_documents(seeded_template, edits):
    """Fuzz: a valid document with random byte edits is imported whole or refused cleanly, never crashes."""
    raw = bytearray(VALID)
    for pos, new in edits:
        raw[pos:pos + max(1, len(new))] = new
    check_mutant(bytes(raw), seeded_template)


def test_known_citation_id_under_a_new_item_is_a_validation_error(empty_store):
    """A new item reusing a citation id already in the file is named at validation (found by the fuzz test)."""
    doc = make_document(2, n_frameworks=1)
    jsonio.import_document(empty_store, doc)
    doc["items"][0]["id"] = "a-new-item-id"  # same citation ids, different item
    before = content_hash(empty_store.path)
    try:
        with pytest.raises(ValidationError, match=r"items\[0\]\.citations\[0\]\.id"):
            jsonio.import_document(empty_store, doc)
    finally:
        assert content_hash(empty_store.path) == before
