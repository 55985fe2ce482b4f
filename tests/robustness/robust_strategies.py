"""Hypothesis strategies and checks for exchange documents (shared by the property tests and soak)."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import strategies as st
from robust_docgen import check_file, content_hash

from app.core.model import ITEM_KINDS, RELATION_KINDS, STATUS_KEYS, ValidationError
from app.exchange import jsonio
from app.store.store import Store

PERSIAN = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيك۰۱۲۳۴۵۶۷۸۹\u200c "
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"))
text = st.text(_chars | st.sampled_from(PERSIAN), min_size=0, max_size=40)
words = text.filter(lambda s: s.strip() != "" and s == s.strip())
dates = st.dates(min_value=__import__("datetime").date(1990, 1, 1),
                 max_value=__import__("datetime").date(2024, 12, 31)).map(lambda d: d.isoformat())
numbers = st.one_of(st.integers(-10**12, 10**12), st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False))


@st.composite
def documents(draw) -> dict:
    """A valid exchange document: sources, frameworks, items citing exact passages, history, targets, links."""
    counter = iter(range(10**6))
    nid = lambda p: f"{p}-{next(counter)}"  # noqa: E731
    sources = []
    for _ in range(draw(st.integers(0, 2))):
        body = draw(st.text(_chars | st.sampled_from(PERSIAN), min_size=5, max_size=300))
        if not body.strip():
            body = "متن سند " + body
        sources.append({"id": nid("s"), "title": draw(words), "text": body,
                        "published_on": draw(st.none() | dates), "language": draw(st.sampled_from(["en", "fa"]))})
    frameworks = [{"id": nid("f"), "title": draw(words), "actor": draw(st.none() | words),
                   "description": draw(text)} for _ in range(draw(st.integers(1, 3)))]
    items = []
    for _ in range(draw(st.integers(0, 6))):
        status = draw(st.sampled_from(STATUS_KEYS))
        item = {"id": nid("i"), "framework_id": draw(st.sampled_from(frameworks))["id"], "ref": draw(st.text("0123456789.", max_size=5)),
                "kind": draw(st.sampled_from(ITEM_KINDS)), "title": draw(words), "description": draw(text),
                "actor": draw(st.none() | words), "status": status, "due_on": draw(st.none() | dates),
                "tags": draw(st.lists(words, max_size=3, unique=True)), "citations": [], "status_updates": [],
                "observations": []}
        for _ in range(draw(st.integers(0, 2)) if sources else 0):
            src = draw(st.sampled_from(sources))
            start = draw(st.integers(0, len(src["text"]) - 1))
            end = draw(st.integers(start + 1, len(src["text"])))
            quote = src["text"][start:end]
            if quote.strip():
                item["citations"].append({"id": nid("c"), "source_id": src["id"], "start": start, "end": end,
                                          "quote": quote})
        for _ in range(draw(st.integers(0, 2))):
            item["status_updates"].append({"id": nid("u"), "status": draw(st.sampled_from(STATUS_KEYS)),
                                           "as_of": draw(dates), "note": draw(text), "author": draw(text.map(str.strip))})
        if draw(st.booleans()):
            item["target"] = {"unit": draw(text.map(str.strip)), "baseline": draw(st.none() | numbers),
                              "target": draw(numbers), "direction": draw(st.sampled_from(["increase", "decrease", "maintain"]))}
            for _ in range(draw(st.integers(0, 2))):
                item["observations"].append({"id": nid("o"), "value": draw(numbers), "observed_on": draw(dates),
                                             "note": draw(text)})
        items.append(item)
    relations, seen = [], set()
    if len(items) >= 2:
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.permutations(items))[:2]
            kind = draw(st.sampled_from(RELATION_KINDS))
            if (a["id"], b["id"], kind) not in seen:
                seen.add((a["id"], b["id"], kind))
                relations.append({"id": nid("r"), "from_id": a["id"], "to_id": b["id"], "kind": kind, "note": draw(text)})
    return {"format": "policy-tracker", "version": 1, "statuses": [], "sources": sources,
            "frameworks": frameworks, "items": items, "relations": relations}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)


def _fresh(template: Path, folder: Path, name: str) -> Path:
    dest = folder / name
    shutil.copyfile(template, dest)
    return dest


def _strip(doc: dict) -> dict:
    doc = dict(doc)
    doc.pop("exported_at", None)
    return doc


def check_roundtrip(doc: dict, template: Path) -> None:
    """document -> file A -> export -> empty file B -> export: the two exports are equal."""
    with tempfile.TemporaryDirectory() as d:
        a, b = _fresh(template, Path(d), "a.sqlite"), _fresh(template, Path(d), "b.sqlite")
        with Store(a) as sa:
            jsonio.import_document(sa, doc)
            first = jsonio.export_document(sa)
        text = jsonio.dumps(first)
        with Store(b) as sb:
            jsonio.import_document(sb, jsonio.loads(text.encode("utf-8")))
            second = jsonio.export_document(sb)
        assert _strip(json.loads(text)) == _strip(json.loads(jsonio.dumps(second)))
        assert len(first["items"]) == len(doc["items"])


def check_garbage(raw: bytes, store: Store) -> None:
    """Garbage is refused with a ValidationError (never another exception) and changes nothing."""
    before = content_hash(store.path)
    try:
        jsonio.import_document(store, jsonio.loads(raw))
    except ValidationError as e:
        assert "\n" not in str(e)
    else:
        raise AssertionError(f"garbage was accepted: {raw[:80]!r}")
    assert content_hash(store.path) == before


def check_mutant(raw: bytes, template: Path) -> None:
    """A mutated valid document is imported whole into a fresh copy or refused cleanly; the file stays sound."""
    with tempfile.TemporaryDirectory() as d:
        path = _fresh(template, Path(d), "fuzz.sqlite")
        with Store(path) as store:
            before = content_hash(path)
            try:
                jsonio.import_document(store, jsonio.loads(raw))
            except ValidationError as e:
                assert "\n" not in str(e)
                assert content_hash(path) == before
            assert store.integrity_problems() == []
        assert check_file(path) == []

