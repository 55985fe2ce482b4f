"""New editions of a source, and the decisions a person makes about the citations they leave in doubt.

Adding an edition (AddEdition) stores the new text as the source's newest edition, keeps where
every citation was in the edition before (citation_placements), and places each citation in the
new text with the re-anchoring engine (core.reanchor): placed ('exact', 'moved', 'reworded') when
that is certain, else 'review' (with a suggestion when there is one) or 'not_found', never on
words that are not its own. A citation whose figures changed is flagged (figures_changed), and so
are the observations citing it and its item's target, until a person decides.

The decisions (ResolveCitation): accept the suggestion, place it on other words chosen in the
reader, or mark it as gone from this edition. Each is one undoable operation (operations.Outcome
with its inverse), like every change of the file. One transaction each (operations.perform).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from ..core import validation as v
from ..core.model import Changes, NotFoundError, ValidationError
from ..store import editions as E
from ..store import source_files
from ..store.store import Store
from .operations import Operation, Outcome, _short, expecting
from .sources import check_original

MAX_NOTE = 1_000
ACTIONS = ("accept", "place", "gone")


def _placed_rows(old_text: str, new_text: str, rows: list[dict], time_budget: float) -> list[dict]:
    """The citations' places in the new text: each row of `rows` (E.citations_of) as it is to be stored."""
    from ..core import anchoring, reanchor  # here: they bring diff and fuzzy matching, which start-up does not need
    placed = [r for r in rows if r["start_offset"] is not None]
    found = reanchor.reanchor(old_text, new_text,
                              [reanchor.Anchor(r["start_offset"], r["end_offset"], r["quote"]) for r in placed],
                              time_budget=time_budget)
    out = []
    for r, p in zip(placed, found, strict=True):
        row = dict(r, suggested_start=None, suggested_end=None, figures_changed=int(bool(p.figures_changed)),
                   anchor_state=p.state)
        if p.state in reanchor.PLACED and p.start is not None and p.end is not None:
            row.update(start_offset=p.start, end_offset=p.end, quote=new_text[p.start:p.end])
            row["prefix"], row["suffix"] = anchoring.context(new_text, p.start, p.end)
        else:
            row.update(start_offset=None, end_offset=None)
            if p.state == "review" and p.suggestion is not None:
                row["suggested_start"], row["suggested_end"] = p.suggestion
        out.append(row)
    # a citation that was not in the outgoing edition stays to be checked; a suggestion it had pointed
    # into that edition's text, so it is dropped
    for r in rows:
        if r["start_offset"] is None:
            out.append(dict(r, suggested_start=None, suggested_end=None,
                            anchor_state=r["anchor_state"] if r["anchor_state"] in ("review", "gone") else "not_found"))
    return out


def place_in_new_edition(old_text: str, new_text: str, rows: list[dict], time_budget: float = 1.0) -> tuple:
    """Pure (no database): the citations `rows` (store.editions.citations_of) placed in the new text,
    for AddEdition's `placed`. The window runs this on a worker thread, so the window stays live
    while a long edition is re-anchored; the operation uses it only if the citations are still
    exactly `rows` when it runs (else it places them again)."""
    old_sha = hashlib.sha256(old_text.encode("utf-8")).hexdigest()
    return (old_sha, tuple(_key(r) for r in rows), tuple(_placed_rows(old_text, new_text, rows, time_budget)))


def _key(r: dict) -> tuple:
    return (r["id"], r["start_offset"], r["end_offset"], r["quote"], r["anchor_state"], r["suggested_start"],
            r["suggested_end"])


def add_edition(store: Store, source_id: str, text: str, *, published_on: str | None = None, note: str = "",
                original: dict | None = None, added_at: str | None = None,
                time_budget: float = 1.0, placed: tuple | None = None) -> tuple[dict, Changes, list[dict]]:
    """Make `text` the newest edition of a source and place its citations in it.

    `placed`: place_in_new_edition's answer, computed beforehand from the same old text and
    citations (used only when they are still the same). Returns a summary ({edition, placed,
    review, not_found, figures_changed}), the Changes, and the citations as they were before (for
    the undo)."""
    v.check_unicode(text, "text")
    if not text.strip():
        raise ValidationError("The new edition holds no text.")
    if len(text) > v.MAX_SOURCE_TEXT:
        raise ValidationError("The text is too long to import.")
    published_on = v.parse_date(published_on, "published_on")
    if published_on and published_on > dt.date.today().isoformat():
        raise ValidationError(f"The publication date {published_on} is in the future.", "published_on")
    note = v.clean_text(note, "note", limit=MAX_NOTE) or ""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if original is not None:
        check_original(text, original)
    with store.write():
        src = store.get_source(source_id)
        if src is None:
            raise NotFoundError(f"There is no source with the id '{_short(source_id)}'.")
        if src["sha256"] == sha:
            raise ValidationError(f"This text is already the newest edition of '{_short(src['title'])}'.")
        dup = store.source_by_sha(sha)
        if dup and dup["id"] != source_id:
            raise ValidationError(f"This text is already in the file as '{dup['title']}'.")
        n = E.newest(store, source_id)
        before = E.citations_of(store, source_id)
        if placed is not None and placed[:2] == (src["sha256"], tuple(_key(r) for r in before)):
            rows = [dict(r) for r in placed[2]]
        else:  # nothing computed beforehand, or the citations changed since: place them now
            rows = _placed_rows(src["text"], text, before, time_budget)
        E.keep_places(store, before, n)
        E.add(store, source_id, n + 1, text, sha, published_on=published_on, note=note, added_at=added_at)
        if original is not None:
            source_files.insert_original(store, source_id, original, edition=n + 1)
        E.set_places(store, rows)
        items = frozenset(r["item_id"] for r in rows)
        for iid in items:
            store.update_item(iid, {})  # their citations moved: the items changed
    states = [r["anchor_state"] for r in rows]
    summary = {"edition": n + 1, "placed": sum(s in ("exact", "moved", "reworded") for s in states),
               "review": states.count("review"), "not_found": states.count("not_found"),
               "figures_changed": sum(int(r["figures_changed"]) for r in rows)}
    return summary, Changes(items=items, sources=frozenset({source_id})), before


def remove_edition(store: Store, source_id: str, before: list[dict]) -> tuple[dict, Changes]:
    """Take away a source's newest edition and put its citations back exactly as `before` says."""
    with store.write():
        n = E.newest(store, source_id)
        if n < 2:
            raise ValidationError("This source has only its first edition; there is no newer edition to remove.")
        E.drop_places(store, source_id, n - 1)
        row = E.remove_newest(store, source_id)
        E.set_places(store, before)
        items = frozenset(r["item_id"] for r in before)
        for iid in items:
            store.update_item(iid, {})
    return row, Changes(items=items, sources=frozenset({source_id}))


def summary_sentence(title: str, s: dict) -> str:
    """One sentence saying what adding an edition did."""
    parts = [f"{s['placed']} citation(s) placed"]
    if s["review"]:
        parts.append(f"{s['review']} to review")
    if s["not_found"]:
        parts.append(f"{s['not_found']} not found")
    text = f"Edition {s['edition']} of '{title}' added: " + ", ".join(parts)
    if s["figures_changed"]:
        text += f"; the figures changed in {s['figures_changed']} quote(s)"
    return text + "."


@dataclass(frozen=True, eq=False)
class AddEdition(Operation):
    """Add a new edition to a source (its text already read and checked); undo removes it."""

    source_id: str
    text: str
    published_on: str | None = None
    note: str = ""
    original: dict | None = None
    added_at: str | None = None
    placed: tuple | None = None  # place_in_new_edition's answer, computed off the window's thread

    @property
    def label(self) -> str:
        return "Add new edition"

    def run(self, store: Store) -> Outcome:
        summary, changes, before = add_edition(store, self.source_id, self.text, published_on=self.published_on,
                                               note=self.note, original=self.original, added_at=self.added_at,
                                               placed=self.placed)
        added_at = E.editions(store, self.source_id)[-1]["added_at"]
        inverse = RemoveEdition(self.source_id, tuple(before), AddEdition(
            self.source_id, self.text, self.published_on, self.note, self.original, added_at, self.placed))
        return Outcome(summary, changes, expecting(store, inverse, items=changes.items, sources_=[self.source_id]))


@dataclass(frozen=True, eq=False)
class RemoveEdition(Operation):
    """The undo of AddEdition: the edition goes, every citation returns to where it was."""

    source_id: str
    before: tuple = ()
    redo: AddEdition | None = None

    @property
    def label(self) -> str:
        return "Remove edition"

    def run(self, store: Store) -> Outcome:
        row, changes = remove_edition(store, self.source_id, list(self.before))
        redo = self.redo or AddEdition(self.source_id, row["text"], row["published_on"], row["note"],
                                       None, row["added_at"])
        return Outcome(row, changes, expecting(store, redo, items=changes.items, sources_=[self.source_id]))


# -- the decisions about a citation to check --------------------------------------------------------------
def _citation(store: Store, citation_id: str) -> dict:
    row = E.citation_place(store, citation_id)
    if row is None:
        raise NotFoundError(f"There is no citation with the id '{citation_id}'.")
    return row


def resolve(store: Store, citation_id: str, action: str, start: int | None = None,
            end: int | None = None, *, figures_checked: bool = False) -> tuple[dict, dict, Changes]:
    """Decide about a citation: 'accept' its suggestion, 'place' it on text[start:end] of the newest
    edition, or mark it as 'gone' from that edition. Returns the row before and after, and Changes.

    A citation whose figures changed is placed only with `figures_checked`: the observations and
    the target citing it keep the values they were read in, and placing it clears their ⚠, so the
    person must say they have looked at them (the window asks; the command line takes a flag)."""
    if action not in ACTIONS:
        raise ValidationError(f"'{action}' is not a decision about a citation; use one of: {', '.join(ACTIONS)}.")
    from ..core import anchoring
    with store.write():
        before = _citation(store, citation_id)
        if before["figures_changed"] and action != "gone" and not figures_checked:
            raise ValidationError("The figures in this citation's words changed in the newest edition: check the "
                                  "observations and the target citing it first, then confirm (on the command line, "
                                  "add --figures-checked).")
        src = store.get_source(before["source_id"])
        assert src is not None  # a citation's source cannot be deleted (foreign key)
        text = src["text"]
        after = dict(before, figures_changed=0, suggested_start=None, suggested_end=None)
        if action == "accept":
            if before["suggested_start"] is None:
                raise ValidationError("This citation has no suggested words to accept; choose words in the reader.")
            start, end = before["suggested_start"], before["suggested_end"]
        if action == "gone":
            after.update(start_offset=None, end_offset=None, anchor_state="gone")  # decided: off the list
        else:
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                raise ValidationError("Select some words of the source's newest edition to place the citation on.")
            words = text[start:end]
            if not words.strip():
                raise ValidationError("The selection holds only spaces; select some words to cite.")
            prefix, suffix = anchoring.context(text, start, end)
            after.update(start_offset=start, end_offset=end, quote=words, prefix=prefix, suffix=suffix,
                         anchor_state="moved" if words == before["quote"] else "reworded")
        E.set_places(store, [after])
        store.update_item(before["item_id"], {})
    return before, after, Changes(items=frozenset({before["item_id"]}), sources=frozenset({before["source_id"]}))


def put_back(store: Store, row: dict) -> Changes:
    """A citation's place exactly as `row` (from resolve) holds it: the undo of a decision."""
    with store.write():
        if store.get_citation(row["id"]) is None:
            raise NotFoundError("That citation no longer exists.")
        E.set_places(store, [row])
        store.update_item(row["item_id"], {})
    return Changes(items=frozenset({row["item_id"]}), sources=frozenset({row["source_id"]}))


DECISION_LABELS = {"accept": "Accept suggested words", "place": "Place citation here", "gone": "Mark citation as gone"}


@dataclass(frozen=True, eq=False)
class ResolveCitation(Operation):
    citation_id: str
    action: str
    start: int | None = None
    end: int | None = None
    figures_checked: bool = False  # the person looked at what cites changed figures (see resolve)

    @property
    def label(self) -> str:
        return DECISION_LABELS.get(self.action, "Check citation")

    def run(self, store: Store) -> Outcome:
        before, after, changes = resolve(store, self.citation_id, self.action, self.start, self.end,
                                         figures_checked=self.figures_checked)
        return Outcome(after, changes, expecting(store, PutCitationBack(before, self.label), items=changes.items))


@dataclass(frozen=True, eq=False)
class PutCitationBack(Operation):
    row: dict
    what: str = "Check citation"

    @property
    def label(self) -> str:
        return self.what

    def run(self, store: Store) -> Outcome:
        now = _citation(store, self.row["id"])
        changes = put_back(store, self.row)
        return Outcome(self.row, changes, expecting(store, PutCitationBack(now, self.what), items=changes.items))
