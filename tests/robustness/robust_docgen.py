"""Builders shared by the robustness tests and their child processes: big valid documents, hashes."""
from __future__ import annotations

import hashlib
import sqlite3
import uuid
from pathlib import Path

WORDS = ("reduce", "emissions", "by", "half", "build", "schools", "کاهش", "آلودگی", "هوا", "نیروگاه",
         "increase", "exports", "railway", "water", "housing", "grid", "solar", "۹۰", "درصد", "tax")


def make_document(n_items: int, *, n_frameworks: int = 10, seed: int = 1) -> dict:
    """A valid exchange document with n_items items, citations into one source, updates and targets."""
    ns = uuid.UUID(int=seed)
    ident = lambda name: str(uuid.uuid5(ns, name))  # noqa: E731
    sentences = [f"Sentence {i}: we will {WORDS[i % len(WORDS)]} {WORDS[(i * 7) % len(WORDS)]} by {2030 + i % 10}."
                 for i in range(max(n_items, 1))]
    text = "\n".join(sentences)
    offsets, pos = [], 0
    for s in sentences:
        offsets.append((pos, pos + len(s)))
        pos += len(s) + 1
    src = ident("source")
    doc = {"format": "policy-tracker", "version": 1, "statuses": [],
           "sources": [{"id": src, "title": "Generated plan", "text": text, "published_on": "2024-01-01"}],
           "frameworks": [{"id": ident(f"fw{f}"), "title": f"Framework {f}", "actor": "Ministry"}
                          for f in range(n_frameworks)],
           "items": [], "relations": []}
    for i in range(n_items):
        start, end = offsets[i]
        item = {"id": ident(f"item{i}"), "framework_id": ident(f"fw{i % n_frameworks}"), "ref": str(i + 1),
                "kind": ("goal", "target", "proposal")[i % 3], "title": f"Item {i} {WORDS[i % len(WORDS)]}",
                "description": "", "status": "in_progress" if i % 2 else "proposed", "tags": ["gen"],
                "citations": [{"id": ident(f"cit{i}"), "source_id": src, "start": start, "end": end,
                               "quote": sentences[i]}],
                "status_updates": [{"id": ident(f"up{i}"), "status": "in_progress" if i % 2 else "proposed",
                                    "as_of": "2024-02-01", "note": f"note {i}"}]}
        if i % 3 == 1:
            item["target"] = {"unit": "%", "baseline": 10, "target": 50, "direction": "increase"}
            item["observations"] = [{"id": ident(f"obs{i}"), "value": 20, "observed_on": "2024-03-01"}]
        doc["items"].append(item)
    for i in range(0, n_items - 1, 50):
        doc["relations"].append({"id": ident(f"rel{i}"), "from_id": ident(f"item{i}"),
                                 "to_id": ident(f"item{i + 1}"), "kind": "supports"})
    return doc


TABLES = ("sources", "frameworks", "items", "citations", "status_updates", "targets", "observations",
          "relations", "statuses", "audit_log", "app_meta")


def content_hash(path: Path | str) -> str:
    """A hash of every row of every table (read-only), to prove that a refused input changed nothing."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for t in TABLES:
            for row in conn.execute(f"SELECT * FROM {t} ORDER BY 1"):
                h.update(repr(row).encode("utf-8", "surrogatepass"))
        h.update(str(conn.execute("PRAGMA user_version").fetchone()[0]).encode())
        return h.hexdigest()
    finally:
        conn.close()


def check_file(path: Path | str) -> list[str]:
    """integrity_check and foreign_key_check problems of a closed file (empty list when sound)."""
    conn = sqlite3.connect(str(path))
    try:
        out = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        out += [f"fk: {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        return out
    finally:
        conn.close()
