"""Review states at 100,000 items: counts per state, the list awaiting review, and the review filter.

App: app.store.reviews.counts / awaiting and Store.item_ids(review_state=...), over the decisions
of 11,000 entries (10,000 updates submitted, 1,000 returned) written into the benchmark file.
Baseline: the plain counts and filter the navigator already runs (count(*) of the three entry
tables; Store.item_ids by status). Targets: each within 3x its baseline, or under 50 ms; the full
list of 10,000 entries (what `review --list` prints) under 1 s.
"""
from __future__ import annotations

import time

from .harness import Result, paired_times

SUBMITTED, RETURNED = 10_000, 1_000
LIMIT_S = 0.05


def _decide(store) -> None:
    """Give 11,000 updates a decision, through the table's own triggers (review_current follows)."""
    owners = dict(store.conn.execute("SELECT id, item_id FROM status_updates ORDER BY seq LIMIT ?",
                                     (SUBMITTED + RETURNED,)).fetchall())
    ids = list(owners)
    rows = [(f"bench-{n}", "status_update", uid, owners[uid], "submitted" if n < SUBMITTED else "returned",
             "Bench", "2026-01-01T00:00:00.000Z", "") for n, uid in enumerate(ids)]
    with store.write():
        store.conn.executemany("INSERT OR IGNORE INTO reviews (id, entry_kind, entry_id, item_id, state, reviewer, "
                               "at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def run(ctx) -> list:
    from app.store import reviews
    store = ctx.store
    t = time.perf_counter()
    _decide(store)
    setup = time.perf_counter() - t
    raw = ctx.raw

    def base_counts():
        return [raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("items", "status_updates", "observations")]

    cases = [  # (name, app, baseline, absolute limit in s, or a ratio to the baseline as well)
        ("review counts (4 states, 1.1M entries)", lambda: reviews.counts(store), base_counts, LIMIT_S, True),
        ("awaiting review, all 10,000 (the CLI's --list)", lambda: reviews.awaiting(store),
         lambda: store.item_ids(statuses=["in_progress"]), 1.0, False),
        ("awaiting review, the window's first 200", lambda: reviews.awaiting(store, limit=200),
         lambda: store.item_ids(statuses=["in_progress"], limit=200), LIMIT_S, True),
        ("review filter: items with a returned entry", lambda: store.item_ids(review_state="returned"),
         lambda: store.item_ids(statuses=["stalled"]), LIMIT_S, True),
    ]
    out = []
    for name, app_fn, base_fn, limit, or_ratio in cases:
        app, base = paired_times(app_fn, base_fn, repeats=ctx.repeats)
        target = f"<= 3x or < {limit * 1000:.0f} ms" if or_ratio else f"< {limit:g} s"
        r = Result(name, app[0], base[0], target,
                   samples={"app": app[1], "baseline": base[1], "setup_s": round(setup, 2)})
        r.passed = app[0] < limit or (or_ratio and r.ratio is not None and r.ratio <= 3)
        out.append(r)
    return out
