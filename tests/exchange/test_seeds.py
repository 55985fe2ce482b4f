"""The bundled seeds: byte-identical texts, every required item, quotes found in their words."""
import hashlib
import shutil
from pathlib import Path

import pytest

from app.core.model import ValidationError
from app.exchange import seeds
from app.paths import SEEDS_DIR

SHARED = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _doc():
    return seeds.build_document()


def _items(doc, framework_prefix):
    fw = {f["id"] for f in doc["frameworks"] if f["title"].startswith(framework_prefix)}
    return [i for i in doc["items"] if i["framework_id"] in fw]


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/seeds is not beside this checkout")
def test_seed_texts_are_byte_identical_to_the_originals():
    """seeds/ holds exact copies of the shared source documents."""
    for original in SHARED.glob("*.txt"):
        assert (SEEDS_DIR / original.name).read_bytes() == original.read_bytes()


def test_every_quote_equals_its_text_span():
    """Each seeded citation's quote is exactly text[start:end] of its source, with context."""
    doc = _doc()
    texts = {s["id"]: s["text"] for s in doc["sources"]}
    for s in doc["sources"]:
        assert hashlib.sha256(s["text"].encode()).hexdigest() == s["sha256"]
    for it in doc["items"]:
        assert it["citations"], it["title"]
        for c in it["citations"]:
            t = texts[c["source_id"]]
            assert t[c["start"]:c["end"]] == c["quote"]
            assert t[max(0, c["start"] - 32):c["start"]] == c["prefix"]


def test_almaty_five_proposals_cite_list_and_paragraph():
    """Each Almaty proposal cites the short list and its numbered paragraph (worded differently for 3 and 5)."""
    doc = _doc()
    props = sorted(_items(doc, "Almaty"), key=lambda i: i["ref"])
    assert [p["ref"] for p in props] == ["1", "2", "3", "4", "5"]
    text = doc["sources"][[s["title"] for s in doc["sources"]].index(next(
        s["title"] for s in doc["sources"] if "Almaty" in s["title"]))]["text"]
    para_start = text.index("I propose the following five key initiatives")
    for p in props:
        starts = sorted(c["start"] for c in p["citations"])
        assert len(starts) >= 2 and starts[0] < para_start < starts[-1], p["title"]
    assert "Cooperating in the development of shared digital platforms" in {c["quote"] for c in props[2]["citations"]}
    assert any(c["quote"].startswith("Developing Joint Digital Platforms") for c in props[2]["citations"])
    assert "Advancing artificial intelligence-driven economies" in {c["quote"] for c in props[4]["citations"]}


def test_seventh_plan_gdp_target_is_numeric():
    """The 7th Plan's digital-economy share of GDP target runs from about 7% to 10%."""
    targets = [i for i in _items(_doc(), "Iran's Seventh") if i["target"]]
    assert len(targets) == 1
    t = targets[0]["target"]
    assert (t["baseline"], t["target"], t["direction"]) == (7.0, 10.0, "increase")
    assert targets[0]["observations"] and targets[0]["observations"][0]["citation_id"]
    assert len([i for i in _items(_doc(), "Iran's Seventh") if i["kind"] == "goal"]) == 4


def test_tokyo_six_priorities():
    """The Tokyo Statement's six strategic priorities are tracked."""
    pri = [i for i in _items(_doc(), "Tokyo") if i["kind"] == "priority"]
    titles = " ".join(p["title"].lower() for p in pri)
    assert len(pri) == 6
    for word in ("connectivity", "innovation", "trust", "inclusion", "sustainability", "partnership"):
        assert word in titles


def test_indicators_carry_observed_values():
    """Quantitative claims are indicators with dated observations citing their words."""
    ind = [i for i in _doc()["items"] if i["kind"] == "indicator"]
    values = {o["value"] for i in ind for o in i["observations"]}
    assert {450000.0, 15.0, 60.0, 3500.0, 2.0, 4.0, 30.0} <= values
    assert all(o["citation_id"] for i in ind for o in i["observations"])


def test_relations_cross_frameworks_with_notes():
    """Relations (mostly across frameworks) each carry a note (Almaty 1 ~ Tokyo connectivity)."""
    doc = _doc()
    fw = {i["id"]: i["framework_id"] for i in doc["items"]}
    title = {i["id"]: i["title"].lower() for i in doc["items"]}
    assert all(r["note"] for r in doc["relations"])
    assert sum(fw[r["from_id"]] != fw[r["to_id"]] for r in doc["relations"]) >= 6
    assert any("connect" in title[r["from_id"]] and "connectivity" in title[r["to_id"]] for r in doc["relations"])


def _broken_seeds(tmp_path, old, new):
    d = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, d)
    cur = (d / "curated.toml").read_text(encoding="utf-8")
    assert old in cur
    (d / "curated.toml").write_text(cur.replace(old, new, 1), encoding="utf-8")
    return d


def test_missing_quote_fails_loudly_naming_the_item(tmp_path):
    """A curated quote not in the text stops the load and names the item."""
    d = _broken_seeds(tmp_path, 'quote = "Connecting communication infrastructure"',
                      'quote = "Connecting interplanetary infrastructure"')
    with pytest.raises(ValidationError, match="almaty-2025/1.*not found"):
        seeds.build_document(d)


def test_ambiguous_quote_fails_loudly(tmp_path):
    """A curated quote that occurs twice stops the load and asks for an 'after' marker."""
    d = _broken_seeds(tmp_path, 'quote = "Connecting communication infrastructure"', 'quote = "Distinguished Guests"')
    with pytest.raises(ValidationError, match="almaty-2025/1.*occurs 2 times"):
        seeds.build_document(d)


def test_loading_seeds_twice_changes_nothing(store):
    """Seeding is idempotent: ids derive from the curated keys."""
    before = store.table_counts()
    report = seeds.load_seeds(store)
    assert store.table_counts() == before and not report.added
