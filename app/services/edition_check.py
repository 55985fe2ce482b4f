"""What `policy-tracker check` says about citations waiting for a person (issue 15).

A citation a new edition left in doubt ('review') or could not find ('not_found') is information
for the analyst, not damage to the file: `check` lists each one, and the observations and targets
that cite a quote whose figures changed, and still calls a file with nothing else wrong sound
(exit code 0).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..store import editions as E
from ..store.store import Store

STATE_WORDS = {"review": "to review", "not_found": "not found"}


@dataclass(frozen=True)
class Waiting:
    lines: tuple[str, ...]
    citations: int
    flagged: int

    @property
    def sentence(self) -> str:
        text = f"{self.citations} citation(s) wait to be checked (Citations to Check in the window)"
        if self.flagged:
            text += f", and {self.flagged} observation(s) or target(s) cite figures that changed"
        return text


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def check_lines(store: Store) -> Waiting:
    """One line per citation to check, then one per observation or target citing changed figures."""
    rows = E.to_check(store)
    lines = []
    for c in rows:
        label = f"{c['ref']} {c['title']}".strip()
        extra = "; its figures changed" if c["figures_changed"] else ""
        if c["suggested_start"] is not None:
            extra += f"; suggested: characters {c['suggested_start']}-{c['suggested_end']}"
        lines.append(f"citation to check ({STATE_WORDS[c['anchor_state']]}): {_clip(label)}: {_clip(c['quote'])!r} "
                     f"in '{_clip(c['source_title'], 40)}' edition {c['edition']} [{c['id']}]{extra}")
    flags = E.flagged(store)
    for oid in flags["observations"]:
        o = store.get_observation(oid)
        if o is not None:
            lines.append(f"observation citing changed figures: {o['value']:g} on {o['observed_on']} [{oid}]")
    for iid in flags["targets"]:
        it = store.get_item(iid)
        if it is not None:
            lines.append(f"target citing changed figures: {_clip((it['ref'] + ' ' + it['title']).strip())} [{iid}]")
    return Waiting(tuple(lines), len(rows), len(flags["observations"]) + len(flags["targets"]))
