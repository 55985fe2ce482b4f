"""Hypothesis strategies and checks for exchange documents (shared by the property tests and soak)."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
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
# No bidi embeddings/overrides/isolates: single-line fields drop them on import (tests/core/test_bidi.py).
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"),
                       blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
text = st.text(_chars | st.sampled_from(PERSIAN), min_size=0, max_size=40)
words = text.filter(lambda s: s.strip() != "" and s == s.strip())
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2024, 12, 31)).map(lambda d: d.isoformat())
numbers = st.one_of(st.integers(-10**12, 10**12), st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False))
CONTEXT = 32  # README: prefix and suffix are up to 32 characters either side of the quote
CUSTOM_STATUSES = ("paused", "under_review")  # a document may bring statuses of its own


@st.composite
def moments(draw) -> str:
    """A moment as another program may write it: UTC or any offset (or none, meaning UTC), with or
    without milliseconds. The database keeps it as UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`."""
    utc = draw(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2025, 12, 31)))
    utc = utc.replace(microsecond=draw(st.sampled_from([0, 1, 999, 500, draw(st.integers(0, 999))])) * 1000)
    minutes = draw(st.sampled_from([0, 0, 60, -300, 210, 330, 345, 600, -690, 840]))
    local = utc + dt.timedelta(minutes=minutes)
    zone = "Z" if minutes == 0 and draw(st.booleans()) else (
        "" if minutes == 0 and draw(st.booleans()) else
        f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")
    fraction = f".{local.microsecond // 1000:03d}" if local.microsecond or draw(st.booleans()) else ""
    return f"{local:%Y-%m-%dT%H:%M:%S}{fraction}{zone}"


def utc_moment(written: str) -> str:
    """The database's form of a moment written by `moments` (the test's own reading, not the app's)."""
    m = dt.datetime.fromisoformat(written.replace("Z", "+00:00"))
    m = (m if m.tzinfo else m.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    return f"{m:%Y-%m-%dT%H:%M:%S}.{m.microsecond // 1000:03d}Z"


def _unique(haystack: str, needle: str) -> bool:
    first = haystack.find(needle)
    return first != -1 and haystack.find(needle, first + 1) == -1


def _maybe(draw, item: dict, key: str, strategy) -> None:
    """Set item[key] from strategy, or leave the key out (a document may omit any optional field)."""
    value = draw(st.none() | strategy)
    if value is not None:
        item[key] = value


@st.composite
def documents(draw) -> dict:
    """A valid exchange document: statuses of its own, sources, frameworks, a hierarchy of items
    citing exact passages (some without offsets or with stale ones), histories with and without
    timestamps, targets, observations citing their item's passages, and links."""
    counter = iter(range(10**6))
    nid = lambda p: f"{p}-{next(counter)}"  # noqa: E731
    # labels end in their key: an import refuses a new status whose label another status already shows
    statuses = [{"key": k, "label": f"{draw(words)} ({k})", "description": draw(text)}
                for k in draw(st.lists(st.sampled_from(CUSTOM_STATUSES), max_size=2, unique=True))]
    status_keys = list(STATUS_KEYS) + [s["key"] for s in statuses]
    sources = []
    for _ in range(draw(st.integers(0, 2))):
        # short texts put quotes at their edges; long ones give quotes a whole context either side
        body = draw(st.text(_chars | st.sampled_from(PERSIAN), min_size=5, max_size=60)
                    | st.text(_chars | st.sampled_from(PERSIAN), min_size=3 * CONTEXT, max_size=400))
        if not body.strip():
            body = "متن سند " + body
        src = {"id": nid("s"), "title": draw(words), "text": body,
               "published_on": draw(st.none() | dates), "language": draw(st.sampled_from(["en", "fa"]))}
        for key in ("kind", "publisher", "author", "event"):
            _maybe(draw, src, key, words)
        _maybe(draw, src, "url", st.sampled_from(["https://example.org/plan", "http://gov.example/ن?a=1"]))
        sources.append(src)
    frameworks = [{"id": nid("f"), "title": draw(words), "actor": draw(st.none() | words),
                   "description": draw(text)} for _ in range(draw(st.integers(1, 3)))]
    items = []
    for _ in range(draw(st.integers(0, 6))):
        item = {"id": nid("i"), "framework_id": draw(st.sampled_from(frameworks))["id"],
                "parent_id": draw(st.none() | st.sampled_from([it["id"] for it in items] or [None])),
                "ref": draw(st.text("0123456789.", max_size=5)),
                "kind": draw(st.sampled_from(ITEM_KINDS)), "title": draw(words), "description": draw(text),
                "actor": draw(st.none() | words), "status": draw(st.sampled_from(status_keys)),
                "due_on": draw(st.none() | dates), "tags": draw(st.lists(words, max_size=3, unique=True)),
                "citations": [], "status_updates": [], "observations": []}
        _maybe(draw, item, "created_at", moments())
        _maybe(draw, item, "updated_at", moments())
        for _ in range(draw(st.integers(0, 2)) if sources else 0):
            src = draw(st.sampled_from(sources))
            body = src["text"]
            start = draw(st.integers(0, len(body) - 1))
            end = draw(st.integers(start + 1, len(body)))
            quote = body[start:end]
            if not quote.strip():
                continue
            cit = {"id": nid("c"), "source_id": src["id"], "start": start, "end": end, "quote": quote}
            how = draw(st.sampled_from(["offsets", "offsets", "context", "no offsets", "stale offsets"]))
            if how == "context":  # the context a previous export wrote
                cit["prefix"], cit["suffix"] = body[max(0, start - CONTEXT):start], body[end:end + CONTEXT]
            elif how != "offsets" and _unique(body, quote):  # placed again from the quote alone
                if how == "no offsets":
                    del cit["start"], cit["end"]
                elif end < len(body) and body[start + 1:end + 1] != quote:
                    cit["start"], cit["end"] = start + 1, end + 1
            item["citations"].append(cit)
        for _ in range(draw(st.integers(0, 3))):
            up = {"id": nid("u"), "status": draw(st.sampled_from(status_keys)),
                  "as_of": draw(st.sampled_from(["2024-06-01"]) | dates), "note": draw(text),
                  "author": draw(text.map(str.strip))}
            _maybe(draw, up, "created_at", moments())
            item["status_updates"].append(up)
        if draw(st.booleans()):
            on = sorted(draw(st.lists(dates, min_size=2, max_size=2)))
            item["target"] = {"unit": draw(text.map(str.strip)), "baseline": draw(st.none() | numbers),
                              "target": draw(numbers),
                              "direction": draw(st.sampled_from(["increase", "decrease", "maintain"]))}
            if draw(st.booleans()):
                item["target"].update(baseline_on=on[0], target_on=on[1])
            for _ in range(draw(st.integers(0, 2))):
                obs = {"id": nid("o"), "value": draw(numbers), "observed_on": draw(dates), "note": draw(text)}
                if item["citations"] and draw(st.booleans()):
                    obs["citation_id"] = draw(st.sampled_from(item["citations"]))["id"]
                item["observations"].append(obs)
        items.append(item)
    relations, seen = [], set()
    if len(items) >= 2:
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.permutations(items))[:2]
            kind = draw(st.sampled_from(RELATION_KINDS))
            if (a["id"], b["id"], kind) not in seen:
                seen.add((a["id"], b["id"], kind))
                relations.append({"id": nid("r"), "from_id": a["id"], "to_id": b["id"], "kind": kind,
                                  "note": draw(text)})
    return {"format": "policy-tracker", "version": 1, "statuses": statuses, "sources": sources,
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


def _now() -> str:
    return utc_moment(dt.datetime.now(dt.timezone.utc).isoformat())


def _latest(updates: list[dict]) -> dict | None:
    """The test's own reading of the status rule: latest by as_of, then created_at, then id."""
    return max(updates, key=lambda u: (u["as_of"], u["created_at"], u["id"]), default=None)


def _documented(got: dict, want: dict) -> bool:
    """The README's keys of a record hold exactly these values (later versions may add keys of their own)."""
    missing = set(want) - set(got)
    assert not missing, f"keys missing from the export: {sorted(missing)}"
    return {k: got[k] for k in want} == want


def _by_id(rows: list[dict], where: str) -> dict[str, dict]:
    out = {r["id"]: r for r in rows}
    assert len(out) == len(rows), f"{where}: an id is exported twice"
    return out


def _same_ids(got: dict, want: list[dict], where: str) -> None:
    assert sorted(got) == sorted(r["id"] for r in want), f"{where}: ids differ"


def check_against_input(doc: dict, out: dict, before: str, after: str) -> None:
    """Every record of the input document is in the export, field by field, with only the documented
    normalisations: defaults for omitted fields, sha256 computed, prefix/suffix filled in from the
    text, citations without (or with stale) offsets placed at the one place their quote occurs,
    timestamps in UTC `YYYY-MM-DDTHH:MM:SS.mmmZ` (those not given: the moment of the import, between
    `before` and `after`), and each item's status the status of its latest update."""
    assert out["format"] == "policy-tracker" and isinstance(out["version"], int) and out["version"] >= 1

    statuses = {s["key"]: s for s in out["statuses"]}
    assert set(STATUS_KEYS) <= set(statuses)
    for s in doc["statuses"]:
        assert _documented(statuses[s["key"]], {"key": s["key"], "label": s["label"],
                                                "description": s["description"]}), s["key"]

    got_sources = _by_id(out["sources"], "sources")
    _same_ids(got_sources, doc["sources"], "sources")
    texts = {}
    for s in doc["sources"]:
        texts[s["id"]] = s["text"]
        assert _documented(got_sources[s["id"]], {
            "id": s["id"], "title": s["title"], "kind": s.get("kind", "document"), "publisher": s.get("publisher"),
            "author": s.get("author"), "event": s.get("event"), "published_on": s["published_on"],
            "url": s.get("url"), "language": s["language"],
            "sha256": hashlib.sha256(s["text"].encode("utf-8")).hexdigest(), "text": s["text"]}), s["id"]

    got_frameworks = _by_id(out["frameworks"], "frameworks")
    _same_ids(got_frameworks, doc["frameworks"], "frameworks")
    for f in doc["frameworks"]:
        assert _documented(got_frameworks[f["id"]], {"id": f["id"], "title": f["title"], "actor": f["actor"],
                                                     "description": f["description"]}), f["id"]

    got_items = _by_id(out["items"], "items")
    _same_ids(got_items, doc["items"], "items")
    import_moments = set()
    for it in doc["items"]:
        got = got_items[it["id"]]
        w = f"item {it['id']}"
        for key in ("framework_id", "parent_id", "ref", "kind", "title", "description", "actor", "due_on", "tags"):
            assert got[key] == it[key], f"{w}.{key}: {got[key]!r} != {it[key]!r}"
        for key in ("created_at", "updated_at"):
            if key in it:
                assert got[key] == utc_moment(it[key]), f"{w}.{key}: {got[key]!r} for {it[key]!r}"
            else:
                assert before <= got[key] <= after, f"{w}.{key}: {got[key]!r} is not the import's moment"

        ups = _by_id(got["status_updates"], f"{w}.status_updates")
        _same_ids(ups, it["status_updates"], f"{w}.status_updates")
        for u in it["status_updates"]:
            g = ups[u["id"]]
            assert {k: g[k] for k in ("status", "as_of", "note", "author")} == \
                {k: u[k] for k in ("status", "as_of", "note", "author")}, f"{w} update {u['id']}"
            if "created_at" in u:
                assert g["created_at"] == utc_moment(u["created_at"]), f"{w} update {u['id']}.created_at"
            else:
                assert before <= g["created_at"] <= after, f"{w} update {u['id']}.created_at: {g['created_at']!r}"
                import_moments.add(g["created_at"])
        latest = _latest(list(ups.values()))
        want_status = it["status"] if latest is None else latest["status"]
        assert got["status"] == want_status, f"{w}.status: {got['status']!r}, its latest update says {want_status!r}"

        cits = _by_id(got["citations"], f"{w}.citations")
        _same_ids(cits, it["citations"], f"{w}.citations")
        for c in it["citations"]:
            body = texts[c["source_id"]]
            fits = "start" in c and body[c["start"]:c["end"]] == c["quote"]
            if not fits and "start" in c and cits[c["id"]]["start"] is None:
                # stale offsets the re-anchoring engine would not vouch for (core.reanchor.place_quotes):
                # kept with its quote for a person to check, never put on other words
                assert cits[c["id"]]["anchor_state"] in ("review", "not_found"), f"{w} citation {c['id']}"
                assert cits[c["id"]]["quote"] == c["quote"], f"{w} citation {c['id']}"
                continue
            start = c["start"] if fits else body.find(c["quote"])  # the generator moved only unique quotes
            end = start + len(c["quote"])
            assert body[start:end] == c["quote"]
            assert _documented(cits[c["id"]], {
                "id": c["id"], "source_id": c["source_id"], "start": start, "end": end, "quote": c["quote"],
                "prefix": body[max(0, start - CONTEXT):start], "suffix": body[end:end + CONTEXT]}), \
                f"{w} citation {c['id']}"

        t = it.get("target")
        want_target = None if t is None else {
            "unit": t["unit"], "baseline": t["baseline"], "baseline_on": t.get("baseline_on"), "target": t["target"],
            "target_on": t.get("target_on"), "direction": t["direction"]}
        assert (got["target"] is None) == (want_target is None), f"{w}.target"
        assert want_target is None or _documented(got["target"], want_target), f"{w}.target"

        obs = _by_id(got["observations"], f"{w}.observations")
        _same_ids(obs, it["observations"], f"{w}.observations")
        for o in it["observations"]:
            assert _documented(obs[o["id"]], {"id": o["id"], "value": o["value"], "observed_on": o["observed_on"],
                                              "note": o["note"], "citation_id": o.get("citation_id")}), \
                f"{w} observation {o['id']}"
    assert len(import_moments) <= 1, f"updates written by one import got different moments: {import_moments}"

    got_relations = _by_id(out["relations"], "relations")
    _same_ids(got_relations, doc["relations"], "relations")
    for r in doc["relations"]:
        assert _documented(got_relations[r["id"]], {"id": r["id"], "from_id": r["from_id"], "to_id": r["to_id"],
                                                    "kind": r["kind"], "note": r["note"]}), r["id"]


def check_roundtrip(doc: dict, template: Path) -> None:
    """document -> empty file A -> export: every input record, as documented; then export -> empty
    file B -> export: the same document apart from exported_at (README, "The exchange format")."""
    with tempfile.TemporaryDirectory() as d:
        a, b = _fresh(template, Path(d), "a.sqlite"), _fresh(template, Path(d), "b.sqlite")
        given = copy.deepcopy(doc)
        with Store(a) as sa:
            before = _now()
            jsonio.import_document(sa, given)
            after = _now()
            first = jsonio.export_document(sa)
        assert given == doc, "the importer changed the document it was given"
        text = jsonio.dumps(first)
        check_against_input(doc, json.loads(text), before, after)
        with Store(b) as sb:
            jsonio.import_document(sb, jsonio.loads(text.encode("utf-8")))
            second = jsonio.export_document(sb)
        assert _strip(json.loads(text)) == _strip(json.loads(jsonio.dumps(second)))


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

