"""Version 3 of the exchange format: a source's editions and its citations' states and earlier places travel."""
from __future__ import annotations

import copy

import pytest

from app.core.model import ValidationError
from app.exchange import jsonio
from app.services import editions as SE
from app.store import editions as E
from tests.services.test_editions import T1, T2, _setup


def _strip(doc: dict) -> dict:
    """The document but the moment of export and each item's edit counter (a file's own)."""
    d = copy.deepcopy(doc)
    d.pop("exported_at")
    for it in d["items"]:
        it.pop("version", None)
    return d


def test_export_gives_current_text_earlier_editions_and_placements(empty_store):
    """text/sha256 are the newest edition's; `editions` lists both; citations carry state and placements."""
    h, sid, iid, cits, obs = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2, "2025-03-01", "revised"))
    doc = jsonio.export_document(empty_store)
    assert doc["version"] == 3
    src = doc["sources"][0]
    assert src["text"] == T2
    assert [{k: e.get(k) for k in ("edition", "published_on", "note")} for e in src["editions"]] == [
        {"edition": 1, "published_on": None, "note": ""},
        {"edition": 2, "published_on": "2025-03-01", "note": "revised"}]
    assert src["editions"][0]["text"] == T1 and "text" not in src["editions"][1]
    assert src["editions"][1]["sha256"] == src["sha256"]
    by_id = {c["id"]: c for c in doc["items"][0]["citations"]}
    a = by_id[cits["A"]]
    assert (a["anchor_state"], a["start"], a["end"], a["figures_changed"]) == ("review", None, None, 1)
    at = T1.index(a["quote"])
    assert a["placements"] == [{"edition": 1, "start": at, "end": at + len(a["quote"]), "quote": a["quote"],
                                "anchor_state": "exact"}]
    assert T2[by_id[cits["B"]]["start"]:by_id[cits["B"]]["end"]] == by_id[cits["B"]]["quote"]


def test_editions_round_trip_exactly(empty_store, tmp_path):
    """export -> import into an empty file -> export gives the same document (editions, placements included)."""
    from app.store.store import Store
    h, sid, iid, cits, obs = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2, "2025-03-01", "revised"))
    first = jsonio.export_document(empty_store)
    with Store(tmp_path / "fresh.sqlite") as fresh:
        jsonio.import_document(fresh, copy.deepcopy(first))
        assert E.count_to_check(fresh) == 2
        assert [e["edition"] for e in E.editions(fresh, sid)] == [1, 2]
        assert E.edition_text(fresh, sid, 1) == T1
        assert fresh.integrity_problems() == []
        again = jsonio.export_document(fresh)
    assert _strip(again) == _strip(first)


def test_a_version_2_document_still_imports(store, empty_store):
    """A version-2 export (no editions, no citation states) imports; its placed citations are 'exact'."""
    doc = jsonio.export_document(store)
    doc["version"] = 2
    for it in doc["items"]:
        for c in it["citations"]:
            for k in ("anchor_state", "suggested_start", "suggested_end", "figures_changed"):
                c.pop(k)
    jsonio.import_document(empty_store, doc)
    states = {r[0] for r in empty_store.conn.execute("SELECT DISTINCT anchor_state FROM citations")}
    assert states == {"exact"}
    assert _strip(jsonio.export_document(empty_store))["items"] == _strip(jsonio.export_document(store))["items"]


def test_an_edition_text_that_does_not_match_its_hash_is_refused(empty_store, tmp_path):
    """An earlier edition whose text was altered is named in one sentence; nothing is written."""
    from app.store.store import Store
    h, sid, *_ = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2))
    doc = jsonio.export_document(empty_store)
    doc["sources"][0]["editions"][0]["text"] = T1 + "!"
    with Store(tmp_path / "fresh.sqlite") as fresh:
        with pytest.raises(ValidationError, match=r"^sources\[0\]\.editions\[0\]\.sha256: does not match"):
            jsonio.import_document(fresh, doc)
        assert fresh.list_sources() == []


def test_undo_of_an_edition_export_is_plain_again(empty_store):
    """After undoing the edition, the export has no `editions` and no `placements`."""
    h, sid, *_ = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2))
    h.undo()
    doc = jsonio.export_document(empty_store)
    assert "editions" not in doc["sources"][0]
    assert all("placements" not in c for it in doc["items"] for c in it["citations"])
    assert {c["anchor_state"] for it in doc["items"] for c in it["citations"]} == {"exact"}


def test_stale_offsets_of_one_source_are_placed_in_one_pass(store, empty_store, monkeypatch):
    """Every citation whose offsets no longer fit is placed by one place_quotes call per source, not one per quote."""
    from app.core import reanchor
    calls = []
    real = reanchor.place_quotes

    def counting(text, anchors, **kw):
        calls.append(len(anchors))
        return real(text, anchors, **kw)
    monkeypatch.setattr(reanchor, "place_quotes", counting)
    doc = jsonio.export_document(store)
    shifted = 0
    for it in doc["items"]:
        for c in it["citations"]:
            c["start"] += 1
            c["end"] += 1
            shifted += 1
    jsonio.import_document(empty_store, doc)
    assert sorted(calls) == sorted(
        sum(1 for it in doc["items"] for c in it["citations"] if c["source_id"] == s["id"]) for s in doc["sources"])
    assert sum(calls) == shifted == 45


def test_an_earlier_editions_original_file_travels_with_it(empty_store, tmp_path):
    """A PDF source given a text edition: the export keeps the PDF under edition 1, and it imports back."""
    from pathlib import Path

    from app.exchange.extract import extract
    from app.services import operations as O
    from app.store import source_files
    from app.store.store import Store
    pdf = Path(__file__).parents[1] / "data" / "sources" / "english.pdf"
    got = extract(pdf)
    h = O.History(empty_store)
    sid = h.do(O.AddSource(got.text, {"title": "Paper"}, original=got.original())).result
    h.do(SE.AddEdition(sid, got.text + "\n\nA paragraph added in the second edition.\n"))
    assert source_files.get_original(empty_store, sid) is None  # the newest edition is text
    doc = jsonio.export_document(empty_store)
    first = doc["sources"][0]["editions"][0]
    assert "original" not in doc["sources"][0] and first["original"]["sha256"] == got.original()["sha256"]
    with Store(tmp_path / "fresh.sqlite") as fresh:
        jsonio.import_document(fresh, copy.deepcopy(doc))
        kept = source_files.get_original(fresh, sid, edition=1)
        assert kept is not None and kept["content"] == got.original()["content"]
        assert kept["pages"] == [list(p) for p in got.original()["pages"]]
        assert _strip(jsonio.export_document(fresh)) == _strip(doc)
