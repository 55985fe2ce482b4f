"""Full-text search over items + notes through Store.search vs the same FTS5 query in raw sqlite3."""
from __future__ import annotations

from .harness import paired_times, ratio_result

LIMIT = 50
SNIP = "snippet({t}, -1, '\x02', '\x03', '…', 12)"


def raw_search(conn, match: str, limit: int = LIMIT) -> list[tuple]:
    """The lean form: top-N straight from each FTS index, then the few rows it names."""
    items = conn.execute(
        f"SELECT f.rank, i.id, i.ref, i.title, i.status, f.snip FROM "
        f"(SELECT rowid, rank, {SNIP.format(t='items_fts')} AS snip FROM items_fts WHERE items_fts MATCH ? "
        f"ORDER BY rank LIMIT ?) f JOIN items i ON i.seq = f.rowid", (match, limit)).fetchall()
    notes = conn.execute(
        f"SELECT f.rank, u.item_id, i.ref, i.title, u.status, f.snip, u.id, u.as_of FROM "
        f"(SELECT rowid, rank, {SNIP.format(t='status_updates_fts')} AS snip FROM status_updates_fts "
        f"WHERE status_updates_fts MATCH ? ORDER BY rank LIMIT ?) f "
        f"JOIN status_updates u ON u.seq = f.rowid JOIN items i ON i.id = u.item_id", (match, limit)).fetchall()
    out = items + notes
    out.sort(key=lambda r: r[0])
    return out[:limit]


RANK_WINDOW = 5000


def proposed_search(conn, match: str, limit: int = LIMIT) -> list[tuple]:
    """What Store.search could do (measured here, for the integrator): never bm25 over 400,000 rows.

    A plain query ranks only the newest RANK_WINDOW matches of each index by bm25 (identical to
    full ranking whenever fewer match); a prefix query (term*) lists the newest matches first,
    because bm25 must count every document of every expanded term, however small the LIMIT.
    """
    out = []
    for fts, sql_rows in (("items_fts", "SELECT t.rk, i.id, i.ref, i.title, i.status, t.snip FROM ({inner}) t "
                                        "JOIN items i ON i.seq = t.rowid"),
                          ("status_updates_fts", "SELECT t.rk, u.item_id, i.ref, i.title, u.status, t.snip, u.id, "
                                                 "u.as_of FROM ({inner}) t JOIN status_updates u ON u.seq = t.rowid "
                                                 "JOIN items i ON i.id = u.item_id")):
        snip = SNIP.format(t=fts)
        if match.endswith("*") or "* " in match:
            inner = (f"SELECT rowid, -rowid AS rk, {snip} AS snip FROM {fts} WHERE {fts} MATCH ? "
                     f"ORDER BY rowid DESC LIMIT ?")
            params = (match, limit)
        else:
            inner = (f"SELECT f.rowid, top.rk, {snip} AS snip FROM {fts} f JOIN (SELECT rowid AS r, rank AS rk FROM "
                     f"(SELECT rowid, rank FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT {RANK_WINDOW}) "
                     f"ORDER BY rk LIMIT ?) top ON f.rowid = top.r WHERE {fts} MATCH ?")
            params = (match, limit, match)
        out += conn.execute(sql_rows.format(inner=inner), params).fetchall()
    if not all(r[0] < 0 for r in out):
        out.sort(key=lambda r: r[0])
    return out[:limit]


def run(ctx) -> list:
    from app.services.demo_data import COMMON_TERM, PREFIX_TERM, RARE_TERM
    from app.store.store import fts_query

    store, conn = ctx.store, ctx.raw
    results = []
    for label, term in (("rare", RARE_TERM), ("common", COMMON_TERM), ("prefix", PREFIX_TERM + "*"),
                        ("two words", "road safety")):
        match = fts_query(term)
        app_rows = store.search(term, limit=LIMIT, scopes=("items", "notes"))
        raw_rows = raw_search(conn, match)
        assert len(app_rows) == len(raw_rows), (label, len(app_rows), len(raw_rows))
        app, base = paired_times(lambda term=term: store.search(term, limit=LIMIT, scopes=("items", "notes")),
                                 lambda match=match: raw_search(conn, match), ctx.repeats * 2)
        also = (0.100, "100 ms") if label == "common" else None
        results.append(ratio_result(f"search {label} '{term}' (top {LIMIT}, {len(app_rows)} shown)", app, base, 1.5,
                                    also=also))
        if not results[-1].passed:
            prop, _ = paired_times(lambda match=match: proposed_search(conn, match),
                                   lambda match=match: raw_search(conn, match), ctx.repeats)
            r = ratio_result(f"  proposed Store.search for '{term}' (bench_search.proposed_search)", prop, base, 1.5,
                             also=also, note="proposal")
            r.passed = None  # informational: what the fix would give
            r.note = "proposal"
            results.append(r)
    return results
