"""New editions of a source: kept, made the source's text, its citations placed or put to a person, all undoable."""
from __future__ import annotations

import pytest

from app.core.model import ConflictError, NotFoundError, ValidationError
from app.services import editing
from app.services import editions as SE
from app.services import operations as O
from app.services.edition_check import check_lines
from app.store import editions as E

A = "The ministry will build 40 new schools in the north by 2030."
B = "Broadband will reach every village of the province within five years."
C = "A national fund for digital start-ups will be created next spring."
T1 = f"Plan for growth\n\n{A}\n\n{B}\n\n{C}\n\nThe end of the plan, with closing remarks.\n"
A2 = A.replace("40", "45")
T2 = (f"Plan for growth (revised)\n\nA new opening paragraph says what changed since the first plan.\n\n{A2}\n\n"
      f"{B}\n\nThe end of the plan, with closing remarks.\n")


def _setup(store):
    """A source T1 with an item citing each of A, B and C, and an observation citing A (the figure)."""
    h = O.History(store)
    sid = h.do(O.AddSource(T1, {"title": "Plan"})).result
    fid, _ = editing.create_framework(store, "F")
    iid = h.do(O.CreateItem({"framework_id": fid, "kind": "target", "title": "Schools"})).result
    cits = {}
    for name, words in (("A", A), ("B", B), ("C", C)):
        start = T1.index(words)
        cits[name] = h.do(O.AddCitation(iid, sid, start, start + len(words))).result["id"]
    obs = h.do(O.AddObservation(iid, 40, "2025-01-01", citation_id=cits["A"])).result["id"]
    return h, sid, iid, cits, obs


def _places(store, sid):
    return {r["id"]: r for r in E.citations_of(store, sid)}


def test_new_edition_places_what_is_certain_and_puts_the_rest_to_a_person(empty_store):
    """B moves with the text; A's figure changed (review, flagged); deleted C is not found; all kept."""
    h, sid, iid, cits, obs = _setup(empty_store)
    out = h.do(SE.AddEdition(sid, T2, "2025-03-01", "revised figures"))
    assert out.result == {"edition": 2, "placed": 1, "review": 1, "not_found": 1, "figures_changed": 1}
    assert empty_store.get_source(sid)["text"] == T2
    assert [(e["edition"], e["published_on"], e["note"]) for e in E.editions(empty_store, sid)] == [
        (1, None, ""), (2, "2025-03-01", "revised figures")]
    assert E.edition_text(empty_store, sid, 1) == T1
    now = _places(empty_store, sid)
    b = now[cits["B"]]
    assert b["anchor_state"] in ("exact", "moved")
    assert T2[b["start_offset"]:b["end_offset"]] == B == b["quote"]
    assert (now[cits["A"]]["anchor_state"], now[cits["A"]]["start_offset"], now[cits["A"]]["figures_changed"]) == (
        "review", None, 1)
    assert now[cits["A"]]["quote"] == A  # the old words stay, to be shown beside the new
    assert (now[cits["C"]]["anchor_state"], now[cits["C"]]["start_offset"]) == ("not_found", None)
    # where each was in edition 1
    assert E.placements(empty_store, cits.values()) == {
        c: [{"edition": 1, "start": T1.index(w), "end": T1.index(w) + len(w), "quote": w, "anchor_state": "exact"}]
        for c, w in ((cits["A"], A), (cits["B"], B), (cits["C"], C))}
    assert E.flagged(empty_store) == {"citations": [cits["A"]], "observations": [obs], "targets": []}
    assert E.count_to_check(empty_store) == 2
    assert empty_store.integrity_problems() == []
    assert empty_store.mismatched_citations() == []


def test_undo_removes_the_edition_and_puts_every_citation_back(empty_store):
    """Undo: one edition, T1 as the text, every citation exactly as before, no placements; redo again."""
    h, sid, iid, cits, obs = _setup(empty_store)
    before = _places(empty_store, sid)
    fp = empty_store.item_fingerprints([iid])
    h.do(SE.AddEdition(sid, T2))
    h.undo()
    assert empty_store.get_source(sid)["text"] == T1
    assert [e["edition"] for e in E.editions(empty_store, sid)] == [1]
    assert _places(empty_store, sid) == before
    assert E.all_placements(empty_store) == {}
    assert empty_store.item_fingerprints([iid]) == fp
    h.redo()
    assert empty_store.get_source(sid)["text"] == T2
    assert E.count_to_check(empty_store) == 2
    assert empty_store.integrity_problems() == []


def test_undo_is_refused_when_the_source_was_cited_since(empty_store):
    """A citation added to the new edition would lose its words: the undo says so and writes nothing."""
    h, sid, iid, cits, obs = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2))
    O.perform(empty_store, O.AddCitation(iid, sid, 0, 15))
    with pytest.raises(ConflictError):
        h.undo()
    assert empty_store.get_source(sid)["text"] == T2


@pytest.mark.parametrize("text, message", [
    (T1, "This text is already the newest edition of 'Plan'."),
    ("   \n", "The new edition holds no text."),
])
def test_bad_editions_are_refused_in_one_sentence(empty_store, text, message):
    """The same text again, or a blank one, is refused; nothing is written."""
    h, sid, *_ = _setup(empty_store)
    with pytest.raises(ValidationError) as e:
        h.do(SE.AddEdition(sid, text))
    assert str(e.value) == message
    assert [x["edition"] for x in E.editions(empty_store, sid)] == [1]


def test_unknown_source_is_one_sentence(empty_store):
    with pytest.raises(NotFoundError, match="^There is no source with the id 'nope'.$"):
        O.perform(empty_store, SE.AddEdition("nope", T2))


def test_decisions_accept_place_and_gone_each_undo(empty_store):
    """Accept needs a suggestion; place puts the citation on chosen words; gone keeps it unplaced; undo restores."""
    h, sid, iid, cits, obs = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2))
    a = cits["A"]
    was = E.citation_place(empty_store, a)
    start = T2.index(A2)
    with pytest.raises(ValidationError, match="figures in this citation's words changed"):
        h.do(SE.ResolveCitation(a, "place", start, start + len(A2)))  # A's figure changed: not without a look
    assert E.citation_place(empty_store, a) == was
    h.do(SE.ResolveCitation(a, "place", start, start + len(A2), figures_checked=True))
    now = E.citation_place(empty_store, a)
    assert (now["anchor_state"], now["quote"], now["figures_changed"]) == ("reworded", A2, 0)
    assert E.flagged(empty_store) == {"citations": [], "observations": [], "targets": []}
    assert E.count_to_check(empty_store) == 1
    h.undo()
    assert E.citation_place(empty_store, a) == was
    h.do(SE.ResolveCitation(cits["C"], "gone"))
    assert E.citation_place(empty_store, cits["C"])["anchor_state"] == "gone"
    assert E.count_to_check(empty_store) == 1  # decided: it leaves the citations to check (A, undone, waits)
    h.undo()
    assert E.count_to_check(empty_store) == 2
    h.redo()
    with pytest.raises(ValidationError, match="no suggested words to accept"):
        h.do(SE.ResolveCitation(cits["C"], "accept"))
    with pytest.raises(ValidationError, match="Select some words"):
        h.do(SE.ResolveCitation(a, "place", 5, 5_000, figures_checked=True))


def test_accept_takes_the_suggestion(empty_store):
    """A review citation with a suggested span is placed on exactly those words by Accept."""
    h, sid, iid, cits, obs = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2))
    a = cits["A"]
    start = T2.index(A2)
    with empty_store.write():  # the engine's suggestion, as it would store one
        E.set_places(empty_store, [dict(E.citation_place(empty_store, a), suggested_start=start,
                                        suggested_end=start + len(A2))])
    h.do(SE.ResolveCitation(a, "accept", figures_checked=True))
    now = E.citation_place(empty_store, a)
    assert (now["start_offset"], now["end_offset"], now["suggested_start"]) == (start, start + len(A2), None)


def test_check_lists_the_citations_to_check_and_the_flagged_observation(empty_store):
    h, sid, iid, cits, obs = _setup(empty_store)
    h.do(SE.AddEdition(sid, T2))
    w = check_lines(empty_store)
    assert (w.citations, w.flagged) == (2, 1)
    assert [line.split(":")[0] for line in w.lines] == [
        "citation to check (to review)", "citation to check (not found)", "observation citing changed figures"]
    assert w.lines[2] == f"observation citing changed figures: 40 on 2025-01-01 [{obs}]"


def test_a_removed_source_with_editions_comes_back_whole(empty_store):
    """Removing an uncited source with two editions and undoing it restores both editions."""
    h = O.History(empty_store)
    sid = h.do(O.AddSource(T1, {"title": "Plan"})).result
    h.do(SE.AddEdition(sid, T2, note="second"))
    h.do(O.RemoveSource(sid))
    assert empty_store.get_source(sid) is None
    h.undo()
    assert [(e["edition"], e["note"]) for e in E.editions(empty_store, sid)] == [(1, ""), (2, "second")]
    assert empty_store.get_source(sid)["text"] == T2
    assert E.edition_text(empty_store, sid, 1) == T1


def test_placements_computed_beforehand_are_used_only_while_the_citations_are_the_same(empty_store, monkeypatch):
    """AddEdition with place_in_new_edition's answer does not run the engine again; after a change it does."""
    from app.core import reanchor
    h, sid, iid, cits, obs = _setup(empty_store)
    placed = SE.place_in_new_edition(T1, T2, E.citations_of(empty_store, sid))
    runs = []
    real = reanchor.reanchor
    monkeypatch.setattr(reanchor, "reanchor", lambda *a, **k: runs.append(1) or real(*a, **k))
    h.do(SE.AddEdition(sid, T2, placed=placed))
    assert runs == [] and E.count_to_check(empty_store) == 2
    h.undo()
    O.perform(empty_store, O.RemoveCitation(cits["C"]))  # the citations changed since they were placed
    h.do(SE.AddEdition(sid, T2, placed=placed))
    assert runs == [1] and E.count_to_check(empty_store) == 1
