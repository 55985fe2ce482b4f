"""Build the bundled database from seeds/: the source texts, their metadata and the curated items.

The curated file names each quote as exact words; here every quote is located in its text
(loudly failing, naming the item, when it is missing or ambiguous) and the whole is turned into
an exchange document, which the ordinary importer writes in one transaction.
"""
from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from ..core import anchoring
from ..core.model import ValidationError, seed_id
from ..paths import SEEDS_DIR
from ..store.store import Store
from . import jsonio

SEED_AUTHOR = "Policy Tracker seed"
SEED_TIME = "2025-06-01T00:00:00.000Z"


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ValidationError(f"{path.name} is not valid TOML: {e}.") from None


def build_document(seeds_dir: Path = SEEDS_DIR) -> dict:
    """The seeds as an exchange document, with every quote located in its text."""
    meta = _load_toml(seeds_dir / "sources.toml")
    cur = _load_toml(seeds_dir / "curated.toml")
    sources, texts, sid = [], {}, {}
    for s in meta["sources"]:
        raw = (seeds_dir / s["file"]).read_bytes()
        text = raw.decode("utf-8")
        sid[s["key"]] = seed_id("source:" + s["key"])
        texts[s["key"]] = text
        sources.append({"id": sid[s["key"]], "title": s["title"], "kind": s.get("kind", "document"),
                        "publisher": s.get("publisher") or None, "author": s.get("author") or None,
                        "event": s.get("event") or None, "published_on": s.get("published_on"),
                        "url": s.get("url") or None, "language": s.get("language", "en"),
                        "sha256": hashlib.sha256(raw).hexdigest(), "text": text})
    frameworks = [{"id": seed_id("framework:" + f["key"]), "title": f["title"], "actor": f.get("actor"),
                   "description": f.get("description", "")} for f in cur["frameworks"]]
    fw = {f["key"]: seed_id("framework:" + f["key"]) for f in cur["frameworks"]}
    item_ids = {it["key"]: seed_id("item:" + it["key"]) for it in cur["items"]}
    items = []
    for it in cur["items"]:
        key = it["key"]
        what = f"item '{key}'"
        if it["framework"] not in fw:
            raise ValidationError(f"The {what} names an unknown framework '{it['framework']}'.")
        cits, by_quote = [], {}
        for n, c in enumerate(it.get("citations", [])):
            if c["source"] not in texts:
                raise ValidationError(f"The {what} cites an unknown source '{c['source']}'.")
            text = texts[c["source"]]
            start, end = anchoring.locate(text, c["quote"], after=c.get("after"), what=what)
            prefix, suffix = anchoring.context(text, start, end)
            cid = seed_id(f"citation:{key}:{n}")
            by_quote[c["quote"]] = cid
            cits.append({"id": cid, "source_id": sid[c["source"]], "start": start, "end": end,
                         "quote": c["quote"], "prefix": prefix, "suffix": suffix})
        # seeded entries are curated: approved (review_fields), like everything before review states
        ups = [{"id": seed_id(f"update:{key}:{n}"), "status": u["status"], "as_of": u["as_of"],
                "note": u.get("note", ""), "author": u.get("author", SEED_AUTHOR), "created_at": SEED_TIME,
                "review_state": "approved"}
               for n, u in enumerate(it.get("status_updates", []))]
        obs = []
        for n, o in enumerate(it.get("observations", [])):
            if o.get("quote") and o["quote"] not in by_quote:
                raise ValidationError(f"An observation of the {what} quotes words that are not among its citations.")
            obs.append({"id": seed_id(f"observation:{key}:{n}"), "value": o["value"], "observed_on": o["observed_on"],
                        "note": o.get("note", ""), "citation_id": by_quote.get(o.get("quote")),
                        "review_state": "approved"})
        status = ups[-1]["status"] if ups else it.get("status", "unknown")
        if ups and it.get("status") and max(ups, key=lambda u: u["as_of"])["status"] != it["status"]:
            raise ValidationError(f"The {what} has status '{it['status']}' but its latest update says otherwise.")
        parent = it.get("parent")
        if parent and parent not in item_ids:
            raise ValidationError(f"The {what} names an unknown parent '{parent}'.")
        items.append({"id": item_ids[key], "framework_id": fw[it["framework"]],
                      "parent_id": item_ids[parent] if parent else None, "ref": str(it.get("ref", "")),
                      "kind": it["kind"], "title": it["title"], "description": it.get("description", ""),
                      "actor": it.get("actor"), "status": status, "due_on": it.get("due_on"),
                      "tags": it.get("tags", []), "created_at": SEED_TIME, "updated_at": SEED_TIME,
                      "citations": cits, "status_updates": ups, "target": it.get("target"), "observations": obs,
                      "review_state": "approved"})
    relations = []
    for n, r in enumerate(cur.get("relations", [])):
        for side in ("from", "to"):
            if r[side] not in item_ids:
                raise ValidationError(f"Relation {n + 1} names an unknown item '{r[side]}'.")
        relations.append({"id": seed_id(f"relation:{r['from']}:{r['to']}:{r['kind']}"), "from_id": item_ids[r["from"]],
                          "to_id": item_ids[r["to"]], "kind": r["kind"], "note": r.get("note", "")})
    return {"format": jsonio.FORMAT, "version": jsonio.VERSION, "exported_at": SEED_TIME, "statuses": [],
            "sources": sources, "frameworks": frameworks, "items": items, "relations": relations}


def load_seeds(store: Store, seeds_dir: Path = SEEDS_DIR) -> jsonio.ImportReport:
    """Import the bundled seeds (idempotent: ids are derived from the curated keys)."""
    report = jsonio.import_document(store, build_document(seeds_dir))
    with store.write():
        store.set_meta("seeded_from", "seeds/curated.toml")
    return report
