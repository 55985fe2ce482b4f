"""Import a 10,000-item JSON document (jsonio.import_document) vs raw executemany in one transaction.

Both write into a fresh database built by the real migrations, so both pay the same triggers
(search index, counts, audit); the difference is validation, anchoring and per-row Python.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .harness import paired_times, ratio_result


def raw_import(conn, doc: dict) -> None:
    items = doc["items"]
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO sources (id, title, kind, publisher, author, event, published_on, url, language, sha256, text) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ((s["id"], s["title"], s.get("kind") or "document", s.get("publisher"), s.get("author"), s.get("event"),
          s.get("published_on"), s.get("url"), s.get("language"), s["sha256"], s["text"]) for s in doc["sources"]))
    conn.executemany("INSERT INTO frameworks (id, title, actor, description) VALUES (?,?,?,?)",
                     ((f["id"], f["title"], f.get("actor"), f.get("description") or "") for f in doc["frameworks"]))
    conn.executemany(
        "INSERT INTO items (id, framework_id, parent_id, ref, kind, title, description, actor, status, due_on, tags, "
        "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ((i["id"], i["framework_id"], None, i.get("ref") or "", i["kind"], i["title"], i.get("description") or "",
          i.get("actor"), i.get("status") or "unknown", i.get("due_on"),
          json.dumps(i.get("tags") or [], ensure_ascii=False),
          i.get("created_at"), i.get("updated_at")) for i in items))
    conn.executemany("UPDATE items SET parent_id = ? WHERE id = ?",
                     ((i["parent_id"], i["id"]) for i in items if i.get("parent_id")))
    conn.executemany(
        "INSERT INTO citations (id, item_id, source_id, start_offset, end_offset, quote, prefix, suffix) "
        "VALUES (?,?,?,?,?,?,?,?)",
        ((c["id"], i["id"], c["source_id"], c.get("start"), c.get("end"), c["quote"], c.get("prefix") or "",
          c.get("suffix") or "") for i in items for c in i.get("citations") or ()))
    conn.executemany(
        "INSERT INTO status_updates (id, item_id, status, as_of, note, author, created_at) VALUES (?,?,?,?,?,?,?)",
        ((u["id"], i["id"], u["status"], u["as_of"], u.get("note") or "", u.get("author") or "", u.get("created_at"))
         for i in items for u in i.get("status_updates") or ()))
    conn.executemany(
        "INSERT INTO targets (item_id, unit, baseline, baseline_on, target, target_on, direction) "
        "VALUES (?,?,?,?,?,?,?)",
        ((i["id"], t.get("unit") or "", t.get("baseline"), t.get("baseline_on"), t["target"], t.get("target_on"),
          t.get("direction") or "increase") for i in items if (t := i.get("target"))))
    conn.executemany(
        "INSERT INTO observations (id, item_id, value, observed_on, note, citation_id) VALUES (?,?,?,?,?,?)",
        ((o["id"], i["id"], o["value"], o["observed_on"], o.get("note") or "", o.get("citation_id"))
         for i in items for o in i.get("observations") or ()))
    conn.executemany("INSERT INTO relations (id, from_id, to_id, kind, note) VALUES (?,?,?,?,?)",
                     ((r["id"], r["from_id"], r["to_id"], r["kind"], r.get("note") or "") for r in doc["relations"]))
    conn.execute("COMMIT")


def run(ctx) -> list:
    from app.exchange import jsonio
    from app.store.store import Store

    from .dataset import import_document, raw_connection

    doc_path, _ = import_document()
    doc = jsonio.load_file(doc_path)
    n_items = len(doc["items"])
    template = ctx.workdir / "import-empty.sqlite"
    if not template.exists():
        with Store(template) as s:
            s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    state = {}

    def fresh(name: str) -> Path:
        target = ctx.workdir / name
        for p in (target, Path(str(target) + "-wal"), Path(str(target) + "-shm")):
            p.unlink(missing_ok=True)
        shutil.copyfile(template, target)
        return target

    def app_setup():
        if state.get("store"):
            state["store"].close()
        state["store"] = Store(fresh("import-app.sqlite"))

    def base_setup():
        if state.get("raw"):
            state["raw"].close()
        state["raw"] = raw_connection(fresh("import-raw.sqlite"))
        state["raw"].execute("PRAGMA journal_mode = WAL")
        state["raw"].execute("PRAGMA synchronous = FULL")

    reps = max(3, ctx.repeats // 2 + 1)
    app, base = paired_times(lambda: jsonio.import_document(state["store"], doc), lambda: raw_import(state["raw"], doc),
                             reps, warmup=0, app_setup=app_setup, base_setup=base_setup)
    counts = state["store"].table_counts()
    state["store"].close()
    raw_counts = {t: state["raw"].execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts}
    state["raw"].close()
    assert counts == raw_counts, (counts, raw_counts)
    return [ratio_result(f"import JSON document ({n_items:,} items, {counts['status_updates']:,} notes)",
                         app, base, 3.0)]
