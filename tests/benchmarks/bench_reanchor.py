"""Re-anchor 10,000 citations on a ~1 MB edition with realistic edits (issue 15). Target: at most 2 s.

The old edition is about 1 MB of numbered articles whose sentences are made from the seeds'
word pairs, with one paragraph in fifty repeated word for word. The new
edition is built with tests/core/revisions.py, which knows the truth for every character:
sentences inserted and deleted, paragraphs moved, repeated sentences, numbered lists made
lettered, spelling, figures, casing, quote marks, rewrapped lines and Windows line endings.
10,000 citations are drawn from the old edition (sentences, lines and runs of 4-20 words). Timed:
one `reanchor()` call. Reported beside it: how many were placed, sent to review or not found,
and how many were placed on words that are not their own (must be 0).

    python -m tests.benchmarks.bench_reanchor      # this row alone, without the big database
"""
from __future__ import annotations

import random
import re
import sys
from collections import Counter

from .harness import Result, median_time

TARGET_S = 2.0
CITATIONS = 10_000


def old_edition(size: int = 1_000_000) -> str:
    """About `size` characters of plan-like text: numbered articles of paragraphs whose sentences
    are drawn from the seeds' word pairs (a bigram chain, seeded), so phrases recur as they do
    in a long plan but paragraphs do not; one paragraph in fifty is repeated word for word."""
    from tests.core.revisions import seed_texts
    rng = random.Random(15)
    words = [w for t in seed_texts().values() for w in re.findall(r"[\w’'%$-]+[.,;:]?", t)]
    follow: dict[str, list[str]] = {}
    for w1, w2 in zip(words, words[1:], strict=False):
        follow.setdefault(w1, []).append(w2)
    starts = [w for w in words if w[:1].isupper()]
    out: list[str] = []
    paras: list[str] = []
    total = n = 0
    while total < size:
        n += 1
        if paras and rng.random() < 0.02:
            body = rng.choice(paras)
        else:
            sents = []
            for _ in range(rng.randint(2, 6)):
                w = rng.choice(starts)
                sent = [w]
                while len(sent) < 40 and not (len(sent) > 8 and sent[-1].endswith(".")):
                    w = rng.choice(follow.get(w) or starts)
                    sent.append(w)
                text = " ".join(sent).rstrip(",;:")
                sents.append(text if text.endswith(".") else text + ".")
            body = " ".join(sents)
            paras.append(body)
        piece = f"Article {n}\n{body}\n"
        out.append(piece)
        total += len(piece)
    return "".join(out)


def new_edition(old: str):
    from tests.core import revisions as R
    rng = random.Random(15)
    rev = R.Revision(old, "bench")
    R.move_paragraphs(rev, rng, n=40)
    R.delete_sentences(rev, rng, n=400)
    R.insert_sentences(rev, rng, n=300)
    R.repeat_sentences(rev, rng, n=100)
    for m in re.finditer(r"\d+", old):        # one number in fifty changes
        if rng.random() < 0.02:
            d = m.group()
            rev.replace(m.start(), m.end(), d[:-1] + str((int(d[-1]) + 1) % 10), "figures")
    R.reformat_list(rev, rng)
    for rx, fn in R.SPELLING:                 # one American spelling in five made British
        for m in rx.finditer(old):
            if rng.random() < 0.2:
                rev.replace(m.start(), m.end(), fn(m), "spelling")
    for m in re.finditer(r"\b(will|digital|regional)\b", old):   # a few words reworded
        if rng.random() < 0.02:
            rev.replace(m.start(), m.end(), R.REWORDS[m.group()], "reword")
    R.quote_marks(rev, rng)
    for m in re.finditer(r"(?<=\w) (?=\w)", old):   # one space in fifty becomes a line break
        if rng.random() < 0.02:
            rev.replace(m.start(), m.end(), "\n", "layout")
    R.crlf(rev, rng)
    return rev.build()


def citations(old: str) -> list[tuple[int, int]]:
    from tests.core.revisions import citations as all_citations
    rng = random.Random(15)
    # what analysts cite: sentences, lines and runs of 4 to 20 words (the truth tests also cite
    # runs of 2 and 3 words); drawn from stretches spread over the text (every window of the
    # whole megabyte would be millions)
    pool: set[tuple[int, int]] = set()
    at = 0
    while len(pool) < 4 * CITATIONS and at < len(old):
        chunk = old[at:at + 20_000]
        pool.update((s + at, e + at) for s, e in all_citations(chunk, sizes=(4, 6, 9, 13, 20)))
        at += 97_000
    return sorted(rng.sample(sorted(pool), CITATIONS))


def run_reanchor(repeats: int = 3) -> Result:
    from app.core.reanchor import PLACED, Anchor, reanchor
    old = old_edition()
    ed = new_edition(old)
    spans = citations(old)
    anchors = [Anchor(s, e, old[s:e]) for s, e in spans]
    got: list = []

    def app():
        got[:] = reanchor(old, ed.text, anchors)

    t, samples = median_time(app, repeats=repeats, warmup=0)
    states = Counter(p.state for p in got)
    wrong = survive = placed = 0
    for (s, e), p in zip(spans, got, strict=True):
        truth = ed.truth(s, e)
        survive += truth.survives
        if p.state in PLACED:
            placed += truth.survives
            wrong += not truth.survives or (p.start, p.end) != truth.span
    r = Result(f"re-anchor {len(anchors):,} citations on a {len(old) / 1e6:.1f} MB edition", t, None,
               f"<= {TARGET_S:g} s", t <= TARGET_S and wrong == 0,
               note=f"{placed / max(survive, 1):.1%} of surviving citations placed, {wrong} wrong; "
                    + ", ".join(f"{k} {states.get(k, 0):,}" for k in ("exact", "moved", "reworded", "review",
                                                                        "not_found")),
               samples={"app": samples, "states": dict(states), "wrong": wrong, "placed_surviving": placed,
                        "surviving": survive})
    return r


def run(ctx) -> list:
    return [run_reanchor(min(ctx.repeats, 3))]


if __name__ == "__main__":
    from .harness import table
    res = run_reanchor()
    print(table([res]))
    print(res.note)
    sys.exit(0 if res.passed else 1)
