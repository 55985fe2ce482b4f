"""A source's original file and a citation's page in the JSON exchange format (issue 14)."""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from app.core.model import ValidationError
from app.exchange import jsonio
from app.exchange.extract import extract
from app.services import sources
from app.store import source_files
from app.store.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"
RAW = (DATA / "english.pdf").read_bytes()
PAGES = [[1, 0, 488], [2, 490, 859], [3, 861, 1112]]
QUOTES = (("cit-1", "presented several proposals at the Almaty Digital 2025 conference"),
          ("cit-2", "share of the digital economy in gross domestic product"),
          ("cit-3", "a common market for digital services"),
          ("cit-4", "words that are on no page of this plan"))


def _strip(doc: dict) -> dict:
    d = copy.deepcopy(doc)
    d.pop("exported_at")
    return d


def _paged_file(store: Store) -> str:
    """english.pdf added as the window adds it, and one item citing it by quote alone four times."""
    got = extract(DATA / "english.pdf")
    sid, _ = sources.add_source(store, got.text, title="Five proposals", original=got.original(), source_id="pdf-1")
    item = {"id": "item-1", "framework_id": "fw-1", "kind": "goal", "title": "A digital market", "status": "proposed",
            "citations": [{"id": cid, "source_id": sid, "quote": q} for cid, q in QUOTES]}
    jsonio.import_document(store, {"format": "policy-tracker", "version": 2, "sources": [],
                                   "frameworks": [{"id": "fw-1", "title": "Plan"}], "items": [item]})
    return sid


def _rows(store: Store) -> list:
    return [[tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2")]
            for t in ("sources", "source_files", "source_pages", "citations")]


def test_export_carries_the_original_file_and_each_citations_page(empty_store):
    """A PDF source exports its bytes in base64 with name, type, sha256, size and pages; each citation its page."""
    _paged_file(empty_store)
    doc = jsonio.export_document(empty_store)
    assert doc["sources"][0]["original"] == {
        "file_name": "english.pdf", "media_type": "application/pdf", "sha256": hashlib.sha256(RAW).hexdigest(),
        "size": len(RAW), "content_base64": base64.b64encode(RAW).decode("ascii"), "pages": PAGES}
    cits = {c["id"]: c.get("page", "absent") for c in doc["items"][0]["citations"]}
    assert cits == {"cit-1": 1, "cit-2": 2, "cit-3": 3, "cit-4": None}


def test_a_text_source_exports_no_original_and_its_citations_no_page(store):
    """A source kept as text only has no `original`, and citations on it no `page`."""
    doc = jsonio.export_document(store)
    assert all("original" not in s for s in doc["sources"])
    assert all("page" not in c for it in doc["items"] for c in it["citations"])
    assert sum(len(it["citations"]) for it in doc["items"]) > 0


@pytest.fixture
def other_store(empty_template, tmp_path):
    """A second empty file, built by the real migrations."""
    shutil.copyfile(empty_template, tmp_path / "other.sqlite")
    with Store(tmp_path / "other.sqlite") as s:
        yield s


def test_round_trip_keeps_the_original_and_pages(empty_store, other_store):
    """export -> import into an empty file -> export is the same document, and the file's rows are the same."""
    _paged_file(empty_store)
    first = jsonio.export_document(empty_store)
    jsonio.import_document(other_store, json.loads(jsonio.dumps(first)))
    assert _strip(jsonio.export_document(other_store)) == _strip(first)
    assert source_files.get_original(other_store, "pdf-1") == source_files.get_original(empty_store, "pdf-1")
    assert source_files.get_original(other_store, "pdf-1")["content"] == RAW


def test_importing_its_own_export_changes_nothing(empty_store):
    """A file's export with originals imports into itself with nothing added and no rows changed."""
    _paged_file(empty_store)
    before = _rows(empty_store)
    report = jsonio.import_document(empty_store, jsonio.export_document(empty_store))
    assert (report.added, report.updated, _rows(empty_store)) == ({}, {}, before)


def test_page_on_import_is_found_again_not_trusted(empty_store, other_store):
    """A document's `page` is ignored: the export gives the page the stored pages say."""
    _paged_file(empty_store)
    doc = jsonio.export_document(empty_store)
    for c in doc["items"][0]["citations"]:
        c["page"] = 99
    jsonio.import_document(other_store, doc)
    got = {c["id"]: c["page"] for c in jsonio.export_document(other_store)["items"][0]["citations"]}
    assert got == {"cit-1": 1, "cit-2": 2, "cit-3": 3, "cit-4": None}


def test_a_document_without_originals_still_imports(empty_store, other_store):
    """A version-1 document (no `original`, no `page`) imports; the source has no file and no pages."""
    _paged_file(empty_store)
    doc = jsonio.export_document(empty_store)
    doc["version"] = 1
    del doc["sources"][0]["original"]
    for c in doc["items"][0]["citations"]:
        del c["page"]
    jsonio.import_document(other_store, doc)
    out = jsonio.export_document(other_store)
    assert source_files.get_original(other_store, "pdf-1") is None
    assert "original" not in out["sources"][0]
    assert [c.get("page", "absent") for c in out["items"][0]["citations"]] == ["absent"] * 4


def _bad(field: str, value):
    def edit(o: dict) -> None:
        if value is KeyError:
            del o[field]
        else:
            o[field] = value
    return edit


W = "sources[0].original"


@pytest.mark.parametrize("edit, message", [
    (_bad("content_base64", "not base64!"), f"{W}.content_base64: is not valid base64"),
    (_bad("content_base64", base64.b64encode(RAW[:-1]).decode()),
     f"{W}.size: is {len(RAW):,} but content_base64 decodes to {len(RAW) - 1:,} bytes"),
    (_bad("sha256", "0" * 64),
     f"{W}.sha256: does not match the bytes of content_base64 (the file was altered or the hash is wrong)"),
    (_bad("size", -1), f"{W}.size: cannot be negative"),
    (_bad("size", "12"), f"{W}.size: must be a whole number"),
    (_bad("pages", [[1, 0, 488], [2, 490, 5000]]),
     f"{W}.pages[1]: [490, 5000] does not lie within the text (1,112 characters) after the page before it"),
    (_bad("pages", [[1, 0, 488], [2, 400, 859]]),
     f"{W}.pages[1]: [400, 859] does not lie within the text (1,112 characters) after the page before it"),
    (_bad("pages", [[1, 0, 488], [3, 490, 859]]),
     f"{W}.pages[1]: is page 3; pages are numbered 1, 2, 3... in order, so this one must be 2"),
    (_bad("pages", [[1, 0]]), f"{W}.pages[0]: must be [page, start, end], three whole numbers"),
    (_bad("pages", "1-3"), f"{W}.pages: must be a list"),
    (_bad("media_type", "application/x-msdownload"),
     f"{W}.media_type: 'application/x-msdownload' is not a kind of file this app reads"),
    (_bad("file_name", ""), f"{W}.file_name: cannot be empty"),
    (_bad("sha256", KeyError), f"{W}: is missing sha256"),
])
def test_a_bad_original_is_refused_in_one_sentence_naming_its_field(empty_store, other_store, edit, message):
    """Each fault of `original` is one sentence naming the field, and nothing is written."""
    _paged_file(empty_store)
    doc = jsonio.export_document(empty_store)
    edit(doc["sources"][0]["original"])
    before = _rows(other_store)
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(other_store, doc)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)
    assert _rows(other_store) == before


def test_a_page_that_is_not_a_number_is_refused(empty_store, other_store):
    """`page` is informational, but a page that is not a whole number is named, not ignored."""
    _paged_file(empty_store)
    doc = jsonio.export_document(empty_store)
    doc["items"][0]["citations"][1]["page"] = "two"
    with pytest.raises(ValidationError, match=r"^items\[0\]\.citations\[1\]\.page: must be a whole number$"):
        jsonio.import_document(other_store, doc)
